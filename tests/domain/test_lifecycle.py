"""The whole transition table: every (state, action) pair, allowed and refused."""

from __future__ import annotations

import pytest

from domain import lifecycle
from domain.enums import Action, Outcome, Status

S, A = Status, Action

# The lifecycle table of DESIGN.md, written out independently of domain.lifecycle.
EXPECTED: dict[Action, tuple[set[Status], Status | None, Outcome | None]] = {
    A.TRIAGE: ({S.TRIAGE}, S.INVESTIGATION, None),
    A.REJECT: ({S.TRIAGE}, S.CLOSED, Outcome.NOT_A_COMPLAINT),
    A.MARK_DUPLICATE: ({S.TRIAGE}, S.CLOSED, Outcome.DUPLICATE),
    A.CLOSE_WITHOUT_INVESTIGATION: ({S.TRIAGE}, S.CLOSED, Outcome.NO_INVESTIGATION),
    A.ASSIGN: ({S.TRIAGE, S.INVESTIGATION, S.AWAITING_INFO, S.REVIEW}, None, None),
    A.REQUEST_INFO: ({S.INVESTIGATION}, S.AWAITING_INFO, None),
    A.RECEIVE_INFO: ({S.AWAITING_INFO}, S.INVESTIGATION, None),
    A.COMPLETE_INVESTIGATION: ({S.INVESTIGATION}, S.REVIEW, None),
    A.RETURN_TO_INVESTIGATION: ({S.REVIEW}, S.INVESTIGATION, None),
    A.CLOSE: ({S.REVIEW}, S.CLOSED, Outcome.RESOLVED),
    A.REOPEN: ({S.CLOSED}, S.INVESTIGATION, None),
    A.ADD_NOTE: ({S.TRIAGE, S.INVESTIGATION, S.AWAITING_INFO, S.REVIEW}, None, None),
    A.RECORD_SUBMISSION: (set(Status), None, None),
    A.RECLASSIFY: ({S.INVESTIGATION, S.AWAITING_INFO, S.REVIEW, S.CLOSED}, None, None),
}
PAIRS = [(status, action) for status in Status for action in lifecycle.USER_ACTIONS]


def test_every_user_action_is_in_the_table() -> None:
    assert set(lifecycle.USER_ACTIONS) == set(Action) - {Action.CREATE} - lifecycle.SYSTEM_ACTIONS
    assert set(EXPECTED) == set(lifecycle.USER_ACTIONS)


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_each_pair_is_allowed_exactly_as_the_table_says(status: Status, action: Action) -> None:
    sources, target, outcome = EXPECTED[action]
    reason = lifecycle.refusal(lifecycle.Facts(status=status), action)
    if status in sources:
        assert reason is None
        assert lifecycle.target_status(status, action) == (target or status)
        assert lifecycle.TABLE[action].outcome == outcome
        assert action in lifecycle.allowed_actions(lifecycle.Facts(status=status))
    else:
        assert reason is not None and str(status) in reason
        assert action not in lifecycle.allowed_actions(lifecycle.Facts(status=status))


def test_close_without_investigation_is_refused_when_reportable() -> None:
    facts = lifecycle.Facts(status=S.TRIAGE, reportable=True)
    reason = lifecycle.refusal(facts, A.CLOSE_WITHOUT_INVESTIGATION)
    assert reason is not None and "820.198" in reason
    assert A.CLOSE_WITHOUT_INVESTIGATION not in lifecycle.allowed_actions(facts)
    assert A.REJECT in lifecycle.allowed_actions(facts)


def test_a_final_record_allows_nothing() -> None:
    facts = lifecycle.Facts(status=S.CLOSED, accepting_changes=False)
    assert lifecycle.allowed_actions(facts) == []


def test_only_closing_actions_need_a_signature() -> None:
    signed = {action for action, rule in lifecycle.TABLE.items() if rule.signed}
    assert signed == {A.CLOSE, A.CLOSE_WITHOUT_INVESTIGATION}
