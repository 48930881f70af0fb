from __future__ import annotations

import uuid
from datetime import timedelta

from temporalio.api.enums.v1 import NamespaceState
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, GetSystemInfoRequest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from settings import Settings
from temporal_client import connect_temporal
from tests.servers import TemporalDevServer


async def _connect(server: TemporalDevServer) -> Client:
    return await Client.connect(server.address, namespace=server.namespace)


async def test_default_namespace_is_registered(temporal_dev_server: TemporalDevServer) -> None:
    client = await _connect(temporal_dev_server)
    described = await client.workflow_service.describe_namespace(
        DescribeNamespaceRequest(namespace="default")
    )
    assert described.namespace_info.name == "default"
    assert described.namespace_info.state == NamespaceState.NAMESPACE_STATE_REGISTERED


async def test_restart_keeps_workflows(temporal_dev_server: TemporalDevServer) -> None:
    """A workflow started before the restart is still running after it (SQLite file)."""
    workflow_id = f"devstack-probe-{uuid.uuid4().hex[:8]}"
    client = await _connect(temporal_dev_server)
    await client.start_workflow(
        "DevstackProbe", id=workflow_id, task_queue=f"nobody-polls-{workflow_id}"
    )

    temporal_dev_server.restart()

    client = await _connect(temporal_dev_server)
    handle = client.get_workflow_handle(workflow_id)
    description = await handle.describe()
    assert description.status == WorkflowExecutionStatus.RUNNING
    await handle.terminate(reason="test done")
    assert (await handle.describe()).status == WorkflowExecutionStatus.TERMINATED


async def test_settings_fixture_points_at_the_test_servers(
    settings: Settings, temporal_dev_server: TemporalDevServer
) -> None:
    assert settings.temporal_address == temporal_dev_server.address
    assert settings.task_queue.startswith("test-")
    client = await connect_temporal(settings)
    assert client.namespace == "default"
    await client.workflow_service.get_system_info(GetSystemInfoRequest())


async def test_time_skipping_env_skips_days(time_skipping_env: WorkflowEnvironment) -> None:
    before = await time_skipping_env.get_current_time()
    await time_skipping_env.sleep(timedelta(days=5))
    after = await time_skipping_env.get_current_time()
    assert after - before >= timedelta(days=5)
