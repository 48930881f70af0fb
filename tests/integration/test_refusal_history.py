"""On the dev server, a refused transition (409) leaves the workflow's history untouched.

The update's validator rejects it before it is accepted, and the dev server drops the
speculative workflow task that carried it, so not even a workflow task is recorded.
"""

from __future__ import annotations

import asyncio

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from domain.enums import Action
from settings import Settings
from temporal_client import connect_temporal
from tests.api.harness import Api, command_body, eventually
from workflows.complaint import workflow_id

#: How long the history must stay the same length to count as settled.
QUIET = 0.5


async def history(client: Client, complaint_id: str) -> list[HistoryEvent]:
    fetched = await client.get_workflow_handle(workflow_id(complaint_id)).fetch_history()
    return list(fetched.events)


async def settled_history(client: Client, complaint_id: str) -> list[HistoryEvent]:
    """The history once its length has not changed for ``QUIET`` seconds."""
    seen: list[list[HistoryEvent]] = []

    async def quiet() -> list[HistoryEvent] | None:
        seen.append(await history(client, complaint_id))
        recent = seen[-int(QUIET / 0.1) - 1 :]
        if len(recent) > QUIET / 0.1 and len({len(events) for events in recent}) == 1:
            return recent[-1]
        return None

    return await eventually(quiet, within=10.0, interval=0.1, what="a settled history")


async def test_a_refused_transition_adds_no_history_event(api: Api, settings: Settings) -> None:
    client = await connect_temporal(settings)
    complaint_id = await api.create_id()
    for action in (Action.TRIAGE, Action.ADD_NOTE):
        assert (await api.act(complaint_id, command_body(action))).status_code == 200
    await api.wait_projected(complaint_id, 3)
    before = await settled_history(client, complaint_id)
    update_completed = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED
    # Two accepted transitions show in history: a third, refused one would show too.
    assert [e.event_type for e in before].count(update_completed) == 2

    for refused in (Action.REOPEN, Action.CLOSE, Action.RECEIVE_INFO):
        response = await api.act(complaint_id, command_body(refused))
        assert response.status_code == 409, (refused, response.text)
    await asyncio.sleep(QUIET)  # anything the refusals caused has had time to land
    after = await history(client, complaint_id)

    assert len(after) == len(before), [EventType.Name(e.event_type) for e in after[len(before) :]]
    assert [e.event_id for e in after] == [e.event_id for e in before]
    state = (await api.get(complaint_id)).json()
    assert (state["status"], state["version"]) == ("investigation", 3)
