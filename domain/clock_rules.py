"""How a complaint's facts move its clocks: :func:`reconcile`, pure and deterministic.

Stages and their SLA clocks: ``triage`` runs ``sla_triage``; ``investigation`` and
``awaiting_info`` run ``sla_investigation`` (paused in ``awaiting_info``); ``review`` runs
``sla_review``; ``sla_overall`` runs from creation until closure (also paused in
``awaiting_info``). Leaving a stage stops its clock as ``met``; entering a stage again
(``return_to_investigation``, ``reopen``) starts a fresh clock, and the met one stays in
the list as history.

Regulatory clocks (``fda_mdr_30_day``, ``fda_mdr_5_day``, ``fda_supplemental``,
``eu_mdr``) run from the awareness date while the reportability asks for them, whatever
the status (also after closure), and stop only when a matching submission is recorded.
Withdrawing the reportability cancels them; a new EU MDR class re-arms them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from domain.actions import Reportability
from domain.calendar import DAY
from domain.clocks import (
    ACTIVE,
    CLOCK_LABELS,
    EU_MDR_DAYS,
    FDA_5_DAY_WORK_DAYS,
    FDA_MDR_DAYS,
    FDA_SUPPLEMENTAL_DAYS,
    SLA_STAGES,
    SUBMISSION_CLOCKS,
    Clock,
    ClockCalendars,
    ClockKind,
    ClockState,
    MilestoneName,
    milestones,
)
from domain.enums import EuMdrClass, Severity, Status, SubmissionKind
from domain.sla import SlaPolicy

REGULATORY_ORDER = (
    ClockKind.FDA_MDR_30_DAY,
    ClockKind.FDA_MDR_5_DAY,
    ClockKind.FDA_SUPPLEMENTAL,
    ClockKind.EU_MDR,
)
_STAGE_CLOCK: dict[Status, ClockKind] = {
    Status.TRIAGE: ClockKind.SLA_TRIAGE,
    Status.INVESTIGATION: ClockKind.SLA_INVESTIGATION,
    Status.AWAITING_INFO: ClockKind.SLA_INVESTIGATION,
    Status.REVIEW: ClockKind.SLA_REVIEW,
}


class SubmissionRecord(Protocol):
    """What reconcile needs of a recorded submission (``domain.complaint.Submission``)."""

    @property
    def kind(self) -> SubmissionKind: ...

    @property
    def submitted_at(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class _Deadline:
    """What a regulatory clock should be, from the complaint's current facts."""

    started_at: datetime
    due_at: datetime
    armed_for: str


@dataclass(slots=True)
class _Book:
    """The clock list being reconciled, and the reasons for each change."""

    clocks: list[Clock]
    now: datetime
    calendars: ClockCalendars
    policy: SlaPolicy
    changes: list[str] = field(default_factory=list)

    def put(self, index: int, clock: Clock, change: str) -> None:
        self.clocks[index] = clock
        self.changes.append(f"{clock.kind}: {change}")

    def add(self, clock: Clock, change: str) -> int:
        self.clocks.append(clock)
        self.changes.append(f"{clock.kind}: {change}")
        return len(self.clocks) - 1

    def next_id(self) -> int:
        return max((clock.id for clock in self.clocks), default=0) + 1

    def active(self, kind: ClockKind) -> list[int]:
        return [i for i, c in enumerate(self.clocks) if c.kind == kind and c.state in ACTIVE]


def reconcile(
    clocks: Iterable[Clock],
    *,
    status: Status,
    severity: Severity | None,
    reportability: Reportability | None,
    aware_at: datetime,
    supplemental_since: datetime | None = None,
    submissions: Iterable[SubmissionRecord] = (),
    now: datetime,
    calendars: ClockCalendars,
    policy: SlaPolicy,
) -> tuple[list[Clock], list[str]]:
    """The clocks as the complaint's current facts want them, and why each one changed.

    ``severity`` None (before triage) counts as ``policy.untriaged_severity``.
    ``supplemental_since`` is when new information that needs an FDA supplemental report
    was recorded; each new value starts another supplemental clock.
    """
    book = _Book(list(clocks), now=now, calendars=calendars, policy=policy)
    _reconcile_sla(book, status=status, severity=policy.effective(severity))
    filed = list(submissions)
    deadlines = _deadlines(
        reportability or Reportability(),
        aware_at=aware_at,
        supplemental_since=supplemental_since,
        calendars=calendars,
    )
    for kind, deadline in deadlines.items():
        _reconcile_regulatory(book, kind=kind, deadline=deadline, submissions=filed)
    return book.clocks, book.changes


