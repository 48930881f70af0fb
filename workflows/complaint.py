"""ComplaintWorkflow: one durable workflow per complaint, from intake to closure.

Transitions arrive as Updates. Handlers are synchronous (no ``await``), so the validator of a
racing second update sees the state the first one left and exactly one of two conflicting
transitions wins. Slow side effects (the MongoDB projection) run from the main loop, so an
API call never waits on them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.archive import ArchiveActivities
    from activities.projection import ProjectionActivities
    from domain import complaint_clocks, complaint_notifications, lifecycle, permissions
    from domain.audit import AuditEvent
    from domain.chain import seal
    from domain.clocks import ACTIVE
    from domain.complaint import ComplaintState, apply, open_complaint
    from domain.enums import Action, Status
    from domain.messages import (
        ArchiveRequest,
        ComplaintInput,
        ProjectionBatch,
        TransitionRequest,
        WorkflowSnapshot,
    )
    from domain.summary import summarize
    from domain.views import ComplaintView, RefusalDetails
    from workflows.alarm import Alarm
    from workflows.outbox import Outbox

PROJECTION_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=200),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=5),
    maximum_attempts=0,  # never give up: the store comes back, and nothing is lost meanwhile
)

REFUSED = "TransitionRefused"
#: The actor's roles do not grant the action here (details: the permission).
FORBIDDEN = "PermissionDenied"
REPEATED = "RepeatedTransition"
#: How many transition idempotency keys a complaint remembers (carried across
#: continue-as-new); Temporal itself dedupes a repeated update id within a run.
REMEMBERED_KEYS = 200
INVALID = "InvalidTransition"
#: Patch ids (``workflow.patched``): each names a change that alters the commands a
#: workflow issues, so histories recorded before it replay the old way.
MAIL_LATEST_MILESTONE = "mail-latest-milestone-per-clock"


def workflow_id(complaint_id: str) -> str:
    return f"complaint-{complaint_id}"


@workflow.defn
class ComplaintWorkflow:
    @workflow.init
    def __init__(self, input: ComplaintInput) -> None:
        self._options = input.options
        self._rules = input.options.clock_rules
        self._finishing = False
        self._wake = Alarm()
        self._outbox = Outbox()
        #: Idempotency keys of recent transitions and the fingerprint of what each asked.
        self._request_keys: dict[str, str] = dict(input.carried_request_keys)
        self._unsent = list(input.carried_notifications)  # sent once the run starts
        if input.carried_state is not None:
            self._state = input.carried_state
            self._pending: list[AuditEvent] = list(input.carried_events)
            self._projected_version = input.projected_version
        else:
            self._state, created = open_complaint(
                complaint_id=input.complaint_id,
                intake=input.intake,
                actor=input.actor,
                now=workflow.now(),
            )
            self._settle(created)
            self._pending = []
            self._record(created)
            self._projected_version = 0
            self._unsent = complaint_notifications.for_event(self._state, created)

    @workflow.run
    async def run(self, input: ComplaintInput) -> ComplaintState:
        for notification in self._unsent:
            self._outbox.send(notification)
        while True:
            self._wake.set(self._next_wake())
            await workflow.wait_condition(
                lambda: self._projection_due() or self._wake.rang or self._history_full()
            )
            if self._wake.rang:
                self._fire_clocks()
                if self._retention_over():
                    return await self._finish()
                self._wake.set(None)
            if self._history_full():
                await self._continue_as_new(input)
            elif self._projection_due():
                await self._project()

    # -- transitions ---------------------------------------------------------------------

    @workflow.update
    def transition(self, request: TransitionRequest) -> ComplaintView:
        event = apply(
            self._state,
            request.command,
            actor=request.actor,
            now=workflow.now(),
            signature=request.signature,
        )
        self._settle(event)
        self._record(event)
        self._notify(event)
        if request.request_key:
            self._remember(request.request_key, request.fingerprint())
        return self._view(events=[event])

    @transition.validator
    def validate_transition(self, request: TransitionRequest) -> None:
        action = Action(request.command.action)
        permission = permissions.transition_permission(action)
        denial = permissions.refusal(request.actor, permission, assignee=self._state.assignee)
        if denial is not None:
            raise ApplicationError(
                denial.message, str(denial.permission), type=FORBIDDEN, non_retryable=True
            )
        facts = self._state.facts(accepting_changes=not self._finishing)
        reason = lifecycle.refusal(facts, action)
        if reason is not None:
            details = RefusalDetails(
                status=self._state.status, allowed_actions=lifecycle.allowed_actions(facts)
            )
            raise ApplicationError(reason, details, type=REFUSED, non_retryable=True)
        if lifecycle.TABLE[action].signed and request.signature is None:
            raise ApplicationError(
                f"{action} needs an electronic signature", "signature", type=INVALID
            )
        known = self._request_keys.get(request.request_key or "")
        if known is not None and known != request.fingerprint():
            raise ApplicationError(
                "this key was already used with a different request body",
                "Idempotency-Key",
                type=INVALID,
            )
        if known is not None:
            # Applied by an earlier run (before continue-as-new): do not apply it twice.
            raise ApplicationError("this request was already applied", type=REPEATED)
        duplicate_of = getattr(request.command, "duplicate_of", None)
        if duplicate_of == self._state.id:
            raise ApplicationError(
                "a complaint cannot be a duplicate of itself", "duplicate_of", type=INVALID
            )

    @workflow.query
    def state(self) -> ComplaintView:
        return self._view(events=self._state.recent_events)

    def audit_snapshot(self) -> WorkflowSnapshot:
        """Read by the audit replayer (audit/replay.py) after it replays a history: not a
        query, so it needs neither a worker nor a workflow context, and records nothing."""
        return WorkflowSnapshot(
            state=self._state,
            pending=list(self._pending),
            accepting_changes=not self._finishing,
            clock_rules=self._rules,
        )

    # -- main-loop work -------------------------------------------------------------------

    def _view(self, *, events: list[AuditEvent]) -> ComplaintView:
        facts = self._state.facts(accepting_changes=not self._finishing)
        now = workflow.now()
        return ComplaintView.of(
            self._state,
            allowed_actions=lifecycle.allowed_actions(facts),
            events=events,
            clocks=complaint_clocks.views(self._state, now=now, rules=self._rules),
            as_of=now,
        )

    def _remember(self, key: str, fingerprint: str) -> None:
        self._request_keys[key] = fingerprint
        while len(self._request_keys) > REMEMBERED_KEYS:
            del self._request_keys[next(iter(self._request_keys))]

    # -- clocks and notifications -----------------------------------------------------------

    def _settle(self, event: AuditEvent) -> None:
        complaint_clocks.settle(self._state, event, now=workflow.now(), rules=self._rules)

    def _record(self, event: AuditEvent) -> None:
        """Seal the event into the hash chain, then queue it for the projection."""
        seal(self._state, event)
        self._pending.append(event)

    def _notify(self, event: AuditEvent) -> None:
        for notification in complaint_notifications.for_event(self._state, event):
            self._outbox.send(notification)

    def _fire_clocks(self) -> None:
        fired = complaint_clocks.fire_due(self._state, now=workflow.now(), rules=self._rules)
        for _, event in fired:
            self._record(event)
        mailed = fired
        if len(fired) > 1 and workflow.patched(MAIL_LATEST_MILESTONE):
            mailed = complaint_notifications.worth_mailing(fired)
        for milestone, event in mailed:
            self._outbox.send(complaint_notifications.for_milestone(self._state, milestone, event))

    def _next_wake(self) -> datetime | None:
        """The next clock milestone, or the end of a closed complaint's retention."""
        times = [complaint_clocks.next_wake(self._state, rules=self._rules)]
        times.append(self._retention_end())
        return min((t for t in times if t is not None), default=None)

    def _retention_end(self) -> datetime | None:
        """A closed complaint stays reopenable for a while, then its workflow completes;
        not while a regulatory clock is still open (its submission may come late)."""
        closed_at = self._state.closed_at
        if self._state.status != Status.CLOSED or closed_at is None:
            return None
        if any(clock.state in ACTIVE for clock in self._state.clock_book):
            return None
        return closed_at + self._options.closed_retention

    def _retention_over(self) -> bool:
        end = self._retention_end()
        return end is not None and workflow.now() >= end

    def _projection_due(self) -> bool:
        return self._state.version > self._projected_version

    async def _project(self) -> None:
        """Write the latest snapshot and every unwritten event: a burst costs one write."""
        summary = summarize(self._state, now=workflow.now())
        batch = ProjectionBatch(summary=summary, events=list(self._pending))
        await workflow.execute_activity_method(
            ProjectionActivities.project_complaint,
            batch,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=PROJECTION_RETRY,
        )
        self._projected_version = batch.summary.version
        self._pending = [e for e in self._pending if e.seq > batch.summary.version]

    def _history_full(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self._options.continue_as_new_after_events
        )

    async def _finish(self) -> ComplaintState:
        self._finishing = True
        await workflow.wait_condition(workflow.all_handlers_finished)
        while self._projection_due():
            await self._project()
        await self._archive()
        return self._state

    async def _archive(self) -> None:
        """Archive this run's history before it closes, so it outlives Temporal's retention."""
        await workflow.execute_activity_method(
            ArchiveActivities.archive_history,
            ArchiveRequest(complaint_id=self._state.id),
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=PROJECTION_RETRY,
        )

    async def _continue_as_new(self, input: ComplaintInput) -> None:
        await self._archive()
        await workflow.wait_condition(workflow.all_handlers_finished)
        self._wake.set(None)
        workflow.continue_as_new(
            input.model_copy(
                update={
                    "carried_state": self._state,
                    "carried_events": self._pending,
                    "carried_notifications": self._outbox.unsent,
                    "carried_request_keys": self._request_keys,
                    "projected_version": self._projected_version,
                }
            )
        )
