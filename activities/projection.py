"""Writes a complaint's projection (list summary and audit events) to the store."""

from __future__ import annotations

from temporalio import activity

from domain.messages import ProjectionBatch
from store import ComplaintStore


class ProjectionActivities:
    def __init__(self, store: ComplaintStore) -> None:
        self._store = store

    @activity.defn(name="project_complaint")
    async def project_complaint(self, batch: ProjectionBatch) -> None:
        """Events first, then the summary: a visible summary version implies its events.

        Both writes are idempotent, so a retried or repeated batch changes nothing, and a
        stale batch never overwrites a newer summary.
        """
        inserted = await self._store.append_events(batch.events)
        written = await self._store.upsert_summary(batch.summary)
        activity.logger.debug(
            "projected %s v%d: %d new events, summary %s",
            batch.summary.id,
            batch.summary.version,
            inserted,
            "written" if written else "already newer",
        )
