"""SLA and regulatory clocks in the running workflow, with days of time skipped.

Each test gets its own time-skipping server (``skipping_harness``) and a real worker that
projects to the wire store and mails through the real SMTP sink.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.clocks import ClockKind, ClockState
from domain.enums import Action
from domain.views import ComplaintView
from tests.workflows.conftest import Harness
from tests.workflows.test_complaint import Handle, act, wait_projected
from workflows.complaint import ComplaintWorkflow

SYSTEM_ACTIONS = {"sla_reminder", "escalation", "regulatory_warning", "regulatory_breach"}


async def now(harness: Harness) -> datetime:
    return await harness.time.get_current_time()


async def state(handle: Handle) -> ComplaintView:
    return await handle.query(ComplaintWorkflow.state)


def clock(view: ComplaintView, kind: ClockKind) -> Any:
    matching = [c for c in view.clocks if c.kind == kind]
    assert matching, f"no {kind} clock in {[c.kind for c in view.clocks]}"
    return matching[-1]


async def system_events(harness: Harness, complaint_id: str) -> list[tuple[str, str]]:
    events = await harness.store.events(complaint_id)
    return [(str(e.action), e.reason or "") for e in events if e.action in SYSTEM_ACTIONS]


async def mail_for(harness: Harness, complaint_id: str, *, count: int) -> list[dict[str, Any]]:
    """The sink's messages about one complaint, once ``count`` of them have arrived."""
    for _ in range(200):
        mine = [m for m in harness.smtp.messages() if complaint_id in m["message_id"]]
        if len(mine) >= count:
            return mine
        await asyncio.sleep(0.05)
    raise AssertionError(f"{len(mine)} of {count} mails for {complaint_id} arrived")


def reportable(eu: str = "none") -> dict[str, Any]:
    return {
        "severity": "critical",
        "assignee": "ivan",
        "reportability": {"fda_mdr": True, "fda_5_day": False, "eu_mdr": eu},
    }


async def test_a_reportable_complaint_reminds_warns_and_escalates(
    skipping_harness: Harness,
) -> None:
    harness = skipping_harness
    start = await now(harness)
    handle = await harness.start(
        complaint_id="C-CLOCKS000001",
        aware_at=(start - timedelta(days=20)).isoformat(),
        event={"description": "Image freezes during scan", "malfunction": True},
    )
    view = await act(handle, Action.TRIAGE, **reportable(eu="serious_incident"))
    # EU MDR: 15 days from awareness, already past: warnings and breach fire at once.
    assert clock(view, ClockKind.EU_MDR).due_at < start
    fda = clock(view, ClockKind.FDA_MDR_30_DAY)
    assert timedelta(days=9) < fda.due_at - start <= timedelta(days=11)
    investigation = clock(view, ClockKind.SLA_INVESTIGATION)
    assert investigation.state == ClockState.RUNNING

    await harness.time.sleep(timedelta(days=30))
    view = await state(handle)
    assert view.escalation_level == 2
    # Each milestone fired at its moment: the breach events carry the due time they met.
    await wait_projected(harness, handle, view.version)
    trail = await harness.store.events(view.id)
    fda_breach = next(
        e.at for e in trail if e.action == "regulatory_breach" and "FDA" in (e.reason or "")
    )
    assert abs(fda_breach - fda.due_at) < timedelta(minutes=1)
    sla_breach = next(e.at for e in trail if e.action == "escalation")
    assert abs(sla_breach - investigation.due_at) < timedelta(minutes=1)
    assert clock(view, ClockKind.EU_MDR).state == ClockState.BREACHED
    assert clock(view, ClockKind.FDA_MDR_30_DAY).state == ClockState.BREACHED
    assert clock(view, ClockKind.SLA_INVESTIGATION).state == ClockState.BREACHED

    await wait_projected(harness, handle, view.version)
    events = await system_events(harness, handle.id.removeprefix("complaint-"))
    for action, reason in events:
        print(f"  {action:<20} {reason}")
    actions = [action for action, _ in events]
    assert actions.count("regulatory_breach") == 2  # EU and FDA
    assert actions.count("regulatory_warning") == 4  # 50% and 80% of each
    assert actions.count("sla_reminder") == 2  # investigation and overall at 75%
    assert actions.count("escalation") == 2  # investigation: breach (level 1), grace (level 2)
    # The EU clock's own milestones fired in order (the FDA clock's interleave with them
    # by the time of day the test runs: their deadlines end days in different zones).
    eu = [action for action, reason in events if "EU MDR" in reason]
    assert eu == ["regulatory_warning", "regulatory_warning", "regulatory_breach"], events

    # Acknowledgement, assignment, and one mail per milestone, except the EU warnings: they
    # fired together with the EU breach, which supersedes them.
    mails = await mail_for(harness, "C-CLOCKS000001", count=1 + 1 + len(events) - 2)
    await asyncio.sleep(0.5)  # a superseded warning mailed late would show up now
    mails = await mail_for(harness, "C-CLOCKS000001", count=len(mails))
    assert len(mails) == 1 + 1 + len(events) - 2, [m["subject"] for m in mails]
    subjects = {m["message_id"]: (m["subject"], set(m["rcpt_tos"])) for m in mails}
    for subject, to in subjects.values():
        print(f"  mail: {sorted(to)}  {subject}")
    eu_mail = [subject for subject, _ in subjects.values() if "EU MDR" in subject]
    assert len(eu_mail) == 1 and "MISSED" in eu_mail[0], eu_mail
    breach_mail = [to for subject, to in subjects.values() if "deadline" in subject.lower()]
    assert breach_mail, subjects
    assert any({"regulatory@ibtool.local", "hana@ibtool.local"} <= to for to in breach_mail)
    escalations = [to for subject, to in subjects.values() if "escalat" in subject.lower()]
    assert any({"ivan@ibtool.local", "sofia@ibtool.local"} <= to for to in escalations)
    assert any("hana@ibtool.local" in to for to in escalations)
    reminders = [to for subject, to in subjects.values() if "remind" in subject.lower()]
    assert {"ivan@ibtool.local"} in reminders, subjects


