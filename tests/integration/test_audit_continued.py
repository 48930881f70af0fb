"""A complaint that continued as new shows, replays and verifies its whole history."""

from __future__ import annotations

from datetime import datetime

from domain.enums import Action
from settings import Settings
from temporal_client import connect_temporal
from tests.api.harness import api_client, command_body, eventually, in_process_worker
from tests.audit.support import verify
from workflows.complaint import workflow_id


async def test_history_replay_verify_and_as_of_follow_the_chain_of_runs(
    settings: Settings,
) -> None:
    settings = settings.model_copy(update={"continue_as_new_after_events": 100})
    client = await connect_temporal(settings)
    async with in_process_worker(settings), api_client(settings) as api:
        complaint_id = await api.create_id()
        handle = client.get_workflow_handle(workflow_id(complaint_id))
        first_run = (await handle.describe()).run_id
        assert (await api.act(complaint_id, command_body(Action.TRIAGE))).status_code == 200
        version = 2
        while (await handle.describe()).run_id == first_run:
            note = command_body(Action.ADD_NOTE, text=f"note {version}")
            assert (await api.act(complaint_id, note)).status_code == 200
            version += 1
            assert version < 80, "never continued as new"
        note = command_body(Action.ADD_NOTE, text="after the new run began")
        assert (await api.act(complaint_id, note)).status_code == 200
        version += 1
        await api.wait_projected(complaint_id, version)

        async def two_runs_listed() -> dict | None:
            page = (await api.http.get(f"/complaints/{complaint_id}/history?limit=500")).json()
            return page if len(page["runs"]) == 2 and page["next_cursor"] is None else None

        page = await eventually(two_runs_listed, within=10.0, what="both runs")
        assert page["runs"][0]["run_id"] == first_run
        assert page["runs"][1]["continued_from"] == first_run
        kinds = [item["kind"] for item in page["items"]]
        assert kinds.count("workflow_started") == 2 and "continued_as_new" in kinds
        notes = [
            i["details"]["command"]["text"]
            for i in page["items"]
            if i["kind"] == "update_accepted" and i["details"]["command"]["action"] == "add_note"
        ]
        assert len(notes) == version - 2 and notes[-1] == "after the new run began"

        replay = (await api.http.post(f"/complaints/{complaint_id}/replay")).json()
        assert (replay["runs"], replay["deterministic"], replay["differences"]) == (2, True, [])
        assert replay["replayed_state"]["version"] == version
        assert replay["matches_live_state"] is True and replay["matches_projection"] is True
        report = await verify(api, complaint_id)
        assert report["ok"] is True, report["problems"]
        assert report["stored_events"] == version

        # A moment in the first run is rebuilt from the first run's history.
        events = (await api.events(complaint_id)).json()["items"]
        early = events[4]
        then = await api.http.get(f"/complaints/{complaint_id}", params={"as_of": early["at"]})
        assert then.status_code == 200 and then.json()["version"] == early["seq"]
        assert datetime.fromisoformat(then.json()["updated_at"]) == datetime.fromisoformat(
            early["at"]
        )
