"""The audit hash chain: sealing, and what verification reports for each kind of tampering."""

from __future__ import annotations

from datetime import timedelta

from domain import complaint_clocks
from domain.audit import AuditEvent
from domain.chain import (
    ProblemKind,
    canonical,
    chain_problems,
    event_hash,
    seal,
    trail_problems,
)
from domain.complaint import ComplaintState, apply, open_complaint
from domain.complaint_clocks import ClockRules
from domain.enums import Action
from tests.domain.factories import ACTOR, NOW, command, intake


def sealed_trail(*actions: Action) -> tuple[ComplaintState, list[AuditEvent]]:
    state, created = open_complaint(complaint_id="C-1", intake=intake(), actor=ACTOR, now=NOW)
    trail = [seal(state, created)]
    for step, action in enumerate(actions, start=1):
        event = apply(state, command(action), actor=ACTOR, now=NOW + timedelta(minutes=step))
        trail.append(seal(state, event))
    return state, trail


def kinds(problems: list) -> list[tuple[ProblemKind, int | None]]:
    return [(p.kind, p.seq) for p in problems]


def test_each_event_links_to_the_one_before_and_the_state_holds_the_head() -> None:
    state, trail = sealed_trail(Action.TRIAGE, Action.ADD_NOTE)
    assert trail[0].prev_hash is None
    assert [e.prev_hash for e in trail[1:]] == [e.hash for e in trail[:-1]]
    assert state.last_event_hash == trail[-1].hash
    assert all(event_hash(e) == e.hash for e in trail)
    assert chain_problems(trail) == []


def test_the_canonical_form_is_sorted_key_json_without_the_own_hash() -> None:
    _, trail = sealed_trail(Action.TRIAGE)
    text = canonical(trail[1]).decode()
    assert '"hash"' not in text and '"prev_hash":"' in text
    assert text.index('"action"') < text.index('"actor"') < text.index('"at"')
    again = AuditEvent.model_validate_json(trail[1].model_dump_json())
    assert canonical(again) == canonical(trail[1]), "a JSON round trip keeps the encoding"


def test_an_altered_event_breaks_its_own_hash() -> None:
    _, trail = sealed_trail(Action.TRIAGE, Action.ADD_NOTE)
    trail[1].reason = "nothing to see"
    assert kinds(chain_problems(trail)) == [(ProblemKind.ALTERED, 2)]


def test_an_altered_and_rehashed_event_breaks_the_next_link() -> None:
    _, trail = sealed_trail(Action.TRIAGE, Action.ADD_NOTE)
    trail[1].reason = "nothing to see"
    trail[1].hash = event_hash(trail[1])
    assert kinds(chain_problems(trail)) == [(ProblemKind.BROKEN_LINK, 3)]


def test_a_removed_event_leaves_a_gap() -> None:
    _, trail = sealed_trail(Action.TRIAGE, Action.ADD_NOTE, Action.ADD_NOTE)
    del trail[1]
    problems = chain_problems(trail)
    assert kinds(problems) == [(ProblemKind.REMOVED, None)]
    assert "seq 2 missing" in problems[0].detail


def test_a_forged_event_that_links_correctly_is_caught_by_the_record() -> None:
    state, trail = sealed_trail(Action.TRIAGE)
    recorded = {e.seq: e.model_copy(deep=True) for e in trail}
    forged = apply(state, command(Action.ADD_NOTE, text="approved by phone"), actor=ACTOR, now=NOW)
    stored = [*trail, seal(state, forged)]
    assert chain_problems(stored) == [], "a well-made forgery passes the chain alone"
    problems = trail_problems(stored=stored, recorded=recorded, projected_through=2)
    assert kinds(problems) == [(ProblemKind.INSERTED, 3)]


def test_the_record_names_removed_and_differing_events() -> None:
    _, trail = sealed_trail(Action.TRIAGE, Action.ADD_NOTE, Action.ADD_NOTE)
    recorded = {e.seq: e.model_copy(deep=True) for e in trail}
    stored = [trail[0], trail[2].model_copy(update={"reason": "edited"}), trail[3]]
    problems = trail_problems(stored=stored, recorded=recorded, projected_through=4)
    assert (ProblemKind.REMOVED, 2) in kinds(problems)
    altered = [p for p in problems if p.kind == ProblemKind.ALTERED and p.seq == 3]
    assert len(altered) == 2 and "reason" in altered[1].detail


def test_events_not_yet_projected_are_not_problems() -> None:
    _, trail = sealed_trail(Action.TRIAGE, Action.ADD_NOTE)
    recorded = {e.seq: e for e in trail}
    assert trail_problems(stored=trail[:2], recorded=recorded, projected_through=2) == []
    problems = trail_problems(stored=trail[:2], recorded=recorded, projected_through=3)
    assert kinds(problems) == [(ProblemKind.REMOVED, 3)]


def test_settle_records_a_change_of_escalation_level() -> None:
    rules = ClockRules()
    past = intake(
        aware_at=(NOW - timedelta(days=40)).isoformat(),
        event={"description": "Burn on the probe", "injury": True},
    )
    state, created = open_complaint(complaint_id="C-1", intake=past, actor=ACTOR, now=NOW)
    complaint_clocks.settle(state, created, now=NOW, rules=rules)
    assert complaint_clocks.fire_due(state, now=NOW, rules=rules)
    assert state.escalation_level == 2  # the FDA 30-day deadline passed long ago
    filed = command(Action.RECORD_SUBMISSION, submitted_at=NOW.isoformat())
    event = apply(state, filed, actor=ACTOR, now=NOW)
    complaint_clocks.settle(state, event, now=NOW, rules=rules)
    changes = {c.field: (c.old, c.new) for c in event.changes}
    assert changes["escalation_level"] == (2, state.escalation_level)
    assert state.escalation_level < 2
    assert [c.field for c in event.changes] == sorted(c.field for c in event.changes)
    assert event.clock_changes, "the stopped clock is explained too"
