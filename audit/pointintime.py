"""A complaint as it was at a moment: its history cut after the last workflow task that ran at
or before that moment, replayed through the current code."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory

from audit.source import Chain

#: Events a workflow task produces that carry no ``workflow_task_completed_event_id``.
UPDATE_EVENTS = frozenset(
    {
        "workflow_execution_update_accepted_event_attributes",
        "workflow_execution_update_completed_event_attributes",
    }
)


class AsOfOutOfRange(ValueError):
    """The moment is before the complaint existed, or in the future."""


def history_as_of(chain: Chain, as_of: datetime, *, now: datetime) -> WorkflowHistory:
    """The run that was current at ``as_of``, cut after its last task started by then.

    A task's time is when it started: that is the workflow's clock (``workflow.now()``), so
    the state's own timestamps (``updated_at``, each event's ``at``) line up with ``as_of``.
    """
    if as_of > now:
        raise AsOfOutOfRange(f"{as_of.isoformat()} is in the future")
    cut: WorkflowHistory | None = None
    first: datetime | None = None
    for run in chain.runs:
        events = run.history.events
        for index, task_time in _completed_tasks(events):
            first = first or task_time
            if task_time <= as_of:
                end = _end_of_task(events, index)
                cut = WorkflowHistory(run.history.workflow_id, list(events[:end]))
    if cut is None:
        created = f" (created {first.isoformat()})" if first else ""
        raise AsOfOutOfRange(f"{as_of.isoformat()} is before the complaint existed{created}")
    return cut


_STARTED = "workflow_task_started_event_attributes"
_COMPLETED = "workflow_task_completed_event_attributes"


def _completed_tasks(events: Sequence[HistoryEvent]) -> list[tuple[int, datetime]]:
    """(index of each WorkflowTaskCompleted event, the time its task started)."""
    tasks = []
    last_started: datetime | None = None
    for index, event in enumerate(events):
        kind = event.WhichOneof("attributes")
        if kind == _STARTED:
            last_started = _time(event)
        elif kind == _COMPLETED and last_started is not None:
            # Completion follows its own start (the test server leaves started_event_id 0).
            tasks.append((index, last_started))
    return tasks


def _time(event: HistoryEvent) -> datetime:
    """The workflow's clock in the task this event started, computed as the SDK computes
    ``workflow.now()`` (float seconds, so rounded to the microsecond, not truncated)."""
    return datetime.fromtimestamp(event.event_time.ToNanoseconds() / 1e9, UTC)


def _end_of_task(events: Sequence[HistoryEvent], index: int) -> int:
    """The index just past what the completed task at ``index`` produced: its commands'
    events and its accepted updates. Replaying up to there applies exactly that task."""
    completed_id = events[index].event_id
    end = index + 1
    while end < len(events) and _produced_by(events[end], completed_id):
        end += 1
    return end


def _produced_by(event: HistoryEvent, completed_id: int) -> bool:
    attribute = event.WhichOneof("attributes") or ""
    if attribute in UPDATE_EVENTS:
        return True
    attributes = getattr(event, attribute, None)
    return getattr(attributes, "workflow_task_completed_event_id", None) == completed_id
