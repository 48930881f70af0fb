"""``ibtool replay``, ``ibtool verify`` and ``ibtool archive``: the auditor's commands.

Heavy imports happen inside the commands, so ``ibtool --help`` stays quick.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from settings import Settings

if TYPE_CHECKING:
    from audit.service import AuditService
    from store.complaints import ComplaintStore


def add_audit_commands(sub: Any) -> None:
    """Register the commands on ``ibtool``'s subparsers."""
    replay = sub.add_parser(
        "replay", help="replay complaint histories through the current workflow code"
    )
    replay.add_argument("complaint_id", nargs="?", help="one complaint (or use --from/--to)")
    replay.add_argument(
        "--from", dest="since", type=timestamp, metavar="DATE", help="created at or after"
    )
    replay.add_argument("--to", dest="until", type=timestamp, metavar="DATE", help="created before")
    replay.add_argument("--json", action="store_true", help="print each report as JSON")
    replay.set_defaults(fn=_replay)

    verify = sub.add_parser("verify", help="check stored audit trails against their history")
    verify.add_argument("complaint_id", nargs="?")
    verify.add_argument("--all", action="store_true", help="every complaint in the store")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(fn=_verify)

    archive = sub.add_parser(
        "archive", help="archive closed complaints' histories now (the worker's sweep)"
    )
    archive.set_defaults(fn=_archive)


def timestamp(text: str) -> datetime:
    """A date (midnight UTC) or an ISO timestamp; one without a zone is UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date or ISO timestamp: {text!r}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _replay(settings: Settings, args: argparse.Namespace) -> int:
    if bool(args.complaint_id) == bool(args.since or args.until):
        print("give a complaint id, or --from/--to, not both", file=sys.stderr)
        return 2
    return asyncio.run(_replay_async(settings, args))


def _verify(settings: Settings, args: argparse.Namespace) -> int:
    if bool(args.complaint_id) == bool(args.all):
        print("give a complaint id or --all", file=sys.stderr)
        return 2
    return asyncio.run(_verify_async(settings, args))


def _archive(settings: Settings, args: argparse.Namespace) -> int:
    async def sweep() -> int:
        from audit.archiving import sweep_closed

        async with _audit(settings) as (_, store, client):
            result = await sweep_closed(client, store.archive, task_queue=settings.task_queue)
        print(f"{result.seen} closed run(s) seen, {result.archived} archived")
        return 0

    return asyncio.run(sweep())


@asynccontextmanager
async def _audit(settings: Settings) -> AsyncIterator[tuple[AuditService, ComplaintStore, Any]]:
    from audit.service import AuditService
    from store.client import open_store
    from temporal_client import connect_temporal

    client = await connect_temporal(settings)
    store = open_store(settings)
    try:
        yield AuditService(client, store, settings), store, client
    finally:
        await store.close()


async def _replay_async(settings: Settings, args: argparse.Namespace) -> int:
    async with _audit(settings) as (audit, store, _):
        if args.complaint_id:
            ids = [args.complaint_id]
        else:
            ids = [
                i async for i in store.complaint_ids(created_from=args.since, created_to=args.until)
            ]
        tally = Tally()
        started = time.perf_counter()
        for complaint_id in progress(ids, label="replayed"):
            report = await audit.replay(complaint_id)
            tally.add(report)
            if args.json:
                print(report.model_dump_json(indent=2))
            elif len(ids) == 1 or report.differences:
                _print_replay(report)
        print(tally.summary(time.perf_counter() - started), file=sys.stderr)
        return 0 if tally.clean else 1


async def _verify_async(settings: Settings, args: argparse.Namespace) -> int:
    async with _audit(settings) as (audit, store, _):
        ids = [args.complaint_id] if args.complaint_id else await _every_complaint(store)
        failed = 0
        for complaint_id in progress(ids, label="verified"):
            report = await audit.verify(complaint_id)
            failed += not report.ok
            if args.json:
                print(report.model_dump_json(indent=2))
            elif not report.ok or len(ids) == 1:
                print(f"{complaint_id}: {'ok' if report.ok else 'PROBLEMS'}")
                for problem in report.problems:
                    print(f"  {problem.kind}: {problem.detail}")
        print(f"{len(ids)} verified, {failed} with problems", file=sys.stderr)
        return 1 if failed else 0


async def _every_complaint(store: ComplaintStore) -> list[str]:
    """Ids with a summary or with events: a trail whose summary was removed is checked too."""
    ids = {i async for i in store.complaint_ids()} | set(await store.event_complaint_ids())
    return sorted(ids)


def _print_replay(report: Any) -> None:
    print(f"{report.complaint_id}: {report.runs} run(s), {report.events} events")
    print(f"  deterministic:      {report.deterministic}")
    print(f"  matches live state: {report.matches_live_state}")
    print(f"  matches projection: {report.matches_projection}")
    for difference in report.differences:
        print(f"  - {difference}")


class Tally:
    def __init__(self) -> None:
        self.replayed = self.deterministic = self.mismatches = self.runs = self.events = 0

    def add(self, report: Any) -> None:
        self.replayed += 1
        self.runs += report.runs
        self.events += report.events
        self.deterministic += report.deterministic
        self.mismatches += bool(report.differences)

    @property
    def clean(self) -> bool:
        return self.deterministic == self.replayed and not self.mismatches

    def summary(self, seconds: float) -> str:
        rate = self.replayed / seconds if seconds > 0 else 0.0
        return (
            f"{self.replayed} replayed ({self.runs} runs, {self.events} events), "
            f"{self.deterministic} deterministic, {self.mismatches} mismatches, "
            f"{rate:.1f} histories/s"
        )


def progress[T](
    items: list[T], *, label: str, out: TextIO | None = None, width: int = 30
) -> Iterator[T]:
    """Yield ``items`` while drawing a bar on stderr (``\\r``-updated, one line)."""
    stream = out or sys.stderr
    total = len(items)

    def draw(done: int) -> None:
        bar = "#" * (done * width // max(total, 1))
        stream.write(f"\r[{bar:<{width}}] {done}/{total} {label}")

    draw(0)
    for done, item in enumerate(items, start=1):
        yield item
        draw(done)
        stream.flush()
    stream.write("\n")
