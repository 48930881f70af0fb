"""The history archive: idempotent versions, the longest per run, and a checked sha256."""

from __future__ import annotations

import gzip
import hashlib
from datetime import timedelta

import pytest

from store import ComplaintStore
from store.archive import ArchiveCorrupt, ArchivedRun
from tests.store.builders import T0


def entry(text: str, *, run_id: str = "r1", last: int = 10, **fields: object) -> ArchivedRun:
    data = text.encode()
    values: dict[str, object] = {
        "workflow_id": "complaint-C-1",
        "run_id": run_id,
        "last_event_id": last,
        "started_at": T0,
        "complete": False,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "archived_at": T0,
    } | fields
    return ArchivedRun.model_validate(values)


async def test_archiving_the_same_history_twice_stores_it_once(store: ComplaintStore) -> None:
    await store.ensure_indexes()
    text = '{"events": [1]}'
    assert await store.archive.put(entry(text), text) is True
    assert await store.archive.put(entry(text), text) is False
    assert await store.db["complaint_histories"].count_documents({}) == 1
    raw = await store.db["complaint_histories"].find_one({})
    assert raw is not None and len(raw["history"]) > 0 and text.encode() not in raw["history"]


async def test_readers_get_the_longest_version_of_each_run(store: ComplaintStore) -> None:
    short, longer = '{"events": [1]}', '{"events": [1, 2, 3]}'
    later = T0 + timedelta(days=1)
    await store.archive.put(entry(short, last=5), short)
    await store.archive.put(entry(longer, last=9, complete=True), longer)
    await store.archive.put(entry(short, run_id="r2", started_at=later), short)

    runs = await store.archive.runs("complaint-C-1")
    assert [(r.run_id, r.last_event_id) for r in runs] == [("r1", 9), ("r2", 10)]
    found = await store.archive.history("complaint-C-1", "r1")
    assert found is not None and found[1] == longer
    assert await store.archive.has_complete("complaint-C-1", "r1")
    assert not await store.archive.has_complete("complaint-C-1", "r2")
    assert await store.archive.history("complaint-C-1", "nope") is None


async def test_an_entry_that_does_not_describe_its_history_is_refused(
    store: ComplaintStore,
) -> None:
    with pytest.raises(ValueError):
        await store.archive.put(entry("one"), "another")


async def test_a_tampered_archive_fails_its_checksum(store: ComplaintStore) -> None:
    text = '{"events": [1]}'
    await store.archive.put(entry(text), text)
    forged = gzip.compress(b'{"events": [2]}')
    await store.db["complaint_histories"].update_one({}, {"$set": {"history": forged}})
    with pytest.raises(ArchiveCorrupt):
        await store.archive.history("complaint-C-1", "r1")


async def test_the_sweep_watermark_round_trips(store: ComplaintStore) -> None:
    assert await store.archive.swept_until() is None
    await store.archive.set_swept_until(T0)
    await store.archive.set_swept_until(T0 + timedelta(hours=1))
    assert await store.archive.swept_until() == T0 + timedelta(hours=1)
