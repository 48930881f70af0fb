"""A complaint's Temporal history as a readable timeline, run after run.

Each entry names what happened (workflow start, an accepted update with its actor and
payload, timers, activities and their results, continue-as-new, completion), when, in
which run, and the decoded details. Workflow-task bookkeeping is left out unless it failed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel
from temporalio.api.history.v1 import HistoryEvent

from audit import decode
from audit.decode import PayloadDecoder
from audit.source import Chain
from domain.audit import Actor


class TimelineEntry(BaseModel):
    run_id: str
    event_id: int
    at: AwareDatetime
    kind: str
    summary: str
    actor: Actor | None = None
    details: dict[str, Any] = {}


@dataclass
class _Run:
    run_id: str
    decoder: PayloadDecoder
    activities: dict[int, str] = field(default_factory=dict)  # scheduled event id -> type
    timers: dict[str, datetime] = field(default_factory=dict)  # timer id -> fires at


Handler = Callable[[HistoryEvent, _Run], Awaitable[tuple[str, str, dict[str, Any], Actor | None]]]


async def timeline(chain: Chain, decoder: PayloadDecoder) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for run in chain.runs:
        context = _Run(run_id=run.run_id, decoder=decoder)
        for event in run.history.events:
            attribute = event.WhichOneof("attributes") or ""
            handler = HANDLERS.get(attribute)
            if handler is None:
                if attribute in QUIET:
                    continue
                handler = _other
            kind, summary, details, actor = await handler(event, context)
            entries.append(
                TimelineEntry(
                    run_id=run.run_id,
                    event_id=event.event_id,
                    at=event.event_time.ToDatetime(tzinfo=UTC),
                    kind=kind,
                    summary=summary,
                    actor=actor,
                    details=_jsonable(details),
                )
            )
    return entries


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


async def _started(event: HistoryEvent, run: _Run) -> Any:
    attrs = event.workflow_execution_started_event_attributes
    started = await run.decoder.first(attrs.input, decode.START)
    continued = attrs.continued_execution_run_id or None
    details: dict[str, Any] = {"continued_from": continued, "task_queue": attrs.task_queue.name}
    actor = None
    if isinstance(started, decode.START):
        actor = started.actor
        details["complaint_id"] = started.complaint_id
        if started.carried_state is not None:
            carried = started.carried_state
            details["carried"] = {"version": carried.version, "status": carried.status}
            details["carried_events"] = [e.seq for e in started.carried_events]
            details["last_event_hash"] = carried.last_event_hash
        else:
            details["intake"] = started.intake
    if continued:
        return "workflow_started", f"run continued from {continued}", details, None
    name = actor.name if actor else "?"
    return "workflow_started", f"complaint received, recorded by {name}", details, actor


async def _update_accepted(event: HistoryEvent, run: _Run) -> Any:
    attrs = event.workflow_execution_update_accepted_event_attributes
    request = attrs.accepted_request
    update = await run.decoder.first(request.input.args, decode.UPDATE_INPUT)
    details: dict[str, Any] = {"update_id": request.meta.update_id, "name": request.input.name}
    if not isinstance(update, decode.UPDATE_INPUT):
        return "update_accepted", f"update {request.input.name}", {**details, "input": update}, None
    details |= {
        "command": update.command,
        "signature": update.signature,
        "request_key": update.request_key,
    }
    summary = f"{update.actor.name} ({update.actor.user_id}): {update.command.action}"
    if update.signature is not None:
        summary += f", signed ({update.signature.meaning})"
    return "update_accepted", summary, details, update.actor


async def _update_completed(event: HistoryEvent, run: _Run) -> Any:
    attrs = event.workflow_execution_update_completed_event_attributes
    details: dict[str, Any] = {"update_id": attrs.meta.update_id}
    if attrs.outcome.HasField("failure"):
        details["failure"] = attrs.outcome.failure.message
        return "update_failed", f"update failed: {attrs.outcome.failure.message}", details, None
    view = await run.decoder.first(attrs.outcome.success, decode.UPDATE_RESULT)
    if not isinstance(view, decode.UPDATE_RESULT):
        return "update_completed", "update completed", {**details, "result": view}, None
    details |= {"status": view.status, "version": view.version, "events": view.recent_events}
    seqs = ", ".join(str(e.seq) for e in view.recent_events)
    return (
        "update_completed",
        f"now {view.status}, version {view.version} (event {seqs})",
        details,
        None,
    )


async def _timer_started(event: HistoryEvent, run: _Run) -> Any:
    attrs = event.timer_started_event_attributes
    at = event.event_time.ToDatetime(tzinfo=UTC) + attrs.start_to_fire_timeout.ToTimedelta()
    run.timers[attrs.timer_id] = at
    details = {"timer_id": attrs.timer_id, "fires_at": at}
    return "timer_started", f"timer {attrs.timer_id} set for {at.isoformat()}", details, None


async def _timer_fired(event: HistoryEvent, run: _Run) -> Any:
    timer_id = event.timer_fired_event_attributes.timer_id
    details = {"timer_id": timer_id, "was_due": run.timers.get(timer_id)}
    return "timer_fired", f"timer {timer_id} fired", details, None


async def _timer_canceled(event: HistoryEvent, run: _Run) -> Any:
    timer_id = event.timer_canceled_event_attributes.timer_id
    return "timer_canceled", f"timer {timer_id} cancelled", {"timer_id": timer_id}, None


async def _activity_scheduled(event: HistoryEvent, run: _Run) -> Any:
    attrs = event.activity_task_scheduled_event_attributes
    name = attrs.activity_type.name
    run.activities[event.event_id] = name
    value = await run.decoder.first(attrs.input, decode.ACTIVITY_INPUTS.get(name))
    details = {"activity": name, "activity_id": attrs.activity_id, "input": value}
    return "activity_scheduled", f"{name} scheduled{_describe_input(value)}", details, None


def _describe_input(value: Any) -> str:
    if isinstance(value, decode.ProjectionBatch):
        seqs = [e.seq for e in value.events]
        events = f", events {seqs[0]}-{seqs[-1]}" if seqs else ""
        return f": summary version {value.summary.version}{events}"
    if isinstance(value, decode.Notification):
        return f": {value.kind} mail ({value.key})"
    return ""


async def _activity_completed(event: HistoryEvent, run: _Run) -> Any:
    attrs = event.activity_task_completed_event_attributes
    name = run.activities.get(attrs.scheduled_event_id, "activity")
    result = await run.decoder.first(attrs.result, decode.ACTIVITY_RESULTS.get(name))
    details = {"activity": name, "scheduled_event_id": attrs.scheduled_event_id, "result": result}
    return "activity_completed", f"{name} completed", details, None


async def _activity_failed(event: HistoryEvent, run: _Run) -> Any:
    attrs = event.activity_task_failed_event_attributes
    name = run.activities.get(attrs.scheduled_event_id, "activity")
    details = {"activity": name, "failure": attrs.failure.message}
    return "activity_failed", f"{name} failed: {attrs.failure.message}", details, None


async def _activity_timed_out(event: HistoryEvent, run: _Run) -> Any:
    attrs = event.activity_task_timed_out_event_attributes
    name = run.activities.get(attrs.scheduled_event_id, "activity")
    return "activity_timed_out", f"{name} timed out", {"activity": name}, None


async def _continued(event: HistoryEvent, run: _Run) -> Any:
    new_run = event.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
    details = {"new_run_id": new_run}
    return "continued_as_new", f"continued as new in run {new_run}", details, None


async def _completed(event: HistoryEvent, run: _Run) -> Any:
    attrs = event.workflow_execution_completed_event_attributes
    state = await run.decoder.first(attrs.result, decode.RESULT)
    if not isinstance(state, decode.RESULT):
        return "workflow_completed", "workflow completed", {"result": state}, None
    details = {"status": state.status, "outcome": state.outcome, "version": state.version}
    summary = f"workflow completed: record final at version {state.version}"
    return "workflow_completed", summary, details, None


async def _terminated(event: HistoryEvent, run: _Run) -> Any:
    attrs = event.workflow_execution_terminated_event_attributes
    details = {"reason": attrs.reason, "identity": attrs.identity}
    return "workflow_terminated", f"workflow terminated: {attrs.reason}", details, None


async def _failed(event: HistoryEvent, run: _Run) -> Any:
    message = event.workflow_execution_failed_event_attributes.failure.message
    return "workflow_failed", f"workflow failed: {message}", {"failure": message}, None


async def _task_failed(event: HistoryEvent, run: _Run) -> Any:
    attrs = event.workflow_task_failed_event_attributes
    details = {"cause": attrs.cause, "failure": attrs.failure.message}
    return "workflow_task_failed", f"workflow task failed: {attrs.failure.message}", details, None


async def _marker(event: HistoryEvent, run: _Run) -> Any:
    attrs = event.marker_recorded_event_attributes
    details: dict[str, Any] = {"marker": attrs.marker_name}
    if "patch_data" in attrs.details:
        patch = await run.decoder.all(attrs.details["patch_data"].payloads)
        details["patch"] = patch[0] if patch else None
    return "marker", f"marker {attrs.marker_name}", details, None


async def _other(event: HistoryEvent, run: _Run) -> Any:
    kind = (event.WhichOneof("attributes") or "event").removesuffix("_event_attributes")
    return kind, kind.replace("_", " "), {}, None


HANDLERS: dict[str, Handler] = {
    "workflow_execution_started_event_attributes": _started,
    "workflow_execution_update_accepted_event_attributes": _update_accepted,
    "workflow_execution_update_completed_event_attributes": _update_completed,
    "timer_started_event_attributes": _timer_started,
    "timer_fired_event_attributes": _timer_fired,
    "timer_canceled_event_attributes": _timer_canceled,
    "activity_task_scheduled_event_attributes": _activity_scheduled,
    "activity_task_completed_event_attributes": _activity_completed,
    "activity_task_failed_event_attributes": _activity_failed,
    "activity_task_timed_out_event_attributes": _activity_timed_out,
    "workflow_execution_continued_as_new_event_attributes": _continued,
    "workflow_execution_completed_event_attributes": _completed,
    "workflow_execution_terminated_event_attributes": _terminated,
    "workflow_execution_failed_event_attributes": _failed,
    "workflow_task_failed_event_attributes": _task_failed,
    "marker_recorded_event_attributes": _marker,
}
#: Bookkeeping an auditor does not need: task scheduling and activity pick-up.
QUIET = frozenset(
    {
        "workflow_task_scheduled_event_attributes",
        "workflow_task_started_event_attributes",
        "workflow_task_completed_event_attributes",
        "activity_task_started_event_attributes",
    }
)
