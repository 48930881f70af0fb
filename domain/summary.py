"""The list-view projection of a complaint.

It carries no PHI: no patient details and no complainant contact.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel

from domain.clocks import is_overdue, next_deadline
from domain.complaint import ComplaintState
from domain.enums import Channel, Outcome, Severity, Status
from domain.search import keywords

DESCRIPTION_PREVIEW = 280


class ComplaintSummary(BaseModel):
    id: str
    version: int
    status: Status
    outcome: Outcome | None
    severity: Severity | None
    assignee: str | None
    reportable: bool
    channel: Channel
    source_ref: str | None
    device_name: str
    product_code: str | None
    description: str
    aware_at: AwareDatetime
    created_at: AwareDatetime
    updated_at: AwareDatetime
    closed_at: AwareDatetime | None
    next_due_at: AwareDatetime | None = None
    overdue: bool = False
    escalation_level: int = 0
    keywords: list[str]


def summarize(state: ComplaintState, *, now: datetime | None = None) -> ComplaintSummary:
    """The list row as of ``now`` (default: the last change), which decides ``overdue``."""
    intake = state.intake
    device = intake.device
    return ComplaintSummary(
        id=state.id,
        version=state.version,
        status=state.status,
        outcome=state.outcome,
        severity=state.severity,
        assignee=state.assignee,
        reportable=state.reportable,
        channel=intake.source.channel,
        source_ref=intake.source.ref,
        device_name=device.name,
        product_code=device.product_code,
        description=intake.event.description[:DESCRIPTION_PREVIEW],
        aware_at=intake.aware_at,
        created_at=state.created_at,
        updated_at=state.updated_at,
        closed_at=state.closed_at,
        next_due_at=next_deadline(state.clock_book),
        overdue=is_overdue(state.clock_book, now=now or state.updated_at),
        escalation_level=state.escalation_level,
        keywords=keywords(
            state.id,
            intake.event.description,
            device.name,
            device.product_code,
            device.udi,
            device.lot,
            device.serial,
            intake.source.ref,
        ),
    )
