"""Runs the Temporal worker: the complaint workflow and its activities."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from temporalio.client import Client
from temporalio.worker import Worker

from activities.archive import ArchiveActivities
from activities.notification import NotificationActivities
from activities.projection import ProjectionActivities
from audit.archiving import sweep_forever
from config.directory_loader import load_directory
from settings import Settings
from store.client import open_store
from store.complaints import ComplaintStore
from temporal_client import connect_temporal
from workflows.complaint import ComplaintWorkflow

log = logging.getLogger("ibtool.worker")


def build_worker(client: Client, store: ComplaintStore, settings: Settings) -> Worker:
    projection = ProjectionActivities(store)
    notification = NotificationActivities(settings, load_directory(settings.staff_file))
    archive = ArchiveActivities(client, store.archive)
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[ComplaintWorkflow],
        activities=[
            projection.project_complaint,
            notification.send_notification,
            archive.archive_history,
        ],
    )


async def run_worker(settings: Settings) -> None:
    client = await connect_temporal(settings)
    store = open_store(settings)
    await store.ensure_indexes()
    worker = build_worker(client, store, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    sweep = asyncio.create_task(
        sweep_forever(
            client,
            store.archive,
            task_queue=settings.task_queue,
            every=settings.archive_sweep_interval,
        )
    )
    try:
        async with worker:
            log.info("worker polling task queue %s", settings.task_queue)
            await stop.wait()
    finally:
        sweep.cancel()
        with contextlib.suppress(Exception):
            await store.close()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(run_worker(Settings()))


if __name__ == "__main__":
    main()
