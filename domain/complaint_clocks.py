"""A complaint's clocks: kept in step with its facts, and the milestones they raise.

The workflow calls :func:`sync_clocks` after every change and :func:`fire_due` when its
timer rings. Both are pure: the calendars and SLA policy come in with the workflow input,
so a replay computes the same deadlines.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from domain.actions import Reportability
from domain.audit import SYSTEM, AuditEvent, FieldChange
from domain.base import StrictModel
from domain.clock_rules import reconcile
from domain.clocks import (
    BUSINESS_TIME,
    CLOCK_LABELS,
    SLA_STAGES,
    TICKING,
    ClockCalendars,
    ClockView,
    Milestone,
    MilestoneName,
    clock_views,
    due_now,
    escalation_level,
    mark_fired,
    next_due,
)
from domain.complaint import RECENT_EVENTS, ComplaintState
from domain.enums import Action
from domain.sla import SlaPolicy, default_sla_policy


class ClockRules(StrictModel):
    """The calendars and SLA policy a complaint's clocks count with."""

    calendars: ClockCalendars = Field(default_factory=ClockCalendars.default)
    policy: SlaPolicy = Field(default_factory=default_sla_policy)


def sync_clocks(state: ComplaintState, *, now: datetime, rules: ClockRules) -> list[str]:
    """Start, stop, pause, resume or re-arm clocks to fit the state; return the reasons."""
    state.clock_book, changes = reconcile(
        state.clock_book,
        status=state.status,
        severity=state.severity,
        reportability=_reportability(state),
        aware_at=state.intake.aware_at,
        supplemental_since=state.supplemental_since,
        submissions=state.submissions,
        now=now,
        calendars=rules.calendars,
        policy=rules.policy,
    )
    state.escalation_level = escalation_level(state.clock_book)
    return changes


def settle(state: ComplaintState, event: AuditEvent, *, now: datetime, rules: ClockRules) -> None:
    """Reconcile the clocks after ``event``'s change and record it in the event: why each
    clock moved, and the escalation level when the change raised or lowered it."""
    before = state.escalation_level
    event.clock_changes = sync_clocks(state, now=now, rules=rules)
    if state.escalation_level != before:
        change = FieldChange(field="escalation_level", old=before, new=state.escalation_level)
        event.changes = sorted([*event.changes, change], key=lambda c: c.field)


def _reportability(state: ComplaintState) -> Reportability | None:
    """Before triage decides, a death or injury is presumed MDR-reportable: its clock runs."""
    if state.reportability is None and state.intake.presumed_reportable:
        return Reportability(fda_mdr=True)
    return state.reportability


def next_wake(state: ComplaintState, *, rules: ClockRules) -> datetime | None:
    return next_due(state.clock_book, calendars=rules.calendars, policy=rules.policy)


def fire_due(
    state: ComplaintState, *, now: datetime, rules: ClockRules
) -> list[tuple[Milestone, AuditEvent]]:
    """Fire every milestone whose time has come; one system audit event each."""
    due = due_now(state.clock_book, now=now, calendars=rules.calendars, policy=rules.policy)
    fired: list[tuple[Milestone, AuditEvent]] = []
    for milestone in due:
        before = state.escalation_level
        state.clock_book = mark_fired(state.clock_book, [milestone])
        state.escalation_level = escalation_level(state.clock_book)
        state.version += 1
        state.updated_at = now
        changes = []
        if state.escalation_level != before:
            changes.append(
                FieldChange(field="escalation_level", old=before, new=state.escalation_level)
            )
        event = AuditEvent(
            complaint_id=state.id,
            seq=state.version,
            at=now,
            action=milestone_action(milestone),
            actor=SYSTEM,
            status_before=state.status,
            status_after=state.status,
            changes=changes,
            reason=describe(milestone),
        )
        state.recent_events = [*state.recent_events, event][-RECENT_EVENTS:]
        fired.append((milestone, event))
    return fired


def milestone_action(milestone: Milestone) -> Action:
    if milestone.kind in SLA_STAGES:
        return Action.SLA_REMINDER if milestone.escalation_level == 0 else Action.ESCALATION
    if milestone.name == MilestoneName.BREACH:
        return Action.REGULATORY_BREACH
    return Action.REGULATORY_WARNING


def describe(milestone: Milestone) -> str:
    label = CLOCK_LABELS[milestone.kind]
    due = milestone.at.isoformat(timespec="minutes")
    match milestone.name:
        case MilestoneName.REMINDER:
            return f"reminder: 75% of the time for {label} has passed"
        case MilestoneName.BREACH if milestone.kind in SLA_STAGES:
            return f"{label} breached at {due}: escalated to the supervisor (level 1)"
        case MilestoneName.BREACH:
            return f"{label} deadline passed at {due}: escalated to the head of quality"
        case MilestoneName.ESCALATION_2:
            return f"{label} still breached after the grace period: escalated to level 2"
        case _:
            share = "50%" if milestone.name == MilestoneName.WARNING_50 else "80%"
            return f"warning: {share} of the time for {label} has passed"


def views(state: ComplaintState, *, now: datetime, rules: ClockRules) -> list[ClockView]:
    return clock_views(state.clock_book, now=now, calendars=rules.calendars)


def refreshed(clocks: list[ClockView], *, now: datetime, rules: ClockRules) -> list[ClockView]:
    """The same clocks with ``remaining`` counted to ``now`` (a reader's clock, not replayed)."""
    out = []
    for clock in clocks:
        if clock.state in TICKING:
            if clock.kind in BUSINESS_TIME:
                calendar = rules.calendars.for_kind(clock.kind)
                left = calendar.business_time_between(now, clock.due_at)
            else:
                left = clock.due_at - now
            clock = clock.model_copy(update={"remaining": left})
        out.append(clock)
    return out
