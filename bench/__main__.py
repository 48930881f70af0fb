"""``make bench``: run the benchmarks on a fresh embedded stack and write bench/results/."""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import lifecycle, timers
from bench.report import markdown
from bench.stack import bench_stack
from temporal_client import connect_temporal

RESULTS = Path(__file__).parent / "results"


async def _run(sizes: dict[int, int], timer_sizes: tuple[int, ...]) -> dict[str, Any]:
    with bench_stack() as settings:
        client = await connect_temporal(settings)
        results = await lifecycle.benchmark(settings, client, sizes=sizes)
        results["timer_lateness"] = await timers.benchmark(client, sizes=timer_sizes)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    sizes = {1: 10, 20: 40} if args.quick else {1: 40, 20: 200}
    timer_sizes = (20, 100) if args.quick else (100, 500)
    started = time.perf_counter()
    results = asyncio.run(_run(sizes, timer_sizes))
    results["meta"] = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {platform.node()} python {platform.python_version()}",
        "seconds": round(time.perf_counter() - started, 1),
        "note": "absolute figures are noisy on a shared 2-core machine; compare the ratios",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lifecycle.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (RESULTS / "lifecycle.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
