"""Writes a complaint's projection (list summary and audit events) to the store."""

from __future__ import annotations

from datetime import UTC, datetime

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
        _observe(batch, written=written)
        activity.logger.debug(
            "projected %s v%d: %d new events, summary %s",
            batch.summary.id,
            batch.summary.version,
            inserted,
            "written" if written else "already newer",
        )


def _observe(batch: ProjectionBatch, *, written: bool) -> None:
    """``ibtool_projection_lag_seconds``: from the change (``updated_at``, workflow time) to
    its summary being stored; ``ibtool_projections_total`` by result (written/stale)."""
    meter = activity.metric_meter()
    result = "written" if written else "stale"
    meter.create_counter("ibtool_projections", "projection writes by result").add(
        1, {"result": result}
    )
    if written:
        lag = (datetime.now(UTC) - batch.summary.updated_at).total_seconds()
        meter.create_histogram_float(
            "ibtool_projection_lag", "seconds from a change to its stored summary", "seconds"
        ).record(max(lag, 0.0))
