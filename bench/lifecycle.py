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
from collections import Counter
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
from workflows.complaint import workflow_id

BENCH_PASSWORD = "bench"
#: Targets from the benchmark issue: ratios to the floor, and the lag in milliseconds.
THROUGHPUT_TARGET = 0.8
P99_TARGET = 1.5
LAG_TARGET_MS = 200.0

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
    workflow_ids: list[str] = field(default_factory=list)

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
        run.workflow_ids.append(handle.id)
        for body in TRANSITIONS:
            started = time.perf_counter()
            await handle.execute_update(FloorWorkflow.bump, {"action": body["action"]})
            run.latencies.append(time.perf_counter() - started)

    run.seconds = await _in_parallel(count, concurrency, one)
    return run


async def run_ibtool(
    http: httpx.AsyncClient, *, count: int, concurrency: int, watcher: Watcher | None = None
) -> Run:
    run = Run(lifecycles=count)
    tag = uuid.uuid4().hex[:8]

    async def one(i: int) -> None:
        created = await http.post("/complaints", json=intake(f"B{tag}{i}"))
        created.raise_for_status()
        complaint_id = created.json()["id"]
        run.workflow_ids.append(workflow_id(complaint_id))
        for body in TRANSITIONS:
            started = time.perf_counter()
            response = await http.post(f"/complaints/{complaint_id}/transitions", json=body)
            done = time.perf_counter()
            response.raise_for_status()
            run.latencies.append(done - started)
            if watcher is not None:
                watcher.expect(complaint_id, response.json()["version"], done)

    run.seconds = await _in_parallel(count, concurrency, one)
    if watcher is not None:
        run.lags = await watcher.lags()
    return run


class Watcher:
    """Measures projection lag from outside the lanes, at a rate that cannot swamp the store.

    One request at a time, ``interval`` apart, reads the most recently updated page of
    ``GET /complaints`` and notes when each (complaint, version) first shows. The lanes
    only note when each transition's 200 arrived. Lag = first seen - 200 (0 when the
    projection was already visible as the answer came back).
    """

    def __init__(self, http: httpx.AsyncClient, *, interval: float = 0.02, page: int = 50) -> None:
        self._http = http
        self._interval = interval
        self._page = page
        self._expected: dict[tuple[str, int], float] = {}
        self._seen: dict[str, list[tuple[float, int]]] = {}
        self.polls = 0
        self.poll_seconds = 0.0
        self._task: asyncio.Task[None] | None = None

    def __enter__(self) -> Watcher:
        self._task = asyncio.create_task(self._watch())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()

    def expect(self, complaint_id: str, version: int, answered: float) -> None:
        self._expected[(complaint_id, version)] = answered

    async def _watch(self) -> None:
        params: dict[str, str | int] = {"sort": "updated_at", "limit": self._page}
        while True:
            started = time.perf_counter()
            page = (await self._http.get("/complaints", params=params)).json()
            now = time.perf_counter()
            self.polls += 1
            self.poll_seconds += now - started
            for item in page["items"]:
                seen = self._seen.setdefault(item["id"], [])
                if not seen or item["version"] > seen[-1][1]:
                    seen.append((now, item["version"]))
            await asyncio.sleep(self._interval)

    def _first_seen(self, complaint_id: str, version: int) -> float | None:
        return next((t for t, v in self._seen.get(complaint_id, []) if v >= version), None)

    async def lags(self, *, deadline: float = 30.0) -> list[float]:
        """Wait until every expected version has shown (or ``deadline`` s), then the lags."""
        until = time.perf_counter() + deadline
        while time.perf_counter() < until:
            missing = [k for k in self._expected if self._first_seen(*k) is None]
            if not missing:
                break
            await asyncio.sleep(0.05)
        else:
            raise TimeoutError(f"{len(missing)} projections not visible after {deadline:.0f} s")
        lags = [
            max(0.0, (self._first_seen(*key) or answered) - answered)
            for key, answered in self._expected.items()
        ]
        self._expected.clear()
        return lags

    @property
    def mean_poll_ms(self) -> float:
        return self.poll_seconds / self.polls * 1e3 if self.polls else float("nan")


async def history_shape(client: Client, ids: list[str]) -> dict[str, Any]:
    """History events of finished lifecycles, by kind, per transition (fewer is cheaper)."""
    kinds: Counter[str] = Counter()
    for wid in ids:
        history = await client.get_workflow_handle(wid).fetch_history()
        kinds.update(
            (event.WhichOneof("attributes") or "unknown").removesuffix("_event_attributes")
            for event in history.events
        )
    per = len(ids) * len(TRANSITIONS)
    return {
        "lifecycles": len(ids),
        "events_per_transition": round(kinds.total() / per, 2),
        "by_kind_per_transition": {k: round(v / per, 2) for k, v in kinds.most_common()},
    }


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


def lag_rows(run: Run, concurrency: int, watcher: Watcher) -> list[dict[str, Any]]:
    return [
        {
            "concurrency": concurrency,
            "metric": f"projection lag {name}",
            "ibtool": round(run.pct(q, run.lags) * 1e3, 1),
            "unit": "ms",
            "samples": len(run.lags),
            "mean": round(statistics.fmean(run.lags) * 1e3, 1),
            "target_ms": LAG_TARGET_MS,
            "watcher_polls": watcher.polls,
            "watcher_poll_ms": round(watcher.mean_poll_ms, 1),
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


CpuMeter = Callable[[], dict[str, float]]


def cpu_row(
    concurrency: int, name: str, run: Run, before: dict[str, float], after: dict[str, float]
) -> dict[str, Any]:
    """Milliseconds of CPU per transition, by process, over one run."""
    per = {
        process: round((after[process] - before[process]) / len(run.latencies) * 1e3, 1)
        for process in after
    }
    return {
        "concurrency": concurrency,
        "run": name,
        "ms": per,
        "total": round(sum(per.values()), 1),
    }


async def benchmark(
    settings: Settings, client: Client, *, sizes: dict[int, int], cpu: CpuMeter
) -> dict[str, Any]:
    """``cpu`` reads each process's CPU time: where a transition's cost goes, by process."""
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
        shapes: dict[str, Any] = {}
        finished: dict[str, list[str]] = {}
        cpu_rows: list[dict[str, Any]] = []
        for concurrency, count in sizes.items():
            before = cpu()
            floor = await run_floor(client, count=count, concurrency=concurrency)
            between = cpu()
            ours = await run_ibtool(http, count=count, concurrency=concurrency)
            after = cpu()
            rows += summary_rows(floor, ours, concurrency)
            cpu_rows += [
                cpu_row(concurrency, "floor", floor, before, between),
                cpu_row(concurrency, "IBTool", ours, between, after),
            ]
            finished = {"ibtool": ours.workflow_ids, "floor": floor.workflow_ids}
            if not shapes:
                shapes = {
                    "floor": await history_shape(client, floor.workflow_ids[:5]),
                    "ibtool": await history_shape(client, ours.workflow_ids[:5]),
                }
            with Watcher(http) as watcher:
                lagged = await run_ibtool(
                    http,
                    count=max(concurrency, count // 4),
                    concurrency=concurrency,
                    watcher=watcher,
                )
            lags += lag_rows(lagged, concurrency, watcher)
    return {
        "throughput_latency": rows,
        "projection_lag": lags,
        "history": shapes,
        "cpu_per_transition": cpu_rows,
        "sizes": sizes,
        "_finished": finished,  # workflow ids, for the replay benchmark (not written out)
    }
