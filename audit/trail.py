"""The audit trail as Temporal's history recorded it, independent of the store.

Every audit event leaves the workflow in a projection activity's input; transition events
are in their update's result too, and continue-as-new carries the unwritten ones. The
projection activities that completed say how far the store has acknowledged the trail.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from temporalio.api.history.v1 import HistoryEvent

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
        reader = _RunReader(trail, decoder, run_id=run.run_id)
        for event in run.history.events:
            handler = _HANDLERS.get(event.WhichOneof("attributes") or "")
            if handler is not None:
                await handler(reader, event)
    return trail


class _RunReader:
    def __init__(self, trail: RecordedTrail, decoder: PayloadDecoder, *, run_id: str) -> None:
        self.trail = trail
        self.decoder = decoder
        self.run_id = run_id
        self.projections: dict[int, int] = {}  # scheduled event id -> summary version

    def where(self, event: HistoryEvent) -> str:
        return f"run {self.run_id} event {event.event_id}"

    async def started(self, event: HistoryEvent) -> None:
        attrs = event.workflow_execution_started_event_attributes
        started = await self.decoder.first(attrs.input, decode.START)
        if isinstance(started, decode.START):
            self.trail.complaint_id = started.complaint_id
            carried = started.carried_state.recent_events if started.carried_state else []
            for recorded in [*carried, *started.carried_events]:
                self.trail.add(recorded, where=self.where(event))

    async def scheduled(self, event: HistoryEvent) -> None:
        attrs = event.activity_task_scheduled_event_attributes
        if attrs.activity_type.name != "project_complaint":
            return
        batch = await self.decoder.first(attrs.input, decode.ProjectionBatch)
        if isinstance(batch, decode.ProjectionBatch):
            self.projections[event.event_id] = batch.summary.version
            for recorded in batch.events:
                self.trail.add(recorded, where=self.where(event))

    async def completed(self, event: HistoryEvent) -> None:
        scheduled = event.activity_task_completed_event_attributes.scheduled_event_id
        version = self.projections.get(scheduled)
        if version is not None:
            self.trail.projected_through = max(self.trail.projected_through, version)

    async def accepted(self, event: HistoryEvent) -> None:
        request = event.workflow_execution_update_accepted_event_attributes.accepted_request
        update = await self.decoder.first(request.input.args, TransitionRequest)
        if isinstance(update, TransitionRequest) and update.signature is not None:
            self.trail.signed.append(update)

    async def answered(self, event: HistoryEvent) -> None:
        outcome = event.workflow_execution_update_completed_event_attributes.outcome
        if not outcome.HasField("success"):
            return
        view = await self.decoder.first(outcome.success, decode.UPDATE_RESULT)
        if isinstance(view, decode.UPDATE_RESULT):
            for recorded in view.recent_events:
                self.trail.add(recorded, where=self.where(event))


_HANDLERS: dict[str, Callable[[_RunReader, HistoryEvent], Awaitable[None]]] = {
    "workflow_execution_started_event_attributes": _RunReader.started,
    "activity_task_scheduled_event_attributes": _RunReader.scheduled,
    "activity_task_completed_event_attributes": _RunReader.completed,
    "workflow_execution_update_accepted_event_attributes": _RunReader.accepted,
    "workflow_execution_update_completed_event_attributes": _RunReader.answered,
}
