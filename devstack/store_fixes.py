"""A fix for mongoeco 4.11's SQLite engine, applied by the embedded store's process only.

On every insert and upsert the engine reads and decodes *every* document of the
collection to look for a duplicate ``_id`` (``scan_payload_id=True``), so each write costs
time in proportion to the collection: ~30 ms at 2,000 complaints, and seeding 10,000 would
take a quarter of an hour. That scan is there for numeric ids, whose logical equality
(``1 == 1.0``) a storage-key lookup cannot see. For any other id (ours are strings) the
engine's own exact lookup by storage key, which runs first, already decides; the scan is
skipped for them and kept for numeric ids.
"""

from __future__ import annotations

import functools
from typing import Any

from mongoeco.core.identity import id_contains_numeric_value
from mongoeco.engines import SQLiteEngine

_original = SQLiteEngine._validate_document_against_unique_indexes


@functools.wraps(_original)
def _validate(self: SQLiteEngine, *args: Any, **kwargs: Any) -> None:
    document = args[2] if len(args) > 2 else kwargs.get("document", {})
    if kwargs.get("scan_payload_id") and not id_contains_numeric_value(document.get("_id")):
        kwargs["scan_payload_id"] = False
    _original(self, *args, **kwargs)


def apply() -> None:
    SQLiteEngine._validate_document_against_unique_indexes = _validate  # type: ignore[method-assign]
