"""Real servers as child processes on free loopback ports, for tests and benchmarks.

Each can be stopped and started again on the same port with the same files, to
exercise outages and restarts.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

from devstack.net import free_port
from devstack.process import ChildProcess
from devstack.smtp_sink import list_messages, read_message, smtp_command
from devstack.store_server import store_command, store_uri
from devstack.temporal_server import start_dev_command

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
    """``temporal server start-dev`` with its state in ``db_path``; headless unless given a
    ``ui_port`` for its Web UI."""

    namespace = "default"

    def __init__(
        self, folder: Path, *, port: int | None = None, ui_port: int | None = None
    ) -> None:
        self.db_path = folder / "temporal.db"
        self.ui_port = ui_port
        port = port or free_port(HOST)
        command = start_dev_command(
            host=HOST, port=port, db_path=self.db_path, headless=ui_port is None, ui_port=ui_port
        )
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
