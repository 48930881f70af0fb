"""Archives the calling workflow run's history into the store (see audit.archiving)."""

from __future__ import annotations

from temporalio import activity
from temporalio.client import Client

from audit.archiving import archive_run
from domain.messages import ArchiveReceipt, ArchiveRequest
from store.archive import HistoryArchive


class ArchiveActivities:
    def __init__(self, client: Client, archive: HistoryArchive) -> None:
        self._client = client
        self._archive = archive

    @activity.defn(name="archive_history")
    async def archive_history(self, request: ArchiveRequest) -> ArchiveReceipt:
        """The history so far of the run that asks: idempotent, so a retry adds nothing."""
        info = activity.info()
        if info.workflow_id is None or info.workflow_run_id is None:
            raise RuntimeError("archive_history runs only on behalf of a workflow")
        run = await archive_run(
            self._client, self._archive, workflow_id=info.workflow_id, run_id=info.workflow_run_id
        )
        return ArchiveReceipt(run_id=run.run_id, last_event_id=run.last_event_id, sha256=run.sha256)
