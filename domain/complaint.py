"""A complaint's state and the pure function that applies one transition to it.

The workflow holds the state and calls :func:`apply`; nothing here does I/O, so every
rule is unit-tested without a server and replays deterministically.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, Field

from domain import lifecycle
from domain.actions import (
    AddNote,
    Assign,
    Close,
    CloseWithoutInvestigation,
    Command,
    CompleteInvestigation,
    MarkDuplicate,
    ReceiveInfo,
    Reclassify,
    RecordSubmission,
    Reject,
    Reopen,
    Reportability,
    RequestInfo,
    ReturnToInvestigation,
    Triage,
)
from domain.audit import Actor, AuditEvent, Signature, diff
from domain.base import StrictModel
from domain.clocks import Clock
from domain.enums import Action, Agency, Outcome, Severity, Status, SubmissionKind
from domain.intake import Intake

#: How many recent audit events the state carries (the full trail is in history and store).
RECENT_EVENTS = 20

#: Fields whose old and new values every audit event records.
TRACKED = {
    "status",
    "outcome",
    "severity",
    "assignee",
    "reportability",
    "investigation",
    "resolution",
    "customer_reply",
    "duplicate_of",
    "no_investigation",
    "pending_question",
    "submissions",
    "closed_at",
    "supplemental_since",
}


class Investigation(StrictModel):
    root_cause: str
    findings: str
    device_failed_spec: bool
    corrective_action: str
    capa_ref: str | None = None
    completed_at: AwareDatetime
    completed_by: str


class NoInvestigation(StrictModel):
    """ISO 13485 §8.2.2 / 820.198(b): the decision not to investigate, justified."""

    justification: str
    responsible: str


class Submission(StrictModel):
    agency: Agency
    kind: SubmissionKind
    reference: str
    submitted_at: AwareDatetime
    recorded_by: str


class ComplaintState(StrictModel):
    id: str
    intake: Intake
    created_at: AwareDatetime
    created_by: Actor
    updated_at: AwareDatetime
    version: int = 1
    status: Status = Status.TRIAGE
    outcome: Outcome | None = None
    severity: Severity | None = None
    assignee: str | None = None
    reportability: Reportability | None = None
    investigation: Investigation | None = None
    no_investigation: NoInvestigation | None = None
    resolution: str | None = None
    customer_reply: str | None = None
    duplicate_of: str | None = None
    pending_question: str | None = None
    closed_at: AwareDatetime | None = None
    submissions: list[Submission] = Field(default_factory=list)
    signatures: list[Signature] = Field(default_factory=list)
    recent_events: list[AuditEvent] = Field(default_factory=list)
    #: Every SLA and regulatory clock, running or stopped (see domain.clock_rules).
    clock_book: list[Clock] = Field(default_factory=list)
    escalation_level: int = 0
    #: When new information needing an FDA supplemental report (803.56) was recorded.
    supplemental_since: AwareDatetime | None = None
    #: Hash of the last recorded audit event: the head of the chain (domain.chain).
    last_event_hash: str | None = None

    @property
    def reportable(self) -> bool:
        decided = self.reportability is not None and self.reportability.reportable
        return decided or self.intake.presumed_reportable

    def facts(self, *, accepting_changes: bool = True) -> lifecycle.Facts:
        return lifecycle.Facts(
            status=self.status, reportable=self.reportable, accepting_changes=accepting_changes
        )

    def tracked(self) -> dict[str, Any]:
        return self.model_dump(mode="json", include=TRACKED)


def open_complaint(
    *, complaint_id: str, intake: Intake, actor: Actor, now: datetime
) -> tuple[ComplaintState, AuditEvent]:
    state = ComplaintState(
        id=complaint_id, intake=intake, created_at=now, created_by=actor, updated_at=now
    )
    event = AuditEvent(
        complaint_id=complaint_id,
        seq=1,
        at=now,
        action=Action.CREATE,
        actor=actor,
        status_before=None,
        status_after=state.status,
        changes=diff({}, state.tracked()),
        reason=f"received via {intake.source.channel}"
        + (f" ({intake.source.ref})" if intake.source.ref else ""),
    )
    state.recent_events.append(event)
    return state, event


def apply(
    state: ComplaintState,
    command: Command,
    *,
    actor: Actor,
    now: datetime,
    signature: Signature | None = None,
) -> AuditEvent:
    """Apply an allowed command (the caller checked ``lifecycle.refusal``); return its event."""
    action = Action(command.action)
    before_status, before = state.status, state.tracked()
    reason = _change(state, command, actor=actor, now=now)
    rule = lifecycle.TABLE[action]
    state.status = lifecycle.target_status(state.status, action)
    if rule.outcome is not None:
        state.outcome = rule.outcome
        state.closed_at = now
    if signature is not None:
        state.signatures.append(signature)
    state.version += 1
    state.updated_at = now
    event = AuditEvent(
        complaint_id=state.id,
        seq=state.version,
        at=now,
        action=action,
        actor=actor,
        status_before=before_status,
        status_after=state.status,
        changes=diff(before, state.tracked()),
        reason=reason,
        signature=signature,
    )
    state.recent_events = [*state.recent_events, event][-RECENT_EVENTS:]
    return event


def _change(state: ComplaintState, command: Command, *, actor: Actor, now: datetime) -> str | None:
    """Set the fields one action changes; return the free text that explains it."""
    match command:
        case Triage(severity=severity, assignee=assignee, reportability=reportability):
            state.severity, state.assignee = severity, assignee
            state.reportability = reportability
            return None
        case Reject(reason=reason) | ReturnToInvestigation(reason=reason):
            return reason
        case Reopen(reason=reason):
            state.outcome, state.closed_at = None, None
            state.resolution, state.customer_reply = None, None
            return reason
        case MarkDuplicate(duplicate_of=other):
            state.duplicate_of = other
            return None
        case CloseWithoutInvestigation(justification=text, responsible=responsible):
            state.no_investigation = NoInvestigation(
                justification=text, responsible=responsible or actor.user_id
            )
            return text
        case Reclassify(severity=severity, reportability=reportability, reason=reason):
            state.severity = severity or state.severity
            state.reportability = reportability or state.reportability
            return reason
        case Assign(assignee=assignee):
            state.assignee = assignee
            return None
        case RequestInfo(question=question):
            state.pending_question = question
            return question
        case ReceiveInfo(summary=summary):
            state.pending_question = None
            _note_new_information(state, now)
            return summary
        case CompleteInvestigation():
            fields = command.model_dump(exclude={"action"})
            state.investigation = Investigation(
                **fields, completed_at=now, completed_by=actor.user_id
            )
            _note_new_information(state, now)
            return None
        case Close(resolution=resolution, customer_reply=reply):
            state.resolution, state.customer_reply = resolution, reply
            return None
        case AddNote(text=text):
            return text
        case RecordSubmission():
            fields = command.model_dump(exclude={"action"})
            state.submissions = [
                *state.submissions,
                Submission(**fields, recorded_by=actor.user_id),
            ]
            return None
    raise AssertionError(f"unhandled command {command.action}")  # pragma: no cover


def _note_new_information(state: ComplaintState, now: datetime) -> None:
    """New information after an FDA MDR was filed starts the supplemental clock (803.56)."""
    filed = {SubmissionKind.MDR_30_DAY, SubmissionKind.MDR_5_DAY}
    if any(s.kind in filed for s in state.submissions):
        state.supplemental_since = now
