"""The lifecycle table, once. Validators, ``allowed_actions``, docs and UI all read it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.enums import Action, Outcome, Status

OPEN: frozenset[Status] = frozenset(Status) - {Status.CLOSED}
ANY: frozenset[Status] = frozenset(Status)


@dataclass(frozen=True, slots=True)
class Rule:
    sources: frozenset[Status]
    target: Status | None = None  # None: the status does not change
    outcome: Outcome | None = None
    signed: bool = False  # needs an electronic signature (21 CFR Part 11.50)
    note: str = ""


S = Status
TABLE: Mapping[Action, Rule] = {
    Action.TRIAGE: Rule(
        frozenset({S.TRIAGE}), S.INVESTIGATION, note="severity, reportability, assignee"
    ),
    Action.REJECT: Rule(frozenset({S.TRIAGE}), S.CLOSED, Outcome.NOT_A_COMPLAINT, note="reason"),
    Action.MARK_DUPLICATE: Rule(
        frozenset({S.TRIAGE}),
        S.CLOSED,
        Outcome.DUPLICATE,
        note="duplicate_of: an existing complaint",
    ),
    Action.CLOSE_WITHOUT_INVESTIGATION: Rule(
        frozenset({S.TRIAGE}),
        S.CLOSED,
        Outcome.NO_INVESTIGATION,
        signed=True,
        note="justification and responsible person (820.198(b)); refused when reportable",
    ),
    Action.ASSIGN: Rule(OPEN, note="new assignee"),
    Action.REQUEST_INFO: Rule(frozenset({S.INVESTIGATION}), S.AWAITING_INFO),
    Action.RECEIVE_INFO: Rule(frozenset({S.AWAITING_INFO}), S.INVESTIGATION),
    Action.COMPLETE_INVESTIGATION: Rule(
        frozenset({S.INVESTIGATION}), S.REVIEW, note="root cause, findings, corrective action"
    ),
    Action.RETURN_TO_INVESTIGATION: Rule(frozenset({S.REVIEW}), S.INVESTIGATION, note="reason"),
    Action.CLOSE: Rule(frozenset({S.REVIEW}), S.CLOSED, Outcome.RESOLVED, signed=True),
    Action.REOPEN: Rule(frozenset({S.CLOSED}), S.INVESTIGATION, note="reason"),
    Action.ADD_NOTE: Rule(OPEN),
    Action.RECORD_SUBMISSION: Rule(ANY, note="a regulatory report was filed; stops that clock"),
    Action.RECLASSIFY: Rule(
        ANY - {S.TRIAGE}, note="new severity and/or reportability, with a reason; re-arms clocks"
    ),
}

#: Actions a user can request (``create`` is the intake, not a transition).
USER_ACTIONS: tuple[Action, ...] = tuple(TABLE)

#: Events the clocks raise on their own; they appear in the audit trail, never in requests.
SYSTEM_ACTIONS: frozenset[Action] = frozenset(
    {Action.SLA_REMINDER, Action.ESCALATION, Action.REGULATORY_WARNING, Action.REGULATORY_BREACH}
)


@dataclass(frozen=True, slots=True)
class Facts:
    """What the table's guards need to know about a complaint, beyond its status."""

    status: Status
    reportable: bool = False
    accepting_changes: bool = True  # False once the workflow is winding down after closure


def refusal(facts: Facts, action: Action) -> str | None:
    """Why ``action`` is not allowed now, or None when it is."""
    rule = TABLE.get(action)
    if rule is None:
        return f"{action} is not a transition"
    if not facts.accepting_changes:
        return "the complaint's record is final and no longer accepts changes"
    if facts.status not in rule.sources:
        return f"{action} is not allowed while the complaint is {facts.status}"
    if action == Action.CLOSE_WITHOUT_INVESTIGATION and facts.reportable:
        return (
            "a reportable complaint (or one involving death or injury) must be investigated; "
            "close_without_investigation is refused (21 CFR 820.198(d))"
        )
    return None


def allowed_actions(facts: Facts) -> list[Action]:
    return [action for action in USER_ACTIONS if refusal(facts, action) is None]


def target_status(current: Status, action: Action) -> Status:
    target = TABLE[action].target
    return current if target is None else target
