"""After its retention a closed complaint's workflow completes: final, yet still readable."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import WorkflowExecutionStatus

from domain.enums import Action
from settings import Settings
from temporal_client import connect_temporal
from tests.api.harness import api_client, command_body, eventually, in_process_worker
from workflows.complaint import workflow_id


async def test_a_complaint_past_its_retention_refuses_changes_and_stays_readable(
    settings: Settings,
) -> None:
    settings = settings.model_copy(update={"closed_retention": timedelta(seconds=1)})
    client = await connect_temporal(settings)
    async with in_process_worker(settings), api_client(settings) as api:
        complaint_id = await api.create_id()
        assert (await api.act(complaint_id, command_body(Action.REJECT))).status_code == 200
        handle = client.get_workflow_handle(workflow_id(complaint_id))

        async def completed() -> bool | None:
            status = (await handle.describe()).status
            return True if status == WorkflowExecutionStatus.COMPLETED else None

        await eventually(completed, within=15.0, interval=0.2, what="the workflow completed")

        for action in (Action.REOPEN, Action.RECORD_SUBMISSION):
            response = await api.act(complaint_id, command_body(action))
            assert response.status_code == 409, (action, response.text)
            refusal = response.json()
            assert (refusal["status"], refusal["allowed_actions"]) == ("closed", [])
            assert "final" in refusal["error"]
        state = (await api.get(complaint_id)).json()
        assert (state["status"], state["outcome"], state["version"]) == (
            "closed",
            "not_a_complaint",
            2,
        )
        await api.wait_projected(complaint_id, 2)
        events = await api.wait_events(complaint_id, 2)
        assert [e["action"] for e in events] == ["create", "reject"]
