"""Collection names, index definitions and the mapping between models and documents."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from domain.audit import AuditEvent
from domain.summary import ComplaintSummary

COMPLAINTS = "complaints"
EVENTS = "complaint_events"

#: The list's sort fields, with ``_id`` as the tie-breaker: newest first, except deadlines,
#: which read soonest first.
SORT_FIELDS = ("updated_at", "created_at", "next_due_at")
ASCENDING_SORTS = frozenset({"next_due_at"})
#: Fields the list filters on by equality (``keywords`` by ``$all``, through a multikey index).
FILTER_FIELDS = (
    "status",
    "severity",
    "assignee",
    "product_code",
    "reportable",
    "overdue",
    "keywords",
)
#: Fields the list filters on by range.
RANGE_FIELDS = ("created_at",)

Keys = list[tuple[str, int]]


def sort_direction(sort_field: str) -> int:
    return ASCENDING if sort_field in ASCENDING_SORTS else DESCENDING


def _sorted_by(sort_field: str) -> Keys:
    direction = sort_direction(sort_field)
    return [(sort_field, direction), ("_id", direction)]


def complaint_index_keys() -> list[Keys]:
    """One index per (filter field, sort field) pair, so every filter and sort is index-backed.

    Equality fields come first and the sort follows (MongoDB's equality-sort-range rule), so
    a filtered page is read in order from the index without a blocking sort.
    """
    keys = [_sorted_by(sort) for sort in SORT_FIELDS]
    for field in (*FILTER_FIELDS, *RANGE_FIELDS):
        for sort in SORT_FIELDS:
            if field != sort:
                keys.append([(field, ASCENDING), *_sorted_by(sort)])
    return keys


def complaint_indexes() -> list[IndexModel]:
    return [IndexModel(keys) for keys in complaint_index_keys()]


#: The timeline's read order. Not unique: an event's ``_id`` (:func:`event_id`) already is
#: ``complaint_id:seq``, and the embedded store checks a unique compound index by scanning
#: the whole collection on every write (measured: 0.2 s per event at 2,000 events, growing).
EVENT_ORDER: Keys = [("complaint_id", ASCENDING), ("seq", ASCENDING)]


def event_indexes() -> list[IndexModel]:
    return [IndexModel(EVENT_ORDER)]


def summary_document(summary: ComplaintSummary) -> dict[str, Any]:
    """The stored form: enums as strings, datetimes as BSON datetimes (UTC, millisecond)."""
    doc = summary.model_dump(mode="python", exclude={"id"})
    doc["_id"] = summary.id
    return doc


def summary_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored summary's fields, ready to validate as ``ComplaintSummary`` or a subclass."""
    fields = {key: value for key, value in doc.items() if key != "_id"}
    return {**fields, "id": doc["_id"]}


def event_id(complaint_id: str, seq: int) -> str:
    return f"{complaint_id}:{seq:010d}"


def event_document(event: AuditEvent) -> dict[str, Any]:
    """The stored form without ``_id``: it is inserted once, by ``$setOnInsert``.

    Stored as JSON values (timestamps as ISO strings, to the microsecond), exactly as the
    workflow recorded the event: BSON dates keep milliseconds only, which would break the
    event's hash (domain.chain) and its equality with the history.
    """
    return event.model_dump(mode="json")


def event_from_document(doc: dict[str, Any]) -> AuditEvent:
    return AuditEvent.model_validate({key: value for key, value in doc.items() if key != "_id"})
