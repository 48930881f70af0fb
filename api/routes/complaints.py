"""/complaints: intake, strongly consistent reads, transitions, lists and the audit timeline."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, Field

from api import examples
from api.audit_errors import audit_errors
from api.deps import (
    AuditDep,
    CanCreate,
    CanRead,
    CanReadEvents,
    CurrentUser,
    ServiceDep,
    StoreDep,
    VerifierDep,
)
from api.errors import ComplaintNotFound, InvalidField, TransitionRefused
from api.identity import forbid_unless_granted
from api.observability import Outcome, metrics_of
from api.routes.common import ERRORS as COMMON_ERRORS
from api.routes.common import IdPath
from api.service import ComplaintService
from api.signing import SignatureVerifier, sign
from domain import lifecycle, permissions
from domain.actions import Command, MarkDuplicate
from domain.audit import Actor, AuditEvent
from domain.enums import Action
from domain.intake import Intake, future_timestamps
from domain.permissions import Permission
from domain.views import ComplaintView
from store.complaints import ComplaintPage, ComplaintQuery, InvalidCursor

router = APIRouter(prefix="/complaints", tags=["complaints"])
log = logging.getLogger("ibtool.api")

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=200, description="Repeat-safe request key"),
]

ERRORS: dict[int | str, dict[str, Any]] = {
    **COMMON_ERRORS,
    409: {"description": "Not allowed now; the body lists `allowed_actions`"},
}


class EventPage(BaseModel):
    items: list[AuditEvent]


class ComplaintRead(ComplaintView):
    permitted_actions: list[Action] = Field(
        description="The allowed_actions that the caller's roles permit on this complaint"
    )


def _read(view: ComplaintView, actor: Actor) -> ComplaintRead:
    permitted = permissions.permitted(actor, view.allowed_actions, assignee=view.assignee)
    fields = {name: getattr(view, name) for name in ComplaintView.model_fields}
    return ComplaintRead(**fields, permitted_actions=permitted)


@router.post(
    "",
    status_code=201,
    response_model=ComplaintRead,
    responses={
        200: {"description": "Already received (idempotent repeat)"},
        202: {"description": "Accepted and durable; no worker has picked it up yet"},
        **ERRORS,
    },
)
async def create_complaint(
    intake: Annotated[Intake, Body(openapi_examples=examples.CREATE)],
    response: Response,
    service: ServiceDep,
    actor: CanCreate,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    for field in future_timestamps(intake, now=datetime.now(UTC)):
        raise InvalidField(field, "must not be in the future")
    created = await service.create(intake, actor=actor, idempotency_key=idempotency_key)
    response.headers["Location"] = f"/complaints/{created.complaint_id}"
    if created.view is None:
        pending = {"id": created.complaint_id, "status": "triage", "pending": True}
        return JSONResponse(pending, status_code=202, headers=dict(response.headers))
    response.status_code = 201 if created.new else 200
    return _read(created.view, actor)


@router.get("", response_model=ComplaintPage, responses={422: ERRORS[422]})
async def list_complaints(
    query: Annotated[ComplaintQuery, Query()], store: StoreDep, actor: CanRead
) -> ComplaintPage:
    """Eventually consistent page of projections, newest first, with cursor pagination."""
    try:
        return await store.list_complaints(query)
    except InvalidCursor as error:
        raise InvalidField("cursor", str(error)) from error


AsOf = Annotated[
    AwareDatetime | None,
    Query(description="The state as it was then, rebuilt from the history (ISO 8601, with zone)"),
]


@router.get("/{complaint_id}", response_model=ComplaintRead, responses=ERRORS)
async def get_complaint(
    complaint_id: IdPath,
    service: ServiceDep,
    audit: AuditDep,
    actor: CanRead,
    as_of: AsOf = None,
) -> ComplaintRead:
    """Strongly consistent: read from the workflow itself.

    With ``as_of``, the state as it was then, replayed from the history (an audit read:
    it needs ``audit:read``); nothing can be done to a past state, so it permits nothing.
    """
    if as_of is None:
        return _read(await service.get(complaint_id), actor)
    forbid_unless_granted(actor, Permission.AUDIT_READ)
    with audit_errors(complaint_id):
        past = await audit.as_of(complaint_id, as_of)
    fields = {name: getattr(past, name) for name in ComplaintView.model_fields}
    return ComplaintRead(**fields, permitted_actions=[])


@router.post("/{complaint_id}/transitions", response_model=ComplaintRead, responses=ERRORS)
async def transition(
    complaint_id: IdPath,
    command: Annotated[Command, Body(openapi_examples=examples.TRANSITIONS)],
    service: ServiceDep,
    verifier: VerifierDep,
    actor: CurrentUser,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> ComplaintRead:
    """Apply one lifecycle action. The new state comes back synchronously.

    403 when the caller's roles do not grant the action (an investigator acts only on
    complaints assigned to them: the workflow checks that against the current assignee).
    """
    try:
        view = await _transition(
            complaint_id,
            command,
            service=service,
            verifier=verifier,
            actor=actor,
            request_key=idempotency_key,
        )
    except TransitionRefused:
        _outcome(request, command.action, "refused")
        raise
    except InvalidField:
        _outcome(request, command.action, "invalid")
        raise
    _outcome(request, command.action, "accepted", version=view.version)
    return _read(view, actor)


def _outcome(request: Request, action: str, outcome: Outcome, *, version: int = 0) -> None:
    metrics_of(request).transition(action, outcome)
    log.info("transition %s %s%s", action, outcome, f" (v{version})" if version else "")


async def _transition(
    complaint_id: str,
    command: Command,
    *,
    service: ComplaintService,
    verifier: SignatureVerifier,
    actor: Actor,
    request_key: str | None,
) -> ComplaintView:
    action = Action(command.action)
    forbid_unless_granted(actor, permissions.transition_permission(action))
    if (
        isinstance(command, MarkDuplicate)
        and command.duplicate_of != complaint_id
        and not await service.exists(command.duplicate_of)
    ):
        raise InvalidField("duplicate_of", f"complaint {command.duplicate_of} does not exist")
    signature = None
    if lifecycle.TABLE[action].signed:
        signature = await sign(verifier, complaint_id=complaint_id, command=command, actor=actor)
    return await service.transition(
        complaint_id, command, actor=actor, signature=signature, request_key=request_key
    )


@router.get("/{complaint_id}/events", response_model=EventPage, responses=ERRORS)
async def list_events(
    complaint_id: IdPath, store: StoreDep, service: ServiceDep, actor: CanReadEvents
) -> EventPage:
    """The audit timeline from the projection, ordered by ``seq``."""
    items = await store.events(complaint_id)
    if not items and not await service.exists(complaint_id):
        raise ComplaintNotFound(complaint_id)
    return EventPage(items=items)
