"""The pure state machine: what each action changes, and what the audit event records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import lifecycle
from domain.complaint import RECENT_EVENTS, ComplaintState, apply, open_complaint
from domain.enums import Action, Outcome, Severity, Status
from tests.domain.factories import ACTOR, NOW, SIGNATURE, command, intake


def new_complaint(**overrides: object) -> ComplaintState:
    state, _ = open_complaint(complaint_id="C-1", intake=intake(**overrides), actor=ACTOR, now=NOW)
    return state


def run(state: ComplaintState, *actions: Action) -> None:
    for action in actions:
        signature = SIGNATURE if lifecycle.TABLE[action].signed else None
        apply(state, command(action), actor=ACTOR, now=NOW, signature=signature)


def test_intake_opens_in_triage_with_a_create_event() -> None:
    state, event = open_complaint(complaint_id="C-1", intake=intake(), actor=ACTOR, now=NOW)
    assert (state.status, state.version, event.seq, event.action) == (
        Status.TRIAGE,
        1,
        1,
        Action.CREATE,
    )
    assert event.reason == "received via phone (TWD-88812)"
    assert [c.field for c in event.changes] == ["status"]


def test_triage_records_old_and_new_values_of_every_changed_field() -> None:
    state = new_complaint()
    event = apply(state, command(Action.TRIAGE), actor=ACTOR, now=NOW + timedelta(hours=1))
    changes = {c.field: (c.old, c.new) for c in event.changes}
    assert changes == {
        "assignee": (None, "ivan"),
        "severity": (None, "high"),
        "status": ("triage", "investigation"),
        "reportability.fda_mdr": (None, False),
        "reportability.fda_5_day": (None, False),
        "reportability.eu_mdr": (None, "none"),
    }
    assert (event.seq, state.version, state.severity) == (2, 2, Severity.HIGH)
    assert state.updated_at == NOW + timedelta(hours=1)
    assert (event.status_before, event.status_after) == (Status.TRIAGE, Status.INVESTIGATION)


def test_full_lifecycle_close_and_reopen() -> None:
    state = new_complaint()
    run(state, Action.TRIAGE, Action.REQUEST_INFO)
    assert state.pending_question == "Which software version?"
    run(state, Action.RECEIVE_INFO, Action.COMPLETE_INVESTIGATION)
    assert state.investigation is not None and state.investigation.capa_ref == "CAPA-1"
    run(state, Action.RETURN_TO_INVESTIGATION, Action.COMPLETE_INVESTIGATION, Action.CLOSE)
    assert (state.status, state.outcome) == (Status.CLOSED, Outcome.RESOLVED)
    assert state.closed_at == NOW and state.signatures == [SIGNATURE]
    run(state, Action.REOPEN)
    assert (state.status, state.outcome, state.closed_at) == (Status.INVESTIGATION, None, None)
    assert state.version == 9  # create + 8 transitions


@pytest.mark.parametrize(
    ("action", "outcome"),
    [
        (Action.REJECT, Outcome.NOT_A_COMPLAINT),
        (Action.MARK_DUPLICATE, Outcome.DUPLICATE),
        (Action.CLOSE_WITHOUT_INVESTIGATION, Outcome.NO_INVESTIGATION),
    ],
)
def test_closing_from_triage_sets_the_outcome(action: Action, outcome: Outcome) -> None:
    state = new_complaint()
    run(state, action)
    assert (state.status, state.outcome) == (Status.CLOSED, outcome)


def test_decision_not_to_investigate_is_justified_and_attributed() -> None:
    state = new_complaint()
    run(state, Action.CLOSE_WITHOUT_INVESTIGATION)
    assert state.no_investigation is not None
    assert state.no_investigation.responsible == ACTOR.user_id
    assert state.recent_events[-1].signature == SIGNATURE


def test_death_or_injury_makes_the_complaint_presumed_reportable() -> None:
    event = {"description": "Burn", "injury": True}
    assert new_complaint(event=event).reportable
    assert not new_complaint().reportable


def test_signature_secret_never_serialises() -> None:
    close = command(Action.CLOSE)
    assert "signature" not in close.model_dump()
    assert "pw" not in close.model_dump_json()


def test_recent_events_are_bounded() -> None:
    state = new_complaint()
    for _ in range(RECENT_EVENTS + 5):
        run(state, Action.ADD_NOTE)
    assert len(state.recent_events) == RECENT_EVENTS
    assert state.recent_events[-1].seq == state.version


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(lifecycle.USER_ACTIONS), max_size=40))
def test_any_sequence_of_allowed_actions_keeps_the_invariants(actions: list[Action]) -> None:
    state = new_complaint()
    for action in actions:
        if lifecycle.refusal(state.facts(), action) is not None:
            continue
        before = state.version
        run(state, action)
        assert state.version == before + 1 == state.recent_events[-1].seq
        assert (state.status == Status.CLOSED) == (state.outcome is not None)
        assert (state.status == Status.CLOSED) == (state.closed_at is not None)
        assert state.status in set(Status)
