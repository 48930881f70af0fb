"""Notifications the system sends about a complaint: what, to whom, and with which facts.

A :class:`Notification` is built in the workflow (deterministically) and handed to the
``send_notification`` activity, which renders it with the templates in
``notifications/templates/`` and sends it. Each kind declares the context keys its
templates may use (:data:`CONTEXT_KEYS`), so a missing fact is refused when the
notification is built instead of failing later in the activity.

The context holds plain JSON values and only what the recipient needs: staff mail carries
the complaint id, device, status, severity, dates and names of staff; only the two messages
to the complainant (``received`` and ``closure_reply``) carry the complainant's own name,
and the closure reply their reply text. Event descriptions, patient data and other
complainant details never go into a notification.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, JsonValue, StringConstraints, model_validator

from domain.base import ComplaintId, StrictModel
from domain.intake import Email


class NotificationKind(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    SLA_REMINDER = "sla_reminder"
    ESCALATION = "escalation"
    REGULATORY_WARNING = "regulatory_warning"
    REGULATORY_BREACH = "regulatory_breach"
    CLOSURE_REPLY = "closure_reply"


#: Kinds addressed to the complainant; every other kind goes to staff only.
TO_COMPLAINANT = frozenset({NotificationKind.RECEIVED, NotificationKind.CLOSURE_REPLY})

_COMMON = ("complaint_id", "device_name", "status")
_STAGE = ("severity", "assignee_name", "stage", "due_at")
_CLOCK = ("clock_kind", "clock_label", "due_at")

#: The context keys each kind must carry (a value may be null where a template allows it):
#: - ``received``: ``complainant_name``, ``received_at`` (ISO timestamp);
#: - ``assigned``: ``severity``, ``assignee_name``, ``due_at`` (ISO or null);
#: - ``sla_reminder``/``escalation``: ``stage`` (the status whose SLA runs), ``due_at``,
#:   and for an escalation ``escalation_level`` (1 = supervisor, 2 = head of quality);
#: - ``regulatory_*``: ``clock_kind`` (machine name), ``clock_label`` (for people), ``due_at``;
#: - ``closure_reply``: ``complainant_name``, ``customer_reply``.
CONTEXT_KEYS: dict[NotificationKind, tuple[str, ...]] = {
    NotificationKind.RECEIVED: (*_COMMON, "complainant_name", "received_at"),
    NotificationKind.ASSIGNED: (*_COMMON, "severity", "assignee_name", "due_at"),
    NotificationKind.SLA_REMINDER: (*_COMMON, *_STAGE),
    NotificationKind.ESCALATION: (*_COMMON, *_STAGE, "escalation_level"),
    NotificationKind.REGULATORY_WARNING: (*_COMMON, *_CLOCK),
    NotificationKind.REGULATORY_BREACH: (*_COMMON, *_CLOCK),
    NotificationKind.CLOSURE_REPLY: (*_COMMON, "complainant_name", "customer_reply"),
}

#: What makes one notification unique within its complaint and kind: the audit event's
#: ``seq`` ("7"), or a clock and step ("investigation.2", "fda_mdr_30_day"). Dot-separated
#: atoms, so it fits the left-hand side of a Message-ID.
NotificationKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$"),
]


class Audience(StrictModel):
    """Who a notification concerns; the sender resolves addresses from the staff directory
    at send time, so a directory change reaches complaints already running."""

    assignee: str | None = None
    complainant_email: Email | None = None
    escalation_level: int = Field(default=0, ge=0, le=2)


class Notification(StrictModel):
    complaint_id: ComplaintId
    kind: NotificationKind
    key: NotificationKey
    to: list[Email] = Field(default_factory=list, description="Explicit addresses, if any")
    audience: Audience | None = None
    context: dict[str, JsonValue]

    @model_validator(mode="after")
    def _context_is_complete(self) -> Notification:
        if not self.to and self.audience is None:
            raise ValueError("a notification needs addresses or an audience")
        missing = [key for key in CONTEXT_KEYS[self.kind] if key not in self.context]
        if missing:
            raise ValueError(f"{self.kind} notification lacks context {', '.join(missing)}")
        return self


def message_id(notification: Notification, domain: str = "ibtool.local") -> str:
    """The Message-ID of this notification: the same on every retry of the same send.

    A retry after a partial success (the relay accepted the message, but the reply was
    lost) delivers a second copy; its Message-ID says it is the same message.
    """
    local = f"{notification.complaint_id}.{notification.kind}.{notification.key}"
    return f"<{local}@{domain}>"


def event_key(seq: int) -> str:
    """The key of a notification caused by the audit event with this ``seq``."""
    return str(seq)


def clock_key(*parts: str | int) -> str:
    """The key of a notification caused by a clock, e.g. ``clock_key("investigation", 2)``."""
    return ".".join(str(part) for part in parts)
