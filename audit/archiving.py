"""Archiving runs' histories into the store, so they outlive Temporal's retention.

Two paths write the archive, both idempotent (keyed by workflow id, run id and last event):
the workflow archives its own run before it completes or continues as new (an activity, so
it is durable), and the worker's sweep archives every closed run's complete history, with
its closing event, shortly after it closed.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from temporalio.client import Client, WorkflowHistory

from store.archive import ArchivedRun, HistoryArchive

log = logging.getLogger("ibtool.archive")

WORKFLOW_TYPE = "ComplaintWorkflow"
#: Visibility is eventually consistent: each sweep looks back this far before its watermark.
SWEEP_OVERLAP = timedelta(minutes=10)

CLOSING_EVENTS = frozenset(
    {
        "workflow_execution_completed_event_attributes",
        "workflow_execution_failed_event_attributes",
        "workflow_execution_timed_out_event_attributes",
        "workflow_execution_canceled_event_attributes",
        "workflow_execution_terminated_event_attributes",
        "workflow_execution_continued_as_new_event_attributes",
    }
)


def settled(history: WorkflowHistory) -> WorkflowHistory:
    """``history`` without the transient events a running workflow's history ends with (a
    workflow task in flight has no task id yet, and is not what Temporal will keep)."""
    events = list(history.events)
    if not any(event.task_id for event in events):
        return history  # a server that numbers no tasks (the time-skipping test server)
    end = next((i for i, event in enumerate(events) if event.task_id == 0), len(events))
    return WorkflowHistory(history.workflow_id, events[:end])


def describe(history: WorkflowHistory, *, now: datetime) -> tuple[ArchivedRun, str]:
    """The archive entry for ``history`` (settled) and the JSON it stores."""
    history = settled(history)
    text = history.to_json()
    data = text.encode()
    started = history.events[0]
    attributes = started.workflow_execution_started_event_attributes
    last = history.events[-1]
    run = ArchivedRun(
        workflow_id=history.workflow_id,
        run_id=history.run_id,
        last_event_id=last.event_id,
        started_at=started.event_time.ToDatetime(tzinfo=UTC),
        continued_from=attributes.continued_execution_run_id or None,
        complete=last.WhichOneof("attributes") in CLOSING_EVENTS,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        archived_at=now,
    )
    return run, text


async def archive_run(
    client: Client, archive: HistoryArchive, *, workflow_id: str, run_id: str
) -> ArchivedRun:
    """Fetch one run's history as it stands and archive it (a no-op if already there)."""
    history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
    run, text = describe(history, now=datetime.now(UTC))
    if await archive.put(run, text):
        log.info("archived %s run %s through event %d", workflow_id, run_id, run.last_event_id)
    return run


@dataclass(frozen=True, slots=True)
class SweepResult:
    seen: int
    archived: int


async def sweep_closed(client: Client, archive: HistoryArchive, *, task_queue: str) -> SweepResult:
    """Archive the complete history of every complaint run on ``task_queue`` that closed
    since the last sweep."""
    since = await archive.swept_until()
    query = (
        f"WorkflowType = '{WORKFLOW_TYPE}' AND TaskQueue = '{task_queue}'"
        " AND ExecutionStatus != 'Running'"
    )
    if since is not None:
        query += f" AND CloseTime >= '{(since - SWEEP_OVERLAP).isoformat()}'"
    seen = archived = 0
    latest = since
    async for execution in client.list_workflows(query):
        seen += 1
        if execution.close_time is not None and (latest is None or execution.close_time > latest):
            latest = execution.close_time
        if await archive.has_complete(execution.id, execution.run_id):
            continue
        await archive_run(client, archive, workflow_id=execution.id, run_id=execution.run_id)
        archived += 1
    if latest is not None:
        await archive.set_swept_until(latest)
    return SweepResult(seen=seen, archived=archived)


async def sweep_forever(
    client: Client, archive: HistoryArchive, *, task_queue: str, every: timedelta
) -> None:
    """The worker's background sweep; a failed round is logged and retried next round."""
    while True:
        try:
            result = await sweep_closed(client, archive, task_queue=task_queue)
            if result.archived:
                log.info(
                    "archive sweep: %d closed runs seen, %d archived", result.seen, result.archived
                )
        except Exception:
            log.exception("archive sweep failed; retrying in %s", every)
        await asyncio.sleep(every.total_seconds())
