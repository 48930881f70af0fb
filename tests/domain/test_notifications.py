from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from domain.notifications import (
    CONTEXT_KEYS,
    Notification,
    NotificationKind,
    clock_key,
    event_key,
    message_id,
)

K = NotificationKind


def _context(kind: NotificationKind) -> dict[str, Any]:
    return {key: f"value of {key}" for key in CONTEXT_KEYS[kind]}


def _notification(**overrides: Any) -> Notification:
    data: dict[str, Any] = {
        "complaint_id": "C-123",
        "kind": K.SLA_REMINDER,
        "key": "7",
        "to": ["ivan@ibtool.local"],
        "context": _context(K.SLA_REMINDER),
    }
    return Notification.model_validate(data | overrides)


def test_kinds() -> None:
    assert [kind.value for kind in K] == [
        "received",
        "assigned",
        "sla_reminder",
        "escalation",
        "regulatory_warning",
        "regulatory_breach",
        "closure_reply",
    ]
    assert set(CONTEXT_KEYS) == set(K)
    assert all(
        {"complaint_id", "device_name", "status"} <= set(keys) for keys in CONTEXT_KEYS.values()
    )


def test_message_id_is_derived_from_complaint_kind_and_key() -> None:
    assert message_id(_notification()) == "<C-123.sla_reminder.7@ibtool.local>"
    assert message_id(_notification(), domain="example.com") == "<C-123.sla_reminder.7@example.com>"


def test_message_id_is_the_same_for_the_same_notification() -> None:
    first = _notification()
    # A retry carries the same notification, possibly rebuilt, possibly to other addresses.
    again = Notification.model_validate_json(first.model_dump_json())
    rebuilt = _notification(to=["sofia@ibtool.local"], context={**_context(K.SLA_REMINDER)})
    assert message_id(first) == message_id(again) == message_id(rebuilt)


def test_message_ids_differ_when_anything_that_names_the_message_differs() -> None:
    escalation = _notification(kind=K.ESCALATION, context=_context(K.ESCALATION))
    ids = {
        message_id(_notification()),
        message_id(_notification(key="8")),
        message_id(_notification(complaint_id="C-124")),
        message_id(escalation),
    }
    assert len(ids) == 4


def test_keys() -> None:
    assert event_key(7) == "7"
    assert clock_key("investigation", 2, "reminder") == "investigation.2.reminder"
    notification = _notification(key=clock_key("fda_mdr_30_day", "warning"))
    assert message_id(notification) == "<C-123.sla_reminder.fda_mdr_30_day.warning@ibtool.local>"


@pytest.mark.parametrize("key", ["", "a..b", ".a", "a.", "a b", "a@b", "<a>", "x" * 65])
def test_a_key_that_does_not_fit_a_message_id_is_refused(key: str) -> None:
    with pytest.raises(ValidationError):
        _notification(key=key)


@pytest.mark.parametrize(
    "overrides",
    [
        {"to": []},
        {"to": ["not an address"]},
        {"to": ["a@b.org\r\nBcc: x@y.org"]},
        {"complaint_id": "C 1"},
        {"kind": "birthday"},
        {"context": {"complaint_id": {"nested": object()}}},
        {"extra": 1},
    ],
)
def test_malformed_notifications_are_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _notification(**overrides)


@pytest.mark.parametrize("kind", list(K))
def test_a_missing_context_key_is_refused(kind: NotificationKind) -> None:
    context = _context(kind)
    _notification(kind=kind, context=context)
    context.pop("due_at" if "due_at" in context else "complainant_name")
    with pytest.raises(ValidationError, match="lacks context"):
        _notification(kind=kind, context=context)


def test_context_values_may_be_null_and_extra_keys_are_kept() -> None:
    context = _context(K.ASSIGNED) | {"due_at": None, "note": ["a", 1, True]}
    notification = _notification(kind=K.ASSIGNED, context=context)
    assert Notification.model_validate_json(notification.model_dump_json()) == notification
