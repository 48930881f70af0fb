"""The list query: its filters, sort, cursor pagination and the page it returns."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from domain.base import UserId
from domain.enums import Severity, Status
from domain.search import keywords
from domain.summary import ComplaintSummary
from store.schema import ASCENDING, sort_direction

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


class InvalidCursor(ValueError):
    """The ``cursor`` is not one this store handed out (the API answers 422)."""


class SortField(StrEnum):
    UPDATED_AT = "updated_at"
    CREATED_AT = "created_at"
    NEXT_DUE_AT = "next_due_at"  # soonest deadline first; complaints without one are left out


class ComplaintQuery(BaseModel):
    """Filters of ``GET /complaints``; all given filters must hold (AND).

    ``created_from`` is inclusive and ``created_to`` exclusive. Pages are newest first by
    ``sort``; pass the previous page's ``next_cursor`` as ``cursor`` to read on.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: Status | None = None
    severity: Severity | None = None
    assignee: UserId | None = None
    product_code: str | None = Field(default=None, min_length=1, max_length=10)
    reportable: bool | None = None
    overdue: bool | None = None
    q: str | None = Field(
        default=None,
        max_length=500,
        description="Words that must all match, each the start of a word: `freeze e95`.",
    )
    created_from: AwareDatetime | None = None
    created_to: AwareDatetime | None = None
    sort: SortField = SortField.UPDATED_AT
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _range_in_order(self) -> ComplaintQuery:
        if self.created_from and self.created_to and self.created_from >= self.created_to:
            raise ValueError("created_from must be before created_to")
        return self


class ComplaintListItem(ComplaintSummary):
    """A list row: the summary without its search keywords, which only serve ``q``."""

    keywords: list[str] = Field(default_factory=list, exclude=True)


class ComplaintPage(BaseModel):
    items: list[ComplaintListItem]
    next_cursor: str | None = None


def encode_cursor(sort_value: datetime, complaint_id: str) -> str:
    """Opaque position after a row: urlsafe base64 (unpadded) of ``[sort_value_iso, id]``."""
    raw = json.dumps([sort_value.isoformat(), complaint_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, complaint_id = json.loads(raw)
        at = datetime.fromisoformat(value)
    except (binascii.Error, UnicodeDecodeError, TypeError, ValueError) as error:
        raise InvalidCursor("cursor is not valid") from error
    if at.tzinfo is None or not isinstance(complaint_id, str) or not complaint_id:
        raise InvalidCursor("cursor is not valid")
    return at, complaint_id


def list_filter(query: ComplaintQuery) -> dict[str, Any]:
    """The MongoDB filter for one page; raises :class:`InvalidCursor`."""
    clauses: list[dict[str, Any]] = []
    for field in ("status", "severity", "assignee", "product_code", "reportable"):
        value = getattr(query, field)
        if value is not None:
            clauses.append({field: value})
    if query.overdue is not None:
        # A summary written before the overdue flag existed has no such field: not overdue.
        clauses.append({"overdue": True} if query.overdue else {"overdue": {"$in": [False, None]}})
    if query.q is not None:
        # Each word matches the start of a keyword ("freeze" finds "freezes"); an anchored
        # prefix is index-backed (the multikey keywords index) on MongoDB.
        clauses += [{"keywords": {"$regex": f"^{re.escape(w)}"}} for w in keywords(query.q)]
    created: dict[str, datetime] = {}
    if query.created_from is not None:
        created["$gte"] = query.created_from
    if query.created_to is not None:
        created["$lt"] = query.created_to
    if created:
        clauses.append({"created_at": created})
    sort = query.sort.value
    ascending = sort_direction(sort) == ASCENDING
    if ascending:
        clauses.append({sort: {"$gte": EPOCH}})  # only rows that have a value to order by
    if query.cursor is not None:
        at, last_id = decode_cursor(query.cursor)
        after = "$gt" if ascending else "$lt"
        clauses.append({"$or": [{sort: {after: at}}, {sort: at, "_id": {after: last_id}}]})
    if not clauses:
        return {}
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def list_sort(query: ComplaintQuery) -> list[tuple[str, int]]:
    direction = sort_direction(query.sort.value)
    return [(query.sort.value, direction), ("_id", direction)]
