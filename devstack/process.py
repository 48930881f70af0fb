"""One child process of the stack: started in its own session, logged to a file, stopped
by process group (SIGTERM, then SIGKILL after a grace period).

Every started child is tracked, and an ``atexit`` hook kills what is left, so children do
not outlive the process that started them. On Linux each child also asks the kernel for
SIGTERM when its parent dies, which covers a parent killed with SIGKILL.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import shlex
import signal
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from devstack.net import wait_for_port

_PR_SET_PDEATHSIG = 1
_running: weakref.WeakSet[ChildProcess] = weakref.WeakSet()


class ChildExitedError(RuntimeError):
    def __init__(self, child: ChildProcess, returncode: int) -> None:
        super().__init__(
            f"{child.name} exited with code {returncode}; last lines of {child.log_path}:\n"
            f"{child.log_tail()}"
        )
        self.returncode = returncode


def _die_with_parent(parent_pid: int) -> Callable[[], None] | None:
    """A ``preexec_fn`` asking Linux to SIGTERM the child when this thread's process dies.

    Only from the main thread: the kernel ties the signal to the forking *thread*, so a
    child started from a worker thread would die with that thread.
    """
    if not sys.platform.startswith("linux"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before fork, not after

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


class ChildProcess:
    """A server (or worker) process with a log file and, optionally, a port it opens."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        *,
        log_path: Path,
        host: str | None = None,
        port: int | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.command = list(command)
        self.log_path = log_path
        self.host = host
        self.port = port
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self._popen: subprocess.Popen[bytes] | None = None
        self._log_offset = 0

    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen else None

    def start(self) -> None:
        if self.is_running():
            return
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **(self.env or {}), "PYTHONUNBUFFERED": "1"}
        with self.log_path.open("ab") as log:
            started = datetime.now(UTC).isoformat(timespec="seconds")
            log.write(f"--- {started} {shlex.join(self.command)}\n".encode())
            log.flush()
            self._log_offset = log.tell()
            self._popen = subprocess.Popen(
                self.command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.cwd,
                start_new_session=True,
                preexec_fn=_die_with_parent(os.getpid()),
            )
        _running.add(self)

    def is_running(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    def raise_if_exited(self) -> None:
        if self._popen is not None and (code := self._popen.poll()) is not None:
            raise ChildExitedError(self, code)

    def wait_ready(self, timeout: float = 30.0, *, check: Callable[[], None] | None = None) -> None:
        """Wait until the child's port accepts connections; fail if the child dies first.

        ``check`` runs on every poll too and may raise to give up (for example on Ctrl-C).
        """

        def still_worth_waiting() -> None:
            self.raise_if_exited()
            if check is not None:
                check()

        if self.host is None or self.port is None:
            still_worth_waiting()
            return
        try:
            wait_for_port(self.host, self.port, timeout, check=still_worth_waiting)
        except TimeoutError as error:
            raise TimeoutError(f"{self.name}: {error}\n{self.log_tail()}") from None

    def stop(self, grace: float = 10.0) -> int | None:
        """SIGTERM the child's process group, SIGKILL it after ``grace`` seconds."""
        popen, self._popen = self._popen, None
        _running.discard(self)
        if popen is None:
            return None
        if popen.poll() is None:
            _signal_group(popen.pid, signal.SIGTERM)
            try:
                popen.wait(grace)
            except subprocess.TimeoutExpired:
                _signal_group(popen.pid, signal.SIGKILL)
                popen.wait()
        return popen.returncode

    def log_tail(self, lines: int = 40) -> str:
        """The end of what the child wrote since its last start (the log keeps every run)."""
        try:
            with self.log_path.open("rb") as log:
                log.seek(self._log_offset)
                text = log.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


@atexit.register
def _kill_leftovers() -> None:
    for child in list(_running):
        child.stop(grace=2.0)
