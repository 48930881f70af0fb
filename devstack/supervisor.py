"""``ibtool run``: start the embedded stack as child processes and keep it up until Ctrl-C.

Order: Temporal dev server, store, SMTP sink, worker, API. Each server's port must open
before the next starts, then ``GET /readyz`` must answer 200. Stopping goes in reverse.
Logs go to ``<data_dir>/logs/<name>.log``; state stays in ``<data_dir>`` across restarts.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import httpx
from pydantic import SecretStr
from pymongo.errors import PyMongoError

from auth.seed import announcement, seed_stack
from devstack.net import PortInUseError, ensure_port_free, mongo_host_port, split_host_port
from devstack.process import ChildExitedError, ChildProcess
from devstack.smtp_sink import smtp_command
from devstack.store_server import store_command, store_uri
from devstack.temporal_server import start_dev_command
from settings import Settings

READY_TIMEOUT = 90.0
PORT_TIMEOUT = 60.0
STOP_GRACE = 10.0


class StackStoppedError(Exception):
    """SIGINT or SIGTERM arrived while the stack was starting."""


def settings_env(settings: Settings) -> dict[str, str]:
    """``IBTOOL_*`` variables that make a child's ``Settings()`` equal to ``settings``."""
    env: dict[str, str] = {}
    for name, value in settings.model_dump(mode="json").items():
        secret = getattr(settings, name)
        if isinstance(secret, SecretStr):  # dumped as "**********"; the child needs the value
            value = secret.get_secret_value()
        if value is not None:
            env[f"IBTOOL_{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)
    return env


def plan_stack(settings: Settings, *, with_app: bool = True) -> list[ChildProcess]:
    """The children of the stack, in start order (nothing is started here)."""
    data_dir = settings.data_dir.resolve()
    logs = data_dir / "logs"
    # The embedded stack is a development stack: its API lists the sink's mail at /dev/mail.
    env = settings_env(settings.model_copy(update={"data_dir": data_dir, "dev_endpoints": True}))
    t_host, t_port = split_host_port(settings.temporal_address, default_port=7233)
    s_host, s_port = mongo_host_port(settings.mongo_uri)
    children = [
        ChildProcess(
            "temporal",
            start_dev_command(
                host=t_host,
                port=t_port,
                ui_port=settings.temporal_ui_port,
                db_path=data_dir / "temporal.db",
                namespaces=sorted({"default", settings.temporal_namespace}),
                ui_codec_endpoint=f"{settings.api_url}/codec" if with_app else None,
            ),
            log_path=logs / "temporal.log",
            host=t_host,
            port=t_port,
        ),
        ChildProcess(
            "store",
            store_command(host=s_host, port=s_port, path=data_dir / "store.db"),
            log_path=logs / "store.log",
            host=s_host,
            port=s_port,
        ),
        ChildProcess(
            "smtp",
            smtp_command(
                host=settings.smtp_host, port=settings.smtp_port, folder=data_dir / "mail"
            ),
            log_path=logs / "smtp.log",
            host=settings.smtp_host,
            port=settings.smtp_port,
        ),
    ]
    if with_app:
        run_cli = [sys.executable, "-c", "import ibtool_cli; ibtool_cli.main()"]
        children += [
            ChildProcess("worker", [*run_cli, "worker"], log_path=logs / "worker.log", env=env),
            ChildProcess(
                "api",
                [*run_cli, "api"],
                log_path=logs / "api.log",
                host=settings.api_host,
                port=settings.api_port,
                env=env,
            ),
        ]
    return children


def check_ports(settings: Settings, children: list[ChildProcess]) -> None:
    """Raise :class:`PortInUseError` naming the first service whose port is taken."""
    for child in children:
        if child.host is not None and child.port is not None:
            ensure_port_free(service=child.name, host=child.host, port=child.port)
    t_host, _ = split_host_port(settings.temporal_address, default_port=7233)
    ensure_port_free(service="temporal web ui", host=t_host, port=settings.temporal_ui_port)


def wait_until_ready(url: str, *, children: list[ChildProcess], stop: threading.Event) -> None:
    """Poll ``url`` until it answers 200, failing if a child dies or time runs out."""
    deadline = time.monotonic() + READY_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        _check(children, stop)
        try:
            response = httpx.get(url, timeout=2.0)
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}: {response.text[:200]}"
        except httpx.HTTPError as error:
            last = repr(error)
        stop.wait(0.5)
    raise TimeoutError(f"{url} not ready after {READY_TIMEOUT:.0f} s (last: {last})")


