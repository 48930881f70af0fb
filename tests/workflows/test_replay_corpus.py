"""The replay corpus (tests/histories) replays through the current workflow code, and it
covers every action and clock milestone. An unguarded change to the workflow is caught;
the same change behind ``workflow.patched`` replays."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowHistory

from audit.decode import PayloadDecoder
from audit.replay import ChainReplay, replay_histories
from audit.source import Chain, RunHistory
from audit.trail import RecordedTrail, recorded_trail
from domain.enums import Action
from tests.histories import corpus_files, load_corpus
from tests.histories.altered import GuardedWorkflow, UnguardedWorkflow
from tests.servers import suite_converter

CONVERTER = suite_converter()  # the corpus is encrypted with the suite's test keys


@pytest.fixture(scope="module")
def corpus() -> list[WorkflowHistory]:
    histories = load_corpus()
    assert len(histories) == len(corpus_files()) >= 10
    return histories


async def recorded(history: WorkflowHistory) -> RecordedTrail:
    chain = Chain(workflow_id=history.workflow_id, runs=[RunHistory(history, "archive")])
    return await recorded_trail(chain, PayloadDecoder(CONVERTER))


async def test_every_recorded_history_replays_and_records_the_same_trail(
    corpus: list[WorkflowHistory],
) -> None:
    replay = await replay_histories(corpus, converter=CONVERTER)
    assert replay.failures == []
    assert len(replay.runs) == len(corpus)
    for history, run in zip(corpus, replay.runs, strict=True):
        trail = (await recorded(history)).events
        assert trail, history.workflow_id
        again = ChainReplay(runs=[run], seconds=0).trail
        assert {seq: again[seq] for seq in trail} == trail, history.workflow_id
        assert run.snapshot is not None


async def test_the_corpus_covers_every_action_and_clock_milestone(
    corpus: list[WorkflowHistory],
) -> None:
    events = [e for history in corpus for e in (await recorded(history)).events.values()]
    assert {e.action for e in events} == set(Action)
    levels = {c.new for e in events for c in e.changes if c.field == "escalation_level"}
    assert {1, 2} <= levels
    clock_changes = " ".join(change for e in events for change in e.clock_changes)
    assert "paused with" in clock_changes and "resumed" in clock_changes
    signed = {e.action for e in events if e.signature is not None}
    assert signed == {Action.CLOSE, Action.CLOSE_WITHOUT_INVESTIGATION}
    starts = [h.events[0].workflow_execution_started_event_attributes for h in corpus]
    assert any(start.continued_execution_run_id for start in starts), "a continue-as-new"
    closing = {h.events[-1].WhichOneof("attributes") for h in corpus}
    assert "workflow_execution_completed_event_attributes" in closing, "a retention completion"
    assert "workflow_execution_continued_as_new_event_attributes" in closing


async def test_an_unguarded_change_to_the_workflow_fails_replay(
    corpus: list[WorkflowHistory],
) -> None:
    replay = await replay_histories(corpus, converter=CONVERTER, workflows=[UnguardedWorkflow])
    assert not replay.deterministic
    assert len(replay.failures) == len(corpus), "every history schedules a projection"
    assert all("NondeterminismError" in failure for failure in replay.failures)


async def test_the_same_change_behind_workflow_patched_replays(
    corpus: list[WorkflowHistory],
) -> None:
    replay = await replay_histories(corpus, converter=CONVERTER, workflows=[GuardedWorkflow])
    assert replay.failures == []
    final = [run.snapshot.state.version for run in replay.runs if run.snapshot]
    plain = await replay_histories(corpus, converter=CONVERTER)
    assert final == [run.snapshot.state.version for run in plain.runs if run.snapshot]
