"""Audit trail entries (21 CFR Part 11.10(e)): who, what, when, old and new values, why."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, Field

from domain.base import Name, StrictModel, UserId
from domain.enums import Action, SignatureMeaning, Status


class Actor(StrictModel):
    user_id: UserId
    name: Name
    roles: list[str] = Field(default_factory=list)


SYSTEM = Actor(user_id="system", name="IBTool", roles=["system"])


class Signature(StrictModel):
    """A verified electronic signature as Part 11.50 requires: printed name, time, meaning."""

    signer: UserId
    printed_name: Name
    meaning: SignatureMeaning
    signed_at: AwareDatetime
    content_hash: str = Field(description="sha256 of the canonical JSON of what was signed")


class FieldChange(StrictModel):
    field: str
    old: Any = None
    new: Any = None


class AuditEvent(StrictModel):
    complaint_id: str
    seq: int = Field(ge=1)
    at: AwareDatetime
    action: Action
    actor: Actor
    status_before: Status | None
    status_after: Status
    changes: list[FieldChange] = Field(default_factory=list)
    reason: str | None = None
    signature: Signature | None = None
    clock_changes: list[str] = Field(
        default_factory=list, description="Clocks this change started, stopped or re-armed, and why"
    )
    #: The tamper-evident chain (domain.chain): the previous event's hash, then this one's,
    #: over the canonical JSON of the event without ``hash``. Set when the event is recorded.
    prev_hash: str | None = None
    hash: str | None = None


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Flatten nested dicts and lists to dotted paths, so a diff names each changed leaf.

    None and empty containers have no leaves: a field that appears shows as old None.
    """
    if value is None or value == {} or value == []:
        return {}
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out |= flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(value, list):
        out = {}
        for index, item in enumerate(value):
            out |= flatten(item, f"{prefix}.{index}" if prefix else str(index))
        return out
    return {prefix: value}


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    old, new = flatten(before), flatten(after)
    keys = sorted(old.keys() | new.keys())
    return [
        FieldChange(field=key, old=old.get(key), new=new.get(key))
        for key in keys
        if old.get(key) != new.get(key)
    ]
