"""The scenarios the replay corpus records: together they cover every action and every
clock milestone (reminder, escalation levels 1 and 2, regulatory warnings and breach),
pause and resume, reclassification, continue-as-new and completion after retention."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain import lifecycle
from domain.audit import Actor, Signature
from domain.complaint import ComplaintState
from domain.enums import Action, SignatureMeaning
from domain.messages import TransitionRequest, WorkflowOptions
from domain.signing import signed_content_hash
from tests.domain.factories import command
from workflows.complaint import ComplaintWorkflow

Handle = WorkflowHandle[ComplaintWorkflow, ComplaintState]

INTAKE = Actor(user_id="ana", name="Ana Intake", roles=["intake"])
INVESTIGATOR = Actor(user_id="ivan", name="Ivan Investigator", roles=["investigator"])
QUALITY = Actor(user_id="qa.lee", name="Lee QA", roles=["quality_manager"])
REGULATORY = Actor(user_id="rita", name="Rita Regulatory", roles=["regulatory_affairs"])

REPORTABLE = {
    "severity": "critical",
    "assignee": "ivan",
    "reportability": {"fda_mdr": True, "fda_5_day": False, "eu_mdr": "serious_incident"},
}


@dataclass
class Recording:
    """What a scenario drives: the workflow, the clock, and the time it may skip."""

    env: WorkflowEnvironment
    handle: Handle
    complaint_id: str

    async def act(self, action: Action, actor: Actor = INVESTIGATOR, **fields: Any) -> None:
        given = command(action, **fields)
        signature = None
        if lifecycle.TABLE[action].signed:
            signature = Signature(
                signer=actor.user_id,
                printed_name=actor.name,
                meaning=SignatureMeaning.APPROVAL,
                signed_at=await self.env.get_current_time(),
                content_hash=signed_content_hash(complaint_id=self.complaint_id, command=given),
            )
        request = TransitionRequest(command=given, actor=actor, signature=signature)
        await self.handle.execute_update(ComplaintWorkflow.transition, request)

    async def skip(self, days: float) -> None:
        await self.env.sleep(timedelta(days=days))


@dataclass(frozen=True)
class Scenario:
    name: str
    play: Callable[[Recording], Awaitable[None]]
    intake: dict[str, Any] = field(default_factory=dict)
    aware_days_ago: float = 0
    options: WorkflowOptions = field(default_factory=WorkflowOptions)
    #: Wait for the workflow to complete (and keep the completion in the history).
    completes: bool = False


async def lifecycle_and_signatures(r: Recording) -> None:
    await r.act(Action.TRIAGE, INTAKE)
    await r.act(Action.ASSIGN, INTAKE, assignee="ines")
    await r.act(Action.ADD_NOTE, text="Called the site")
    await r.act(Action.REQUEST_INFO)
    await r.act(Action.RECEIVE_INFO)
    await r.act(Action.COMPLETE_INVESTIGATION)
    await r.act(Action.RETURN_TO_INVESTIGATION, QUALITY)
    await r.act(Action.COMPLETE_INVESTIGATION, capa_ref=None)
    await r.act(Action.CLOSE, QUALITY)
    await r.act(Action.REOPEN, QUALITY)
    await r.act(Action.COMPLETE_INVESTIGATION)
    await r.act(Action.CLOSE, QUALITY)


async def reject_then_retention(r: Recording) -> None:
    await r.act(Action.REJECT, INTAKE)
    await r.skip(31)


async def mark_duplicate(r: Recording) -> None:
    await r.act(Action.MARK_DUPLICATE, INTAKE, duplicate_of="C-ORIGINAL0001")


async def close_without_investigation(r: Recording) -> None:
    await r.act(Action.CLOSE_WITHOUT_INVESTIGATION, QUALITY)


async def clocks_escalate(r: Recording) -> None:
    await r.act(Action.TRIAGE, INTAKE, **REPORTABLE)
    await r.skip(30)  # warnings, both breaches, SLA reminders, escalation levels 1 and 2


async def pause_and_resume(r: Recording) -> None:
    await r.act(Action.TRIAGE, INTAKE)
    await r.act(Action.REQUEST_INFO)
    await r.skip(40)
    await r.act(Action.RECEIVE_INFO)
    await r.skip(12)  # the resumed SLA reminds


async def reclassify_and_submit(r: Recording) -> None:
    await r.act(Action.TRIAGE, INTAKE, severity="low")
    await r.act(Action.RECLASSIFY, QUALITY)
    await r.act(
        Action.RECLASSIFY, REGULATORY, severity=None, reportability=REPORTABLE["reportability"]
    )
    submitted = (await r.env.get_current_time()).isoformat()
    await r.act(Action.RECORD_SUBMISSION, REGULATORY, submitted_at=submitted)
    await r.skip(20)


async def many_notes(r: Recording) -> None:
    await r.act(Action.TRIAGE, INTAKE)
    for number in range(40):
        await r.act(Action.ADD_NOTE, text=f"note {number}")


async def past_awareness(r: Recording) -> None:
    await r.skip(0.01)  # the milestones already due fire at once


SCENARIOS = [
    Scenario("lifecycle", lifecycle_and_signatures),
    Scenario(
        "retention",
        reject_then_retention,
        options=WorkflowOptions(closed_retention=timedelta(days=30)),
        completes=True,
    ),
    Scenario("duplicate", mark_duplicate),
    Scenario("no_investigation", close_without_investigation),
    Scenario("escalation", clocks_escalate, aware_days_ago=20),
    Scenario("pause_resume", pause_and_resume),
    Scenario("reclassify_submit", reclassify_and_submit),
    Scenario(
        "continue_as_new", many_notes, options=WorkflowOptions(continue_as_new_after_events=100)
    ),
    Scenario(
        "past_awareness",
        past_awareness,
        intake={"event": {"description": "Burn on the probe", "injury": True}},
        aware_days_ago=40,
    ),
]
