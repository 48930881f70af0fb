"""PHI (patient details, complainant contact) never rests in plaintext outside the workflow.

- Temporal's history, as the server holds it (``temporal workflow show`` without a codec),
  has none of it; through the codec server the same command shows it.
- The store holds none of it after a full lifecycle; list views show none of it; the
  detail view (read from the workflow) shows it.
- A worker restarted with a rotated key set continues a workflow begun under the old key,
  and one with the codec continues a workflow begun before the codec existed.
"""

from __future__ import annotations

import asyncio
import json

from bson import json_util
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from devstack.temporal_server import temporal_cli
from domain.enums import Action
from domain.messages import ComplaintInput, TransitionRequest
from encryption.codec import ENCODING, KEY_ID
from encryption.keys import format_keys, new_key_ring
from settings import Settings
from store.client import open_store
from temporal_client import connect_temporal
from tests.api.harness import FULL_LIFECYCLE, Api, api_client, command_body, in_process_worker
from tests.api.harness import unique as unique_tag
from tests.domain.factories import ACTOR, command, intake
from tests.phi import (
    PHI_PATIENT,
    found,
    history_blobs,
    patient_in,
    payloads_in,
    phi_intake,
    phi_values,
)
from tests.servers import TemporalDevServer
from worker import build_worker
from workflows.complaint import ComplaintWorkflow, workflow_id


async def drive_full_lifecycle(api: Api, complaint_id: str) -> None:
    for action, status in FULL_LIFECYCLE:
        response = await api.act(complaint_id, command_body(action))
        assert response.status_code == 200, (action, response.text)
        assert response.json()["status"] == status


async def stored_documents(api: Api) -> list[bytes]:
    db = api.store.db
    return [
        json_util.dumps(doc).encode()
        for name in await db.list_collection_names()
        async for doc in db[name].find()
    ]


