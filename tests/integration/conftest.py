"""The app in-process; the worker in-process or as a child process that a test can kill."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from devstack.process import ChildProcess
from devstack.servers import REPO_ROOT
from devstack.supervisor import settings_env
from settings import Settings
from tests.api.harness import Api, api_client, eventually, in_process_worker

#: What ``worker.run_worker`` logs once it polls its task queue.
POLLING = "worker polling task queue"


class WorkerProcess:
    """``ibtool worker`` as a child process, started the way ``ibtool run`` starts it."""

    def __init__(self, settings: Settings, folder: Path) -> None:
        self._child = ChildProcess(
            "worker",
            [sys.executable, "-c", "import ibtool_cli; ibtool_cli.main()", "worker"],
            log_path=folder / "worker.log",
            env=settings_env(settings),
            cwd=REPO_ROOT,
        )
        self.starts = 0

    @property
    def pid(self) -> int | None:
        return self._child.pid

    def is_running(self) -> bool:
        return self._child.is_running()

    async def start(self) -> None:
        """Start a new worker process and wait until it polls the task queue."""
        self._child.start()
        self.starts += 1

        async def polling() -> bool | None:
            self._child.raise_if_exited()
            return True if POLLING in self._child.log_tail(400) else None

        await eventually(polling, within=30.0, interval=0.1, what="the worker polling")

    async def kill(self) -> None:
        """``kill -9`` the worker (this pid only) and reap it."""
        pid = self._child.pid
        assert pid is not None and self._child.is_running()
        os.kill(pid, signal.SIGKILL)

        async def gone() -> bool | None:
            return True if not self._child.is_running() else None

        await eventually(gone, within=10.0, what=f"worker {pid} gone")
        self._child.stop()  # forget the dead process; nothing is left to signal

    async def stop(self) -> None:
        """SIGTERM, as an orderly shutdown would."""
        await asyncio.to_thread(self.close)

    def close(self) -> None:
        self._child.stop(grace=15.0)


@pytest.fixture
def worker_process(settings: Settings, tmp_path: Path) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(settings, tmp_path)
    try:
        yield worker
    finally:
        worker.close()


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Api]:
    """The real app on a socket, with no worker of its own."""
    async with api_client(settings) as client:
        yield client


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    """The real app on a socket, backed by a real in-process worker."""
    async with in_process_worker(settings), api_client(settings) as client:
        yield client
