"""The staff directory and who receives each notification.

The directory is configuration (``config/staff.toml``, loaded by
``config.directory_loader``); :func:`recipients` is the one place that decides the
addressees of a notification, and it is pure.

Who gets what:

==================== =========================================================================
kind                 recipients
==================== =========================================================================
received             the complainant, when an email is known (an acknowledgement)
assigned             the assignee
sla_reminder         the assignee
escalation           level 1: the assignee and their supervisor; level 2 adds the head of quality
regulatory_warning   the regulatory affairs mailbox and the assignee
regulatory_breach    the regulatory affairs mailbox, the head of quality and the assignee
closure_reply        the complainant, when an email is known
==================== =========================================================================

Where the assignee is missing or not in the directory (still in triage, or an external id),
the quality mailbox stands in for them, and for their supervisor, so no internal notice is
lost. The complainant is never mixed with staff in one message. An empty list means there
is nobody to tell (no complainant email): send nothing.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from domain.base import Name, StrictModel, UserId
from domain.intake import Email
from domain.notifications import NotificationKind


class StaffRole(StrEnum):
    INTAKE = "intake"
    TRIAGE = "triage"
    INVESTIGATOR = "investigator"
    QUALITY_MANAGER = "quality_manager"
    HEAD_OF_QUALITY = "head_of_quality"
    REGULATORY = "regulatory"


class StaffUser(StrictModel):
    id: UserId
    name: Name
    email: Email
    roles: list[StaffRole] = Field(default_factory=list)
    team: str | None = None
    supervisor: UserId | None = None


class StaffDirectory(StrictModel):
    users: list[StaffUser]
    head_of_quality: UserId
    regulatory_affairs: Email = Field(description="The regulatory affairs team's mailbox.")
    quality: Email = Field(description="The quality team's mailbox: stands in for nobody.")

    @model_validator(mode="after")
    def _references_resolve(self) -> StaffDirectory:
        ids = [user.id for user in self.users]
        if len(ids) != len(set(ids)):
            raise ValueError("user ids must be unique")
        if self.head_of_quality not in ids:
            raise ValueError(f"head_of_quality {self.head_of_quality!r} is not a user")
        for user in self.users:
            if user.supervisor is not None and user.supervisor not in ids:
                raise ValueError(f"{user.id}: supervisor {user.supervisor!r} is not a user")
            if user.supervisor == user.id:
                raise ValueError(f"{user.id}: a user cannot supervise themselves")
        return self

    def user(self, user_id: str | None) -> StaffUser | None:
        return next((user for user in self.users if user.id == user_id), None)

    def name_of(self, user_id: str | None) -> str | None:
        """The printed name of a user, or the id itself when the directory does not know it."""
        user = self.user(user_id)
        return user.name if user is not None else user_id

    def email_or_quality(self, user_id: str | None) -> str:
        user = self.user(user_id)
        return user.email if user is not None else self.quality

    def supervisor_email(self, user_id: str | None) -> str:
        user = self.user(user_id)
        return self.email_or_quality(user.supervisor if user is not None else None)

    def head_of_quality_email(self) -> str:
        return self.email_or_quality(self.head_of_quality)


def recipients(
    directory: StaffDirectory,
    kind: NotificationKind,
    *,
    assignee: str | None = None,
    complainant_email: str | None = None,
    escalation_level: int = 0,
) -> list[str]:
    """The addresses one notification goes to, without duplicates, in a stable order."""
    match kind:
        case NotificationKind.RECEIVED | NotificationKind.CLOSURE_REPLY:
            return [complainant_email] if complainant_email else []
        case NotificationKind.ASSIGNED | NotificationKind.SLA_REMINDER:
            return [directory.email_or_quality(assignee)]
        case NotificationKind.ESCALATION:
            if escalation_level < 1:
                raise ValueError("an escalation has level 1 (supervisor) or higher")
            to = [directory.email_or_quality(assignee), directory.supervisor_email(assignee)]
            if escalation_level >= 2:
                to.append(directory.head_of_quality_email())
            return _unique(to)
        case NotificationKind.REGULATORY_WARNING:
            return _unique([directory.regulatory_affairs, *_known(directory, assignee)])
        case NotificationKind.REGULATORY_BREACH:
            regulatory, head = directory.regulatory_affairs, directory.head_of_quality_email()
            return _unique([regulatory, head, *_known(directory, assignee)])
    raise AssertionError(f"unhandled notification kind {kind}")  # pragma: no cover


def _known(directory: StaffDirectory, user_id: str | None) -> list[str]:
    user = directory.user(user_id)
    return [user.email] if user is not None else []


def _unique(addresses: list[str]) -> list[str]:
    """Drop repeated addresses (case-insensitively), keeping the first of each."""
    seen: set[str] = set()
    out: list[str] = []
    for address in addresses:
        if address.lower() not in seen:
            seen.add(address.lower())
            out.append(address)
    return out
