"""Test data for the store: summaries built field by field, and real domain histories."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient

from domain.actions import Assign, Command, Triage
from domain.audit import Actor, AuditEvent
from domain.complaint import ComplaintState, apply, open_complaint
from domain.enums import Channel, Severity, Status
from domain.intake import Intake
from domain.summary import ComplaintSummary, summarize
from store import ComplaintStore

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
ACTOR = Actor(user_id="ian.intake", name="Ian Intake")

INTAKE: dict[str, Any] = {
    "source": {"channel": "phone", "ref": "TWD-88812"},
    "aware_at": "2026-11-01T09:00:00Z",
    "device": {"name": "Vivid E95", "product_code": "IYN", "lot": "L123", "serial": "SN-1"},
    "complainant": {"name": "Dr. Jane Roe", "phone": "+1 555 0100"},
    "event": {"description": "Image freezes during scan", "malfunction": True},
}


def summary(complaint_id: str, **fields: Any) -> ComplaintSummary:
    """A summary with plausible defaults, overridden by ``fields``."""
    values: dict[str, Any] = {
        "id": complaint_id,
        "version": 1,
        "status": Status.TRIAGE,
        "outcome": None,
        "severity": None,
        "assignee": None,
        "reportable": False,
        "channel": Channel.PHONE,
        "source_ref": None,
        "device_name": "Vivid E95",
        "product_code": "IYN",
        "description": "Image freezes during scan",
        "aware_at": T0 - timedelta(days=1),
        "created_at": T0,
        "updated_at": T0,
        "closed_at": None,
        "keywords": [complaint_id.lower(), "image", "freezes", "during", "scan"],
    } | fields
    return ComplaintSummary(**values)


def history(complaint_id: str) -> tuple[list[ComplaintSummary], list[AuditEvent]]:
    """A complaint opened, triaged and reassigned: its summary after each step, and events."""
    intake = Intake.model_validate(INTAKE)
    state, created = open_complaint(complaint_id=complaint_id, intake=intake, actor=ACTOR, now=T0)
    summaries, events = [summarize(state)], [created]
    steps: list[Command] = [
        Triage.model_validate(
            {
                "action": "triage",
                "severity": Severity.HIGH,
                "assignee": "ivy.investigator",
                "reportability": {"fda_mdr": True},
            }
        ),
        Assign(action="assign", assignee="ines.investigator"),
    ]
    for hours, command in enumerate(steps, start=1):
        events.append(_step(state, command, now=T0 + timedelta(hours=hours)))
        summaries.append(summarize(state))
    return summaries, events


def _step(state: ComplaintState, command: Command, *, now: datetime) -> AuditEvent:
    return apply(state, command, actor=ACTOR, now=now)


@asynccontextmanager
async def fresh_store(uri: str) -> AsyncIterator[ComplaintStore]:
    """A store on a database of its own, with its indexes; dropped afterwards."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True)
    name = f"test_{uuid.uuid4().hex[:12]}"
    store = ComplaintStore(client[name], client=client)
    await store.ensure_indexes()
    try:
        yield store
    finally:
        await client.drop_database(name)
        await store.close()
