"""ComplaintWorkflow with a real worker and the real store: on the dev server, and on the
time-skipping server where days must pass."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain import lifecycle
from domain.complaint import ComplaintState
from domain.enums import Action, Outcome, Status
from domain.messages import TransitionRequest, WorkflowOptions
from domain.views import ComplaintView
from tests.domain.factories import ACTOR, SIGNATURE, command
from tests.workflows.conftest import Harness
from workflows.complaint import REFUSED, ComplaintWorkflow

Handle = WorkflowHandle[ComplaintWorkflow, ComplaintState]


async def act(handle: Handle, action: Action, **overrides: object) -> ComplaintView:
    signature = SIGNATURE if lifecycle.TABLE[action].signed else None
    request = TransitionRequest(
        command=command(action, **overrides), actor=ACTOR, signature=signature
    )
    return await handle.execute_update(ComplaintWorkflow.transition, request)


async def history_kinds(handle: Handle) -> list[str]:
    return [str(e.WhichOneof("attributes")) for e in (await handle.fetch_history()).events]


async def wait_projected(harness: Harness, handle: Handle, version: int) -> None:
    complaint_id = handle.id.removeprefix("complaint-")
    for _ in range(200):
        summary = await harness.store.get_summary(complaint_id)
        if summary is not None and summary.version >= version:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"projection of {complaint_id} never reached version {version}")


async def test_full_lifecycle_and_its_projection(harness: Harness) -> None:
    handle = await harness.start()
    steps = [
        (Action.TRIAGE, Status.INVESTIGATION),
        (Action.REQUEST_INFO, Status.AWAITING_INFO),
        (Action.RECEIVE_INFO, Status.INVESTIGATION),
        (Action.COMPLETE_INVESTIGATION, Status.REVIEW),
        (Action.RETURN_TO_INVESTIGATION, Status.INVESTIGATION),
        (Action.COMPLETE_INVESTIGATION, Status.REVIEW),
        (Action.CLOSE, Status.CLOSED),
        (Action.REOPEN, Status.INVESTIGATION),
        (Action.COMPLETE_INVESTIGATION, Status.REVIEW),
        (Action.CLOSE, Status.CLOSED),
    ]
    for version, (action, status) in enumerate(steps, start=2):
        view = await act(handle, action)
        assert (view.status, view.version) == (status, version)
        assert [e.seq for e in view.recent_events] == [version]
    state = await handle.query(ComplaintWorkflow.state)
    assert (state.outcome, state.version, state.allowed_actions) == (
        Outcome.RESOLVED,
        11,
        [Action.REOPEN, Action.RECORD_SUBMISSION, Action.RECLASSIFY],
    )
    assert [s.printed_name for s in state.signatures] == ["Lee QA", "Lee QA"]

    await wait_projected(harness, handle, 11)
    events = await harness.store.events(state.id)
    assert [e.seq for e in events] == list(range(1, 12))
    assert [e.action for e in events][:3] == [Action.CREATE, Action.TRIAGE, Action.REQUEST_INFO]


async def test_a_refused_transition_leaves_no_trace_in_history(harness: Harness) -> None:
    handle = await harness.start()
    await act(handle, Action.ADD_NOTE)
    await wait_projected(harness, handle, 2)
    await asyncio.sleep(0.5)  # let the projection's workflow task complete too
    before = await history_kinds(handle)
    with pytest.raises(WorkflowUpdateFailedError) as info:
        await act(handle, Action.CLOSE)
    cause = info.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == REFUSED
    assert "triage" in cause.message
    assert cause.details[0]["allowed_actions"] == [
        "triage",
        "reject",
        "mark_duplicate",
        "close_without_investigation",
        "assign",
        "add_note",
        "record_submission",
    ]
    assert await history_kinds(handle) == before
    assert (await handle.query(ComplaintWorkflow.state)).version == 2


async def test_close_without_investigation_is_refused_for_an_injury(harness: Harness) -> None:
    handle = await harness.start(event={"description": "Burn on the probe", "injury": True})
    with pytest.raises(WorkflowUpdateFailedError) as info:
        await act(handle, Action.CLOSE_WITHOUT_INVESTIGATION)
    assert "820.198" in str(info.value.cause)
    view = await act(handle, Action.TRIAGE)
    assert view.status == Status.INVESTIGATION


async def test_racing_conflicting_transitions_have_exactly_one_winner(harness: Harness) -> None:
    for _ in range(5):
        handle = await harness.start()
        results = await asyncio.gather(
            act(handle, Action.TRIAGE), act(handle, Action.REJECT), return_exceptions=True
        )
        winners = [r for r in results if isinstance(r, ComplaintView)]
        losers = [r for r in results if isinstance(r, WorkflowUpdateFailedError)]
        assert (len(winners), len(losers)) == (1, 1)
        assert (await handle.query(ComplaintWorkflow.state)).version == 2


async def test_continue_as_new_keeps_state_queries_and_updates(harness: Harness) -> None:
    handle = await harness.start(options=WorkflowOptions(continue_as_new_after_events=100))
    first_run = (await handle.describe()).run_id
    await act(handle, Action.TRIAGE)
    for _ in range(40):
        await act(handle, Action.ADD_NOTE)
    await wait_projected(harness, handle, 42)
    for _ in range(100):
        if (await handle.describe()).run_id != first_run:
            break
        await asyncio.sleep(0.05)
    assert (await handle.describe()).run_id != first_run
    state = await handle.query(ComplaintWorkflow.state)
    assert (state.status, state.version, state.severity) == (Status.INVESTIGATION, 42, "high")
    view = await act(handle, Action.COMPLETE_INVESTIGATION)
    assert (view.status, view.version) == (Status.REVIEW, 43)
    await wait_projected(harness, handle, 43)
    assert [e.seq for e in await harness.store.events(state.id)] == list(range(1, 44))


async def test_a_closed_complaint_completes_after_its_retention(
    skipping_harness: Harness,
) -> None:
    harness = skipping_harness
    handle = await harness.start(options=WorkflowOptions(closed_retention=timedelta(days=30)))
    await act(handle, Action.REJECT)
    await harness.time.sleep(timedelta(days=29))
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    await harness.time.sleep(timedelta(days=2))
    result = await handle.result()
    assert (result.status, result.outcome) == (Status.CLOSED, Outcome.NOT_A_COMPLAINT)
    summary = await harness.store.get_summary(result.id)
    assert summary is not None and summary.version == 2
