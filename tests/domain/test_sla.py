"""The SLA policy: defaults, config parsing, and allowances in business time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from config.loader import load_sla_policy
from domain.calendar import DAY, default_calendars
from domain.enums import Severity
from domain.sla import (
    DEFAULT_DAYS,
    SlaPolicy,
    SlaStage,
    StageDays,
    default_sla_policy,
    sla_policy_from_mapping,
)

POLICY = default_sla_policy()
US = default_calendars()["us"]
#: From the most to the least urgent.
URGENCY = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)


def test_defaults_from_the_issue() -> None:
    assert POLICY.days_for(severity=Severity.CRITICAL, stage=SlaStage.TRIAGE) == 1
    assert POLICY.days_for(severity=Severity.CRITICAL, stage=SlaStage.INVESTIGATION) == 10
    assert POLICY.days_for(severity=Severity.LOW, stage=SlaStage.TRIAGE) == 5
    assert POLICY.days_for(severity=Severity.LOW, stage=SlaStage.INVESTIGATION) == 30
    assert POLICY.reminder_fraction == 0.75
    assert POLICY.grace == 2 * DAY
    assert POLICY.calendar == "us"


@pytest.mark.parametrize("stage", list(SlaStage))
def test_more_urgent_severities_never_get_more_time(stage: SlaStage) -> None:
    days = [POLICY.days_for(severity=severity, stage=stage) for severity in URGENCY]
    assert days == sorted(days)


@pytest.mark.parametrize("severity", list(Severity))
def test_overall_covers_the_stages(severity: Severity) -> None:
    days = DEFAULT_DAYS[severity]
    assert days.overall >= days.triage + days.investigation + days.review


def test_allowance_is_business_time_and_untriaged_uses_the_policy_default() -> None:
    allowance = POLICY.allowance(severity=Severity.HIGH, stage=SlaStage.REVIEW)
    assert allowance == 5 * DAY
    untriaged = POLICY.allowance(severity=None, stage=SlaStage.TRIAGE)
    assert untriaged == POLICY.allowance(severity=Severity.HIGH, stage=SlaStage.TRIAGE)
    assert POLICY.effective(None) == Severity.HIGH
    assert POLICY.effective(Severity.LOW) == Severity.LOW


def test_config_overrides_only_what_it_names() -> None:
    policy = sla_policy_from_mapping(
        {"grace_days": 1, "days": {"critical": {"triage": 0.5}}, "untriaged_severity": "critical"}
    )
    assert policy.grace_days == 1
    assert policy.days_for(severity=Severity.CRITICAL, stage=SlaStage.TRIAGE) == 0.5
    assert policy.days_for(severity=Severity.CRITICAL, stage=SlaStage.INVESTIGATION) == 10
    assert policy.days[Severity.LOW] == DEFAULT_DAYS[Severity.LOW]
    assert policy.untriaged_severity == Severity.CRITICAL
    assert sla_policy_from_mapping({}) == POLICY


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"days": {"urgent": {"triage": 1}}}, "unknown severities"),
        ({"days": {"low": {"triage": 0}}}, "greater than 0"),
        ({"days": {"low": {"closure": 3}}}, "Extra inputs"),
        ({"reminder_fraction": 1.0}, "less than 1"),
        ({"grace_days": -1}, "greater than 0"),
        ({"escalate_after": 3}, "Extra inputs"),
    ],
)
def test_config_refuses_nonsense(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sla_policy_from_mapping(data)


def test_a_policy_needs_every_severity() -> None:
    with pytest.raises(ValidationError, match="lacks severities: low"):
        SlaPolicy(days={s: d for s, d in DEFAULT_DAYS.items() if s != Severity.LOW})


def test_policy_round_trips_through_json() -> None:
    assert SlaPolicy.model_validate_json(POLICY.model_dump_json()) == POLICY


def test_shipped_toml_matches_the_built_in_defaults() -> None:
    assert load_sla_policy() == POLICY


def test_loader_reads_another_file(tmp_path: Path) -> None:
    path = tmp_path / "sla.toml"
    path.write_text("reminder_fraction = 0.5\n[days.medium]\nreview = 4\n")
    policy = load_sla_policy(path)
    assert policy.reminder_fraction == 0.5
    assert policy.days[Severity.MEDIUM] == StageDays(
        triage=3, investigation=20, review=4, overall=40
    )


@settings(max_examples=60, deadline=None)
@given(
    severity=st.sampled_from(list(Severity)),
    stage=st.sampled_from(list(SlaStage)),
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2028, 6, 1), timezones=st.just(UTC)
    ),
)
def test_reminder_lies_at_three_quarters_of_the_allowance(
    severity: Severity, stage: SlaStage, start: datetime
) -> None:
    allowance = POLICY.allowance(severity=severity, stage=stage)
    due = US.add_business_days(start, allowance)
    reminder = US.add_business_days(due, -(1 - POLICY.reminder_fraction) * allowance)
    assert start <= reminder < due
    assert US.business_time_between(start, reminder) == allowance * 0.75
    assert due - start >= allowance  # weekends and holidays only ever add real time
    assert US.add_business_days(due, POLICY.grace) - due >= timedelta(days=2)
