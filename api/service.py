"""What the API asks of Temporal: start, read and transition complaint workflows.

Routes call this module; it turns Temporal's errors into the API's own (api.errors).
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from api.errors import (
    ComplaintNotFound,
    Forbidden,
    InvalidField,
    TransitionRefused,
    Unavailable,
)
from config.loader import load_clock_rules
from domain.actions import Command
from domain.audit import Actor, Signature
from domain.complaint import ComplaintState
from domain.complaint_clocks import refreshed
from domain.intake import Intake
from domain.messages import ComplaintInput, TransitionRequest, WorkflowOptions
from domain.views import ComplaintView, RefusalDetails
from settings import Settings
from workflows.complaint import (
    FORBIDDEN,
    INVALID,
    REFUSED,
    REPEATED,
    ComplaintWorkflow,
    workflow_id,
)


def complaint_id_for(intake: Intake, idempotency_key: str | None) -> str:
    """A stable id, so a repeated intake (same source reference or key) finds its complaint.

    The source system's own reference wins over the header: it names the real-world complaint.
    """
    if intake.source.ref:
        natural = f"source:{intake.source.channel}:{intake.source.ref}"
    elif idempotency_key:
        natural = f"key:{idempotency_key}"
    else:
        natural = f"random:{uuid.uuid4()}"
    digest = hashlib.sha256(natural.encode()).digest()
    return "C-" + base64.b32encode(digest).decode()[:12]


#: A query needs a worker; without one, answer (202, 503) instead of hanging.
QUERY_TIMEOUT = timedelta(seconds=5)


@dataclass(frozen=True, slots=True)
class Created:
    view: ComplaintView | None  # None: accepted, but no worker has picked it up yet
    complaint_id: str
    new: bool


class ComplaintService:
    def __init__(self, client: Client, settings: Settings) -> None:
        self._client = client
        self._settings = settings
        self._options = WorkflowOptions(
            closed_retention=settings.closed_retention,
            continue_as_new_after_events=settings.continue_as_new_after_events,
            clock_rules=load_clock_rules(
                calendars_file=settings.calendars_file, sla_file=settings.sla_file
            ),
        )

    def _handle(self, complaint_id: str) -> WorkflowHandle[ComplaintWorkflow, ComplaintState]:
        return self._client.get_workflow_handle_for(
            ComplaintWorkflow.run, workflow_id(complaint_id)
        )

    async def create(self, intake: Intake, *, actor: Actor, idempotency_key: str | None) -> Created:
        complaint_id = complaint_id_for(intake, idempotency_key)
        request_id = str(uuid.uuid4())
        try:
            await self._client.start_workflow(
                ComplaintWorkflow.run,
                ComplaintInput(
                    complaint_id=complaint_id,
                    intake=intake,
                    actor=actor,
                    request_id=request_id,
                    options=self._options,
                ),
                id=workflow_id(complaint_id),
                task_queue=self._settings.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            )
            new = True
        except WorkflowAlreadyStartedError:
            new = False
        except RPCError as error:
            raise Unavailable() from error
        try:
            view = await self.get(complaint_id)
        except Unavailable:
            if not new:
                raise
            return Created(view=None, complaint_id=complaint_id, new=True)
        if not new and idempotency_key and not intake.source.ref and view.intake != intake:
            raise InvalidField(
                "Idempotency-Key", "this key was already used with a different request body"
            )
        return Created(view=view, complaint_id=complaint_id, new=new)

    async def get(self, complaint_id: str) -> ComplaintView:
        try:
            view = await self._handle(complaint_id).query(
                ComplaintWorkflow.state, rpc_timeout=QUERY_TIMEOUT
            )
            return self._fresh(view)
        except RPCError as error:
            raise _from_rpc(error, complaint_id) from error
        except WorkflowQueryFailedError as error:
            raise Unavailable() from error

    def _fresh(self, view: ComplaintView) -> ComplaintView:
        """Count the clocks' remaining time to now: a quiet workflow computed it long ago."""
        now = datetime.now(UTC)
        clocks = refreshed(view.clocks, now=now, rules=self._options.clock_rules)
        return view.model_copy(update={"clocks": clocks, "clocks_as_of": now})

    async def exists(self, complaint_id: str) -> bool:
        try:
            await self._handle(complaint_id).describe()
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return False
            raise Unavailable() from error
        return True

    async def transition(
        self,
        complaint_id: str,
        command: Command,
        *,
        actor: Actor,
        signature: Signature | None,
        request_key: str | None,
    ) -> ComplaintView:
        request = TransitionRequest(
            command=command, actor=actor, signature=signature, request_key=request_key
        )
        # The same key and body repeat the same update (Temporal returns its first outcome);
        # the same key with another body is a new update that the validator refuses.
        update_id = f"{request_key}:{request.fingerprint()}" if request_key else None
        try:
            view = await self._handle(complaint_id).execute_update(
                ComplaintWorkflow.transition, request, id=update_id
            )
            return self._fresh(view)
        except WorkflowUpdateFailedError as error:
            if _is_repeat(error):
                return await self.get(complaint_id)
            raise _from_update_failure(error) from error
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND and "completed" in error.message:
                raise await self._final_record_refusal(complaint_id) from error
            raise _from_rpc(error, complaint_id) from error

    async def _final_record_refusal(self, complaint_id: str) -> TransitionRefused:
        view = await self.get(complaint_id)
        return TransitionRefused(
            "the complaint's record is final and no longer accepts changes",
            status=view.status,
            allowed_actions=[],
        )


def _from_rpc(error: RPCError, complaint_id: str) -> Exception:
    if error.status == RPCStatusCode.NOT_FOUND:
        return ComplaintNotFound(complaint_id)
    return Unavailable()


def _is_repeat(error: WorkflowUpdateFailedError) -> bool:
    cause = error.cause
    return isinstance(cause, ApplicationError) and cause.type == REPEATED


def _from_update_failure(error: WorkflowUpdateFailedError) -> Exception:
    cause = error.cause
    if isinstance(cause, ApplicationError) and cause.type == REFUSED:
        details = RefusalDetails.model_validate(cause.details[0])
        return TransitionRefused(
            cause.message, status=details.status, allowed_actions=details.allowed_actions
        )
    if isinstance(cause, ApplicationError) and cause.type == FORBIDDEN:
        permission = str(cause.details[0]) if cause.details else "unknown"
        return Forbidden(cause.message, permission=permission)
    if isinstance(cause, ApplicationError) and cause.type == INVALID:
        field = str(cause.details[0]) if cause.details else "body"
        return InvalidField(field, cause.message)
    return Unavailable()
