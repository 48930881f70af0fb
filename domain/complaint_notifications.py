"""Which notifications a complaint's events call for, built deterministically in the workflow.

Addresses are not resolved here: each notification names its :class:`Audience`, and the
sending activity looks the people up in the staff directory.
"""

from __future__ import annotations

from pydantic import JsonValue

from domain.audit import AuditEvent
from domain.clocks import CLOCK_LABELS, SLA_STAGES, Clock, Milestone
from domain.complaint import ComplaintState
from domain.enums import Action
from domain.notifications import Audience, Notification, NotificationKind, event_key


def for_event(state: ComplaintState, event: AuditEvent) -> list[Notification]:
    """Mail that a user's transition (or the intake) sends."""
    email = state.intake.complainant.email
    match event.action:
        case Action.CREATE if email:
            kind = NotificationKind.RECEIVED
            extra: dict[str, JsonValue] = {
                "complainant_name": state.intake.complainant.name,
                "received_at": event.at.isoformat(),
            }
        case Action.TRIAGE | Action.ASSIGN if state.assignee:
            kind = NotificationKind.ASSIGNED
            extra = {"severity": _str(state.severity), "assignee_name": state.assignee}
            extra["due_at"] = _iso(_stage_due(state))
        case Action.CLOSE if email:
            kind = NotificationKind.CLOSURE_REPLY
            extra = {
                "complainant_name": state.intake.complainant.name,
                "customer_reply": state.customer_reply,
            }
        case _:
            return []
    audience = Audience(assignee=state.assignee, complainant_email=email)
    return [_build(state, event, kind=kind, audience=audience, extra=extra)]


def worth_mailing(
    fired: list[tuple[Milestone, AuditEvent]],
) -> list[tuple[Milestone, AuditEvent]]:
    """Of milestones that fire together, the last of each clock: the others are superseded.

    A deadline that was already past when its clock started (awareness long ago) fires its
    50 % and 80 % warnings and its breach at once; "deadline approaching" mails beside the
    "deadline missed" one would only mislead. Each milestone still has its audit event.
    """
    last = {milestone.clock_id: index for index, (milestone, _) in enumerate(fired)}
    return [pair for index, pair in enumerate(fired) if last[pair[0].clock_id] == index]


def for_milestone(state: ComplaintState, milestone: Milestone, event: AuditEvent) -> Notification:
    """Mail for a reminder, escalation or regulatory warning or breach."""
    audience = Audience(assignee=state.assignee, escalation_level=milestone.escalation_level)
    clock = next(c for c in state.clock_book if c.id == milestone.clock_id)
    extra: dict[str, JsonValue]
    if milestone.kind in SLA_STAGES:
        kind = (
            NotificationKind.SLA_REMINDER
            if milestone.escalation_level == 0
            else NotificationKind.ESCALATION
        )
        extra = {
            "severity": _str(state.severity),
            "assignee_name": state.assignee,
            "stage": str(SLA_STAGES[milestone.kind]),
            "due_at": clock.due_at.isoformat(),
        }
        if kind == NotificationKind.ESCALATION:
            extra["escalation_level"] = milestone.escalation_level
    else:
        kind = (
            NotificationKind.REGULATORY_BREACH
            if event.action == Action.REGULATORY_BREACH
            else NotificationKind.REGULATORY_WARNING
        )
        extra = {
            "clock_kind": str(milestone.kind),
            "clock_label": CLOCK_LABELS[milestone.kind],
            "due_at": clock.due_at.isoformat(),
        }
    return _build(state, event, kind=kind, audience=audience, extra=extra)


def _build(
    state: ComplaintState,
    event: AuditEvent,
    *,
    kind: NotificationKind,
    audience: Audience,
    extra: dict[str, JsonValue],
) -> Notification:
    context: dict[str, JsonValue] = {
        "complaint_id": state.id,
        "device_name": state.intake.device.name,
        "status": str(state.status),
        **extra,
    }
    return Notification(
        complaint_id=state.id,
        kind=kind,
        key=event_key(event.seq),
        audience=audience,
        context=context,
    )


def _stage_due(state: ComplaintState) -> Clock | None:
    running = [c for c in state.clock_book if c.kind in SLA_STAGES and c.stopped_at is None]
    stage = [c for c in running if SLA_STAGES[c.kind] != "overall"]
    return stage[-1] if stage else None


def _str(value: object | None) -> str | None:
    return None if value is None else str(value)


def _iso(clock: Clock | None) -> str | None:
    return clock.due_at.isoformat() if clock is not None else None
