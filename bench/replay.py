"""How many complaint histories per second replay through the current workflow code.

No server is needed: the recorded corpus (``tests/histories``) is replayed with
``temporalio.worker.Replayer`` in the sandbox, as the worker runs the workflow and as
``POST /complaints/{id}/replay`` does. Two figures: one replayer for many histories (the
``ibtool replay --from/--to`` and CI path) and one replayer per history (one API call).

``python -m bench.replay [--rounds N]`` prints the result as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Sequence
from typing import Any

from temporalio.client import WorkflowHistory

from audit.replay import replay_histories
from tests.histories import load_corpus
from tests.servers import suite_converter


async def benchmark(
    *, histories: Sequence[WorkflowHistory] | None = None, rounds: int = 5
) -> dict[str, Any]:
    """Replay ``histories`` (default: the corpus) ``rounds`` times each way; all must pass."""
    corpus = list(histories) if histories is not None else load_corpus()
    converter = suite_converter()  # the corpus is encrypted with the suite's test keys
    events = sum(len(h.events) for h in corpus)
    await replay_histories(corpus[:1], converter=converter)  # warm the sandbox's imports

    started = time.perf_counter()
    batched = await replay_histories(corpus * rounds, converter=converter)
    batched_s = time.perf_counter() - started
    started = time.perf_counter()
    single_failures = []
    for history in corpus * rounds:
        single_failures += (await replay_histories([history], converter=converter)).failures
    single_s = time.perf_counter() - started

    replayed = len(corpus) * rounds
    return {
        "histories": len(corpus),
        "events": events,
        "rounds": rounds,
        "failures": len(batched.failures) + len(single_failures),
        "one_replayer": _rates(replayed, events * rounds, batched_s),
        "replayer_per_history": _rates(replayed, events * rounds, single_s),
    }


def _rates(histories: int, events: int, seconds: float) -> dict[str, float]:
    return {
        "seconds": round(seconds, 3),
        "histories_per_s": round(histories / seconds, 1),
        "events_per_s": round(events / seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.replay")
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    print(json.dumps(asyncio.run(benchmark(rounds=rounds)), indent=2))


if __name__ == "__main__":
    main()
