"""Signing secrets stay in the API process: never in history, the store or any answer."""

from __future__ import annotations

from typing import Any

from domain.enums import Action
from settings import Settings
from temporal_client import connect_temporal
from tests.api.harness import Api, command_body, unique
from tests.phi import history_blobs

PRINTED_NAME = "Ana Lima"


async def history_bytes(settings: Settings, complaint_id: str) -> list[bytes]:
    """Raw events and their decrypted payloads: a secret is in neither."""
    client = await connect_temporal(settings)
    return await history_blobs(client, complaint_id, codec=client.data_converter.payload_codec)


async def stored_documents(api: Api) -> list[dict[str, Any]]:
    db = api.store.db
    return [doc for name in await db.list_collection_names() async for doc in db[name].find()]


async def test_signing_secrets_reach_neither_history_nor_store(
    api: Api, settings: Settings
) -> None:
    password = unique("pw-")
    await api.user(name=PRINTED_NAME, password=password)  # ana, who signs
    token = await api.token(name=PRINTED_NAME)  # just issued: a valid re-auth token
    closed = await api.create_id()
    for action in (Action.TRIAGE, Action.COMPLETE_INVESTIGATION):
        assert (await api.act(closed, command_body(action), name=PRINTED_NAME)).status_code == 200
    waive = command_body(Action.CLOSE_WITHOUT_INVESTIGATION, secret=password)
    refused = await api.act(closed, waive, name=PRINTED_NAME)
    assert refused.status_code == 409 and password not in refused.text
    wrong = command_body(Action.CLOSE, secret=password + "x")
    forbidden = await api.act(closed, wrong, name=PRINTED_NAME)
    assert forbidden.status_code == 403 and password not in forbidden.text
    both = {"meaning": "approval", "password": password, "reauth_token": token}
    invalid = await api.act(closed, {**command_body(Action.CLOSE), "signature": both})
    assert invalid.status_code == 422 and password not in invalid.text and token not in invalid.text
    close = await api.act(closed, command_body(Action.CLOSE, secret=password), name=PRINTED_NAME)
    assert close.status_code == 200, close.text

    waived = await api.create_id()
    sent = command_body(Action.CLOSE_WITHOUT_INVESTIGATION)
    sent["signature"] = {"meaning": "review", "reauth_token": token}
    response = await api.act(waived, sent, name=PRINTED_NAME)
    assert response.status_code == 200, response.text
    assert [s["meaning"] for s in response.json()["signatures"]] == ["review"]

    await api.wait_projected(closed, 4)
    await api.wait_projected(waived, 2)
    for complaint_id in (closed, waived):
        events = await history_bytes(settings, complaint_id)
        assert any(PRINTED_NAME.encode() in event for event in events)  # the search can see
        assert not any(password.encode() in e or token.encode() in e for e in events)
        for answer in (await api.get(complaint_id), await api.events(complaint_id)):
            assert password not in answer.text and token not in answer.text
            assert PRINTED_NAME in answer.text
    documents = [repr(doc) for doc in await stored_documents(api)]
    assert any(PRINTED_NAME in doc for doc in documents)
    assert not any(password in doc or token in doc for doc in documents)
