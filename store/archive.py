"""``HistoryArchive``: closed runs' Temporal histories, compressed, kept past Temporal's retention.

One document per archived version of a run, keyed by workflow id, run id and last event id,
so archiving the same history twice is a no-op and a longer history of the same run is a
new version. Readers take the longest version of each run.
"""

from __future__ import annotations

import gzip
import hashlib
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

Document = dict[str, Any]

ARCHIVE = "complaint_histories"
SWEEP_STATE = "archive_sweep"


class ArchiveCorrupt(ValueError):
    """An archived history no longer matches its sha256."""


class ArchivedRun(BaseModel):
    """What is known about one archived run without reading its history."""

    workflow_id: str
    run_id: str
    last_event_id: int
    started_at: AwareDatetime
    continued_from: str | None = None
    #: The history ends with the run's closing event (completed, continued-as-new, ...).
    complete: bool
    sha256: str
    size: int
    archived_at: AwareDatetime


def archive_id(workflow_id: str, run_id: str, last_event_id: int) -> str:
    return f"{workflow_id}:{run_id}:{last_event_id:010d}"


class HistoryArchive:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._runs = db[ARCHIVE]
        self._sweep = db[SWEEP_STATE]

    async def ensure_indexes(self) -> None:
        await self._runs.create_indexes(
            [
                IndexModel(
                    [
                        ("workflow_id", ASCENDING),
                        ("run_id", ASCENDING),
                        ("last_event_id", DESCENDING),
                    ]
                )
            ]
        )

    async def put(self, run: ArchivedRun, history_json: str) -> bool:
        """Store one version of a run's history; False when exactly this one is there."""
        data = history_json.encode()
        if hashlib.sha256(data).hexdigest() != run.sha256 or len(data) != run.size:
            raise ValueError("sha256 and size must describe history_json")
        doc = {
            "_id": archive_id(run.workflow_id, run.run_id, run.last_event_id),
            **run.model_dump(mode="python"),
            "history": gzip.compress(data, mtime=0),
        }
        try:
            await self._runs.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def runs(self, workflow_id: str) -> list[ArchivedRun]:
        """The longest version of each archived run of ``workflow_id``, oldest run first."""
        cursor = self._runs.find({"workflow_id": workflow_id}, {"history": 0}).sort(
            [("run_id", ASCENDING), ("last_event_id", DESCENDING)]
        )
        longest: dict[str, ArchivedRun] = {}
        async for doc in cursor:
            longest.setdefault(doc["run_id"], _run(doc))
        return sorted(longest.values(), key=lambda run: run.started_at)

    async def history(self, workflow_id: str, run_id: str) -> tuple[ArchivedRun, str] | None:
        """The longest archived history of one run, checked against its sha256."""
        doc = await self._runs.find_one(
            {"workflow_id": workflow_id, "run_id": run_id}, sort=[("last_event_id", DESCENDING)]
        )
        if doc is None:
            return None
        run = _run(doc)
        data = gzip.decompress(doc["history"])
        if hashlib.sha256(data).hexdigest() != run.sha256:
            raise ArchiveCorrupt(f"archived history of run {run_id} does not match its sha256")
        return run, data.decode()

    async def has_complete(self, workflow_id: str, run_id: str) -> bool:
        doc = await self._runs.find_one(
            {"workflow_id": workflow_id, "run_id": run_id, "complete": True}, {"_id": 1}
        )
        return doc is not None

    # -- the sweep's watermark ------------------------------------------------------------

    async def swept_until(self) -> datetime | None:
        doc = await self._sweep.find_one({"_id": "closed"})
        return None if doc is None else doc["until"]

    async def set_swept_until(self, until: datetime) -> None:
        await self._sweep.update_one({"_id": "closed"}, {"$set": {"until": until}}, upsert=True)


def _run(doc: Document) -> ArchivedRun:
    return ArchivedRun.model_validate({k: v for k, v in doc.items() if k not in {"_id", "history"}})
