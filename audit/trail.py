"""The audit trail as Temporal's history recorded it, independent of the store.

Every audit event leaves the workflow in a projection activity's input; transition events
are in their update's result too, and continue-as-new carries the unwritten ones. The
projection activities that completed say how far the store has acknowledged the trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from audit import decode
from audit.decode import PayloadDecoder
from audit.source import Chain
from domain.audit import AuditEvent, Signature
from domain.chain import ChainProblem, ProblemKind
from domain.messages import TransitionRequest
from domain.signing import signed_content_hash


@dataclass
class RecordedTrail:
    events: dict[int, AuditEvent] = field(default_factory=dict)
    #: The highest summary version whose projection activity completed.
    projected_through: int = 0
    complaint_id: str | None = None
    #: Signed transitions as requested: what the signature's content hash must cover.
    signed: list[TransitionRequest] = field(default_factory=list)
    #: One seq recorded twice, differently: the history disagrees with itself.
    conflicts: list[str] = field(default_factory=list)

    def add(self, event: AuditEvent, *, where: str) -> None:
        known = self.events.setdefault(event.seq, event)
        if known != event:
            self.conflicts.append(f"event {event.seq} recorded differently in {where}")

    def signature_problems(self) -> list[ChainProblem]:
        """Each signature must hash exactly what its signer was shown (Part 11.70)."""
        problems = []
        for request in self.signed:
            signature: Signature | None = request.signature
            if signature is None or self.complaint_id is None:
                continue
            expected = signed_content_hash(complaint_id=self.complaint_id, command=request.command)
            if signature.content_hash != expected:
                detail = (
                    f"{request.command.action} signed by {signature.printed_name} at "
                    f"{signature.signed_at.isoformat()}: content hash does not match the request"
                )
                problems.append(ChainProblem(kind=ProblemKind.SIGNATURE, detail=detail))
        return problems


async def recorded_trail(chain: Chain, decoder: PayloadDecoder) -> RecordedTrail:
    trail = RecordedTrail()
    for run in chain.runs:
        projections: dict[int, int] = {}  # scheduled event id -> summary version
        for event in run.history.events:
            attribute = event.WhichOneof("attributes")
            where = f"run {run.run_id} event {event.event_id}"
            if attribute == "workflow_execution_started_event_attributes":
                attrs = event.workflow_execution_started_event_attributes
                started = await decoder.first(attrs.input, decode.START)
                if isinstance(started, decode.START):
                    trail.complaint_id = started.complaint_id
                    for carried in started.carried_events:
                        trail.add(carried, where=where)
            elif attribute == "activity_task_scheduled_event_attributes":
                scheduled = event.activity_task_scheduled_event_attributes
                if scheduled.activity_type.name != "project_complaint":
                    continue
                batch = await decoder.first(scheduled.input, decode.ProjectionBatch)
                if isinstance(batch, decode.ProjectionBatch):
                    projections[event.event_id] = batch.summary.version
                    for recorded in batch.events:
                        trail.add(recorded, where=where)
            elif attribute == "activity_task_completed_event_attributes":
                version = projections.get(
                    event.activity_task_completed_event_attributes.scheduled_event_id
                )
                if version is not None:
                    trail.projected_through = max(trail.projected_through, version)
            elif attribute == "workflow_execution_update_accepted_event_attributes":
                accepted = event.workflow_execution_update_accepted_event_attributes
                request = await decoder.first(
                    accepted.accepted_request.input.args, TransitionRequest
                )
                if isinstance(request, TransitionRequest) and request.signature is not None:
                    trail.signed.append(request)
            elif attribute == "workflow_execution_update_completed_event_attributes":
                outcome = event.workflow_execution_update_completed_event_attributes.outcome
                if outcome.HasField("success"):
                    view = await decoder.first(outcome.success, decode.UPDATE_RESULT)
                    if isinstance(view, decode.UPDATE_RESULT):
                        for recorded in view.recent_events:
                            trail.add(recorded, where=where)
    return trail
