"""A closed complaint's history is archived by its workflow and, complete, by the sweep."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client

from audit.archiving import sweep_closed
from domain.enums import Action
from settings import Settings
from store.archive import HistoryArchive
from temporal_client import connect_temporal
from tests.api.harness import Api, api_client, command_body, eventually, in_process_worker
from tests.audit.support import wait_completed
from workflows.complaint import workflow_id


async def completed_complaint(api: Api, client: Client) -> str:
    complaint_id = await api.create_id()
    assert (await api.act(complaint_id, command_body(Action.REJECT))).status_code == 200
    await wait_completed(client, complaint_id)
    return complaint_id


async def sweep_until_archived(client: Client, archive: HistoryArchive, task_queue: str) -> int:
    """Sweep until visibility lists the closed run (it is eventually consistent)."""
    total = 0

    async def swept() -> bool | None:
        nonlocal total
        total += (await sweep_closed(client, archive, task_queue=task_queue)).archived
        return True if total else None

    await eventually(swept, within=15.0, interval=0.3, what="the sweep archived the run")
    return total


async def test_the_workflow_archives_itself_and_the_sweep_completes_it(settings: Settings) -> None:
    settings = settings.model_copy(update={"closed_retention": timedelta(seconds=1)})
    client = await connect_temporal(settings)
    async with in_process_worker(settings), api_client(settings) as api:
        complaint_id = await completed_complaint(api, client)
        archive = api.store.archive
        handle = client.get_workflow_handle(workflow_id(complaint_id))
        live = await handle.fetch_history()

        [own] = await archive.runs(handle.id)
        assert (own.run_id, own.complete) == (live.run_id, False), "archived before completing"
        assert own.last_event_id < live.events[-1].event_id

        assert await sweep_until_archived(client, archive, settings.task_queue) == 1
        [complete] = await archive.runs(handle.id)
        assert complete.complete and complete.last_event_id == live.events[-1].event_id
        found = await archive.history(handle.id, live.run_id)
        assert found is not None and found[1] == live.to_json()

        again = await sweep_closed(client, archive, task_queue=settings.task_queue)
        assert (again.seen, again.archived) == (1, 0), "a second sweep adds nothing"
        versions = await api.store.db["complaint_histories"].count_documents({})
        assert versions == 2  # the workflow's own copy and the complete one