# --- SLA clocks ----------------------------------------------------------------------


def _reconcile_sla(book: _Book, *, status: Status, severity: Severity) -> None:
    wanted = [_STAGE_CLOCK[status], ClockKind.SLA_OVERALL] if status in _STAGE_CLOCK else []
    for kind in SLA_STAGES:
        for index in book.active(kind):
            if kind not in wanted:
                why = f"met: the complaint moved to {status}"
                done = _stop(book.clocks[index], state=ClockState.MET, now=book.now, why=why)
                book.put(index, done, why)
                continue
            _rearm_sla(book, index, severity=severity)
            _pause_or_resume(book, index, paused=status == Status.AWAITING_INFO)
    for kind in wanted:
        if not book.active(kind):
            index = _start_sla(book, kind=kind, severity=severity)
            _pause_or_resume(book, index, paused=status == Status.AWAITING_INFO)


def _start_sla(book: _Book, *, kind: ClockKind, severity: Severity) -> int:
    allowance = book.policy.allowance(severity=severity, stage=SLA_STAGES[kind])
    due = book.calendars.sla.add_business_days(book.now, allowance)
    reason = f"started: {_days(allowance)} for {severity} severity, due {_ts(due)}"
    clock = Clock(
        id=book.next_id(),
        kind=kind,
        started_at=book.now,
        due_at=due,
        armed_for=severity,
        allowance=allowance,
        reason=reason,
    )
    return book.add(clock, reason)


def _rearm_sla(book: _Book, index: int, *, severity: Severity) -> None:
    clock = book.clocks[index]
    if clock.armed_for == severity:
        return
    allowance = book.policy.allowance(severity=severity, stage=SLA_STAGES[clock.kind])
    extra = allowance - (clock.allowance or timedelta())
    update: dict[str, object] = {"allowance": allowance, "armed_for": severity}
    if clock.state == ClockState.PAUSED:
        update["remaining"] = (clock.remaining or timedelta()) + extra
    else:
        update["due_at"] = book.calendars.sla.add_business_days(clock.due_at, extra)
    reason = f"re-armed: severity {clock.armed_for} -> {severity}, {_days(allowance)}"
    clock = _refire(clock.model_copy(update={**update, "reason": reason}), book)
    if clock.state != ClockState.PAUSED:
        reason += f", due {_ts(clock.due_at)}"
    book.put(index, clock.model_copy(update={"reason": reason}), reason)


def _pause_or_resume(book: _Book, index: int, *, paused: bool) -> None:
    clock = book.clocks[index]
    calendar = book.calendars.sla
    if paused and clock.state != ClockState.PAUSED:
        left = calendar.business_time_between(book.now, clock.due_at)
        update = {"state": ClockState.PAUSED, "paused_at": book.now, "remaining": left}
        book.put(index, clock.model_copy(update=update), f"paused with {_days(left)} left")
    elif not paused and clock.state == ClockState.PAUSED:
        left = clock.remaining or timedelta()
        due = calendar.add_business_days(book.now, left)
        update = {"state": ClockState.RUNNING, "due_at": due, "paused_at": None, "remaining": None}
        resumed = _refire(clock.model_copy(update=update), book)
        book.put(index, resumed, f"resumed with {_days(left)} left, due {_ts(due)}")


# --- regulatory clocks ---------------------------------------------------------------


def _deadlines(
    reportability: Reportability,
    *,
    aware_at: datetime,
    supplemental_since: datetime | None,
    calendars: ClockCalendars,
) -> dict[ClockKind, _Deadline | None]:
    """Each regulatory clock's deadline, or None where the facts do not ask for it."""
    us, eu = calendars.us, calendars.eu
    deadlines: dict[ClockKind, _Deadline | None] = dict.fromkeys(REGULATORY_ORDER)
    if reportability.fda_mdr:
        due = us.calendar_day_deadline(aware_at, FDA_MDR_DAYS)
        deadlines[ClockKind.FDA_MDR_30_DAY] = _Deadline(aware_at, due, "fda_mdr")
    if reportability.fda_5_day:
        due = us.work_day_deadline(aware_at, FDA_5_DAY_WORK_DAYS)
        deadlines[ClockKind.FDA_MDR_5_DAY] = _Deadline(aware_at, due, "fda_5_day")
    if supplemental_since is not None:
        due = us.calendar_day_deadline(supplemental_since, FDA_SUPPLEMENTAL_DAYS)
        deadlines[ClockKind.FDA_SUPPLEMENTAL] = _Deadline(supplemental_since, due, "new_info")
    if reportability.eu_mdr != EuMdrClass.NONE:
        due = eu.calendar_day_deadline(aware_at, EU_MDR_DAYS[reportability.eu_mdr])
        deadlines[ClockKind.EU_MDR] = _Deadline(aware_at, due, reportability.eu_mdr)
    return deadlines


