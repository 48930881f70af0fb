"""Realistic notifications of every kind, addressed through the demo staff directory."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import JsonValue

from config.directory_loader import load_directory
from domain.directory import recipients
from domain.notifications import Notification, NotificationKind, clock_key, event_key

COMPLAINANT_EMAIL = "jane.roe@example.org"

_COMMON: dict[str, JsonValue] = {"device_name": "Vivid E95", "status": "investigation"}
_STAGE: dict[str, JsonValue] = {
    "severity": "high",
    "assignee_name": "Ivan Investigator",
    "stage": "investigation",
    "due_at": "2026-12-08T17:00:00+00:00",
}
_CLOCK: dict[str, JsonValue] = {
    "clock_kind": "fda_mdr_30_day",
    "clock_label": "FDA MDR 30-day report (21 CFR 803.50)",
    "due_at": "2026-12-30T09:00:00+00:00",
}

CONTEXTS: dict[NotificationKind, dict[str, JsonValue]] = {
    NotificationKind.RECEIVED: {
        **_COMMON,
        "status": "triage",
        "complainant_name": "Dr. Jane Roe",
        "received_at": "2026-11-30T09:00:00+00:00",
    },
    NotificationKind.ASSIGNED: {
        **_COMMON,
        "severity": "high",
        "assignee_name": "Ivan Investigator",
        "due_at": "2026-12-08T17:00:00+00:00",
    },
    NotificationKind.SLA_REMINDER: {**_COMMON, **_STAGE},
    NotificationKind.ESCALATION: {**_COMMON, **_STAGE, "escalation_level": 2},
    NotificationKind.REGULATORY_WARNING: {**_COMMON, **_CLOCK},
    NotificationKind.REGULATORY_BREACH: {**_COMMON, **_CLOCK},
    NotificationKind.CLOSURE_REPLY: {
        **_COMMON,
        "status": "closed",
        "complainant_name": "Dr. Jane Roe",
        "customer_reply": "The freeze was caused by a firmware fault.\n"
        "Version 4.2 fixes it; our service team installs it next week.",
    },
}

KEYS: dict[NotificationKind, str] = {
    NotificationKind.RECEIVED: event_key(1),
    NotificationKind.ASSIGNED: event_key(2),
    NotificationKind.SLA_REMINDER: clock_key("investigation", 1, "reminder"),
    NotificationKind.ESCALATION: clock_key("investigation", 1, "level", 2),
    NotificationKind.REGULATORY_WARNING: clock_key("fda_mdr_30_day", "warning"),
    NotificationKind.REGULATORY_BREACH: clock_key("fda_mdr_30_day", "breach"),
    NotificationKind.CLOSURE_REPLY: event_key(9),
}


def new_complaint_id() -> str:
    return f"C-{uuid.uuid4().hex[:10].upper()}"


def sample(
    kind: NotificationKind, *, complaint_id: str | None = None, **context: Any
) -> Notification:
    """A notification of ``kind`` about a new complaint, to whom the directory says."""
    complaint_id = complaint_id or new_complaint_id()
    full_context = {**CONTEXTS[kind], "complaint_id": complaint_id, **context}
    level = full_context.get("escalation_level", 0)
    to = recipients(
        load_directory(),
        kind,
        assignee="ivan",
        complainant_email=COMPLAINANT_EMAIL,
        escalation_level=level if isinstance(level, int) else 0,
    )
    return Notification(
        complaint_id=complaint_id, kind=kind, key=KEYS[kind], to=to, context=full_context
    )
