"""Lifecycle over HTTP vs the bare Temporal floor, and projection lag.

IBTool: N complaints, each created then moved through triage, request_info, receive_info,
complete_investigation and close over HTTP. Floor: the same number of workflow starts and
updates against a no-op workflow, straight through the Temporal client, on the same server
in the same run.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from temporalio.client import Client

from auth.accounts import new_user
from auth.authenticator import local_issuer
from bench.floor import FLOOR_QUEUE, FloorWorkflow
from domain.permissions import Role
from settings import Settings
from store.accounts import open_accounts

BENCH_PASSWORD = "bench"

TRANSITIONS: list[dict[str, Any]] = [
    {
        "action": "triage",
        "severity": "high",
        "assignee": "ivan",
        "reportability": {"fda_mdr": True, "fda_5_day": False, "eu_mdr": "none"},
    },
    {"action": "request_info", "question": "Which software version?"},
    {"action": "receive_info", "summary": "Version 204.1"},
    {
        "action": "complete_investigation",
        "root_cause": "Cine buffer leak",
        "findings": "Reproduced",
        "device_failed_spec": True,
        "corrective_action": "Patch 204.2",
    },
    {
        "action": "close",
        "resolution": "Fixed in 204.2",
        "customer_reply": "The update resolves it.",
        "signature": {"meaning": "approval", "password": "bench"},  # BENCH_PASSWORD
    },
]


def intake(ref: str) -> dict[str, Any]:
    return {
        "source": {"channel": "twd", "ref": ref},
        "aware_at": "2026-11-30T09:00:00Z",
        "device": {"name": "Vivid E95", "product_code": "IYN", "serial": ref},
        "complainant": {"name": "Dr. Jane Roe", "phone": "+1 555 0100"},
        "event": {"description": f"Image freezes during scan {ref}", "malfunction": True},
    }


@dataclass
class Run:
    lifecycles: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # per transition (update), seconds
    lags: list[float] = field(default_factory=list)

    @property
    def lifecycles_per_s(self) -> float:
        return self.lifecycles / self.seconds

    @property
    def transitions_per_s(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, q: float, values: list[float] | None = None) -> float:
        data = sorted(self.latencies if values is None else values)
        return data[min(len(data) - 1, round(q * (len(data) - 1)))] if data else float("nan")


async def _in_parallel(
    count: int, concurrency: int, one: Callable[[int], Awaitable[None]]
) -> float:
    queue = list(range(count))

    async def lane() -> None:
        while queue:
            await one(queue.pop())

    start = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return time.perf_counter() - start


async def run_floor(client: Client, *, count: int, concurrency: int) -> Run:
    run = Run(lifecycles=count)
    tag = uuid.uuid4().hex[:8]

    async def one(i: int) -> None:
        handle = await client.start_workflow(
            FloorWorkflow.run, {"ref": str(i)}, id=f"floor-{tag}-{i}", task_queue=FLOOR_QUEUE
        )
        for body in TRANSITIONS:
            started = time.perf_counter()
            await handle.execute_update(FloorWorkflow.bump, {"action": body["action"]})
            run.latencies.append(time.perf_counter() - started)

    run.seconds = await _in_parallel(count, concurrency, one)
    return run


async def run_ibtool(
    http: httpx.AsyncClient, *, count: int, concurrency: int, measure_lag: bool = False
) -> Run:
    run = Run(lifecycles=count)
    tag = uuid.uuid4().hex[:8]

    async def one(i: int) -> None:
        ref = f"B{tag}{i}"
        created = await http.post("/complaints", json=intake(ref))
        created.raise_for_status()
        complaint_id = created.json()["id"]
        for body in TRANSITIONS:
            started = time.perf_counter()
            response = await http.post(f"/complaints/{complaint_id}/transitions", json=body)
            done = time.perf_counter()
            response.raise_for_status()
            run.latencies.append(done - started)
            if measure_lag:
                run.lags.append(await _visible_after(http, ref, response.json()["version"], done))

    run.seconds = await _in_parallel(count, concurrency, one)
    return run


async def _visible_after(http: httpx.AsyncClient, ref: str, version: int, since: float) -> float:
    """Seconds from a transition's 200 until GET /complaints shows that version."""
    deadline = since + 30
    while time.perf_counter() < deadline:
        page = (await http.get("/complaints", params={"q": ref.lower(), "limit": 1})).json()
        if page["items"] and page["items"][0]["version"] >= version:
            return time.perf_counter() - since
        await asyncio.sleep(0.005)
    raise TimeoutError(f"projection of {ref} never reached version {version}")


def summary_rows(floor: Run, ours: Run, concurrency: int) -> list[dict[str, Any]]:
    def row(metric: str, f: float, o: float, unit: str, higher_better: bool) -> dict[str, Any]:
        ratio = o / f if f else float("nan")
        return {
            "concurrency": concurrency,
            "metric": metric,
            "floor": round(f, 4),
            "ibtool": round(o, 4),
            "unit": unit,
            "ratio": round(ratio, 3),
            "better": "higher" if higher_better else "lower",
        }

    return [
        row("lifecycles/s", floor.lifecycles_per_s, ours.lifecycles_per_s, "1/s", True),
        row("transitions/s", floor.transitions_per_s, ours.transitions_per_s, "1/s", True),
        row("p50 transition", floor.pct(0.5) * 1e3, ours.pct(0.5) * 1e3, "ms", False),
        row("p99 transition", floor.pct(0.99) * 1e3, ours.pct(0.99) * 1e3, "ms", False),
    ]


def lag_rows(run: Run, concurrency: int) -> list[dict[str, Any]]:
    return [
        {
            "concurrency": concurrency,
            "metric": f"projection lag {name}",
            "ibtool": round(run.pct(q, run.lags) * 1e3, 1),
            "unit": "ms",
            "samples": len(run.lags),
            "mean": round(statistics.fmean(run.lags) * 1e3, 1),
        }
        for name, q in (("p50", 0.5), ("p99", 0.99))
    ]


async def bench_headers(settings: Settings) -> dict[str, str]:
    """A local user of the stack who may do every step (a quality manager), and its token."""
    account = new_user(
        user_id="bench", name="Bench Runner", roles=[Role.QUALITY_MANAGER], password=BENCH_PASSWORD
    )
    accounts = open_accounts(settings)
    try:
        await accounts.put_user(account)
    finally:
        await accounts.close()
    token = local_issuer(settings).issue(account, now=datetime.now(UTC)).access_token
    return {"Authorization": f"Bearer {token}"}


async def benchmark(settings: Settings, client: Client, *, sizes: dict[int, int]) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    headers = await bench_headers(settings)
    async with httpx.AsyncClient(
        base_url=settings.api_url, headers=headers, limits=limits, timeout=60
    ) as http:
        # Warm both paths (connections, worker caches) before measuring.
        await run_floor(client, count=4, concurrency=2)
        await run_ibtool(http, count=4, concurrency=2)
        rows: list[dict[str, Any]] = []
        lags: list[dict[str, Any]] = []
        for concurrency, count in sizes.items():
            floor = await run_floor(client, count=count, concurrency=concurrency)
            ours = await run_ibtool(http, count=count, concurrency=concurrency)
            rows += summary_rows(floor, ours, concurrency)
            lagged = await run_ibtool(
                http, count=max(concurrency, count // 4), concurrency=concurrency, measure_lag=True
            )
            lags += lag_rows(lagged, concurrency)
    return {"throughput_latency": rows, "projection_lag": lags, "sizes": sizes}
