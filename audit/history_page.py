"""Cursor pages of a complaint's timeline, across all its runs."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from pydantic import BaseModel, Field

from audit.source import Chain
from audit.timeline import TimelineEntry

MAX_LIMIT = 500


class InvalidCursor(ValueError):
    """The cursor is not one this API handed out."""


class RunInfo(BaseModel):
    run_id: str
    source: str
    events: int
    continued_from: str | None


class RawRun(BaseModel):
    run_id: str
    source: str
    history: dict[str, Any] = Field(description="Temporal's own JSON of the run's history")


class RawHistory(BaseModel):
    """``?format=raw``: every run's history as Temporal writes it, oldest run first."""

    workflow_id: str
    runs: list[RawRun]


class TimelinePage(BaseModel):
    workflow_id: str
    runs: list[RunInfo]
    items: list[TimelineEntry]
    next_cursor: str | None = None


def encode_cursor(entry: TimelineEntry) -> str:
    raw = json.dumps([entry.run_id, entry.event_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        run_id, event_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, UnicodeDecodeError, TypeError, ValueError) as error:
        raise InvalidCursor("cursor is not valid") from error
    if not isinstance(run_id, str) or not isinstance(event_id, int):
        raise InvalidCursor("cursor is not valid")
    return run_id, event_id


def page_of(
    chain: Chain, entries: list[TimelineEntry], *, cursor: str | None, limit: int
) -> TimelinePage:
    start = 0
    if cursor is not None:
        position = decode_cursor(cursor)
        keys = [(entry.run_id, entry.event_id) for entry in entries]
        if position not in keys:
            raise InvalidCursor("cursor is not valid")
        start = keys.index(position) + 1
    items = entries[start : start + limit]
    more = start + limit < len(entries)
    runs = [
        RunInfo(
            run_id=run.run_id,
            source=run.source,
            events=len(run.history.events),
            continued_from=run.continued_from,
        )
        for run in chain.runs
    ]
    return TimelinePage(
        workflow_id=chain.workflow_id,
        runs=runs,
        items=items,
        next_cursor=encode_cursor(items[-1]) if more and items else None,
    )
