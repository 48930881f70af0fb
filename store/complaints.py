"""``ComplaintStore``: the complaint projection (summaries and audit events) in MongoDB."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from pymongo import AsyncMongoClient, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from domain.audit import AuditEvent
from domain.summary import ComplaintSummary
from store import schema
from store.archive import HistoryArchive
from store.query import (
    ComplaintListItem,
    ComplaintPage,
    ComplaintQuery,
    InvalidCursor,
    SortField,
    encode_cursor,
    list_filter,
    list_sort,
)

# The query types are re-exported here too: callers import them with the store.
__all__ = [
    "ComplaintListItem",
    "ComplaintPage",
    "ComplaintQuery",
    "ComplaintStore",
    "InvalidCursor",
    "SortField",
]

Document = dict[str, Any]
DUPLICATE_KEY = 11000
MAX_EVENTS_PAGE = 1000
#: Compare-and-set rounds before a summary write gives up (the activity then retries).
CAS_ATTEMPTS = 5


class ConcurrentWrites(RuntimeError):
    """Other writers changed a summary under every attempt of a compare-and-set."""


class ComplaintStore:
    """Writes are idempotent and ordered by ``version``/``seq``, so activity retries are safe."""

    def __init__(
        self, db: AsyncDatabase[Document], *, client: AsyncMongoClient[Document] | None = None
    ) -> None:
        self._db = db
        self._client = client
        self._complaints = db[schema.COMPLAINTS]
        self._events = db[schema.EVENTS]
        #: Closed runs' histories, kept past Temporal's retention (store/archive.py).
        self.archive = HistoryArchive(db)

    @property
    def db(self) -> AsyncDatabase[Document]:
        return self._db

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()

    async def ping(self) -> None:
        """Raise unless the server answers (for ``/readyz``; bound it with ``asyncio.timeout``)."""
        await self._db.command("ping")

    async def ensure_indexes(self) -> None:
        """Create the collections' indexes; a no-op when they already exist."""
        await self._complaints.create_indexes(schema.complaint_indexes())
        await self._drop_unique_event_order()
        await self._events.create_indexes(schema.event_indexes())
        await self.archive.ensure_indexes()

    async def _drop_unique_event_order(self) -> None:
        """Stores made before the event index became plain hold a unique one of the same keys."""
        for name, spec in (await self._events.index_information()).items():
            keys = [(field, int(direction)) for field, direction in spec["key"]]
            if keys == schema.EVENT_ORDER and spec.get("unique"):
                await self._events.drop_index(name)

    # -- writes ---------------------------------------------------------------------------

    async def upsert_summary(self, summary: ComplaintSummary) -> bool:
        """Store ``summary`` unless an equal or newer version is there; True when written.

        A compare-and-set: read the stored version, then replace exactly that version (or
        insert when there is none); when another writer got in between, compare again.
        Equality on ``version``, not ``$lt``: the embedded store re-plans a range filter
        with a whole-collection scan after every write (17-31 ms a write against ~7 ms).
        """
        document = schema.summary_document(summary)
        for _ in range(CAS_ATTEMPTS):
            stored = await self._complaints.find_one({"_id": summary.id}, {"version": 1})
            if stored is None:
                try:
                    await self._complaints.insert_one(document)
                except DuplicateKeyError:
                    continue
                return True
            if stored["version"] >= summary.version:
                return False
            replaced = await self._complaints.replace_one(
                {"_id": summary.id, "version": stored["version"]}, document
            )
            if replaced.matched_count:
                return True
        raise ConcurrentWrites(
            f"{summary.id}: the summary kept changing under {CAS_ATTEMPTS} writes"
        )

    async def append_events(self, events: list[AuditEvent]) -> int:
        """Insert the events not stored yet; return how many were new."""
        if not events:
            return 0
        writes = [
            UpdateOne(
                {"_id": schema.event_id(event.complaint_id, event.seq)},
                {"$setOnInsert": schema.event_document(event)},
                upsert=True,
            )
            for event in events
        ]
        try:
            result = await self._events.bulk_write(writes, ordered=False)
        except BulkWriteError as error:
            # Two writers raced to insert the same event: the other one stored it.
            details = error.details
            if any(e.get("code") != DUPLICATE_KEY for e in details.get("writeErrors", [])):
                raise
            if details.get("writeConcernErrors"):
                raise
            return int(details.get("nUpserted", 0))
        return result.upserted_count

    # -- reads ----------------------------------------------------------------------------

    async def get_summary(self, complaint_id: str) -> ComplaintSummary | None:
        doc = await self._complaints.find_one({"_id": complaint_id})
        return None if doc is None else ComplaintSummary.model_validate(schema.summary_fields(doc))

    async def exists(self, complaint_id: str) -> bool:
        doc = await self._complaints.find_one({"_id": complaint_id}, {"_id": 1})
        return doc is not None

    async def events(
        self, complaint_id: str, *, after_seq: int = 0, limit: int = 500
    ) -> list[AuditEvent]:
        """Audit events with ``seq > after_seq``, oldest first, at most ``limit`` of them."""
        if not 1 <= limit <= MAX_EVENTS_PAGE:
            raise ValueError(f"limit must be between 1 and {MAX_EVENTS_PAGE}")
        cursor = (
            self._events.find({"complaint_id": complaint_id, "seq": {"$gt": after_seq}})
            .sort("seq", 1)
            .limit(limit)
        )
        return [schema.event_from_document(doc) async for doc in cursor]

    async def complaint_ids(
        self, *, created_from: datetime | None = None, created_to: datetime | None = None
    ) -> AsyncIterator[str]:
        """Ids of the complaints created in ``[created_from, created_to)``, oldest first."""
        created: Document = {}
        if created_from is not None:
            created["$gte"] = created_from
        if created_to is not None:
            created["$lt"] = created_to
        query = {"created_at": created} if created else {}
        cursor = self._complaints.find(query, {"_id": 1}).sort([("created_at", 1), ("_id", 1)])
        async for doc in cursor:
            yield doc["_id"]

    async def event_complaint_ids(self) -> list[str]:
        """Every complaint id that has audit events stored."""
        return sorted(await self._events.distinct("complaint_id"))

    async def list_complaints(self, query: ComplaintQuery) -> ComplaintPage:
        """One page of summaries; raises ``InvalidCursor`` for a cursor it did not hand out."""
        cursor = (
            self._complaints.find(list_filter(query), {"keywords": 0})
            .sort(list_sort(query))
            .limit(query.limit + 1)
        )
        docs = [doc async for doc in cursor]
        items = [
            ComplaintListItem.model_validate(schema.summary_fields(doc))
            for doc in docs[: query.limit]
        ]
        next_cursor = None
        if len(docs) > query.limit:
            last = docs[query.limit - 1]
            next_cursor = encode_cursor(last[query.sort.value], last["_id"])
        return ComplaintPage(items=items, next_cursor=next_cursor)
