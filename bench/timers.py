"""How late durable timers fire on the dev server, through the workflow's own Alarm.

N probe workflows each arm an :class:`workflows.alarm.Alarm` (the timer the complaint
workflow uses for every clock milestone) for a common moment a few seconds ahead, and
report how late ``workflow.now()`` was when it rang. The baseline is a bare
``workflow.sleep`` probe started the same way in the same run.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker

with workflow.unsafe.imports_passed_through():
    from workflows.alarm import Alarm

QUEUE = "bench-timers"


@workflow.defn
class AlarmProbe:
    @workflow.run
    async def run(self, at: datetime) -> float:
        alarm = Alarm()
        alarm.set(at)
        await workflow.wait_condition(lambda: alarm.rang)
        return (workflow.now() - at).total_seconds()


@workflow.defn
class SleepProbe:
    @workflow.run
    async def run(self, at: datetime) -> float:
        await workflow.sleep(max(at - workflow.now(), timedelta(0)))
        return (workflow.now() - at).total_seconds()


async def _lateness(client: Client, probe: Any, *, count: int, lead: float) -> list[float]:
    at = datetime.now(UTC) + timedelta(seconds=lead)
    tag = uuid.uuid4().hex[:8]
    handles = await asyncio.gather(
        *(
            client.start_workflow(probe.run, at, id=f"probe-{tag}-{i}", task_queue=QUEUE)
            for i in range(count)
        )
    )
    return list(await asyncio.gather(*(h.result() for h in handles)))


def _pct(values: list[float], q: float) -> float:
    data = sorted(values)
    return data[min(len(data) - 1, round(q * (len(data) - 1)))]


async def benchmark(client: Client, *, sizes: tuple[int, ...]) -> list[dict[str, Any]]:
    rows = []
    async with Worker(client, task_queue=QUEUE, workflows=[AlarmProbe, SleepProbe]):
        for count in sizes:
            lead = 5.0 + count / 50  # every start is in before the moment comes
            floor = await _lateness(client, SleepProbe, count=count, lead=lead)
            ours = await _lateness(client, AlarmProbe, count=count, lead=lead)
            for name, q in (("p50", 0.5), ("p99", 0.99), ("max", 1.0)):
                f, o = _pct(floor, q), _pct(ours, q)
                rows.append(
                    {
                        "timers": count,
                        "metric": f"lateness {name}",
                        "floor_s": round(f, 3),
                        "ibtool_s": round(o, 3),
                        "ratio": round(o / f, 2) if f > 0 else None,
                    }
                )
    return rows