async def temporal_show(server: TemporalDevServer, complaint_id: str, *options: str) -> bytes:
    """``temporal workflow show --output json``: the history as an operator's tool sees it."""
    process = await asyncio.create_subprocess_exec(
        str(temporal_cli()),
        "workflow",
        "show",
        "--workflow-id",
        workflow_id(complaint_id),
        "--address",
        server.address,
        "--namespace",
        server.namespace,
        "--output",
        "json",
        *options,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    json.loads(out)  # it is JSON, so the search also looks into its base64 strings
    return out


async def test_history_holds_no_phi_unless_decoded_through_the_codec_server(
    api: Api, temporal_dev_server: TemporalDevServer
) -> None:
    overrides = phi_intake(unique_tag())
    complaint_id = await api.create_id(**overrides)
    await drive_full_lifecycle(api, complaint_id)
    secrets = phi_values(overrides)

    raw = await temporal_show(temporal_dev_server, complaint_id)
    assert found(secrets, [raw]) == set()
    assert not patient_in([raw])
    assert b"binary/encrypted" not in raw  # metadata is base64 in the dump...
    assert found(["binary/encrypted"], [raw]) == {"binary/encrypted"}  # ...and found in it

    headers = [f"--codec-header={name}={value}" for name, value in api.identity_headers().items()]
    decoded = await temporal_show(
        temporal_dev_server, complaint_id, f"--codec-endpoint={api.base_url}/codec", *headers
    )
    assert found(secrets, [decoded]) == set(secrets)
    assert patient_in([decoded])


async def test_the_store_holds_no_phi_after_a_full_lifecycle(api: Api) -> None:
    overrides = phi_intake(unique_tag())
    complaint_id = await api.create_id(**overrides)
    await drive_full_lifecycle(api, complaint_id)
    final = len(FULL_LIFECYCLE) + 1
    await api.wait_projected(complaint_id, final)
    await api.wait_events(complaint_id, final)
    secrets = phi_values(overrides)

    documents = await stored_documents(api)
    assert any(complaint_id.encode() in doc for doc in documents)
    assert found(secrets, documents) == set()
    assert not any(b'"patient"' in doc or b'"sex"' in doc for doc in documents)
    assert not patient_in(documents)

    listed = await api.http.get("/complaints", params={"q": complaint_id})
    events = await api.events(complaint_id)
    for response in (listed, events):
        assert response.status_code == 200
        assert found(secrets, [response.content]) == set()
        assert '"patient"' not in response.text
    detail = await api.get(complaint_id)
    assert found(secrets, [detail.content]) == set(secrets)
    assert detail.json()["intake"]["patient"] == PHI_PATIENT
    assert detail.headers["cache-control"] == "no-store"


def with_keys(settings: Settings, keys: str, active: str | None = None) -> Settings:
    return settings.model_copy(update={"codec_keys": SecretStr(keys), "codec_active_key": active})


async def test_a_worker_restarted_with_rotated_keys_continues_the_workflow(
    settings: Settings,
) -> None:
    before = new_key_ring()
    after = before.with_new_active()
    old, new = with_keys(settings, format_keys(before)), with_keys(settings, format_keys(after))
    overrides = phi_intake(unique_tag())

    async with in_process_worker(old), api_client(old) as api:
        complaint_id = await api.create_id(**overrides)
        triage = await api.act(complaint_id, command_body(FULL_LIFECYCLE[0][0]))
        assert triage.status_code == 200, triage.text

    # A new worker (empty cache) replays the history written under the old key.
    async with in_process_worker(new), api_client(new) as api:
        for action, status in FULL_LIFECYCLE[1:4]:
            response = await api.act(complaint_id, command_body(action))
            assert response.status_code == 200, (action, response.text)
            assert response.json()["status"] == status
        detail = (await api.get(complaint_id)).json()
        assert found(phi_values(overrides), [json.dumps(detail).encode()]) == set(
            phi_values(overrides)
        )

    client = await connect_temporal(new)
    history = await client.get_workflow_handle(workflow_id(complaint_id)).fetch_history()
    key_ids = {
        payload.metadata[KEY_ID].decode()
        for event in history.events
        for payload in payloads_in(event)
        if KEY_ID in payload.metadata
    }
    assert key_ids == {before.active, after.active}
    blobs = await history_blobs(client, complaint_id, codec=client.data_converter.payload_codec)
    assert found(phi_values(overrides), blobs) == set(phi_values(overrides))


async def test_a_history_written_before_the_codec_continues_under_it(settings: Settings) -> None:
    """Plain payloads pass through the codec's decode, so a pre-codec workflow replays."""
    overrides = phi_intake(unique_tag())
    complaint_id = f"C-{unique_tag()}"
    plain = await Client.connect(settings.temporal_address, data_converter=pydantic_data_converter)
    store = open_store(settings)
    try:
        async with build_worker(plain, store, settings):
            handle = await plain.start_workflow(
                ComplaintWorkflow.run,
                ComplaintInput(complaint_id=complaint_id, intake=intake(**overrides), actor=ACTOR),
                id=workflow_id(complaint_id),
                task_queue=settings.task_queue,
            )
            request = TransitionRequest(command=command(Action.TRIAGE), actor=ACTOR)
            await handle.execute_update(ComplaintWorkflow.transition, request)
    finally:
        await store.close()

    async with in_process_worker(settings), api_client(settings) as api:
        response = await api.act(complaint_id, command_body(Action.REQUEST_INFO))
        assert response.status_code == 200, response.text
        assert response.json()["version"] == 3
        detail = await api.get(complaint_id)
        assert found(phi_values(overrides), [detail.content]) == set(phi_values(overrides))

    history = await plain.get_workflow_handle(workflow_id(complaint_id)).fetch_history()
    encodings = {p.metadata["encoding"] for e in history.events for p in payloads_in(e)}
    assert {b"json/plain", ENCODING} <= encodings  # written before, and after
