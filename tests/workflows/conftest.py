"""A real worker on the time-skipping server, projecting into the real wire-protocol store."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.complaint import ComplaintState
from domain.messages import ComplaintInput, WorkflowOptions
from settings import Settings
from store.client import open_store
from store.complaints import ComplaintStore
from tests.domain.factories import ACTOR, intake
from tests.servers import (
    TEST_CODEC_KEYS,
    MongoStore,
    SmtpSinkProcess,
    TemporalDevServer,
    start_time_skipping_env,
    suite_converter,
)
from worker import build_worker
from workflows.complaint import ComplaintWorkflow, workflow_id


@dataclass
class Harness:
    env: WorkflowEnvironment | None  # set when the server skips time
    client: Client
    store: ComplaintStore
    task_queue: str
    smtp: SmtpSinkProcess
    started: list[str] = field(default_factory=list)

    @property
    def time(self) -> WorkflowEnvironment:
        """The time-skipping environment (only ``skipping_harness`` has one)."""
        assert self.env is not None, "this test needs skipping_harness"
        return self.env

    async def start(
        self,
        *,
        options: WorkflowOptions | None = None,
        complaint_id: str | None = None,
        **intake_overrides: object,
    ) -> WorkflowHandle[ComplaintWorkflow, ComplaintState]:
        complaint_id = complaint_id or f"C-{uuid.uuid4().hex[:12].upper()}"
        await self.client.start_workflow(
            ComplaintWorkflow.run,
            ComplaintInput(
                complaint_id=complaint_id,
                intake=intake(**intake_overrides),
                actor=ACTOR,
                options=options or WorkflowOptions(),
            ),
            id=workflow_id(complaint_id),
            task_queue=self.task_queue,
        )
        self.started.append(workflow_id(complaint_id))
        # Like the API: address the workflow id, so calls follow it across continue-as-new.
        return self.client.get_workflow_handle_for(ComplaintWorkflow.run, workflow_id(complaint_id))


@contextlib.asynccontextmanager
async def running_harness(
    client: Client,
    server: MongoStore,
    smtp: SmtpSinkProcess,
    *,
    env: WorkflowEnvironment | None = None,
) -> AsyncIterator[Harness]:
    settings = Settings(
        mongo_uri=server.uri,
        mongo_db=f"wf_{uuid.uuid4().hex[:10]}",
        task_queue=f"wf-{uuid.uuid4()}",
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        codec_keys=TEST_CODEC_KEYS,
    )
    store = open_store(settings)
    await store.ensure_indexes()
    harness = Harness(
        env=env, client=client, store=store, task_queue=settings.task_queue, smtp=smtp
    )
    async with build_worker(client, store, settings):
        yield harness
        # The server is shared: leave nothing running for the next test.
        for started in harness.started:
            with contextlib.suppress(RPCError):
                await client.get_workflow_handle(started).terminate("test finished")
    await store.db.client.drop_database(settings.mongo_db)  # keep the shared store small
    await store.close()


@pytest.fixture
async def harness(
    temporal_dev_server: TemporalDevServer, mongo_store: MongoStore, smtp_sink: SmtpSinkProcess
) -> AsyncIterator[Harness]:
    """A worker on the dev server, for tests that need no time skipped."""
    client = await Client.connect(temporal_dev_server.address, data_converter=suite_converter())
    async with running_harness(client, mongo_store, smtp_sink) as harness:
        yield harness


@pytest.fixture
async def skipping_harness(
    mongo_store: MongoStore, smtp_sink: SmtpSinkProcess
) -> AsyncIterator[Harness]:
    """A harness on a time-skipping server of its own, for tests that skip time.

    The test server stops skipping time for good once any update has been rejected
    (seen with temporal-test-server 1.40), so tests that skip days get a clean server.
    """
    env = await start_time_skipping_env()
    try:
        async with running_harness(env.client, mongo_store, smtp_sink, env=env) as harness:
            yield harness
    finally:
        await env.shutdown()
