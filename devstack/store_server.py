"""The embedded document store: mongoeco's MongoDB wire-protocol server over TCP.

Data lives in one SQLite file, so it survives restarts. Clients use real pymongo with
``mongodb://HOST:PORT/?directConnection=true``.

    python -m devstack.store_server --host 127.0.0.1 --port 27017 --path .data/store.db
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import sys
from pathlib import Path

from mongoeco.engines import SQLiteEngine
from mongoeco.wire import AsyncMongoEcoProxyServer

from devstack import store_fixes
from devstack.signals import run_until_signalled


def store_uri(host: str, port: int) -> str:
    return f"mongodb://{host}:{port}/?directConnection=true"


def store_command(*, host: str, port: int, path: Path | str) -> list[str]:
    """Arguments that run this module as its own process."""
    options = ["--host", host, "--port", str(port), "--path", str(path)]
    return [sys.executable, "-m", "devstack.store_server", *options]


async def serve_store(*, host: str, port: int, path: Path | str) -> None:
    """Serve the SQLite file at ``path`` on ``host:port`` until cancelled."""
    db_file = Path(path)
    db_file.parent.mkdir(parents=True, exist_ok=True)
    server = AsyncMongoEcoProxyServer(engine=SQLiteEngine(str(db_file)), host=host, port=port)
    address = await server.start()
    print(f"store: {store_uri(address.host, address.port)} (data in {db_file})", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        try:
            await server.close()
        except Exception as error:
            # Seen when a request is mid-transaction at shutdown ("database is locked");
            # SQLite's journal keeps the file consistent, so report it and exit normally.
            print(f"store: closing left an error behind: {error!r}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="MongoDB wire-protocol store on SQLite (dev)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=27017)
    parser.add_argument("--path", type=Path, default=Path(".data/store.db"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    store_fixes.apply()
    try:
        run_until_signalled(serve_store(host=args.host, port=args.port, path=args.path))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"store: port {args.port} on {args.host} is already in use", file=sys.stderr)
            return 1
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