def _reconcile_regulatory(
    book: _Book,
    *,
    kind: ClockKind,
    deadline: _Deadline | None,
    submissions: list[SubmissionRecord],
) -> None:
    for index in book.active(kind):
        _settle(book, index, deadline=deadline, submissions=submissions)
    if deadline is None or _covered(book, kind=kind, deadline=deadline):
        return
    reason = f"started: {CLOCK_LABELS[kind]}, from {_ts(deadline.started_at)}"
    reason += f", due {_ts(deadline.due_at)}"
    if deadline.due_at <= book.now:
        reason += " (already past due)"
    clock = Clock(
        id=book.next_id(),
        kind=kind,
        started_at=deadline.started_at,
        due_at=deadline.due_at,
        armed_for=deadline.armed_for,
        reason=reason,
    )
    index = book.add(clock, reason)
    _settle(book, index, deadline=deadline, submissions=submissions)


def _settle(
    book: _Book, index: int, *, deadline: _Deadline | None, submissions: list[SubmissionRecord]
) -> None:
    """Stop a regulatory clock that is filed or no longer required; re-arm a changed one."""
    clock = book.clocks[index]
    filed = _filing(clock, submissions)
    supplemental = clock.kind == ClockKind.FDA_SUPPLEMENTAL
    if filed is not None:
        why = f"met: {filed.kind} submitted {_ts(filed.submitted_at)}"
        book.put(index, _stop(clock, state=ClockState.MET, now=book.now, why=why), why)
    elif deadline is None and not supplemental:
        why = "cancelled: the reportability no longer requires it"
        book.put(index, _stop(clock, state=ClockState.CANCELLED, now=book.now, why=why), why)
    elif deadline is not None and not supplemental:
        key = (deadline.armed_for, deadline.started_at, deadline.due_at)
        if key != (clock.armed_for, clock.started_at, clock.due_at):
            was = "deadline recomputed" if clock.armed_for == deadline.armed_for else None
            reason = f"re-armed: {was or f'{clock.armed_for} -> {deadline.armed_for}'}"
            reason += f", due {_ts(deadline.due_at)}"
            update = {
                "armed_for": deadline.armed_for,
                "started_at": deadline.started_at,
                "due_at": deadline.due_at,
                "reason": reason,
            }
            book.put(index, _refire(clock.model_copy(update=update), book), reason)


def _covered(book: _Book, *, kind: ClockKind, deadline: _Deadline) -> bool:
    """Whether a clock (running or already met) stands for this deadline."""
    return any(
        clock.kind == kind
        and clock.state != ClockState.CANCELLED
        and (kind != ClockKind.FDA_SUPPLEMENTAL or clock.started_at == deadline.started_at)
        for clock in book.clocks
    )


def _filing(clock: Clock, submissions: list[SubmissionRecord]) -> SubmissionRecord | None:
    """The submission that meets this clock; a supplemental one must not predate it."""
    for submission in submissions:
        if SUBMISSION_CLOCKS[submission.kind] != clock.kind:
            continue
        if clock.kind != ClockKind.FDA_SUPPLEMENTAL or submission.submitted_at >= clock.started_at:
            return submission
    return None


# --- shared --------------------------------------------------------------------------


def _stop(clock: Clock, *, state: ClockState, now: datetime, why: str) -> Clock:
    return clock.model_copy(update={"state": state, "stopped_at": now, "stop_reason": why})


def _refire(clock: Clock, book: _Book) -> Clock:
    """After the due time moved: forget milestones now in the future, set the state.

    A paused clock is judged by where its schedule would be if it resumed now.
    """
    paused = clock.state == ClockState.PAUSED
    probe = clock
    if paused:
        due = book.calendars.sla.add_business_days(book.now, clock.remaining or timedelta())
        probe = clock.model_copy(update={"due_at": due})
    at = {m.name: m.at for m in milestones(probe, calendars=book.calendars, policy=book.policy)}
    fired = tuple(name for name in clock.fired if name in at and at[name] <= book.now)
    if paused:
        return clock.model_copy(update={"fired": fired})
    breached = MilestoneName.BREACH in fired
    state = ClockState.BREACHED if breached else ClockState.RUNNING
    return clock.model_copy(update={"fired": fired, "state": state})


def _days(amount: timedelta) -> str:
    days = amount / DAY
    return f"{days:g} business day{'' if days == 1 else 's'}"


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
