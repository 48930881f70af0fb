"""Field-by-field differences between what replay computed and what is live or stored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain import complaint_clocks
from domain.audit import AuditEvent, flatten
from domain.chain import differing_fields
from domain.complaint import ComplaintState
from domain.complaint_clocks import ClockRules
from domain.summary import ComplaintSummary
from domain.views import ComplaintView

#: The live view carries the clocks as computed views, not the book itself.
STATE_FIELDS = set(ComplaintState.model_fields) - {"clock_book"}


def differences(
    left: Mapping[str, Any], right: Mapping[str, Any], *, names: tuple[str, str], prefix: str = ""
) -> list[str]:
    """One line per leaf that differs, dotted path first."""
    a, b = flatten(dict(left)), flatten(dict(right))
    return [
        f"{prefix}{key}: {names[0]} {a.get(key)!r} != {names[1]} {b.get(key)!r}"
        for key in sorted(a.keys() | b.keys())
        if a.get(key) != b.get(key)
    ]


def live_differences(
    replayed: ComplaintState, live: ComplaintView, *, rules: ClockRules
) -> list[str]:
    names = ("replayed", "live")
    found = differences(
        replayed.model_dump(mode="json", include=STATE_FIELDS),
        live.model_dump(mode="json", include=STATE_FIELDS),
        names=names,
    )
    clocks = complaint_clocks.views(replayed, now=live.clocks_as_of, rules=rules)
    found += differences(
        {"clocks": [c.model_dump(mode="json") for c in clocks]},
        {"clocks": [c.model_dump(mode="json") for c in live.clocks]},
        names=names,
    )
    return found


def projection_differences(
    *,
    replayed: ComplaintSummary | None,
    stored: ComplaintSummary | None,
    replayed_events: Mapping[int, AuditEvent],
    stored_events: list[AuditEvent],
) -> list[str]:
    """The store's summary (dates to the millisecond, as BSON keeps them) and its events."""
    names = ("replayed", "store")
    found: list[str] = []
    if replayed is None or stored is None:
        if replayed != stored:
            found.append(f"summary: replayed {_version(replayed)} != store {_version(stored)}")
    else:
        found += differences(
            _millis(replayed.model_dump()),
            _millis(stored.model_dump()),
            names=names,
            prefix="summary.",
        )
    stored_by_seq = {event.seq: event for event in stored_events}
    for seq in sorted(replayed_events.keys() | stored_by_seq.keys()):
        mine, theirs = replayed_events.get(seq), stored_by_seq.get(seq)
        if mine is None:
            found.append(f"event {seq}: in the store, not recorded by the replayed code")
        elif theirs is None:
            if stored is not None and seq <= stored.version:
                found.append(f"event {seq}: recorded by the replayed code, not in the store")
        elif mine != theirs:
            found.append(f"event {seq}: differs in {', '.join(differing_fields(mine, theirs))}")
    return found


def _version(summary: ComplaintSummary | None) -> str:
    return "none" if summary is None else f"version {summary.version}"


def _millis(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000).isoformat()
    if isinstance(value, dict):
        return {key: _millis(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_millis(item) for item in value]
    return value
