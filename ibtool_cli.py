"""The ``ibtool`` command: run the stack or one of its parts, look at the mail sink, and manage
local users, tokens and API keys."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from audit.cli import add_audit_commands
from settings import Settings


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from devstack.supervisor import run_stack

    return run_stack(settings) or 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from telemetry.logs import configure_logging
    from worker import run_worker

    configure_logging()

    asyncio.run(run_worker(settings))
    return 0


def _api(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app, tls_options
    from telemetry.logs import configure_logging

    configure_logging()
    uvicorn.run(
        create_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        **tls_options(settings),
    )
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


def _keys(settings: Settings, args: argparse.Namespace) -> int:
    """Codec keys: ``new`` prints an entry for IBTOOL_CODEC_KEYS; ``rotate`` adds an active
    key to the key file; ``list`` names the keys in use (never their bytes)."""
    from encryption import keys

    if args.keys_command == "new":
        print(keys.format_keys(keys.new_key_ring()))
        return 0
    if args.keys_command == "rotate":
        if settings.codec_keys is not None:
            print(
                "ibtool keys rotate: keys come from IBTOOL_CODEC_KEYS; see README", file=sys.stderr
            )
            return 1
        path = keys.key_file_path(settings)
        ring = keys.load_key_ring(settings).with_new_active()
        keys.write_key_file(path, ring, replace=True)
        print(f"{path}: {ring.active} is now active; restart the API and the worker")
        return 0
    ring = keys.load_key_ring(settings)
    for kid in ring.keys:
        print(f"{kid}{'  (active)' if kid == ring.active else ''}")
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
    keys = sub.add_parser("keys", help="payload encryption keys (PHI codec)")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    keys_sub.add_parser("new", help="print a fresh kid:base64key for IBTOOL_CODEC_KEYS")
    keys_sub.add_parser("rotate", help="add a fresh active key to the key file")
    keys_sub.add_parser("list", help="key ids in use; the active one marked")
    keys.set_defaults(fn=_keys)
    add_audit_commands(sub)

    from auth.cli import add_commands

    add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    fn: Command = args.fn
    sys.exit(fn(Settings(), args))


if __name__ == "__main__":
    main()