def _check(children: list[ChildProcess], stop: threading.Event) -> None:
    if stop.is_set():
        raise StackStoppedError
    for child in children:
        child.raise_if_exited()


def start_children(children: list[ChildProcess], stop: threading.Event) -> None:
    for index, child in enumerate(children):
        _check(children[:index], stop)
        child.start()
        print(f"  started {child.name} (pid {child.pid}, log {child.log_path})", flush=True)
        if child.port is not None:
            child.wait_ready(PORT_TIMEOUT, check=lambda: _check(children, stop))


def describe(settings: Settings, *, with_app: bool) -> str:
    data_dir = settings.data_dir.resolve()
    t_host, _ = split_host_port(settings.temporal_address, default_port=7233)
    s_host, s_port = mongo_host_port(settings.mongo_uri)
    lines = ["IBTool stack is up (Ctrl-C stops it)"]
    if with_app:
        lines += [f"  API          {settings.api_url}", f"  API docs     {settings.api_url}/docs"]
    lines += [
        f"  Temporal     {settings.temporal_address} (namespace {settings.temporal_namespace})",
        f"  Temporal UI  http://{t_host}:{settings.temporal_ui_port}",
        f"  store        {store_uri(s_host, s_port)} (database {settings.mongo_db})",
        f"  SMTP sink    {settings.smtp_host}:{settings.smtp_port} (ibtool mail list)",
        f"  log in       ibtool token --user NAME, or POST {settings.api_url}/auth/token",
        f"  data         {data_dir} (logs in {data_dir / 'logs'})",
    ]
    return "\n".join(lines)


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    def handler(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def seed_first_run(settings: Settings) -> None:
    """On the first run (no users in the store), one user per role; passwords shown once."""
    try:
        seeded = asyncio.run(seed_stack(settings))
    except PyMongoError as error:
        print(f"ibtool run: could not seed the first users: {error}", file=sys.stderr)
        return
    if seeded:
        print(announcement(seeded, settings.data_dir), flush=True)


def stop_children(children: list[ChildProcess]) -> None:
    for child in reversed(children):
        if child.pid is not None:
            print(f"  stopping {child.name}", flush=True)
            child.stop(STOP_GRACE)


def run_stack(settings: Settings, *, with_app: bool = True) -> int:
    """Start the stack, wait for Ctrl-C or SIGTERM, stop it. Returns the exit code."""
    data_dir = settings.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    children = plan_stack(settings, with_app=with_app)
    try:
        check_ports(settings, children)
    except PortInUseError as error:
        print(f"ibtool run: {error}", file=sys.stderr)
        return 1
    stop = threading.Event()
    with _stop_on_signals(stop):
        try:
            start_children(children, stop)
            if with_app:
                wait_until_ready(f"{settings.api_url}/readyz", children=children, stop=stop)
            seed_first_run(settings.model_copy(update={"data_dir": data_dir}))
            print(describe(settings, with_app=with_app), flush=True)
            while not stop.wait(0.5):
                _check(children, stop)
        except StackStoppedError:
            pass
        except (ChildExitedError, TimeoutError) as error:
            print(f"ibtool run: {error}", file=sys.stderr)
            return 1
        finally:
            stop_children(children)
    return 0


def _path_arg(argv: list[str]) -> Path | None:
    return Path(argv[0]) if argv else None


if __name__ == "__main__":
    # `python -m devstack.supervisor [DATA_DIR]` starts only the three servers; handy when
    # the worker and API run elsewhere (for example under a debugger).
    data = _path_arg(sys.argv[1:])
    base = Settings() if data is None else Settings(data_dir=data)
    sys.exit(run_stack(base, with_app=False))
