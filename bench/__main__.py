"""``make bench``: run the benchmarks on a fresh embedded stack and write bench/results/."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import lifecycle, listing, many_open, replay, replay_min, timers
from bench.report import markdown
from bench.stack import bench_stack
from temporal_client import connect_temporal

RESULTS = Path(__file__).parent / "results"
PHASES = ("lifecycle", "timers", "open", "listing")


def _write(results: dict[str, Any], *, name: str) -> str:
    """Write what is measured so far (each phase adds to it), so a cut-short run keeps it."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    table = markdown(results)
    (RESULTS / f"{name}.md").write_text(table)
    return table


async def _run(
    args: argparse.Namespace, sizes: dict[int, int], results: dict[str, Any]
) -> dict[str, Any]:
    only = args.only
    with bench_stack() as stack:
        settings = stack.settings
        client = await connect_temporal(settings)
        if "lifecycle" in only:
            results.update(
                await lifecycle.benchmark(settings, client, sizes=sizes, cpu=stack.cpu_seconds)
            )
            finished = results.pop("_finished")
            _write(results, name=args.name)
            # The audit work's corpus replay (bench/replay.py), then this run's lifecycles
            # replayed against the floor's (bench/replay_min.py) for a ratio.
            results["replay_corpus"] = await replay.benchmark(rounds=2 if args.quick else 5)
            results["replay"] = await replay_min.benchmark(
                client,
                settings,
                ibtool_ids=finished["ibtool"][: args.replay],
                floor_ids=finished["floor"][: args.replay],
            )
        if "timers" in only:
            results["timer_lateness"] = await timers.benchmark(client, sizes=args.timers)
            _write(results, name=args.name)
        if "open" in only:
            results["many_open"] = await many_open.benchmark(client, stack, count=args.open)
            _write(results, name=args.name)
        # Last: its seeded summaries share the API's collection, and the embedded store's
        # cost per write grows with the collection, which would skew what follows.
        if "listing" in only:
            results["listing"] = await listing.benchmark(
                settings,
                sizes=args.list_sizes,
                seed_budget_s=args.list_seed_seconds,
                reps=args.reps,
            )
        return results


def _sizes(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--list-sizes", type=_sizes, help="complaints seeded for the list bench")
    parser.add_argument("--list-seed-seconds", type=float, help="time budget for that seeding")
    parser.add_argument("--open", type=int, help="open complaints for the many-open bench")
    parser.add_argument(
        "--only",
        type=lambda text: set(text.split(",")),
        default=set(PHASES),
        help=f"comma-separated phases to run, of {','.join(PHASES)} (default: all)",
    )
    args = parser.parse_args()
    quick = args.quick
    sizes = {1: 10, 20: 40} if quick else {1: 30, 20: 150}
    args.timers = (20, 100) if quick else (100, 500)
    args.replay = 10 if quick else 50
    args.reps = 5 if quick else 10
    args.list_sizes = args.list_sizes or ((300,) if quick else (10_000, 100_000))
    args.list_seed_seconds = args.list_seed_seconds or (40.0 if quick else 120.0)
    args.open = args.open or (200 if quick else 1000)
    args.name = "quick" if quick else "bench"
    if args.only != set(PHASES):
        args.name += "-" + "-".join(sorted(args.only))
    started = time.perf_counter()
    load_before = os.getloadavg()
    results: dict[str, Any] = {}
    asyncio.run(_run(args, sizes, results))
    results["meta"] = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {platform.node()} python {platform.python_version()}",
        "seconds": round(time.perf_counter() - started, 1),
        "load_average": {"before": load_before[0], "after": os.getloadavg()[0]},
        "quick": quick,
        "note": "absolute figures are noisy on a shared 2-core machine; compare the ratios",
    }
    print(_write(results, name=args.name))


if __name__ == "__main__":
    main()
