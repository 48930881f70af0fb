"""Roles and what each may do: the one permission table. The API and the workflow ask it.

Every lifecycle action, read and audit read is a :class:`Permission`; :data:`GRANTS` names,
for each, the roles that hold it and whether only on complaints assigned to the actor
(:attr:`Scope.ASSIGNED`). The workflow's update validator calls :func:`refusal` with the
complaint's assignee, so racing updates are judged on the state the previous one left.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from domain.audit import Actor
from domain.enums import Action


class Role(StrEnum):
    INTAKE = "intake"
    TRIAGER = "triager"
    INVESTIGATOR = "investigator"
    QUALITY_MANAGER = "quality_manager"
    REGULATORY = "regulatory"
    AUDITOR = "auditor"
    ADMIN = "admin"


class Scope(StrEnum):
    ANY = "any"  # on every complaint
    ASSIGNED = "assigned"  # only on complaints assigned to the actor


class Permission(StrEnum):
    CREATE = "complaints:create"
    READ = "complaints:read"  # GET one complaint, and the list
    EVENTS = "complaints:events"  # the audit timeline of one complaint
    AUDIT_READ = "audit:read"  # decoded workflow history
    AUDIT_REPLAY = "audit:replay"  # replay a history against the current code
    # One per lifecycle action (see transition_permission).
    TRIAGE = "complaints:triage"
    REJECT = "complaints:reject"
    MARK_DUPLICATE = "complaints:mark_duplicate"
    CLOSE_WITHOUT_INVESTIGATION = "complaints:close_without_investigation"
    ASSIGN = "complaints:assign"
    REQUEST_INFO = "complaints:request_info"
    RECEIVE_INFO = "complaints:receive_info"
    COMPLETE_INVESTIGATION = "complaints:complete_investigation"
    RETURN_TO_INVESTIGATION = "complaints:return_to_investigation"
    CLOSE = "complaints:close"
    REOPEN = "complaints:reopen"
    ADD_NOTE = "complaints:add_note"
    RECORD_SUBMISSION = "complaints:record_submission"
    RECLASSIFY = "complaints:reclassify"


R, P = Role, Permission
ALL_STAFF = (R.INTAKE, R.TRIAGER, R.INVESTIGATOR, R.QUALITY_MANAGER, R.REGULATORY, R.AUDITOR)


def _grant(*roles: Role, assigned: Iterable[Role] = ()) -> Mapping[Role, Scope]:
    """``roles`` on any complaint, ``assigned`` on their own; admin holds every permission."""
    grant = {role: Scope.ANY for role in roles}
    grant |= {role: Scope.ASSIGNED for role in assigned}
    return grant | {R.ADMIN: Scope.ANY}


#: Who holds each permission. Auditors read and replay, and never change anything.
GRANTS: Mapping[Permission, Mapping[Role, Scope]] = {
    P.CREATE: _grant(R.INTAKE, R.TRIAGER, R.QUALITY_MANAGER),
    P.READ: _grant(*ALL_STAFF),
    P.EVENTS: _grant(*ALL_STAFF),
    P.AUDIT_READ: _grant(R.AUDITOR, R.QUALITY_MANAGER),
    P.AUDIT_REPLAY: _grant(R.AUDITOR, R.QUALITY_MANAGER),
    P.TRIAGE: _grant(R.TRIAGER, R.QUALITY_MANAGER),
    P.REJECT: _grant(R.TRIAGER, R.QUALITY_MANAGER),
    P.MARK_DUPLICATE: _grant(R.TRIAGER, R.QUALITY_MANAGER),
    P.CLOSE_WITHOUT_INVESTIGATION: _grant(R.TRIAGER, R.QUALITY_MANAGER),
    P.ASSIGN: _grant(R.TRIAGER, R.QUALITY_MANAGER),
    P.REQUEST_INFO: _grant(R.QUALITY_MANAGER, assigned=[R.INVESTIGATOR]),
    P.RECEIVE_INFO: _grant(R.QUALITY_MANAGER, assigned=[R.INVESTIGATOR]),
    P.COMPLETE_INVESTIGATION: _grant(R.QUALITY_MANAGER, assigned=[R.INVESTIGATOR]),
    P.RETURN_TO_INVESTIGATION: _grant(R.QUALITY_MANAGER),
    P.CLOSE: _grant(R.QUALITY_MANAGER),
    P.REOPEN: _grant(R.QUALITY_MANAGER),
    P.ADD_NOTE: _grant(
        R.INTAKE, R.TRIAGER, R.QUALITY_MANAGER, R.REGULATORY, assigned=[R.INVESTIGATOR]
    ),
    P.RECORD_SUBMISSION: _grant(R.REGULATORY),
    P.RECLASSIFY: _grant(R.TRIAGER, R.QUALITY_MANAGER, R.REGULATORY),
}


@dataclass(frozen=True, slots=True)
class Denial:
    """Why an actor may not do something: the 403 body's ``error`` and ``permission``."""

    permission: Permission
    message: str


def transition_permission(action: Action) -> Permission:
    return Permission(f"complaints:{action}")


def _roles(values: Iterable[str]) -> set[Role]:
    """The known roles among ``values``; an unknown role name grants nothing."""
    known = {role.value for role in Role}
    return {Role(value) for value in values if value in known}


def scope(roles: Iterable[str], permission: Permission) -> Scope | None:
    """The widest scope in which ``roles`` hold ``permission``, or None when they do not."""
    scopes = {GRANTS[permission][r] for r in _roles(roles) if r in GRANTS[permission]}
    if Scope.ANY in scopes:
        return Scope.ANY
    return Scope.ASSIGNED if scopes else None


def refusal(actor: Actor, permission: Permission, *, assignee: str | None) -> Denial | None:
    """Why ``actor`` may not use ``permission`` on a complaint assigned to ``assignee``."""
    held = scope(actor.roles, permission)
    if held is None:
        roles = ", ".join(actor.roles) or "no role"
        return Denial(permission, f"{actor.user_id} ({roles}) lacks the permission {permission}")
    if held == Scope.ASSIGNED and assignee != actor.user_id:
        return Denial(
            permission,
            f"{actor.user_id} may use {permission} only on complaints assigned to them",
        )
    return None


def role_refusal(actor: Actor, permission: Permission) -> Denial | None:
    """Like :func:`refusal` before the assignee is known: refused only if no scope applies."""
    if scope(actor.roles, permission) is not None:
        return None
    return refusal(actor, permission, assignee=None)


def permitted(actor: Actor, actions: Iterable[Action], *, assignee: str | None) -> list[Action]:
    """The subset of ``actions`` that ``actor`` may perform on this complaint."""
    return [
        action
        for action in actions
        if refusal(actor, transition_permission(action), assignee=assignee) is None
    ]


def _mark(permission: Permission, role: Role) -> str:
    held = GRANTS[permission].get(role)
    if held is None:
        return "—"
    return "yes" if held == Scope.ANY else "assigned"


def roles_table() -> str:
    """The grants as a Markdown table (the README shows it): a row per permission."""
    head = "| permission | " + " | ".join(f"`{role}`" for role in Role) + " |"
    rule = "|---|" + "---|" * len(Role)
    rows = [
        f"| `{permission}` | " + " | ".join(_mark(permission, role) for role in Role) + " |"
        for permission in Permission
    ]
    return "\n".join([head, rule, *rows])
