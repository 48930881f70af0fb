"""The ``ibtool`` command: run the stack or one of its parts, look at the mail sink, and manage
local users, tokens and API keys."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from settings import Settings


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from devstack.supervisor import run_stack

    return run_stack(settings) or 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    import logging

    from worker import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    import asyncio

    asyncio.run(run_worker(settings))
    return 0


def _api(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port)
    return 0


def _mail_list(settings: Settings, args: argparse.Namespace) -> int:
    from devstack.smtp_sink import list_messages

    messages = list_messages(settings.data_dir / "mail")
    if args.json:
        print(json.dumps(messages, indent=2, default=str))
        return 0
    for message in messages:
        to = ", ".join(message.get("rcpt_tos", []))
        print(f"{message.get('received_at')}  {to:<40}  {message.get('subject')}")
    print(f"{len(messages)} message(s)")
    return 0


Command = Callable[[Settings, argparse.Namespace], int]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ibtool", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the whole embedded stack (Ctrl-C stops it)").set_defaults(
        fn=_run
    )
    sub.add_parser("worker", help="run the Temporal worker").set_defaults(fn=_worker)
    sub.add_parser("api", help="run the HTTP API").set_defaults(fn=_api)
    mail = sub.add_parser("mail", help="messages kept by the embedded SMTP sink")
    mail_sub = mail.add_subparsers(dest="mail_command", required=True)
    listing = mail_sub.add_parser("list", help="list received messages")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(fn=_mail_list)
    from auth.cli import add_commands

    add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    fn: Command = args.fn
    sys.exit(fn(Settings(), args))


if __name__ == "__main__":
    main()
