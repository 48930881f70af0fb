"""After Temporal has deleted a closed complaint's workflow, the archive still answers:
history, replay, verification, the report and the state as of a moment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from settings import Settings
from temporal_client import connect_temporal
from tests.api.harness import api_client, eventually, in_process_worker
from tests.audit.support import lifecycle, problem_kinds, raw_events, verify, wait_completed
from tests.integration.test_archive import sweep_until_archived
from workflows.complaint import workflow_id


async def delete_from_temporal(client: Client, complaint_id: str) -> None:
    """What Temporal's retention does: the execution and its history are gone."""
    handle = client.get_workflow_handle(workflow_id(complaint_id))
    run_id = (await handle.describe()).run_id
    await client.workflow_service.delete_workflow_execution(
        DeleteWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=handle.id, run_id=run_id),
        )
    )

    async def gone() -> bool | None:
        try:
            await handle.describe()
        except RPCError as error:
            return True if error.status == RPCStatusCode.NOT_FOUND else None
        return None

    # Deletion is queued on the dev server: 10-35 s measured here, longer in a busy session.
    await eventually(gone, within=90.0, interval=0.5, what="the workflow deleted")


@pytest.mark.timeout(240)  # the server's deletion queue is slow (see delete_from_temporal)
async def test_a_deleted_workflow_stays_auditable_from_the_archive(settings: Settings) -> None:
    settings = settings.model_copy(update={"closed_retention": timedelta(seconds=1)})
    client = await connect_temporal(settings)
    async with in_process_worker(settings), api_client(settings) as api:
        complaint_id = await lifecycle(api, steps=7)  # ... close: closed and signed
        await wait_completed(client, complaint_id)
        before = {
            "timeline": (
                await api.http.get(f"/complaints/{complaint_id}/history?limit=500")
            ).json(),
            "state": (await api.get(complaint_id)).json(),
        }
        events = (await api.events(complaint_id)).json()["items"]
        await sweep_until_archived(client, api.store.archive, settings.task_queue)
        await delete_from_temporal(client, complaint_id)

        history = await api.http.get(f"/complaints/{complaint_id}/history?limit=500")
        assert history.status_code == 200, history.text
        after = history.json()
        assert [run["source"] for run in after["runs"]] == ["archive"]
        assert after["items"] == before["timeline"]["items"]
        assert after["items"][-1]["kind"] == "workflow_completed"

        replay = (await api.http.post(f"/complaints/{complaint_id}/replay")).json()
        assert replay["deterministic"] is True and replay["differences"] == []
        assert replay["matches_live_state"] is None, "nothing live to compare with"
        assert replay["matches_projection"] is True
        assert replay["replayed_state"]["version"] == before["state"]["version"] == 8

        assert (await verify(api, complaint_id))["sources"] == ["archive"]
        assert (await verify(api, complaint_id))["ok"] is True
        report = await api.http.get(f"/complaints/{complaint_id}/audit-report")
        assert report.status_code == 200 and "Ana Lima" in report.text

        moment = events[3]["at"]
        then = await api.http.get(f"/complaints/{complaint_id}", params={"as_of": moment})
        assert then.status_code == 200, then.text
        assert (then.json()["version"], then.json()["status"]) == (4, events[3]["status_after"])

        raw_events(settings).delete_one({"complaint_id": complaint_id, "seq": 5})
        tampered = await verify(api, complaint_id)
        assert ("removed", 5) in problem_kinds(tampered), "checked against the archive"
