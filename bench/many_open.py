"""Many open complaints on one worker: memory, the server's database, and timer lateness.

N complaint workflows (each with its SLA and regulatory clocks running) are started
straight through the Temporal client, ``concurrency`` at a time, as the API starts them.
The start rate is reported per slice, so a bend (the dev server's SQLite saturating) shows.
With all of them open, the worker's RSS and the server's database size are read, and the
timer-lateness probe (Alarm vs bare ``workflow.sleep``) runs on the loaded server.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from pymongo import AsyncMongoClient
from temporalio.client import Client
from temporalio.service import RPCError

from bench import timers
from bench.lifecycle import intake
from bench.stack import BenchStack
from config.loader import load_clock_rules
from domain.audit import Actor
from domain.intake import Intake
from domain.messages import ComplaintInput, WorkflowOptions
from store import schema
from workflows.complaint import ComplaintWorkflow, workflow_id

SLICES = 5
#: How long to wait for the first projections after the last start, at most.
PROJECTED_WAIT_S = 120.0
LATENESS_TARGET_S = 2.0


async def _start_all(
    client: Client, stack: BenchStack, *, count: int, concurrency: int, tag: str
) -> tuple[list[dict[str, Any]], int]:
    settings = stack.settings
    options = WorkflowOptions(
        closed_retention=settings.closed_retention,
        clock_rules=load_clock_rules(
            calendars_file=settings.calendars_file, sla_file=settings.sla_file
        ),
    )
    actor = Actor(user_id="bench", name="Bench Runner")
    errors = 0
    slices: list[dict[str, Any]] = []
    per_slice = max(1, count // SLICES)
    queue = list(range(count))

    async def start(i: int) -> None:
        nonlocal errors
        complaint_id = f"C-OPEN{tag}{i:06d}".upper()
        arg = ComplaintInput(
            complaint_id=complaint_id,
            intake=Intake.model_validate(intake(f"O{tag}{i}")),
            actor=actor,
            options=options,
        )
        try:
            await client.start_workflow(
                ComplaintWorkflow.run,
                arg,
                id=workflow_id(complaint_id),
                task_queue=settings.task_queue,
            )
        except RPCError:
            errors += 1

    started_total = 0
    while queue:
        chunk, queue = queue[:per_slice], queue[per_slice:]
        began = time.perf_counter()
        pending = list(chunk)

        async def lane(pending: list[int] = pending) -> None:
            while pending:
                await start(pending.pop())

        await asyncio.gather(*(lane() for _ in range(concurrency)))
        seconds = time.perf_counter() - began
        started_total += len(chunk)
        slices.append(
            {
                "open_before": started_total - len(chunk),
                "started": len(chunk),
                "starts_per_s": round(len(chunk) / seconds, 1),
                "errors_so_far": errors,
            }
        )
    return slices, errors


async def _wait_projected(
    stack: BenchStack, *, count: int, tag: str, within: float
) -> tuple[float, int]:
    """Seconds until every started complaint's first projection is in the store (or
    ``within`` ran out), and how many were there by then."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.settings.mongo_uri, tz_aware=True
    )
    collection = client[stack.settings.mongo_db][schema.COMPLAINTS]
    began = time.perf_counter()
    done = 0
    try:
        while time.perf_counter() - began < within:
            done = await collection.count_documents({"_id": {"$regex": f"^C-OPEN{tag.upper()}"}})
            if done >= count:
                break
            await asyncio.sleep(2.0)
    finally:
        await client.close()
    return time.perf_counter() - began, done


async def benchmark(
    client: Client, stack: BenchStack, *, count: int, concurrency: int = 20
) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:6]
    rss_before = stack.rss_mib("worker")
    db_before = stack.temporal_db_mib()
    began = time.perf_counter()
    slices, errors = await _start_all(client, stack, count=count, concurrency=concurrency, tag=tag)
    start_seconds = time.perf_counter() - began
    settled, projected = await _wait_projected(stack, count=count, tag=tag, within=PROJECTED_WAIT_S)
    rss_after, db_after = stack.rss_mib("worker"), stack.temporal_db_mib()
    lateness = await timers.benchmark(client, sizes=(100,))
    return {
        "open_complaints": count,
        "start_concurrency": concurrency,
        "start_seconds": round(start_seconds, 1),
        "start_errors": errors,
        "start_slices": slices,
        "projected": projected,
        "projected_after_s": round(settled, 1),
        "worker_rss_mib": {
            "before": round(rss_before, 1),
            "after": round(rss_after, 1),
        },
        "temporal_db_mib": {
            "before": round(db_before, 1),
            "after": round(db_after, 1),
        },
        "timer_lateness_loaded": lateness,
        "lateness_target_s": LATENESS_TARGET_S,
    }
