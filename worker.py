"""Runs the Temporal worker: the complaint workflow and its activities."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker

from activities.archive import ArchiveActivities
from activities.notification import NotificationActivities
from activities.projection import ProjectionActivities
from audit.archiving import sweep_forever
from config.directory_loader import load_directory
from settings import Settings
from store.client import open_store
from store.complaints import ComplaintStore
from telemetry.logs import configure_logging
from telemetry.tracing import configure_tracing
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


def metrics_runtime(settings: Settings) -> Runtime | None:
    """A Temporal runtime serving Prometheus metrics at ``worker_metrics_address``: the SDK's
    (task latencies, slots, polls) and IBTool's own (``ibtool_projection_*``)."""
    if not settings.worker_metrics_address:
        return None
    prometheus = PrometheusConfig(
        bind_address=settings.worker_metrics_address,
        counters_total_suffix=True,
        durations_as_seconds=True,
    )
    return Runtime(telemetry=TelemetryConfig(metrics=prometheus))


async def run_worker(settings: Settings) -> None:
    configure_tracing(settings, service="ibtool-worker")
    client = await connect_temporal(settings, runtime=metrics_runtime(settings))
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
    configure_logging()
    asyncio.run(run_worker(Settings()))


if __name__ == "__main__":
    main()
