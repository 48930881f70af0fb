"""The audit trail as a hash chain, so an altered, removed or inserted event shows.

Each event stores the hash of the one before it (``prev_hash``) and its own (``hash``): a
sha256 over the canonical encoding, sorted-key JSON of the event without ``hash``. The
workflow seals every event as it records it, so the same chain is in the workflow state,
in Temporal's history and in the store; the head travels in the state across
continue-as-new.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from enum import StrEnum

from domain.audit import AuditEvent
from domain.base import StrictModel
from domain.complaint import ComplaintState


class ProblemKind(StrEnum):
    ALTERED = "altered"  # the event does not match its own hash, or differs from the record
    REMOVED = "removed"  # an event the record has is missing
    INSERTED = "inserted"  # an event the record does not have
    BROKEN_LINK = "broken_link"  # prev_hash does not name the event before it
    UNSEALED = "unsealed"  # an event without a hash
    SIGNATURE = "signature"  # a signature's content hash does not match what was signed
    ARCHIVE = "archive"  # an archived history does not match its checksum
    SOURCE = "source"  # the record itself could not be read


class ChainProblem(StrictModel):
    kind: ProblemKind
    seq: int | None = None
    detail: str


def canonical(event: AuditEvent) -> bytes:
    body = event.model_dump(mode="json", exclude={"hash"})
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def seal(state: ComplaintState, event: AuditEvent) -> AuditEvent:
    """Link ``event`` to the chain's head, hash it, and make it the new head."""
    event.prev_hash = state.last_event_hash
    event.hash = event_hash(event)
    state.last_event_hash = event.hash
    return event


def chain_problems(events: Iterable[AuditEvent]) -> list[ChainProblem]:
    """What is wrong with a trail on its own: hashes, links and gaps in ``seq``."""
    problems: list[ChainProblem] = []
    previous: AuditEvent | None = None
    for event in sorted(events, key=lambda e: e.seq):
        expected = 1 if previous is None else previous.seq + 1
        if event.seq > expected:
            missing = f"{expected}" if event.seq == expected + 1 else f"{expected}-{event.seq - 1}"
            problems.append(_problem(ProblemKind.REMOVED, None, f"seq {missing} missing"))
        if event.hash is None:
            problems.append(_problem(ProblemKind.UNSEALED, event.seq, "the event has no hash"))
        elif event_hash(event) != event.hash:
            problems.append(
                _problem(ProblemKind.ALTERED, event.seq, "the event does not match its hash")
            )
        previous_hash = None if previous is None else previous.hash
        if event.seq == expected and event.prev_hash != previous_hash:
            problems.append(
                _problem(
                    ProblemKind.BROKEN_LINK,
                    event.seq,
                    "prev_hash does not match the hash of the event before it",
                )
            )
        previous = event
    return problems


def trail_problems(
    *,
    stored: Iterable[AuditEvent],
    recorded: Mapping[int, AuditEvent],
    projected_through: int,
) -> list[ChainProblem]:
    """Differences between a stored trail and the record it must match.

    ``recorded`` is the trail as the workflow recorded it (history or archive). Events the
    record has beyond ``projected_through`` may simply not be written yet.
    """
    problems = chain_problems(stored)
    by_seq = {event.seq: event for event in stored}
    for seq, event in sorted(by_seq.items()):
        original = recorded.get(seq)
        if original is None:
            problems.append(_problem(ProblemKind.INSERTED, seq, "not in the recorded history"))
        elif original != event:
            fields = ", ".join(differing_fields(original, event))
            problems.append(_problem(ProblemKind.ALTERED, seq, f"differs from history: {fields}"))
    for seq in sorted(set(recorded) - set(by_seq)):
        if seq <= projected_through:
            problems.append(_problem(ProblemKind.REMOVED, seq, "in the history, not in the store"))
    return problems


def differing_fields(a: AuditEvent, b: AuditEvent) -> list[str]:
    left, right = a.model_dump(mode="json"), b.model_dump(mode="json")
    return sorted(key for key in left.keys() | right.keys() if left.get(key) != right.get(key))


def _problem(kind: ProblemKind, seq: int | None, detail: str) -> ChainProblem:
    where = f"event {seq}: " if seq is not None else ""
    return ChainProblem(kind=kind, seq=seq, detail=where + detail)