async def test_awaiting_info_pauses_the_sla_and_receive_info_resumes_it(
    skipping_harness: Harness,
) -> None:
    harness = skipping_harness
    handle = await harness.start()
    view = await act(handle, Action.TRIAGE)  # high: investigation 15 business days
    left = clock(view, ClockKind.SLA_INVESTIGATION).remaining
    view = await act(handle, Action.REQUEST_INFO)
    assert clock(view, ClockKind.SLA_INVESTIGATION).state == ClockState.PAUSED

    await harness.time.sleep(timedelta(days=40))
    view = await state(handle)
    assert clock(view, ClockKind.SLA_INVESTIGATION).state == ClockState.PAUSED
    assert view.escalation_level == 0
    assert await system_events(harness, view.id) == []

    view = await act(handle, Action.RECEIVE_INFO)
    resumed = clock(view, ClockKind.SLA_INVESTIGATION)
    assert resumed.state == ClockState.RUNNING
    assert abs(resumed.remaining - left) < timedelta(minutes=1)
    assert any("resum" in change for change in view.recent_events[-1].clock_changes)


async def test_reclassifying_severity_rearms_the_clock_and_says_why(
    skipping_harness: Harness,
) -> None:
    harness = skipping_harness
    handle = await harness.start()
    view = await act(handle, Action.TRIAGE, severity="low")
    low_due = clock(view, ClockKind.SLA_INVESTIGATION).due_at
    view = await act(handle, Action.RECLASSIFY, severity="critical")
    critical = clock(view, ClockKind.SLA_INVESTIGATION)
    assert critical.due_at < low_due
    assert critical.state == ClockState.RUNNING
    event = view.recent_events[-1]
    assert event.reason == "Second site reports the same freeze"
    assert event.clock_changes, "the re-arm must be explained in the audit event"
    assert {"field": "severity", "old": "low", "new": "critical"} in [
        c.model_dump() for c in event.changes
    ]


async def test_an_awareness_date_long_past_escalates_at_intake(
    skipping_harness: Harness,
) -> None:
    harness = skipping_harness
    start = await now(harness)
    handle = await harness.start(
        aware_at=(start - timedelta(days=40)).isoformat(),
        event={"description": "Burn on the probe", "injury": True},
    )
    for _ in range(100):
        view = await state(handle)
        if view.escalation_level == 2:
            break
        await asyncio.sleep(0.05)
    assert view.escalation_level == 2
    assert clock(view, ClockKind.FDA_MDR_30_DAY).state == ClockState.BREACHED
    actions = [str(e.action) for e in view.recent_events]
    assert actions[:4] == [
        "create",
        "regulatory_warning",
        "regulatory_warning",
        "regulatory_breach",
    ]


async def test_record_submission_stops_only_its_own_clock(skipping_harness: Harness) -> None:
    harness = skipping_harness
    handle = await harness.start()
    await act(handle, Action.TRIAGE, **reportable(eu="serious_incident"))
    submitted = datetime.now(UTC).isoformat()
    view = await act(handle, Action.RECORD_SUBMISSION, submitted_at=submitted)
    assert clock(view, ClockKind.FDA_MDR_30_DAY).state == ClockState.MET
    assert clock(view, ClockKind.EU_MDR).state == ClockState.RUNNING
    assert clock(view, ClockKind.SLA_INVESTIGATION).state == ClockState.RUNNING
