"""Clocks: reconcile (start, stop, pause, resume, re-arm), milestones and escalation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from domain.actions import Reportability
from domain.calendar import DAY
from domain.clock_rules import reconcile
from domain.clocks import (
    ACTIVE,
    REGULATORY,
    SLA_STAGES,
    Clock,
    ClockCalendars,
    ClockKind,
    ClockState,
    Milestone,
    MilestoneName,
    clock_views,
    due_now,
    escalation_level,
    is_overdue,
    mark_fired,
    milestones,
    next_deadline,
    next_due,
    remaining,
)
from domain.enums import EuMdrClass, Severity, Status, SubmissionKind
from domain.sla import SlaPolicy, default_sla_policy, sla_policy_from_mapping

CALENDARS = ClockCalendars.default()
US, EU = CALENDARS.us, CALENDARS.eu
POLICY = default_sla_policy()
NEW_YORK = ZoneInfo("America/New_York")
K, M, S = ClockKind, MilestoneName, ClockState


def ny(month: int, day: int, hour: int = 9, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=NEW_YORK)


CREATED = ny(11, 30)  # Monday
AWARE = CREATED


@dataclass(frozen=True)
class Filed:
    kind: SubmissionKind
    submitted_at: datetime


def run(
    clocks: Iterable[Clock] = (),
    *,
    now: datetime,
    status: Status = Status.TRIAGE,
    severity: Severity | None = None,
    reportability: Reportability | None = None,
    policy: SlaPolicy = POLICY,
    **facts: Any,
) -> tuple[list[Clock], list[str]]:
    facts.setdefault("aware_at", AWARE)
    return reconcile(
        clocks,
        status=status,
        severity=severity,
        reportability=reportability,
        now=now,
        calendars=CALENDARS,
        policy=policy,
        **facts,
    )


def active(clocks: Iterable[Clock], kind: ClockKind | None = None) -> list[Clock]:
    return [c for c in clocks if c.state in ACTIVE and kind in (None, c.kind)]


def one(clocks: Iterable[Clock], kind: ClockKind) -> Clock:
    (clock,) = active(clocks, kind)
    return clock


def fire_all(clocks: list[Clock], now: datetime, policy: SlaPolicy = POLICY) -> list[Milestone]:
    return due_now(clocks, now=now, calendars=CALENDARS, policy=policy)


# --- SLA clocks follow the stages ------------------------------------------------------


def test_intake_starts_triage_and_overall_with_the_untriaged_severity() -> None:
    clocks, changes = run(now=CREATED)
    assert [(c.kind, c.state, c.armed_for) for c in clocks] == [
        (K.SLA_TRIAGE, S.RUNNING, "high"),
        (K.SLA_OVERALL, S.RUNNING, "high"),
    ]
    assert one(clocks, K.SLA_TRIAGE).due_at == ny(12, 2)  # 2 business days
    assert one(clocks, K.SLA_OVERALL).allowance == 30 * DAY
    assert changes == [
        "sla_triage: started: 2 business days for high severity, due 2026-12-02 14:00 UTC",
        "sla_overall: started: 30 business days for high severity, due 2027-01-13 14:00 UTC",
    ]
    assert [c.id for c in clocks] == [1, 2]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.TRIAGE, {K.SLA_TRIAGE: S.RUNNING, K.SLA_OVERALL: S.RUNNING}),
        (Status.INVESTIGATION, {K.SLA_INVESTIGATION: S.RUNNING, K.SLA_OVERALL: S.RUNNING}),
        (Status.AWAITING_INFO, {K.SLA_INVESTIGATION: S.PAUSED, K.SLA_OVERALL: S.PAUSED}),
        (Status.REVIEW, {K.SLA_REVIEW: S.RUNNING, K.SLA_OVERALL: S.RUNNING}),
        (Status.CLOSED, {}),
    ],
)
def test_each_status_runs_its_stage_clock(
    status: Status, expected: dict[ClockKind, ClockState]
) -> None:
    clocks, _ = run(now=CREATED)
    clocks, _ = run(clocks, now=ny(12, 1), status=status, severity=Severity.MEDIUM)
    assert {c.kind: c.state for c in active(clocks)} == expected


def test_triage_meets_the_triage_clock_and_re_arms_overall() -> None:
    clocks, _ = run(now=CREATED)
    now = ny(12, 1, 15)
    clocks, changes = run(clocks, now=now, status=Status.INVESTIGATION, severity=Severity.CRITICAL)
    triage = clocks[0]
    assert (triage.state, triage.stopped_at) == (S.MET, now)
    assert triage.stop_reason == "met: the complaint moved to investigation"
    overall = one(clocks, K.SLA_OVERALL)
    assert overall.armed_for == "critical"
    assert overall.due_at == US.add_business_days(CREATED, 20)
    assert overall.started_at == CREATED  # re-armed, not restarted
    investigation = one(clocks, K.SLA_INVESTIGATION)
    assert (investigation.started_at, investigation.due_at) == (now, ny(12, 15, 15))
    assert changes == [
        "sla_triage: met: the complaint moved to investigation",
        "sla_overall: re-armed: severity high -> critical, 20 business days, "
        "due 2026-12-29 14:00 UTC",
        "sla_investigation: started: 10 business days for critical severity, "
        "due 2026-12-15 20:00 UTC",
    ]


def test_closing_meets_every_sla_clock_but_not_the_regulatory_ones() -> None:
    mdr = Reportability(fda_mdr=True)
    clocks, _ = run(now=CREATED, reportability=mdr)
    clocks, _ = run(clocks, now=ny(12, 2), status=Status.CLOSED, reportability=mdr)
    assert {c.kind for c in active(clocks)} == {K.FDA_MDR_30_DAY}
    assert all(c.state == S.MET for c in clocks if c.kind in SLA_STAGES)


def test_re_entering_a_stage_starts_a_fresh_clock_and_keeps_the_old_one() -> None:
    clocks, _ = run(now=CREATED, status=Status.INVESTIGATION, severity=Severity.LOW)
    clocks, _ = run(clocks, now=ny(12, 7), status=Status.REVIEW, severity=Severity.LOW)
    clocks, _ = run(clocks, now=ny(12, 8), status=Status.INVESTIGATION, severity=Severity.LOW)
    investigations = [c for c in clocks if c.kind == K.SLA_INVESTIGATION]
    assert [c.state for c in investigations] == [S.MET, S.RUNNING]
    assert investigations[1].started_at == ny(12, 8)
    assert len({c.id for c in clocks}) == len(clocks)


def test_reconcile_with_unchanged_facts_changes_nothing() -> None:
    facts: dict[str, Any] = {
        "status": Status.INVESTIGATION,
        "severity": Severity.HIGH,
        "reportability": Reportability(fda_mdr=True, eu_mdr=EuMdrClass.SERIOUS_INCIDENT),
    }
    clocks, _ = run(now=CREATED, **facts)
    again, changes = run(clocks, now=ny(12, 3), **facts)
    assert (again, changes) == (clocks, [])


# --- pause and resume ------------------------------------------------------------------

FIVE_DAY = sla_policy_from_mapping({"days": {"critical": {"investigation": 5}}})


def test_pause_keeps_the_remaining_business_time_and_resume_adds_it_to_now() -> None:
    facts: dict[str, Any] = {"severity": Severity.CRITICAL, "policy": FIVE_DAY}
    clocks, _ = run(now=CREATED, status=Status.INVESTIGATION, **facts)
    paused_at = ny(12, 2)  # 2 of 5 business days used: 3 left
    clocks, changes = run(clocks, now=paused_at, status=Status.AWAITING_INFO, **facts)
    investigation = one(clocks, K.SLA_INVESTIGATION)
    assert investigation.state == S.PAUSED
    assert (investigation.paused_at, investigation.remaining) == (paused_at, 3 * DAY)
    assert "sla_investigation: paused with 3 business days left" in changes
    assert remaining(investigation, now=ny(12, 9), calendars=CALENDARS) == 3 * DAY

    resumed_at = ny(12, 12, 9)  # 10 days later, a Saturday
    clocks, changes = run(clocks, now=resumed_at, status=Status.INVESTIGATION, **facts)
    investigation = one(clocks, K.SLA_INVESTIGATION)
    assert investigation.state == S.RUNNING
    assert investigation.due_at == US.add_business_days(resumed_at, 3) == ny(12, 17, 0)
    assert (investigation.paused_at, investigation.remaining) == (None, None)
    assert changes[0].startswith("sla_investigation: resumed with 3 business days left")


def test_resume_on_a_weekday_lands_three_business_days_later() -> None:
    facts: dict[str, Any] = {"severity": Severity.CRITICAL, "policy": FIVE_DAY}
    clocks, _ = run(now=CREATED, status=Status.INVESTIGATION, **facts)
    clocks, _ = run(clocks, now=ny(12, 2), status=Status.AWAITING_INFO, **facts)
    clocks, _ = run(clocks, now=ny(12, 14), status=Status.INVESTIGATION, **facts)
    assert one(clocks, K.SLA_INVESTIGATION).due_at == ny(12, 17)


def test_paused_clocks_schedule_nothing_and_regulatory_clocks_never_pause() -> None:
    mdr = Reportability(fda_mdr=True)
    clocks, _ = run(now=CREATED, status=Status.INVESTIGATION, reportability=mdr)
    clocks, _ = run(clocks, now=ny(12, 1), status=Status.AWAITING_INFO, reportability=mdr)
    assert one(clocks, K.FDA_MDR_30_DAY).state == S.RUNNING
    upcoming = {m.kind for m in fire_all(clocks, now=ny(12, 31, 23))}
    assert upcoming == {K.FDA_MDR_30_DAY}


def test_a_breached_clock_stays_breached_through_pause_and_resume() -> None:
    clocks, _ = run(now=CREATED, status=Status.INVESTIGATION, severity=Severity.CRITICAL)
    late = ny(12, 16)
    clocks = mark_fired(clocks, fire_all(clocks, late))
    assert one(clocks, K.SLA_INVESTIGATION).state == S.BREACHED
    clocks, _ = run(clocks, now=late, status=Status.AWAITING_INFO, severity=Severity.CRITICAL)
    investigation = one(clocks, K.SLA_INVESTIGATION)
    assert investigation.remaining is not None and investigation.remaining < timedelta()
    assert is_overdue(clocks, now=late)
    clocks, _ = run(clocks, now=ny(12, 21), status=Status.INVESTIGATION, severity=Severity.CRITICAL)
    investigation = one(clocks, K.SLA_INVESTIGATION)
    assert investigation.state == S.BREACHED
    assert investigation.due_at < ny(12, 21)
    assert M.BREACH in investigation.fired


# --- re-arming on a change of severity -------------------------------------------------


def test_a_severity_change_moves_the_due_time_and_unfires_what_lies_ahead() -> None:
    start = CREATED
    clocks, _ = run(now=start, status=Status.INVESTIGATION, severity=Severity.LOW)
    now = US.add_business_days(start, 23)  # past the reminder at 22.5 of 30 days
    clocks = mark_fired(clocks, fire_all(clocks, now))
    assert one(clocks, K.SLA_INVESTIGATION).fired == (M.REMINDER,)

    facts: dict[str, Any] = {"status": Status.INVESTIGATION, "now": now}
    clocks, changes = run(clocks, severity=Severity.CRITICAL, **facts)
    investigation = one(clocks, K.SLA_INVESTIGATION)
    assert investigation.due_at == US.add_business_days(start, 10)
    assert investigation.allowance == 10 * DAY
    assert [m.name for m in fire_all(clocks, now) if m.clock_id == investigation.id] == [
        M.BREACH,
        M.ESCALATION_2,
    ]
    assert any(
        c.startswith("sla_investigation: re-armed: severity low -> critical") for c in changes
    )

    clocks = mark_fired(clocks, fire_all(clocks, now))
    assert one(clocks, K.SLA_INVESTIGATION).state == S.BREACHED
    assert escalation_level(clocks) == 2

    clocks, _ = run(clocks, severity=Severity.LOW, **facts)
    investigation = one(clocks, K.SLA_INVESTIGATION)
    assert investigation.due_at == US.add_business_days(start, 30)
    assert (investigation.state, investigation.fired) == (S.RUNNING, (M.REMINDER,))
    assert escalation_level(clocks) == 0


def test_a_severity_change_while_paused_adjusts_the_remaining_time() -> None:
    clocks, _ = run(now=CREATED, status=Status.INVESTIGATION, severity=Severity.LOW)
    clocks, _ = run(clocks, now=ny(12, 2), status=Status.AWAITING_INFO, severity=Severity.LOW)
    assert one(clocks, K.SLA_INVESTIGATION).remaining == 28 * DAY
    clocks, _ = run(clocks, now=ny(12, 3), status=Status.AWAITING_INFO, severity=Severity.CRITICAL)
    investigation = one(clocks, K.SLA_INVESTIGATION)
    assert (investigation.state, investigation.remaining) == (S.PAUSED, 8 * DAY)


def test_more_time_while_paused_withdraws_a_breach() -> None:
    facts: dict[str, Any] = {"status": Status.AWAITING_INFO, "now": ny(12, 15)}
    clocks, _ = run(now=CREATED, status=Status.INVESTIGATION, severity=Severity.CRITICAL)
    clocks = mark_fired(clocks, fire_all(clocks, ny(12, 15)))  # a day past due
    clocks, _ = run(clocks, severity=Severity.CRITICAL, **facts)
    assert one(clocks, K.SLA_INVESTIGATION).remaining == -DAY
    assert escalation_level(clocks) == 1
    clocks, _ = run(clocks, severity=Severity.LOW, **facts)
    investigation = one(clocks, K.SLA_INVESTIGATION)
    assert (investigation.state, investigation.remaining) == (S.PAUSED, 19 * DAY)
    assert investigation.fired == ()
    assert escalation_level(clocks) == 0


# --- regulatory clocks -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("reportability", "kind", "due"),
    [
        (Reportability(fda_mdr=True), K.FDA_MDR_30_DAY, ny(12, 31, 0)),
        (Reportability(fda_5_day=True), K.FDA_MDR_5_DAY, ny(12, 8, 0)),
        (Reportability(eu_mdr=EuMdrClass.SERIOUS_INCIDENT), K.EU_MDR, ny(12, 15, 18)),
        (
            Reportability(eu_mdr=EuMdrClass.DEATH_OR_SERIOUS_DETERIORATION),
            K.EU_MDR,
            ny(12, 10, 18),
        ),
        (Reportability(eu_mdr=EuMdrClass.PUBLIC_HEALTH_THREAT), K.EU_MDR, ny(12, 2, 18)),
    ],
)
def test_regulatory_deadlines(reportability: Reportability, kind: ClockKind, due: datetime) -> None:
    """30 calendar days, 5 work days, EU 15/10/2 days: to the end of the last day (EU:
    midnight in Berlin, 18:00 in New York)."""
    clocks, _ = run(now=ny(12, 1), reportability=reportability)
    clock = one(clocks, kind)
    assert (clock.started_at, clock.due_at) == (AWARE, due)
    assert [c.kind for c in active(clocks) if c.kind in REGULATORY] == [kind]


def test_a_past_awareness_date_shortens_the_clock() -> None:
    aware = ny(11, 10)
    now = ny(12, 1)
    clocks, _ = run(now=now, aware_at=aware, reportability=Reportability(fda_mdr=True))
    clock = one(clocks, K.FDA_MDR_30_DAY)
    assert clock.due_at == ny(12, 11, 0)
    left = remaining(clock, now=now, calendars=CALENDARS)
    assert left is not None and left < timedelta(days=10)
    assert [m.name for m in fire_all(clocks, now)] == [M.WARNING_50]


def test_a_deadline_already_past_at_triage_escalates_at_once_breach_last() -> None:
    aware = ny(10, 1)
    now = ny(11, 30)
    reportability = Reportability(fda_mdr=True, eu_mdr=EuMdrClass.SERIOUS_INCIDENT)
    clocks, changes = run(
        now=now, aware_at=aware, reportability=reportability, status=Status.INVESTIGATION
    )
    assert any(c.startswith("fda_mdr_30_day: started") and "already past due" in c for c in changes)
    fired = fire_all(clocks, now)
    assert [(m.kind, m.name) for m in fired if m.kind == K.FDA_MDR_30_DAY] == [
        (K.FDA_MDR_30_DAY, M.WARNING_50),
        (K.FDA_MDR_30_DAY, M.WARNING_80),
        (K.FDA_MDR_30_DAY, M.BREACH),
    ]
    assert [m.at for m in fired] == sorted(m.at for m in fired)
    clocks = mark_fired(clocks, fired)
    assert {c.kind: c.state for c in active(clocks) if c.kind in REGULATORY} == {
        K.FDA_MDR_30_DAY: S.BREACHED,
        K.EU_MDR: S.BREACHED,
    }
    assert escalation_level(clocks) == 2
    assert fire_all(clocks, now) == []


def test_a_submission_stops_only_its_own_clock() -> None:
    reportability = Reportability(fda_mdr=True, fda_5_day=True, eu_mdr=EuMdrClass.SERIOUS_INCIDENT)
    clocks, _ = run(now=ny(12, 1), reportability=reportability)
    filed = [Filed(SubmissionKind.MDR_5_DAY, ny(12, 3))]
    clocks, changes = run(clocks, now=ny(12, 3, 10), reportability=reportability, submissions=filed)
    states = {c.kind: c.state for c in clocks if c.kind in REGULATORY}
    assert states == {K.FDA_MDR_30_DAY: S.RUNNING, K.FDA_MDR_5_DAY: S.MET, K.EU_MDR: S.RUNNING}
    assert changes == ["fda_mdr_5_day: met: mdr_5_day submitted 2026-12-03 14:00 UTC"]
    met = next(c for c in clocks if c.kind == K.FDA_MDR_5_DAY)
    assert met.stopped_at == ny(12, 3, 10)
    again, changes = run(clocks, now=ny(12, 4), reportability=reportability, submissions=filed)
    assert (again, changes) == (clocks, [])


def test_a_submission_recorded_before_the_decision_meets_the_clock_at_once() -> None:
    filed = [Filed(SubmissionKind.MDR_30_DAY, ny(12, 1))]
    clocks, changes = run(
        now=ny(12, 2), reportability=Reportability(fda_mdr=True), submissions=filed
    )
    assert [c.state for c in clocks if c.kind == K.FDA_MDR_30_DAY] == [S.MET]
    assert [c.split(":")[1].strip() for c in changes if c.startswith("fda")] == ["started", "met"]


def test_withdrawn_reportability_cancels_and_renewed_reportability_restarts() -> None:
    mdr, none = Reportability(fda_mdr=True), Reportability()
    clocks, _ = run(now=ny(12, 1), reportability=mdr)
    clocks = mark_fired(clocks, fire_all(clocks, ny(12, 20)))
    assert one(clocks, K.FDA_MDR_30_DAY).fired == (M.WARNING_50,)
    clocks, changes = run(clocks, now=ny(12, 2), reportability=none)
    assert [c.state for c in clocks if c.kind == K.FDA_MDR_30_DAY] == [S.CANCELLED]
    assert changes == ["fda_mdr_30_day: cancelled: the reportability no longer requires it"]
    clocks, _ = run(clocks, now=ny(12, 3), reportability=mdr)
    assert [c.state for c in clocks if c.kind == K.FDA_MDR_30_DAY] == [S.CANCELLED, S.RUNNING]
    assert one(clocks, K.FDA_MDR_30_DAY).due_at == ny(12, 31, 0)


def test_a_new_eu_class_re_arms_the_eu_clock() -> None:
    serious = Reportability(eu_mdr=EuMdrClass.SERIOUS_INCIDENT)
    clocks, _ = run(now=ny(12, 1), reportability=serious)
    clocks = mark_fired(clocks, fire_all(clocks, ny(12, 9)))
    assert one(clocks, K.EU_MDR).fired == (M.WARNING_50,)
    threat = Reportability(eu_mdr=EuMdrClass.PUBLIC_HEALTH_THREAT)
    clocks, changes = run(clocks, now=ny(12, 9), reportability=threat)
    clock = one(clocks, K.EU_MDR)
    assert (clock.due_at, clock.armed_for, clock.id) == (ny(12, 2, 18), "public_health_threat", 3)
    assert changes == [
        "eu_mdr: re-armed: serious_incident -> public_health_threat, due 2026-12-02 23:00 UTC"
    ]
    assert [m.name for m in fire_all(clocks, ny(12, 9))] == [M.WARNING_80, M.BREACH]
    clocks, _ = run(clocks, now=ny(12, 10), reportability=serious)
    assert one(clocks, K.EU_MDR).fired == (M.WARNING_50,)


def test_each_new_information_date_starts_a_supplemental_clock() -> None:
    first, second = ny(12, 1), ny(12, 20)
    clocks, _ = run(now=first, supplemental_since=first)
    assert one(clocks, K.FDA_SUPPLEMENTAL).due_at == ny(1, 1, 0, year=2027)
    early = [Filed(SubmissionKind.MDR_SUPPLEMENTAL, ny(11, 30))]
    clocks, changes = run(clocks, now=ny(12, 2), supplemental_since=first, submissions=early)
    assert changes == []  # filed before the new information: does not count
    filed = [Filed(SubmissionKind.MDR_SUPPLEMENTAL, ny(12, 10))]
    clocks, _ = run(clocks, now=ny(12, 10), supplemental_since=first, submissions=filed)
    assert not active(clocks, K.FDA_SUPPLEMENTAL)
    clocks, _ = run(clocks, now=second, supplemental_since=second, submissions=filed)
    supplementals = [c for c in clocks if c.kind == K.FDA_SUPPLEMENTAL]
    assert [(c.started_at, c.state) for c in supplementals] == [
        (first, S.MET),
        (second, S.RUNNING),
    ]


# --- milestones ------------------------------------------------------------------------


def test_sla_milestones_at_75_percent_breach_and_grace() -> None:
    clocks, _ = run(now=CREATED, status=Status.INVESTIGATION, severity=Severity.CRITICAL)
    clock = one(clocks, K.SLA_INVESTIGATION)
    schedule = milestones(clock, calendars=CALENDARS, policy=POLICY)
    assert [(m.name, m.at, m.escalation_level) for m in schedule] == [
        (M.REMINDER, US.add_business_days(CREATED, 7.5), 0),
        (M.BREACH, ny(12, 14), 1),
        (M.ESCALATION_2, ny(12, 16), 2),
    ]
    assert US.business_time_between(CREATED, schedule[0].at) == 0.75 * 10 * DAY


def test_regulatory_milestones_at_50_and_80_percent() -> None:
    reportability = Reportability(fda_mdr=True, fda_5_day=True)
    clocks, _ = run(now=CREATED, reportability=reportability)
    thirty = milestones(one(clocks, K.FDA_MDR_30_DAY), calendars=CALENDARS, policy=POLICY)
    span = ny(12, 31, 0) - AWARE
    assert [(m.name, m.at, m.escalation_level) for m in thirty] == [
        (M.WARNING_50, AWARE + span / 2, 0),
        (M.WARNING_80, AWARE + span * 0.8, 0),
        (M.BREACH, ny(12, 31, 0), 2),
    ]
    five = milestones(one(clocks, K.FDA_MDR_5_DAY), calendars=CALENDARS, policy=POLICY)
    business = US.business_time_between(AWARE, ny(12, 8, 0))
    assert [US.business_time_between(AWARE, m.at) for m in five] == [
        business * 0.5,
        business * 0.8,
        business,
    ]


def test_next_due_walks_the_schedule_as_milestones_fire() -> None:
    clocks, _ = run(now=CREATED, status=Status.INVESTIGATION, severity=Severity.CRITICAL)
    clocks = [c for c in clocks if c.kind == K.SLA_INVESTIGATION]
    seen = []
    while (at := next_due(clocks, calendars=CALENDARS, policy=POLICY)) is not None:
        due = fire_all(clocks, at)
        seen += [m.name for m in due]
        clocks = mark_fired(clocks, due)
    assert seen == [M.REMINDER, M.BREACH, M.ESCALATION_2]
    assert next_due([], calendars=CALENDARS, policy=POLICY) is None


def test_mark_fired_is_idempotent_and_ignores_unknown_clocks() -> None:
    clocks, _ = run(now=CREATED)
    due = fire_all(clocks, ny(12, 3))
    once = mark_fired(clocks, due)
    assert mark_fired(once, due) == once
    assert mark_fired(once, [due[0].model_copy(update={"clock_id": 99})]) == once
    assert mark_fired(clocks, []) == clocks


def test_met_clocks_keep_their_history_but_drop_out_of_the_escalation_level() -> None:
    clocks, _ = run(now=CREATED)
    clocks = mark_fired(clocks, fire_all(clocks, ny(12, 8)))
    assert escalation_level(clocks) == 2  # triage: breach and the grace period passed
    clocks, _ = run(clocks, now=ny(12, 8), status=Status.INVESTIGATION, severity=Severity.LOW)
    triage = clocks[0]
    assert (triage.state, triage.fired) == (S.MET, (M.REMINDER, M.BREACH, M.ESCALATION_2))
    assert escalation_level(clocks) == 0


# --- views and projection helpers ------------------------------------------------------


def test_views_and_projection_fields() -> None:
    mdr = Reportability(fda_mdr=True)
    clocks, _ = run(now=CREATED, reportability=mdr)
    now = ny(12, 1)
    views = clock_views(clocks, now=now, calendars=CALENDARS)
    assert [(v.kind, v.state, v.remaining) for v in views] == [
        (K.SLA_TRIAGE, S.RUNNING, DAY),
        (K.SLA_OVERALL, S.RUNNING, 29 * DAY),
        (K.FDA_MDR_30_DAY, S.RUNNING, ny(12, 31, 0) - now),
    ]
    assert views[2].label == "FDA MDR 30-day report (21 CFR 803.50)"
    assert next_deadline(clocks) == ny(12, 2)
    assert not is_overdue(clocks, now=now)
    assert is_overdue(clocks, now=ny(12, 2))
    clocks, _ = run(clocks, now=now, status=Status.CLOSED, reportability=mdr)
    assert next_deadline(clocks) == ny(12, 31, 0)
    assert clock_views(clocks, now=now, calendars=CALENDARS)[0].remaining is None


def test_clocks_round_trip_through_json() -> None:
    clocks, _ = run(now=CREATED, reportability=Reportability(fda_mdr=True))
    clocks, _ = run(clocks, now=ny(12, 1), status=Status.AWAITING_INFO)
    adapter = TypeAdapter(list[Clock])
    assert adapter.validate_json(adapter.dump_json(clocks)) == clocks
    assert ClockCalendars.model_validate_json(CALENDARS.model_dump_json()) == CALENDARS


def test_calendars_for_the_policy_region() -> None:
    with pytest.raises(ValueError, match="no business calendar for regions: apac"):
        ClockCalendars.from_regions(
            {"us": US, "eu": EU}, policy=sla_policy_from_mapping({"calendar": "apac"})
        )
    eu_sla = ClockCalendars.from_regions(
        {"us": US, "eu": EU}, policy=sla_policy_from_mapping({"calendar": "eu"})
    )
    assert eu_sla.for_kind(K.SLA_REVIEW) is EU
    assert eu_sla.for_kind(K.FDA_MDR_5_DAY) is US


# --- properties: any sequence of facts keeps the clocks consistent ---------------------

WANTED = {
    Status.TRIAGE: {K.SLA_TRIAGE, K.SLA_OVERALL},
    Status.INVESTIGATION: {K.SLA_INVESTIGATION, K.SLA_OVERALL},
    Status.AWAITING_INFO: {K.SLA_INVESTIGATION, K.SLA_OVERALL},
    Status.REVIEW: {K.SLA_REVIEW, K.SLA_OVERALL},
    Status.CLOSED: set(),
}

steps = st.lists(
    st.tuples(
        st.sampled_from(list(Status)),
        st.none() | st.sampled_from(list(Severity)),
        st.builds(
            Reportability,
            fda_mdr=st.booleans(),
            fda_5_day=st.booleans(),
            eu_mdr=st.sampled_from(list(EuMdrClass)),
        ),
        st.integers(min_value=0, max_value=6 * 24 * 60),  # minutes to the next step
        st.sets(st.sampled_from(list(SubmissionKind)), max_size=2),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(steps=steps, aware_days_ago=st.integers(min_value=0, max_value=40))
def test_any_sequence_of_facts_keeps_the_clocks_consistent(
    steps: list[tuple[Status, Severity | None, Reportability, int, set[SubmissionKind]]],
    aware_days_ago: int,
) -> None:
    now = CREATED
    aware = CREATED - timedelta(days=aware_days_ago)
    clocks: list[Clock] = []
    filed: list[Filed] = []
    for status, severity, reportability, minutes, kinds in steps:
        now += timedelta(minutes=minutes)
        filed += [Filed(kind, now) for kind in sorted(kinds)]
        facts: dict[str, Any] = {
            "status": status,
            "severity": severity,
            "reportability": reportability,
            "aware_at": aware,
            "submissions": filed,
        }
        clocks, _ = run(clocks, now=now, **facts)
        again, changes = run(clocks, now=now, **facts)
        assert (again, changes) == (clocks, [])  # reconcile is idempotent
        clocks = mark_fired(clocks, fire_all(clocks, now))
        assert fire_all(clocks, now) == []
        _check(clocks, status=status, now=now)


def _check(clocks: list[Clock], *, status: Status, now: datetime) -> None:
    assert len({c.id for c in clocks}) == len(clocks)
    running_sla = [c.kind for c in active(clocks) if c.kind in SLA_STAGES]
    assert sorted(running_sla) == sorted(WANTED[status])  # one clock per wanted stage
    for clock in active(clocks):
        paused = clock.state == S.PAUSED
        assert paused == (clock.kind in SLA_STAGES and status == Status.AWAITING_INFO)
        assert (clock.state == S.BREACHED) == (M.BREACH in clock.fired)
        if not paused:
            assert (clock.due_at <= now) == (clock.state == S.BREACHED)
    assert 0 <= escalation_level(clocks) <= 2
    upcoming = next_due(clocks, calendars=CALENDARS, policy=POLICY)
    assert upcoming is None or upcoming > now
