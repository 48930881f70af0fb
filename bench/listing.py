"""List queries at scale: ``GET /complaints`` vs the same query straight through pymongo.

Summaries are seeded in small ``insert_many`` batches (the embedded store's cost per
document grows with the batch and with the collection, so the seeding has a time budget
and reports the size it reached and its rate). Each supported filter and sort is then
timed through the API and, in the same run, as the very query the store module builds
(``store.query.list_filter``/``list_sort``) sent with pymongo: the ratio is what the API
adds. ``explain`` shows how the store ran each query.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from bench.lifecycle import bench_headers
from domain.enums import Channel, Outcome, Severity, Status
from domain.search import keywords
from domain.summary import ComplaintSummary
from settings import Settings
from store import schema
from store.query import ComplaintQuery, list_filter, list_sort

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
BATCH = 20
STATUSES = list(Status)
SEVERITIES = list(Severity)
RATIO_TARGET = 1.2

#: name -> GET /complaints parameters; each supported filter once, each sort once.
QUERIES: dict[str, dict[str, str]] = {
    "newest (sort=updated_at)": {},
    "sort=created_at": {"sort": "created_at"},
    "sort=next_due_at": {"sort": "next_due_at"},
    "status": {"status": "investigation"},
    "severity": {"severity": "high"},
    "assignee": {"assignee": "user7"},
    "product_code": {"product_code": "P07"},
    "reportable": {"reportable": "true"},
    "overdue + sort=next_due_at": {"overdue": "true", "sort": "next_due_at"},
    "q (one word)": {"q": "lot77"},
    "created range": {
        "created_from": (T0 + timedelta(hours=10)).isoformat(),
        "created_to": (T0 + timedelta(hours=20)).isoformat(),
    },
}


def seed_summary(n: int) -> ComplaintSummary:
    """The n-th synthetic complaint: every filter value spread evenly."""
    complaint_id = f"C-SEED{n:07d}"
    status = STATUSES[n % len(STATUSES)]
    created = T0 + timedelta(minutes=n)
    return ComplaintSummary(
        id=complaint_id,
        version=2 + n % 5,
        status=status,
        outcome=Outcome.RESOLVED if status == Status.CLOSED else None,
        severity=SEVERITIES[n % len(SEVERITIES)],
        assignee=f"user{n % 50}",
        reportable=n % 3 == 0,
        channel=Channel.PHONE,
        source_ref=f"TWD-{n}",
        device_name="Vivid E95",
        product_code=f"P{n % 100:02d}",
        description=f"Image freezes during scan {n}",
        aware_at=created - timedelta(days=1),
        created_at=created,
        updated_at=created + timedelta(minutes=n % 97),
        closed_at=created + timedelta(days=3) if status == Status.CLOSED else None,
        next_due_at=None if status == Status.CLOSED else created + timedelta(days=5),
        overdue=n % 11 == 0 and status != Status.CLOSED,
        keywords=keywords(complaint_id, "Image freezes during scan", "Vivid E95", f"lot{n % 1000}"),
    )


async def seed(collection: Any, *, start: int, size: int, budget_s: float) -> tuple[int, float]:
    """Insert summaries ``start..size`` in batches until done or ``budget_s`` ran out."""
    began = time.perf_counter()
    n = start
    while n < size and time.perf_counter() - began < budget_s:
        batch = [schema.summary_document(seed_summary(i)) for i in range(n, min(n + BATCH, size))]
        await collection.insert_many(batch, ordered=False)
        n += len(batch)
    return n, time.perf_counter() - began


def _pct(values: list[float], q: float) -> float:
    data = sorted(values)
    return data[min(len(data) - 1, round(q * (len(data) - 1)))]


async def _time_queries(
    http: httpx.AsyncClient, collection: Any, *, reps: int, size: int
) -> list[dict[str, Any]]:
    rows = []
    for name, params in QUERIES.items():
        query = ComplaintQuery.model_validate(params)
        api: list[float] = []
        direct: list[float] = []
        for _ in range(reps):
            started = time.perf_counter()
            response = await http.get("/complaints", params=params)
            api.append(time.perf_counter() - started)
            response.raise_for_status()
            started = time.perf_counter()
            cursor = collection.find(list_filter(query), {"keywords": 0})
            await cursor.sort(list_sort(query)).limit(query.limit + 1).to_list()
            direct.append(time.perf_counter() - started)
        explain = await collection.find(list_filter(query)).sort(list_sort(query)).explain()
        details = explain.get("details", {}).get("engine_details") or explain.get("queryPlanner")
        row: dict[str, Any] = {"size": size, "query": name, "items": len(response.json()["items"])}
        for label, q in (("p50", 0.5), ("p99", 0.99)):
            a, d = _pct(api, q) * 1e3, _pct(direct, q) * 1e3
            row[f"api_{label}_ms"] = round(a, 1)
            row[f"pymongo_{label}_ms"] = round(d, 1)
            row[f"ratio_{label}"] = round(a / d, 2) if d else None
        row["plan"] = details
        rows.append(row)
    return rows


async def benchmark(
    settings: Settings, *, sizes: tuple[int, ...], seed_budget_s: float, reps: int
) -> dict[str, Any]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_uri, tz_aware=True)
    collection = client[settings.mongo_db][schema.COMPLAINTS]
    headers = await bench_headers(settings)
    rows: list[dict[str, Any]] = []
    seeding: list[dict[str, Any]] = []
    try:
        async with httpx.AsyncClient(
            base_url=settings.api_url, headers=headers, timeout=120
        ) as http:
            reached = 0
            spent = 0.0
            for size in sizes:
                before = reached
                reached, seconds = await seed(
                    collection, start=reached, size=size, budget_s=seed_budget_s - spent
                )
                spent += seconds
                rate = (reached - before) / seconds if seconds else float("nan")
                seeding.append(
                    {
                        "target": size,
                        "reached": reached,
                        "seconds": round(seconds, 1),
                        "docs_per_s": round(rate, 1),
                        "projected_s_for_target": round((size - before) / rate, 0)
                        if rate
                        else None,
                    }
                )
                rows += await _time_queries(http, collection, reps=reps, size=reached)
                if reached < size:
                    break  # the budget ran out: larger sizes are out of reach in this run
    finally:
        await client.close()
    return {"queries": rows, "seeding": seeding, "ratio_target": RATIO_TARGET}
