"""ComplaintStore against a real wire-protocol server: guards, idempotency, filters, pages."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Mapping
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.enums import Outcome, Severity, Status
from domain.search import keywords
from domain.summary import ComplaintSummary
from settings import Settings
from store import ComplaintQuery, ComplaintStore, InvalidCursor, SortField, open_store
from tests.store.builders import T0, fresh_store, history, summary

# -- the single complaint ---------------------------------------------------------------------


async def test_summary_round_trips_with_real_datetimes(store: ComplaintStore) -> None:
    summaries, _ = history("C-ROUND")
    latest = summaries[-1]
    assert await store.upsert_summary(latest)

    assert await store.get_summary("C-ROUND") == latest
    assert await store.exists("C-ROUND")
    assert not await store.exists("C-NONE")
    assert await store.get_summary("C-NONE") is None
    raw = await store.db["complaints"].find_one({"_id": "C-ROUND"})
    assert raw is not None
    assert isinstance(raw["updated_at"], datetime) and raw["updated_at"] == latest.updated_at
    assert raw["updated_at"].utcoffset() == timedelta(0)
    assert raw["status"] == "investigation" and raw["severity"] == "high"


async def test_version_guard_keeps_the_newest_summary(store: ComplaintStore) -> None:
    v1, v2, v3 = history("C-GUARD")[0]

    assert await store.upsert_summary(v2)
    assert not await store.upsert_summary(v1), "a stale write is ignored"
    assert await store.get_summary("C-GUARD") == v2
    tampered = v2.model_copy(update={"assignee": "someone.else"})
    assert not await store.upsert_summary(tampered), "an equal version is a no-op"
    assert await store.get_summary("C-GUARD") == v2
    assert await store.upsert_summary(v3)
    assert not await store.upsert_summary(v3), "a repeated write is a no-op"
    assert await store.get_summary("C-GUARD") == v3
    assert await store.db["complaints"].count_documents({}) == 1


async def test_racing_writers_leave_the_newest_summary(store: ComplaintStore) -> None:
    """Writers of versions 1..12 at once, before any document exists: the compare-and-set
    keeps the newest, whoever comes last, and the newest writer is told it wrote."""
    versions = [7, 2, 12, 1, 9, 4, 11, 3, 8, 5, 10, 6]
    writes = [summary("C-RACE", version=v, assignee=f"user{v}") for v in versions]

    written = await asyncio.gather(*(store.upsert_summary(w) for w in writes))

    stored = await store.get_summary("C-RACE")
    assert stored is not None and stored.version == 12 and stored.assignee == "user12"
    assert written[versions.index(12)] is True
    assert await store.db["complaints"].count_documents({"_id": "C-RACE"}) == 1


async def test_a_newer_summary_replaces_every_field(store: ComplaintStore) -> None:
    await store.upsert_summary(summary("C-REPL", overdue=True, assignee="a.one"))
    await store.upsert_summary(summary("C-REPL", version=2, assignee=None))

    raw = await store.db["complaints"].find_one({"_id": "C-REPL"})
    assert raw is not None and raw["overdue"] is False and raw["assignee"] is None


async def test_events_are_appended_once(store: ComplaintStore) -> None:
    _, events = history("C-EVENTS")
    _, others = history("C-OTHER")
    await store.append_events(others)

    assert await store.append_events([]) == 0
    assert await store.append_events(events[:2]) == 2
    assert await store.append_events(events) == 1, "a replayed batch adds only what is new"
    assert await store.append_events(list(reversed(events))) == 0

    assert await store.events("C-EVENTS") == events
    assert await store.db["complaint_events"].count_documents({"complaint_id": "C-EVENTS"}) == 3
    assert [e.seq for e in await store.events("C-EVENTS", after_seq=1)] == [2, 3]
    assert [e.seq for e in await store.events("C-EVENTS", after_seq=1, limit=1)] == [2]
    assert await store.events("C-NONE") == []
    raw = await store.db["complaint_events"].find_one({"complaint_id": "C-EVENTS", "seq": 2})
    assert raw is not None and raw["_id"] == "C-EVENTS:0000000002"
    assert raw["at"] == events[1].model_dump(mode="json")["at"], "stored to the microsecond"


async def test_events_limit_is_bounded(store: ComplaintStore) -> None:
    with pytest.raises(ValueError):
        await store.events("C-1", limit=0)


# -- filters and sorts ------------------------------------------------------------------------

HOUR = timedelta(hours=1)
FIXTURE: list[dict[str, Any]] = [
    {"id": "C-A", "status": Status.TRIAGE, "reportable": True, "product_code": "IYN"},
    {"id": "C-B", "status": Status.INVESTIGATION, "severity": Severity.HIGH, "assignee": "ivy",
     "overdue": True, "product_code": "IYO", "description": "Probe overheats"},
    {"id": "C-C", "status": Status.INVESTIGATION, "severity": Severity.LOW, "assignee": "ines",
     "overdue": False, "reportable": True},
    {"id": "C-D", "status": Status.REVIEW, "severity": Severity.HIGH, "assignee": "ivy",
     "product_code": None, "description": "Image freezes after the probe overheats"},
    {"id": "C-E", "status": Status.CLOSED, "outcome": Outcome.RESOLVED,
     "severity": Severity.CRITICAL, "assignee": "ines", "overdue": True, "reportable": True},
]  # fmt: skip
UPDATED = {"C-A": 5, "C-B": 4, "C-C": 1, "C-D": 1, "C-E": 3}


async def seed(store: ComplaintStore) -> dict[str, ComplaintSummary]:
    """Created an hour apart in id order; updated at ``UPDATED`` hours, C-C and C-D tied."""
    seeded = {}
    for n, fields in enumerate(FIXTURE):
        values = dict(fields)
        complaint_id = values.pop("id")
        values.setdefault("description", "Image freezes during scan")
        item = summary(
            complaint_id,
            **values,
            keywords=keywords(complaint_id, values["description"]),
            created_at=T0 + n * HOUR,
            updated_at=T0 + UPDATED[complaint_id] * HOUR,
        )
        await store.upsert_summary(item)
        seeded[item.id] = item
    return seeded


@pytest.fixture(scope="module")
async def seeded(store_uri: str) -> AsyncIterator[ComplaintStore]:
    """One seeded database shared by the read-only filter tests."""
    async with fresh_store(store_uri) as store:
        await seed(store)
        yield store


def ids(page_items: list[Any]) -> list[str]:
    return [item.id for item in page_items]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["C-A", "C-B", "C-E", "C-D", "C-C"]),
        ({"status": "investigation"}, ["C-B", "C-C"]),
        ({"severity": "high"}, ["C-B", "C-D"]),
        ({"assignee": "ines"}, ["C-E", "C-C"]),
        ({"product_code": "IYO"}, ["C-B"]),
        ({"reportable": True}, ["C-A", "C-E", "C-C"]),
        ({"reportable": False}, ["C-B", "C-D"]),
        ({"overdue": True}, ["C-B", "C-E"]),
        ({"overdue": False}, ["C-A", "C-D", "C-C"]),  # absent counts as not overdue
        ({"q": "probe"}, ["C-B", "C-D"]),
        ({"q": "Overheats, PROBE!"}, ["C-B", "C-D"]),
        ({"q": "image probe"}, ["C-D"]),
        ({"q": "c-e"}, ["C-E"]),
        ({"q": "probe nothing"}, []),
        ({"q": "overheat pro"}, ["C-B", "C-D"]),  # each word the start of a word
        ({"q": "heats"}, []),  # not the middle or end of one
        ({"q": "?"}, ["C-A", "C-B", "C-E", "C-D", "C-C"]),  # no searchable word: no filter
        ({"created_from": T0 + HOUR}, ["C-B", "C-E", "C-D", "C-C"]),
        ({"created_to": T0 + 2 * HOUR}, ["C-A", "C-B"]),  # exclusive
        ({"created_from": T0 + HOUR, "created_to": T0 + 3 * HOUR}, ["C-B", "C-C"]),
        ({"severity": "high", "assignee": "ivy", "q": "overheats"}, ["C-B", "C-D"]),
        ({"status": "closed", "reportable": False}, []),
        ({"sort": "created_at"}, ["C-E", "C-D", "C-C", "C-B", "C-A"]),
        ({"sort": "created_at", "assignee": "ivy"}, ["C-D", "C-B"]),
        ({"sort": "updated_at", "overdue": False}, ["C-A", "C-D", "C-C"]),
    ],
)
async def test_filters_and_sorts(
    seeded: ComplaintStore, filters: dict[str, Any], expected: list[str]
) -> None:
    page = await seeded.list_complaints(ComplaintQuery.model_validate(filters))
    assert ids(page.items) == expected
    assert page.next_cursor is None


async def test_items_are_summaries_without_keywords(store: ComplaintStore) -> None:
    seeded = await seed(store)
    page = await store.list_complaints(ComplaintQuery(assignee="ivy"))

    for item in page.items:
        assert isinstance(item, ComplaintSummary)
        dumped = item.model_dump(mode="json")
        assert "keywords" not in dumped
        assert dumped == seeded[item.id].model_dump(mode="json", exclude={"keywords"})
    assert "keywords" not in page.model_dump(mode="json")["items"][0]


def test_query_bounds() -> None:
    assert ComplaintQuery().limit == 50 and ComplaintQuery().sort == SortField.UPDATED_AT
    for bad in ({"limit": 0}, {"limit": 201}, {"sort": "id"}, {"statuss": "triage"}):
        with pytest.raises(ValidationError):
            ComplaintQuery.model_validate(bad)
    with pytest.raises(ValidationError):
        ComplaintQuery(created_from=T0, created_to=T0)
    with pytest.raises(ValidationError):
        ComplaintQuery.model_validate({"created_from": "2026-11-02T08:00:00"})  # naive


# -- pagination -------------------------------------------------------------------------------


async def walk(store: ComplaintStore, query: ComplaintQuery) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = await store.list_complaints(query.model_copy(update={"cursor": cursor}))
        pages.append(ids(page.items))
        if page.next_cursor is None:
            return pages
        assert len(pages) < 100, "pagination does not end"
        cursor = page.next_cursor


async def test_pages_split_equal_timestamps(store: ComplaintStore) -> None:
    for n in range(7):
        await store.upsert_summary(summary(f"C-{n}", updated_at=T0, created_at=T0))

    pages = await walk(store, ComplaintQuery(limit=3))
    assert pages == [["C-6", "C-5", "C-4"], ["C-3", "C-2", "C-1"], ["C-0"]]
    pages = await walk(store, ComplaintQuery(limit=7, sort=SortField.CREATED_AT))
    assert pages == [[f"C-{n}" for n in reversed(range(7))]]


async def test_sort_by_next_due_reads_soonest_first_and_skips_rows_without_deadline(
    store: ComplaintStore,
) -> None:
    dues = {"C-D1": 3, "C-D2": None, "C-D3": 1, "C-D4": 3, "C-D5": 2}
    for complaint_id, hours in dues.items():
        due = None if hours is None else T0 + hours * HOUR
        await store.upsert_summary(summary(complaint_id, next_due_at=due))
    pages = await walk(store, ComplaintQuery(limit=2, sort=SortField.NEXT_DUE_AT))
    assert pages == [["C-D3", "C-D5"], ["C-D1", "C-D4"]]


ROWS = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 3), st.sampled_from([None, "ivy", "ines"])),
    max_size=18,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=ROWS,
    limit=st.integers(1, 5),
    sort=st.sampled_from([SortField.UPDATED_AT, SortField.CREATED_AT]),
    assignee=st.sampled_from([None, "ivy"]),
)
async def test_pagination_walks_everything_once(
    store_uri: str, rows: list[tuple[int, int, str | None]], limit: int, sort: SortField,
    assignee: str | None,
) -> None:  # fmt: skip
    async with fresh_store(store_uri) as store:
        docs = [
            summary(f"C-{n:02d}", created_at=T0 + c * HOUR, updated_at=T0 + u * HOUR, assignee=who)
            for n, (c, u, who) in enumerate(rows)
        ]
        for doc in docs:
            await store.upsert_summary(doc)

        pages = await walk(store, ComplaintQuery(limit=limit, sort=sort, assignee=assignee))

    wanted = [d for d in docs if assignee is None or d.assignee == assignee]
    wanted.sort(key=lambda d: (getattr(d, sort.value), d.id), reverse=True)
    assert [i for page in pages for i in page] == [d.id for d in wanted]
    assert all(len(page) == limit for page in pages[:-1])
    assert len(pages[-1]) <= limit and (pages[-1] or len(pages) == 1)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64!",
        "@@@@",
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b'["2026-11-02T08:00:00+00:00"]').decode(),
        base64.urlsafe_b64encode(b'["2026-11-02T08:00:00", "C-1"]').decode(),  # naive
        base64.urlsafe_b64encode(b'["yesterday", "C-1"]').decode(),
        base64.urlsafe_b64encode(b'["2026-11-02T08:00:00+00:00", 7]').decode(),
        base64.urlsafe_b64encode(b'["2026-11-02T08:00:00+00:00", ""]').decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
async def test_invalid_cursor(store: ComplaintStore, cursor: str) -> None:
    with pytest.raises(InvalidCursor) as raised:
        await store.list_complaints(ComplaintQuery(cursor=cursor))
    assert isinstance(raised.value, ValueError)


# -- indexes and the connection ---------------------------------------------------------------

D = -1  # every sort is descending, with _id as the tie-breaker
EXPECTED_INDEXES = {
    (filter_field, sort): keys
    for sort in ("updated_at", "created_at")
    for filter_field, keys in {
        None: [(sort, D), ("_id", D)],
        "status": [("status", 1), (sort, D), ("_id", D)],
        "severity": [("severity", 1), (sort, D), ("_id", D)],
        "assignee": [("assignee", 1), (sort, D), ("_id", D)],
        "product_code": [("product_code", 1), (sort, D), ("_id", D)],
        "reportable": [("reportable", 1), (sort, D), ("_id", D)],
        "overdue": [("overdue", 1), (sort, D), ("_id", D)],
        "q": [("keywords", 1), (sort, D), ("_id", D)],
        "created_at": (
            [("created_at", 1), (sort, D), ("_id", D)]
            if sort == "updated_at"
            else [("created_at", D), ("_id", D)]
        ),
    }.items()
}


def key_patterns(info: Mapping[str, Any]) -> list[list[tuple[str, int]]]:
    return [[(field, int(direction)) for field, direction in spec["key"]] for spec in info.values()]


@pytest.mark.parametrize(("filter_field", "sort"), sorted(EXPECTED_INDEXES, key=str))
async def test_every_filter_and_sort_has_an_index(
    seeded: ComplaintStore, filter_field: str | None, sort: str
) -> None:
    patterns = key_patterns(await seeded.db["complaints"].index_information())
    assert EXPECTED_INDEXES[(filter_field, sort)] in patterns


async def test_indexes_are_idempotent_and_events_ordered(store: ComplaintStore) -> None:
    before = await store.db["complaints"].index_information()
    await store.ensure_indexes()
    assert await store.db["complaints"].index_information() == before
    assert len(before) == 1 + 3 + 3 * 7 + 2

    events = await store.db["complaint_events"].index_information()
    assert [("complaint_id", 1), ("seq", 1)] in key_patterns(events)


async def test_a_legacy_unique_event_index_is_replaced(store: ComplaintStore) -> None:
    events = store.db["complaint_events"]
    await events.drop_index("complaint_id_1_seq_1")
    await events.create_index([("complaint_id", 1), ("seq", 1)], unique=True)
    await store.ensure_indexes()
    info = await events.index_information()
    assert info["complaint_id_1_seq_1"]["key"] == [("complaint_id", 1), ("seq", 1)]
    assert not info["complaint_id_1_seq_1"].get("unique")


async def test_open_store_pings_and_closes(store_uri: str) -> None:
    store = open_store(Settings(mongo_uri=store_uri, mongo_db="test_open_store"))
    try:
        await store.ping()
        await store.ensure_indexes()
        assert not await store.exists("C-1")
    finally:
        await store.db.client.drop_database("test_open_store")
        await store.close()
