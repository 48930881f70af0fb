"""The internal SLA policy: business days allowed per severity and stage.

Each stage (triage, investigation, review) has its own allowance, and the whole complaint
has an overall one from creation to closure. A reminder goes out at ``reminder_fraction``
of the allowance; at the due time the clock breaches (escalation level 1, the
supervisor), and ``grace_days`` business days later it escalates to level 2 (the head of
quality). The policy is plain data: load it outside the workflow
(``config.loader.load_sla_policy``) and pass it in with the workflow's input.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field, PositiveFloat, model_validator

from domain.base import StrictModel
from domain.enums import Severity


class SlaStage(StrEnum):
    TRIAGE = "triage"
    INVESTIGATION = "investigation"
    REVIEW = "review"
    OVERALL = "overall"


class StageDays(StrictModel):
    """Business days allowed for each stage, and for the complaint as a whole."""

    model_config = ConfigDict(frozen=True)

    triage: PositiveFloat
    investigation: PositiveFloat
    review: PositiveFloat
    overall: PositiveFloat

    def of(self, stage: SlaStage) -> float:
        return float(getattr(self, stage.value))


#: The default allowances, in business days.
DEFAULT_DAYS: dict[Severity, StageDays] = {
    Severity.CRITICAL: StageDays(triage=1, investigation=10, review=3, overall=20),
    Severity.HIGH: StageDays(triage=2, investigation=15, review=5, overall=30),
    Severity.MEDIUM: StageDays(triage=3, investigation=20, review=5, overall=40),
    Severity.LOW: StageDays(triage=5, investigation=30, review=10, overall=60),
}


class SlaPolicy(StrictModel):
    model_config = ConfigDict(frozen=True)

    days: dict[Severity, StageDays] = Field(default_factory=lambda: dict(DEFAULT_DAYS))
    reminder_fraction: float = Field(default=0.75, gt=0, lt=1)
    grace_days: PositiveFloat = 2
    untriaged_severity: Severity = Field(
        default=Severity.HIGH,
        description="The severity whose allowances apply before triage has set one.",
    )
    calendar: str = Field(default="us", description="The region whose business calendar counts.")

    @model_validator(mode="after")
    def _every_severity(self) -> SlaPolicy:
        missing = [severity.value for severity in Severity if severity not in self.days]
        if missing:
            raise ValueError(f"the SLA policy lacks severities: {', '.join(missing)}")
        return self

    def effective(self, severity: Severity | None) -> Severity:
        return self.untriaged_severity if severity is None else severity

    def days_for(self, *, severity: Severity | None, stage: SlaStage) -> float:
        return self.days[self.effective(severity)].of(stage)

    def allowance(self, *, severity: Severity | None, stage: SlaStage) -> timedelta:
        """Business time allowed for ``stage`` (a timedelta of business days)."""
        return timedelta(days=self.days_for(severity=severity, stage=stage))

    @property
    def grace(self) -> timedelta:
        return timedelta(days=self.grace_days)


def default_sla_policy() -> SlaPolicy:
    return SlaPolicy()


def sla_policy_from_mapping(data: Mapping[str, Any]) -> SlaPolicy:
    """A policy from parsed config; whatever the config leaves out keeps its default.

    ``{"grace_days": 1, "days": {"critical": {"triage": 0.5}}}`` changes the grace period
    and the critical triage allowance and keeps everything else.
    """
    fields = dict(data)
    overrides = dict(fields.pop("days", {}))
    unknown = set(overrides) - {severity.value for severity in Severity}
    if unknown:
        raise ValueError(f"unknown severities in the SLA policy: {', '.join(sorted(unknown))}")
    days = {
        severity: StageDays.model_validate(
            {**DEFAULT_DAYS[severity].model_dump(), **overrides.get(severity.value, {})}
        )
        for severity in Severity
    }
    return SlaPolicy.model_validate({**fields, "days": days})
