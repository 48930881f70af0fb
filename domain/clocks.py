"""Clocks: internal SLA deadlines and regulatory reporting deadlines, as pure data.

The workflow keeps a ``list[Clock]`` in its state and drives it with four calls:

- :func:`reconcile` after every change of the complaint (and once at intake): it starts,
  stops, pauses, resumes and re-arms clocks from the complaint's current facts, and says
  why, for the audit trail;
- :func:`next_due` tells it how long to sleep (a durable timer);
- on waking, :func:`due_now` lists the milestones to act on (reminders, warnings,
  escalations), in time order;
- :func:`mark_fired` records that they were acted on, so a replay or a later wake never
  fires one twice.

SLA clocks count business time in the SLA calendar and pause in ``awaiting_info``.
Regulatory clocks start at the awareness date, never pause and stop only when a matching
submission is recorded (or are cancelled when the reportability that required them is
withdrawn). The rules that move clocks live in :mod:`domain.clock_rules`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field, WithJsonSchema

from domain.base import StrictModel
from domain.calendar import BusinessCalendar, default_calendars
from domain.enums import EuMdrClass, SubmissionKind
from domain.sla import SlaPolicy, SlaStage, default_sla_policy


class ClockKind(StrEnum):
    SLA_TRIAGE = "sla_triage"
    SLA_INVESTIGATION = "sla_investigation"
    SLA_REVIEW = "sla_review"
    SLA_OVERALL = "sla_overall"
    FDA_MDR_30_DAY = "fda_mdr_30_day"
    FDA_MDR_5_DAY = "fda_mdr_5_day"
    FDA_SUPPLEMENTAL = "fda_supplemental"
    EU_MDR = "eu_mdr"


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"  # still running, past its due time; stops as ``met`` when done
    CANCELLED = "cancelled"  # no longer required (the reportability was withdrawn)


class MilestoneName(StrEnum):
    REMINDER = "reminder"
    WARNING_50 = "warning_50"
    WARNING_80 = "warning_80"
    BREACH = "breach"
    ESCALATION_2 = "escalation_2"


SLA_STAGES: Mapping[ClockKind, SlaStage] = {
    ClockKind.SLA_TRIAGE: SlaStage.TRIAGE,
    ClockKind.SLA_INVESTIGATION: SlaStage.INVESTIGATION,
    ClockKind.SLA_REVIEW: SlaStage.REVIEW,
    ClockKind.SLA_OVERALL: SlaStage.OVERALL,
}
REGULATORY: frozenset[ClockKind] = frozenset(ClockKind) - set(SLA_STAGES)
#: Clocks whose time counts in business days (the others count calendar time).
BUSINESS_TIME: frozenset[ClockKind] = frozenset({*SLA_STAGES, ClockKind.FDA_MDR_5_DAY})
SUBMISSION_CLOCKS: Mapping[SubmissionKind, ClockKind] = {
    SubmissionKind.MDR_30_DAY: ClockKind.FDA_MDR_30_DAY,
    SubmissionKind.MDR_5_DAY: ClockKind.FDA_MDR_5_DAY,
    SubmissionKind.MDR_SUPPLEMENTAL: ClockKind.FDA_SUPPLEMENTAL,
    SubmissionKind.EU_SERIOUS_INCIDENT: ClockKind.EU_MDR,
}
#: EU MDR Art. 87 reporting periods, in days after awareness.
EU_MDR_DAYS: Mapping[EuMdrClass, int] = {
    EuMdrClass.SERIOUS_INCIDENT: 15,
    EuMdrClass.DEATH_OR_SERIOUS_DETERIORATION: 10,
    EuMdrClass.PUBLIC_HEALTH_THREAT: 2,
}
FDA_MDR_DAYS = 30  # 21 CFR 803.50, calendar days
FDA_5_DAY_WORK_DAYS = 5  # 21 CFR 803.53, work days
FDA_SUPPLEMENTAL_DAYS = 30  # 21 CFR 803.56, calendar days after the new information
REGULATORY_WARNINGS: tuple[tuple[MilestoneName, float], ...] = (
    (MilestoneName.WARNING_50, 0.5),
    (MilestoneName.WARNING_80, 0.8),
)
#: A missed regulatory deadline goes straight to the head of quality.
REGULATORY_BREACH_LEVEL = 2

CLOCK_LABELS: Mapping[ClockKind, str] = {
    ClockKind.SLA_TRIAGE: "Triage SLA",
    ClockKind.SLA_INVESTIGATION: "Investigation SLA",
    ClockKind.SLA_REVIEW: "Review SLA",
    ClockKind.SLA_OVERALL: "Closure SLA (overall)",
    ClockKind.FDA_MDR_30_DAY: "FDA MDR 30-day report (21 CFR 803.50)",
    ClockKind.FDA_MDR_5_DAY: "FDA MDR 5-day report (21 CFR 803.53)",
    ClockKind.FDA_SUPPLEMENTAL: "FDA supplemental report (21 CFR 803.56)",
    ClockKind.EU_MDR: "EU MDR vigilance report (Art. 87)",
}

ACTIVE = frozenset({ClockState.RUNNING, ClockState.PAUSED, ClockState.BREACHED})
TICKING = frozenset({ClockState.RUNNING, ClockState.BREACHED})


class ClockCalendars(StrictModel):
    """The calendar each clock counts in: SLAs in ``sla``, FDA in ``us``, EU MDR in ``eu``."""

    model_config = ConfigDict(frozen=True)

    sla: BusinessCalendar
    us: BusinessCalendar
    eu: BusinessCalendar

    def for_kind(self, kind: ClockKind) -> BusinessCalendar:
        if kind in SLA_STAGES:
            return self.sla
        return self.eu if kind == ClockKind.EU_MDR else self.us

    @classmethod
    def from_regions(
        cls, calendars: Mapping[str, BusinessCalendar], *, policy: SlaPolicy
    ) -> ClockCalendars:
        missing = {policy.calendar, "us", "eu"} - set(calendars)
        if missing:
            raise ValueError(f"no business calendar for regions: {', '.join(sorted(missing))}")
        return cls(sla=calendars[policy.calendar], us=calendars["us"], eu=calendars["eu"])

    @classmethod
    def default(cls) -> ClockCalendars:
        return cls.from_regions(default_calendars(), policy=default_sla_policy())


class Clock(StrictModel):
    model_config = ConfigDict(frozen=True)

    id: int = Field(ge=1, description="Unique within the complaint; milestones refer to it.")
    kind: ClockKind
    started_at: AwareDatetime
    due_at: AwareDatetime = Field(description="For a paused clock: the due time at pausing.")
    state: ClockState = ClockState.RUNNING
    armed_for: str = Field(description="The severity or reporting class the due time is for.")
    allowance: timedelta | None = Field(default=None, description="Business time (SLA clocks).")
    paused_at: AwareDatetime | None = None
    remaining: timedelta | None = Field(default=None, description="Business time left (paused).")
    stopped_at: AwareDatetime | None = None
    fired: tuple[MilestoneName, ...] = ()
    reason: str = Field(description="Why the clock was (last) armed.")
    stop_reason: str | None = None


class Milestone(StrictModel):
    model_config = ConfigDict(frozen=True)

    clock_id: int
    kind: ClockKind
    name: MilestoneName
    at: AwareDatetime
    escalation_level: int = Field(ge=0, le=2)


#: A duration as the API writes it: pydantic's ISO 8601 form, which may be negative and carry
#: fractions of a second (JSON Schema's ``duration`` format allows neither).
SignedDuration = Annotated[
    timedelta,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^-?P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$",
            "examples": ["P1DT2H30M", "-PT3H0.5S"],
        }
    ),
]


class ClockView(StrictModel):
    """How a clock shows in the API and the projection."""

    id: int
    kind: ClockKind
    label: str
    started_at: AwareDatetime
    due_at: AwareDatetime
    state: ClockState
    remaining: SignedDuration | None = Field(
        description="Business time for SLA and 5-work-day clocks, else calendar time; "
        "negative when overdue; null when stopped."
    )
    escalation_level: int


def level_of(kind: ClockKind, name: MilestoneName) -> int:
    """The escalation level a milestone raises the complaint to (0: a reminder or warning)."""
    if name == MilestoneName.ESCALATION_2:
        return 2
    if name == MilestoneName.BREACH:
        return REGULATORY_BREACH_LEVEL if kind in REGULATORY else 1
    return 0


def milestones(clock: Clock, *, calendars: ClockCalendars, policy: SlaPolicy) -> list[Milestone]:
    """The full schedule of a clock, in time order (a paused clock's as of its pausing)."""
    calendar = calendars.for_kind(clock.kind)
    if clock.kind in SLA_STAGES:
        times = _sla_times(clock, calendar=calendar, policy=policy)
    else:
        times = _regulatory_times(clock, calendar=calendar)
    return [
        Milestone(
            clock_id=clock.id,
            kind=clock.kind,
            name=name,
            at=at,
            escalation_level=level_of(clock.kind, name),
        )
        for name, at in times
    ]


def _sla_times(
    clock: Clock, *, calendar: BusinessCalendar, policy: SlaPolicy
) -> list[tuple[MilestoneName, datetime]]:
    before_due = (1 - policy.reminder_fraction) * (clock.allowance or timedelta())
    return [
        (MilestoneName.REMINDER, calendar.add_business_days(clock.due_at, -before_due)),
        (MilestoneName.BREACH, clock.due_at),
        (MilestoneName.ESCALATION_2, calendar.add_business_days(clock.due_at, policy.grace)),
    ]


def _regulatory_times(
    clock: Clock, *, calendar: BusinessCalendar
) -> list[tuple[MilestoneName, datetime]]:
    start, due = clock.started_at, clock.due_at
    if clock.kind in BUSINESS_TIME:
        span = calendar.business_time_between(start, due)
        warnings = [
            (name, calendar.add_business_days(start, span * fraction))
            for name, fraction in REGULATORY_WARNINGS
        ]
    else:
        warnings = [
            (name, start + (due - start) * fraction) for name, fraction in REGULATORY_WARNINGS
        ]
    return [*warnings, (MilestoneName.BREACH, due)]


def pending(
    clocks: Iterable[Clock], *, calendars: ClockCalendars, policy: SlaPolicy
) -> list[Milestone]:
    """Unfired milestones of the clocks that are ticking (not paused, not stopped)."""
    return [
        milestone
        for clock in clocks
        if clock.state in TICKING
        for milestone in milestones(clock, calendars=calendars, policy=policy)
        if milestone.name not in clock.fired
    ]


def next_due(
    clocks: Iterable[Clock], *, calendars: ClockCalendars, policy: SlaPolicy
) -> datetime | None:
    """When the workflow must wake next: the earliest unfired milestone (may be past)."""
    return min((m.at for m in pending(clocks, calendars=calendars, policy=policy)), default=None)


def due_now(
    clocks: Iterable[Clock], *, now: datetime, calendars: ClockCalendars, policy: SlaPolicy
) -> list[Milestone]:
    """Unfired milestones whose time has come, oldest first (a clock's breach after its
    warnings, also when a past awareness date makes them all due at once)."""
    due = [m for m in pending(clocks, calendars=calendars, policy=policy) if m.at <= now]
    return sorted(due, key=lambda m: m.at)  # stable: ties keep each schedule's order


def mark_fired(clocks: Iterable[Clock], fired: Iterable[Milestone]) -> list[Clock]:
    """Record fired milestones; a clock whose breach fired becomes ``breached``."""
    names: dict[int, list[MilestoneName]] = {}
    for milestone in fired:
        names.setdefault(milestone.clock_id, []).append(milestone.name)
    return [_fire(clock, names.get(clock.id, [])) for clock in clocks]


def _fire(clock: Clock, names: Sequence[MilestoneName]) -> Clock:
    new = tuple(dict.fromkeys(name for name in names if name not in clock.fired))
    if not new:
        return clock
    fired = clock.fired + new
    breached = MilestoneName.BREACH in fired and clock.state == ClockState.RUNNING
    state = ClockState.BREACHED if breached else clock.state
    return clock.model_copy(update={"fired": fired, "state": state})


def clock_level(clock: Clock) -> int:
    return max((level_of(clock.kind, name) for name in clock.fired), default=0)


def escalation_level(clocks: Iterable[Clock]) -> int:
    """The highest level fired among clocks still open (met and cancelled ones drop out)."""
    return max((clock_level(clock) for clock in clocks if clock.state in ACTIVE), default=0)


def remaining(clock: Clock, *, now: datetime, calendars: ClockCalendars) -> timedelta | None:
    """Time left (negative when overdue); business time for SLA and 5-work-day clocks."""
    if clock.state == ClockState.PAUSED:
        return clock.remaining
    if clock.state not in TICKING:
        return None
    if clock.kind in BUSINESS_TIME:
        return calendars.for_kind(clock.kind).business_time_between(now, clock.due_at)
    return clock.due_at - now


def clock_views(
    clocks: Iterable[Clock], *, now: datetime, calendars: ClockCalendars
) -> list[ClockView]:
    return [
        ClockView(
            id=clock.id,
            kind=clock.kind,
            label=CLOCK_LABELS[clock.kind],
            started_at=clock.started_at,
            due_at=clock.due_at,
            state=clock.state,
            remaining=remaining(clock, now=now, calendars=calendars),
            escalation_level=clock_level(clock),
        )
        for clock in clocks
    ]


def next_deadline(clocks: Iterable[Clock]) -> datetime | None:
    """The projection's ``next_due_at``: the earliest due time among ticking clocks."""
    return min((c.due_at for c in clocks if c.state in TICKING), default=None)


def is_overdue(clocks: Iterable[Clock], *, now: datetime) -> bool:
    """The projection's ``overdue``: an open clock is past due (a paused one with no time left)."""
    for clock in clocks:
        if clock.state in TICKING and clock.due_at <= now:
            return True
        if clock.state == ClockState.PAUSED and (clock.remaining or timedelta()) <= timedelta():
            return True
    return False
