"""What an electronic signature binds to: a hash over the canonical form of the signed act."""

from __future__ import annotations

import hashlib
import json

from domain.actions import Command


def signed_content_hash(*, complaint_id: str, command: Command) -> str:
    """sha256 over sorted-key JSON of the complaint id and the action's fields (no secret)."""
    content = {"complaint_id": complaint_id, **command.model_dump(mode="json")}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
