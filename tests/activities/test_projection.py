"""The projection activity, run by Temporal's activity environment against a real store."""

from __future__ import annotations

import pytest
from temporalio.testing import ActivityEnvironment

from activities.projection import ProjectionActivities
from domain.audit import AuditEvent
from domain.messages import ProjectionBatch
from store import ComplaintStore
from tests.store.builders import history


async def project(store: ComplaintStore, batch: ProjectionBatch) -> None:
    activities = ProjectionActivities(store)
    await ActivityEnvironment().run(activities.project_complaint, batch)


async def test_projects_summary_and_events(store: ComplaintStore) -> None:
    summaries, events = history("C-PROJ")

    await project(store, ProjectionBatch(summary=summaries[0], events=events[:1]))
    await project(store, ProjectionBatch(summary=summaries[2], events=events[1:]))

    assert await store.get_summary("C-PROJ") == summaries[2]
    assert await store.events("C-PROJ") == events


async def test_replayed_and_stale_batches_change_nothing(store: ComplaintStore) -> None:
    summaries, events = history("C-REPLAY")
    latest = ProjectionBatch(summary=summaries[2], events=events)
    await project(store, latest)

    await project(store, latest)
    await project(store, ProjectionBatch(summary=summaries[1], events=events[:2]))

    assert await store.get_summary("C-REPLAY") == summaries[2]
    assert await store.events("C-REPLAY") == events


class EventsDown(ComplaintStore):
    async def append_events(self, events: list[AuditEvent]) -> int:
        raise ConnectionError("store unreachable")


async def test_no_summary_is_visible_before_its_events(store: ComplaintStore) -> None:
    summaries, events = history("C-ORDER")
    broken = EventsDown(store.db)

    with pytest.raises(ConnectionError):
        await project(broken, ProjectionBatch(summary=summaries[0], events=events[:1]))
    assert not await store.exists("C-ORDER")

    await project(store, ProjectionBatch(summary=summaries[0], events=events[:1]))
    assert await store.exists("C-ORDER")
