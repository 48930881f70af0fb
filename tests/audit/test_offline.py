"""The audit package on recorded histories, with no server: timeline, recorded trail and
its signatures, point-in-time cuts, cursors and differences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import WorkflowHistory

from audit.compare import differences
from audit.decode import PayloadDecoder
from audit.history_page import InvalidCursor, decode_cursor, page_of
from audit.pointintime import AsOfOutOfRange, history_as_of
from audit.replay import replay_histories
from audit.source import Chain, RunHistory
from audit.timeline import timeline
from audit.trail import recorded_trail
from domain.chain import ProblemKind, chain_problems
from tests.histories import FOLDER, load
from tests.servers import suite_converter

CONVERTER = suite_converter()  # the corpus is encrypted with the suite's test keys
DECODER = PayloadDecoder(CONVERTER)
FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


def chain_of(*names: str) -> Chain:
    runs = [RunHistory(load(FOLDER / f"{name}.json"), "archive") for name in names]
    return Chain(workflow_id=runs[0].history.workflow_id, runs=runs)


async def test_the_timeline_names_every_kind_of_step() -> None:
    entries = await timeline(chain_of("retention.1"), DECODER)
    kinds = [entry.kind for entry in entries]
    assert kinds[0] == "workflow_started" and kinds[-1] == "workflow_completed"
    for kind in ("update_accepted", "update_completed", "timer_started", "timer_fired"):
        assert kind in kinds
    assert {"activity_scheduled", "activity_completed"} <= set(kinds)
    reject = next(e for e in entries if e.kind == "update_accepted")
    assert reject.actor is not None and reject.actor.roles == ["intake"]
    assert reject.details["command"]["action"] == "reject"
    archived = [
        e
        for e in entries
        if e.kind == "activity_scheduled" and e.details["activity"] == "archive_history"
    ]
    assert archived, "the run archived itself before completing"
    assert all("workflow_task" not in kind for kind in kinds), "task bookkeeping is left out"


async def test_a_continued_chain_reads_as_one_timeline_and_one_trail() -> None:
    chain = chain_of("continue_as_new.1", "continue_as_new.2")
    entries = await timeline(chain, DECODER)
    assert [e.kind for e in entries].count("workflow_started") == 2
    assert "continued_as_new" in [e.kind for e in entries]
    second_start = [e for e in entries if e.kind == "workflow_started"][1]
    assert second_start.details["continued_from"] == chain.runs[0].run_id
    trail = await recorded_trail(chain, DECODER)
    assert sorted(trail.events) == list(range(1, len(trail.events) + 1))
    assert chain_problems(trail.events.values()) == [], "one chain across both runs"
    assert trail.conflicts == []


async def test_signatures_must_hash_what_was_signed() -> None:
    trail = await recorded_trail(chain_of("lifecycle.1"), DECODER)
    assert len(trail.signed) == 2 and trail.signature_problems() == []
    forged = trail.signed[0].model_copy(deep=True)
    assert forged.signature is not None
    forged.signature.content_hash = "0" * 64
    trail.signed.append(forged)
    [problem] = trail.signature_problems()
    assert problem.kind == ProblemKind.SIGNATURE and "Lee QA" in problem.detail


async def test_a_cut_at_each_event_replays_to_that_events_version() -> None:
    chain = chain_of("lifecycle.1")
    trail = await recorded_trail(chain, DECODER)
    for seq, event in sorted(trail.events.items()):
        cut = history_as_of(chain, event.at, now=FUTURE)
        replay = await replay_histories([cut], converter=CONVERTER)
        assert replay.deterministic and replay.snapshot is not None
        # Events applied in one workflow task share its time: the cut holds the last of them.
        same_moment = max(s for s, e in trail.events.items() if e.at == event.at)
        assert replay.snapshot.state.version == same_moment, seq


def test_a_cut_outside_the_complaints_life_is_refused() -> None:
    chain = chain_of("duplicate.1")
    started = chain.runs[0].started_at
    with pytest.raises(AsOfOutOfRange, match="before the complaint existed"):
        history_as_of(chain, started - timedelta(seconds=1), now=FUTURE)
    with pytest.raises(AsOfOutOfRange, match="future"):
        history_as_of(chain, FUTURE + timedelta(days=1), now=FUTURE)


def test_a_cut_in_a_later_run_starts_from_that_run() -> None:
    chain = chain_of("continue_as_new.1", "continue_as_new.2")
    cut = history_as_of(chain, FUTURE, now=FUTURE)
    assert cut.run_id == chain.runs[1].run_id
    assert len(cut.events) <= len(chain.runs[1].history.events)


async def test_pages_follow_one_another_and_foreign_cursors_are_refused() -> None:
    chain = chain_of("pause_resume.1")
    entries = await timeline(chain, DECODER)
    seen, cursor = [], None
    while True:
        page = page_of(chain, entries, cursor=cursor, limit=7)
        seen += page.items
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
        assert decode_cursor(cursor) == (page.items[-1].run_id, page.items[-1].event_id)
    assert seen == entries
    for bad in ("x", "WyJhIiwgMV0", "WzEsICJhIl0"):  # garbage, unknown position, wrong types
        with pytest.raises(InvalidCursor):
            page_of(chain, entries, cursor=bad, limit=7)


def test_differences_name_each_leaf() -> None:
    found = differences(
        {"a": {"b": 1, "c": [1, 2]}, "same": 1},
        {"a": {"b": 2, "c": [1]}, "same": 1},
        names=("replayed", "live"),
    )
    assert found == ["a.b: replayed 1 != live 2", "a.c.1: replayed 2 != live None"]


def test_corpus_files_load_as_histories() -> None:
    history = load(FOLDER / "escalation.1.json")
    assert isinstance(history, WorkflowHistory) and history.workflow_id == "escalation"
