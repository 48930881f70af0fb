"""Inputs and outputs of ``ComplaintWorkflow``: one type per message."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from pydantic import Field

from domain.actions import Command
from domain.audit import Actor, AuditEvent, Signature
from domain.base import StrictModel
from domain.complaint import ComplaintState
from domain.complaint_clocks import ClockRules
from domain.intake import Intake
from domain.notifications import Notification
from domain.summary import ComplaintSummary


class WorkflowOptions(StrictModel):
    """Tunables passed in by the starter, so the workflow never reads settings itself."""

    closed_retention: timedelta = timedelta(days=90)
    continue_as_new_after_events: int = Field(default=2000, ge=100)
    clock_rules: ClockRules = Field(default_factory=ClockRules)


class ComplaintInput(StrictModel):
    complaint_id: str
    intake: Intake
    actor: Actor
    request_id: str | None = None
    options: WorkflowOptions = Field(default_factory=WorkflowOptions)
    # Set only by continue-as-new: the state and the events not yet projected.
    carried_state: ComplaintState | None = None
    carried_events: list[AuditEvent] = Field(default_factory=list)
    carried_notifications: list[Notification] = Field(default_factory=list)
    carried_request_keys: dict[str, str] = Field(default_factory=dict)
    projected_version: int = 0


class TransitionRequest(StrictModel):
    command: Command
    actor: Actor
    signature: Signature | None = None
    request_key: str | None = Field(default=None, max_length=200)

    def fingerprint(self) -> str:
        """A digest of what is asked (not who or when), to tell a repeat from a reuse."""
        body = json.dumps(self.command.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()[:32]


class ProjectionBatch(StrictModel):
    """The latest snapshot and the audit events not yet written, coalesced."""

    summary: ComplaintSummary
    events: list[AuditEvent]


class ArchiveRequest(StrictModel):
    """Ask to archive the calling run's history (the activity knows which run asks)."""

    complaint_id: str


class ArchiveReceipt(StrictModel):
    run_id: str
    last_event_id: int
    sha256: str


class WorkflowSnapshot(StrictModel):
    """What the audit replayer reads from a workflow instance once a history is replayed."""

    state: ComplaintState
    pending: list[AuditEvent] = Field(description="Recorded events not yet projected")
    accepting_changes: bool
    clock_rules: ClockRules
