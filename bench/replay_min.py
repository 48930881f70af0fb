"""Replay: complaint histories replayed per second against the current workflow code.

Beside the audit work's corpus replay (``bench/replay.py``): it fetches this run's finished
lifecycles' histories and replays them with ``temporalio.worker.Replayer`` and the
project's data converter; the baseline replays the floor workflow's histories (same
number of starts and updates) in the same run.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Replayer

from bench.floor import FloorWorkflow
from settings import Settings
from temporal_client import data_converter
from workflows.complaint import ComplaintWorkflow


async def _histories(client: Client, ids: list[str]) -> list[WorkflowHistory]:
    return [await client.get_workflow_handle(wid).fetch_history() for wid in ids]


async def _replay(workflow: type, histories: list[WorkflowHistory], settings: Settings) -> float:
    replayer = Replayer(workflows=[workflow], data_converter=data_converter(settings))

    async def each() -> AsyncIterator[WorkflowHistory]:
        for history in histories:
            yield history

    began = time.perf_counter()
    results = await replayer.replay_workflows(each(), raise_on_replay_failure=True)
    seconds = time.perf_counter() - began
    assert results is not None
    return seconds


async def benchmark(
    client: Client, settings: Settings, *, ibtool_ids: list[str], floor_ids: list[str]
) -> dict[str, Any]:
    ours = await _histories(client, ibtool_ids)
    floor = await _histories(client, floor_ids)
    ours_s = await _replay(ComplaintWorkflow, ours, settings)
    floor_s = await _replay(FloorWorkflow, floor, settings)
    ours_rate, floor_rate = len(ours) / ours_s, len(floor) / floor_s
    return {
        "histories": len(ours),
        "events_per_history": round(sum(len(h.events) for h in ours) / len(ours), 1),
        "ibtool_per_s": round(ours_rate, 1),
        "floor_per_s": round(floor_rate, 1),
        "ratio": round(ours_rate / floor_rate, 2),
    }
