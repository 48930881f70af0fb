"""Which of the milestones that fire together are mailed (pure)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.audit import SYSTEM, AuditEvent
from domain.clocks import ClockKind, Milestone, MilestoneName
from domain.complaint_notifications import worth_mailing
from domain.enums import Action, Status
from tests.domain.factories import NOW


def _fired(clock_id: int, kind: ClockKind, name: MilestoneName, seq: int) -> tuple[Any, Any]:
    milestone = Milestone(
        clock_id=clock_id,
        kind=kind,
        name=name,
        at=NOW + timedelta(minutes=seq),
        escalation_level=1 if name == MilestoneName.BREACH else 0,
    )
    event = AuditEvent(
        complaint_id="C-TEST00000001",
        seq=seq,
        at=NOW,
        action=Action.REGULATORY_WARNING,
        actor=SYSTEM,
        status_before=Status.INVESTIGATION,
        status_after=Status.INVESTIGATION,
    )
    return milestone, event


EU, FDA = ClockKind.EU_MDR, ClockKind.FDA_MDR_30_DAY
W50, W80, BREACH = MilestoneName.WARNING_50, MilestoneName.WARNING_80, MilestoneName.BREACH


def test_a_breach_that_fires_with_its_warnings_is_mailed_alone() -> None:
    fired = [_fired(3, EU, W50, 2), _fired(3, EU, W80, 3), _fired(3, EU, BREACH, 4)]
    assert worth_mailing(fired) == [fired[2]]


def test_each_clock_keeps_its_own_latest_milestone_in_firing_order() -> None:
    fired = [
        _fired(3, EU, W50, 2),
        _fired(4, FDA, W50, 3),
        _fired(3, EU, W80, 4),
        _fired(4, FDA, W80, 5),
    ]
    assert worth_mailing(fired) == [fired[2], fired[3]]


def test_a_single_milestone_and_none_are_kept_as_they_are() -> None:
    one = [_fired(3, EU, W50, 2)]
    assert worth_mailing(one) == one
    assert worth_mailing([]) == []
