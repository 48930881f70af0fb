"""A local SMTP sink that keeps every message it receives, for people and tests to read.

Each message is stored as ``<id>.eml`` (the raw bytes as received) next to ``<id>.json``
(received_at, mail_from, rcpt_tos, subject, message_id, size). The JSON is written last and
atomically, so a listed message is always complete.

    python -m devstack.smtp_sink --host 127.0.0.1 --port 1025 --folder .data/mail
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import re
import sys
import uuid
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path
from typing import Any, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session

from devstack.net import free_port
from devstack.signals import run_until_signalled

_MESSAGE_ID = re.compile(r"^[0-9A-Za-z_-]+$")


def smtp_command(*, host: str, port: int, folder: Path | str) -> list[str]:
    """Arguments that run the sink as its own process."""
    options = ["--host", host, "--port", str(port), "--folder", str(folder)]
    return [sys.executable, "-m", "devstack.smtp_sink", *options]


def store_message(folder: Path, envelope: Envelope) -> dict[str, Any]:
    """Write one received message into ``folder`` and return its index entry."""
    raw = envelope.original_content or b""
    received = datetime.now(UTC)
    message_id = f"{received.strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}"
    headers = BytesHeaderParser(policy=policy.default).parsebytes(raw)
    entry: dict[str, Any] = {
        "id": message_id,
        "received_at": received.isoformat(),
        "mail_from": envelope.mail_from,
        "rcpt_tos": list(envelope.rcpt_tos),
        "subject": str(headers.get("Subject", "")),
        "message_id": str(headers.get("Message-ID", "")),
        "size": len(raw),
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{message_id}.eml").write_bytes(raw)
    partial = folder / f"{message_id}.json.tmp"
    partial.write_text(json.dumps(entry, indent=2), encoding="utf-8")
    os.replace(partial, folder / f"{message_id}.json")
    return entry


class MailFolderHandler:
    """aiosmtpd handler: accept everything and keep it in a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        store_message(self.folder, envelope)
        return "250 Message accepted for delivery"


def _accept_any_login(*_args: object) -> AuthResult:
    """The sink takes any credentials, so a sender configured with a login still works."""
    return AuthResult(success=True)


SMTP_OPTIONS: dict[str, Any] = {
    "enable_SMTPUTF8": True,
    "authenticator": _accept_any_login,
    "auth_require_tls": False,
}


def list_messages(folder: Path | str) -> list[dict[str, Any]]:
    """Index entries of every kept message, oldest first."""
    entries = [json.loads(path.read_text(encoding="utf-8")) for path in Path(folder).glob("*.json")]
    return sorted(entries, key=lambda entry: (entry["received_at"], entry["id"]))


def read_message(folder: Path | str, message_id: str) -> EmailMessage:
    """The parsed message with this id (as listed by :func:`list_messages`)."""
    if not _MESSAGE_ID.fullmatch(message_id):
        raise ValueError(f"not a message id: {message_id!r}")
    path = Path(folder) / f"{message_id}.eml"
    if not path.is_file():
        raise FileNotFoundError(f"no message {message_id} in {folder}")
    # The file keeps SMTP's CRLF line ends; parse with "\n" so text parts read as Python text.
    raw = path.read_bytes().replace(b"\r\n", b"\n")
    return cast(EmailMessage, BytesParser(policy=policy.default).parsebytes(raw))


async def serve_smtp(*, host: str, port: int, folder: Path | str) -> None:
    """Run the sink on ``host:port`` until cancelled."""
    handler = MailFolderHandler(Path(folder))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, **SMTP_OPTIONS), host, port)
    print(f"smtp: {host}:{port} (messages in {folder})", flush=True)
    async with server:
        await server.serve_forever()


class SmtpSink:
    """The sink in this process (on a background thread), on a free port unless given one."""

    def __init__(self, folder: Path | str, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.folder = Path(folder)
        self.host = host
        self.port = port or free_port(host)
        self._controller: Controller | None = None

    def start(self) -> None:
        if self._controller is not None:
            return
        handler = MailFolderHandler(self.folder)
        controller = Controller(handler, hostname=self.host, port=self.port, **SMTP_OPTIONS)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self) -> list[dict[str, Any]]:
        return list_messages(self.folder)

    def read(self, message_id: str) -> EmailMessage:
        return read_message(self.folder, message_id)

    def __enter__(self) -> SmtpSink:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="SMTP sink that keeps every message (dev)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--folder", type=Path, default=Path(".data/mail"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    try:
        run_until_signalled(serve_smtp(host=args.host, port=args.port, folder=args.folder))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"smtp: port {args.port} on {args.host} is already in use", file=sys.stderr)
            return 1
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
