"""The audit trail is the same everywhere, its signatures are recorded, and tampering with
the store shows: altered, removed or inserted events are each reported."""

from __future__ import annotations

from typing import Any

import pytest

from audit.decode import PayloadDecoder
from audit.trail import recorded_trail
from domain.chain import event_hash
from domain.enums import Action
from settings import Settings
from temporal_client import connect_temporal, data_converter
from tests.api.harness import Api, command_body
from tests.audit.support import Auditor, lifecycle, problem_kinds, raw_events, verify
from workflows.complaint import ComplaintWorkflow, workflow_id


async def test_events_are_identical_in_state_history_and_store(
    api: Api, settings: Settings
) -> None:
    complaint_id = await lifecycle(api)
    client = await connect_temporal(settings)
    handle = client.get_workflow_handle_for(ComplaintWorkflow.run, workflow_id(complaint_id))
    in_state = (await handle.query(ComplaintWorkflow.state)).recent_events
    async with Auditor(settings) as audit:
        chain = await audit.chain(complaint_id)
        in_history = await recorded_trail(chain, PayloadDecoder(data_converter(settings)))
        in_store = await audit.stored_events(complaint_id)
    assert [e.seq for e in in_store] == list(range(1, 12))
    assert in_state == in_store
    assert [in_history.events[seq] for seq in sorted(in_history.events)] == in_store
    for event in in_store:
        assert event.hash == event_hash(event)
        assert event.actor.user_id and event.actor.name and isinstance(event.actor.roles, list)
    assert [e.prev_hash for e in in_store[1:]] == [e.hash for e in in_store[:-1]]
    timeline = (await api.http.get(f"/complaints/{complaint_id}/history?limit=500")).json()
    results = [
        event
        for item in timeline["items"]
        if item["kind"] == "update_completed"
        for event in item["details"]["events"]
    ]
    assert results == [e.model_dump(mode="json") for e in in_store[1:]], "update results too"
    triage = in_store[1]
    assert {c.field: (c.old, c.new) for c in triage.changes}["status"] == (
        "triage",
        "investigation",
    )
    assert (await verify(api, complaint_id))["ok"] is True


def alter(collection: Any, complaint_id: str) -> None:
    collection.update_one({"complaint_id": complaint_id, "seq": 3}, {"$set": {"reason": "x"}})


def alter_and_rehash(collection: Any, complaint_id: str) -> None:
    from domain.audit import AuditEvent

    doc = collection.find_one({"complaint_id": complaint_id, "seq": 3})
    event = AuditEvent.model_validate({k: v for k, v in doc.items() if k != "_id"})
    event.reason = "nothing happened"
    event.hash = event_hash(event)
    collection.replace_one(
        {"_id": doc["_id"]}, {"_id": doc["_id"], **event.model_dump(mode="json")}
    )


def delete(collection: Any, complaint_id: str) -> None:
    collection.delete_one({"complaint_id": complaint_id, "seq": 3})


def insert_forged(collection: Any, complaint_id: str) -> None:
    """A well-made forgery: next seq, linked to the real head, with a correct own hash."""
    from domain.audit import AuditEvent

    last = collection.find_one({"complaint_id": complaint_id}, sort=[("seq", -1)])
    forged = AuditEvent.model_validate({k: v for k, v in last.items() if k != "_id"})
    forged.seq, forged.reason, forged.prev_hash = last["seq"] + 1, "approved by phone", last["hash"]
    forged.action = Action.ADD_NOTE
    forged.hash = event_hash(forged)
    collection.insert_one(
        {"_id": f"{complaint_id}:{forged.seq:010d}", **forged.model_dump(mode="json")}
    )


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (alter, {("altered", 3)}),
        (alter_and_rehash, {("altered", 3), ("broken_link", 4)}),
        (delete, {("removed", None), ("removed", 3)}),
        (insert_forged, {("inserted", 6)}),
    ],
    ids=["alter", "alter-and-rehash", "delete", "insert"],
)
async def test_tampering_with_the_store_is_reported(
    api: Api, settings: Settings, tamper: Any, expected: set[tuple[str, int | None]]
) -> None:
    complaint_id = await lifecycle(api, steps=4)
    assert (await verify(api, complaint_id))["ok"] is True
    tamper(raw_events(settings), complaint_id)
    report = await verify(api, complaint_id)
    assert report["ok"] is False
    assert problem_kinds(report) == expected, report["problems"]
    replay = (await api.http.post(f"/complaints/{complaint_id}/replay")).json()
    assert replay["deterministic"] is True and replay["matches_projection"] is False


async def test_signatures_are_in_the_event_the_history_the_store_and_the_report(
    api: Api,
) -> None:
    closed = await lifecycle(api, steps=7, name="Ana Lima")  # ... complete_investigation, close
    waived = await api.create_id()
    body = command_body(Action.CLOSE_WITHOUT_INVESTIGATION)
    fresh = await api.token("rui", name="Rui Costa")  # re-authenticated just now
    body["signature"] = {"meaning": "review", "reauth_token": fresh}
    assert (await api.act(waived, body, user="rui", name="Rui Costa")).status_code == 200
    await api.wait_projected(waived, 2)

    for complaint_id, action, name, meaning in [
        (closed, "close", "Ana Lima", "approval"),
        (waived, "close_without_investigation", "Rui Costa", "review"),
    ]:
        [event] = [e for e in (await api.events(complaint_id)).json()["items"] if e["signature"]]
        signature = event["signature"]
        assert (event["action"], signature["printed_name"], signature["meaning"]) == (
            action,
            name,
            meaning,
        )
        assert len(signature["content_hash"]) == 64 and signature["signed_at"]
        timeline = (await api.http.get(f"/complaints/{complaint_id}/history?limit=500")).json()
        accepted = [i for i in timeline["items"] if i["kind"] == "update_accepted"]
        signed = [i["details"]["signature"] for i in accepted if i["details"]["signature"]]
        assert signed == [signature], "the signature the update carried is the one recorded"
        assert "password" not in str(timeline) and "reauth_token" not in str(timeline)
        html = (await api.http.get(f"/complaints/{complaint_id}/audit-report")).text
        for text in (name, meaning, signature["content_hash"], signature["signed_at"]):
            assert text in html
        assert (await verify(api, complaint_id))["ok"] is True, "content hashes check out"
