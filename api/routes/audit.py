"""/complaints/{id}/history, /replay, /verify and /audit-report: what auditors read."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.audit_errors import audit_errors
from api.deps import AuditDep, CanReadAudit, CanReplay
from api.routes.common import ERRORS as COMMON_ERRORS
from api.routes.common import IdPath
from audit.history_page import MAX_LIMIT, RawHistory, TimelinePage
from audit.service import ReplayReport
from audit.verify import VerifyReport

router = APIRouter(prefix="/complaints", tags=["audit"])

ERRORS: dict[int | str, dict[str, Any]] = {
    **COMMON_ERRORS,
    404: {"description": "Unknown complaint (neither in Temporal nor in the archive)"},
}


@router.get(
    "/{complaint_id}/history",
    response_model=TimelinePage | RawHistory,
    responses={
        **ERRORS,
        200: {"description": "A timeline page, or with format=raw the runs' JSON"},
    },
)
async def history(
    complaint_id: IdPath,
    audit: AuditDep,
    actor: CanReadAudit,
    format: Annotated[Literal["timeline", "raw"], Query(description="raw: Temporal's JSON")] = (
        "timeline"
    ),
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> Any:
    """The Temporal history of every run, decoded into a timeline (or raw, unpaginated)."""
    with audit_errors(complaint_id):
        if format == "raw":
            return RawHistory.model_validate(await audit.raw_history(complaint_id))
        return await audit.timeline(complaint_id, cursor=cursor, limit=limit)


@router.post("/{complaint_id}/replay", response_model=ReplayReport, responses=ERRORS)
async def replay(complaint_id: IdPath, audit: AuditDep, actor: CanReplay) -> ReplayReport:
    """Replay the history through the current workflow code; compare with live and store."""
    with audit_errors(complaint_id):
        return await audit.replay(complaint_id)


@router.get("/{complaint_id}/verify", response_model=VerifyReport, responses=ERRORS)
async def verify(complaint_id: IdPath, audit: AuditDep, actor: CanReadAudit) -> VerifyReport:
    """Check the stored audit trail: hash chain, links, and the recorded history."""
    with audit_errors(complaint_id):
        return await audit.verify(complaint_id)


@router.get(
    "/{complaint_id}/audit-report",
    response_class=HTMLResponse,
    responses={**ERRORS, 409: {"description": "The history cannot be replayed"}},
)
async def audit_report(complaint_id: IdPath, audit: AuditDep, actor: CanReadAudit) -> HTMLResponse:
    """A printable report: the 820.198(e) record, the signatures and the audit trail."""
    with audit_errors(complaint_id):
        return HTMLResponse(await audit.report(complaint_id))
