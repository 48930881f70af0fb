"""/complaints over HTTP: the real app, the real worker, the dev server and the wire store."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import httpx

from domain import lifecycle
from domain.enums import Action, Status
from tests.api.harness import FULL_LIFECYCLE, Api, command_body, unique
from tests.domain.factories import COMMAND_BODIES

LIFECYCLE = FULL_LIFECYCLE


def allowed(status: Status, *, reportable: bool = False) -> list[str]:
    """What the lifecycle table allows now: the expected ``allowed_actions``."""
    facts = lifecycle.Facts(status=status, reportable=reportable)
    return [str(action) for action in lifecycle.allowed_actions(facts)]


def body(action: Action, **overrides: Any) -> dict[str, Any]:
    return {**COMMAND_BODIES[action], **overrides}


def signed(action: Action) -> dict[str, Any]:
    """Signed with the harness users' own password."""
    return command_body(action)


# -- the lifecycle -----------------------------------------------------------------------


async def test_full_lifecycle_reads_its_own_writes(api: Api) -> None:
    secret = f"pw-{unique()}"
    await api.user(password=secret)  # ana signs with it
    created = await api.create()
    assert created.status_code == 201, created.text
    view = created.json()
    complaint_id = view["id"]
    assert (view["status"], view["version"]) == ("triage", 1)
    assert view["allowed_actions"] == allowed(Status.TRIAGE)
    assert created.headers["location"] == f"/complaints/{complaint_id}"

    latencies: list[float] = []
    responses: list[httpx.Response] = []
    for version, (action, status) in enumerate(LIFECYCLE, start=2):
        sent = command_body(action, secret=secret)
        started = time.monotonic()
        response = await api.act(complaint_id, sent, name="Ana Lima")
        latencies.append(time.monotonic() - started)
        assert response.status_code == 200, (action, response.text)
        responses.append(response)
        state = response.json()
        assert (state["status"], state["version"]) == (status, version), action
        read = (await api.get(complaint_id)).json()  # read-your-writes, from the workflow
        assert (read["status"], read["version"]) == (status, version), action
        assert read["allowed_actions"] == allowed(status), action

    final = await api.get(complaint_id)
    state = final.json()
    assert (state["outcome"], state["version"]) == ("resolved", 11)
    assert state["closed_at"] is not None
    assert state["resolution"] == COMMAND_BODIES[Action.CLOSE]["resolution"]
    assert state["customer_reply"] == COMMAND_BODIES[Action.CLOSE]["customer_reply"]
    investigation = state["investigation"]
    expected = COMMAND_BODIES[Action.COMPLETE_INVESTIGATION]
    for field in ("root_cause", "findings", "device_failed_spec", "corrective_action"):
        assert investigation[field] == expected[field], field
    assert (investigation["capa_ref"], investigation["completed_by"]) == ("CAPA-1", "ana")
    signatures = state["signatures"]
    assert [(s["signer"], s["printed_name"], s["meaning"]) for s in signatures] == [
        ("ana", "Ana Lima", "approval"),
        ("ana", "Ana Lima", "approval"),
    ]
    assert all(len(s["content_hash"]) == 64 and s["signed_at"] for s in signatures)

    await api.wait_projected(complaint_id, 11)
    events = await api.wait_events(complaint_id, 11)
    texts = [r.text for r in responses] + [final.text, (await api.events(complaint_id)).text]
    texts.append((await api.http.get("/complaints", params={"q": complaint_id})).text)
    assert all(secret not in text and '"password"' not in text for text in texts)
    assert [e["action"] for e in events] == ["create", *(str(a) for a, _ in LIFECYCLE)]
    assert [e["signature"]["printed_name"] for e in events if e["signature"]] == ["Ana Lima"] * 2

    print(
        f"\n[latency] transition over HTTP: median {statistics.median(latencies) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms over {len(latencies)}"
    )


# -- outcomes ----------------------------------------------------------------------------


async def test_reject_closes_as_not_a_complaint(api: Api) -> None:
    complaint_id = await api.create_id()
    response = await api.act(complaint_id, body(Action.REJECT))
    assert response.status_code == 200, response.text
    state = response.json()
    assert (state["status"], state["outcome"], state["version"]) == ("closed", "not_a_complaint", 2)
    assert state["allowed_actions"] == allowed(Status.CLOSED)


async def test_mark_duplicate_needs_an_existing_other_complaint(api: Api) -> None:
    original, duplicate = await api.create_id(), await api.create_id()

    unknown = await api.act(duplicate, body(Action.MARK_DUPLICATE, duplicate_of="C-NOSUCHONE000"))
    assert unknown.status_code == 422, unknown.text
    assert [f["field"] for f in unknown.json()["fields"]] == ["duplicate_of"]
    itself = await api.act(duplicate, body(Action.MARK_DUPLICATE, duplicate_of=duplicate))
    assert itself.status_code == 422, itself.text
    assert [f["field"] for f in itself.json()["fields"]] == ["duplicate_of"]
    assert (await api.get(duplicate)).json()["version"] == 1

    response = await api.act(duplicate, body(Action.MARK_DUPLICATE, duplicate_of=original))
    assert response.status_code == 200, response.text
    state = response.json()
    assert (state["status"], state["outcome"], state["duplicate_of"]) == (
        "closed",
        "duplicate",
        original,
    )
    assert (await api.get(original)).json()["status"] == "triage"


async def test_close_without_investigation_is_justified_and_signed(api: Api) -> None:
    complaint_id = await api.create_id()
    sent = signed(Action.CLOSE_WITHOUT_INVESTIGATION)
    response = await api.act(complaint_id, sent, name="Ana Lima")
    assert response.status_code == 200, response.text
    state = response.json()
    assert (state["status"], state["outcome"]) == ("closed", "no_investigation")
    assert state["no_investigation"] == {
        "justification": COMMAND_BODIES[Action.CLOSE_WITHOUT_INVESTIGATION]["justification"],
        "responsible": "ana",
    }
    assert [s["printed_name"] for s in state["signatures"]] == ["Ana Lima"]


async def test_close_without_investigation_is_refused_for_injury_or_death(api: Api) -> None:
    for harm in ("injury", "death"):
        event = {"description": f"Patient {harm} during scan", harm: True}
        complaint_id = await api.create_id(event=event)
        response = await api.act(complaint_id, signed(Action.CLOSE_WITHOUT_INVESTIGATION))
        assert response.status_code == 409, (harm, response.text)
        refusal = response.json()
        assert refusal["status"] == "triage"
        assert "close_without_investigation" not in refusal["allowed_actions"]
        assert refusal["allowed_actions"] == allowed(Status.TRIAGE, reportable=True)
        state = (await api.get(complaint_id)).json()
        assert (state["status"], state["version"]) == ("triage", 1)
        assert state["allowed_actions"] == refusal["allowed_actions"]


# -- idempotent intake -------------------------------------------------------------------


async def test_the_same_source_reference_finds_the_same_complaint(api: Api) -> None:
    source = {"channel": "sfdc", "ref": unique("CASE-")}
    first = await api.create(source=source)
    again = await api.create(source=source)
    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["version"] == 1
    other_channel = await api.create(source={**source, "channel": "pqm"})
    assert other_channel.status_code == 201
    assert other_channel.json()["id"] != first.json()["id"]


async def test_the_same_idempotency_key_finds_the_same_complaint(api: Api) -> None:
    key = {"Idempotency-Key": unique("key-")}
    first = await api.create(source={"channel": "web"}, headers=key)
    again = await api.create(source={"channel": "web"}, headers=key)
    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert again.json()["id"] == first.json()["id"]

    changed = {"description": "A different complaint altogether"}
    reused = await api.create(source={"channel": "web"}, event=changed, headers=key)
    assert reused.status_code == 422, reused.text
    assert [f["field"] for f in reused.json()["fields"]] == ["Idempotency-Key"]

    fresh = await api.create(source={"channel": "web"}, headers={"Idempotency-Key": unique()})
    assert fresh.status_code == 201 and fresh.json()["id"] != first.json()["id"]


async def test_concurrent_identical_creates_start_one_complaint(api: Api) -> None:
    source = {"channel": "twd", "ref": unique("TWD-")}
    responses = await asyncio.gather(*(api.create(source=source) for _ in range(10)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 9 + [201], [r.text for r in responses if r.status_code >= 300]
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == 1
    complaint_id = ids.pop()
    await api.wait_projected(complaint_id, 1)
    events = await api.wait_events(complaint_id, 1)
    assert [(e["seq"], e["action"]) for e in events] == [(1, "create")]
    assert len((await api.listing(q=complaint_id))["items"]) == 1


async def test_a_repeated_transition_with_its_idempotency_key_applies_once(api: Api) -> None:
    complaint_id = await api.create_id()
    key = {"Idempotency-Key": unique("tx-")}
    first = await api.act(complaint_id, body(Action.TRIAGE), headers=key)
    again = await api.act(complaint_id, body(Action.TRIAGE), headers=key)
    assert (first.status_code, again.status_code) == (200, 200), again.text
    assert first.json()["version"] == again.json()["version"] == 2
    without_key = await api.act(complaint_id, body(Action.TRIAGE))
    assert without_key.status_code == 409  # the repeat was answered, not applied again
    events = await api.wait_events(complaint_id, 2)
    assert [e["action"] for e in events] == ["create", "triage"]


async def test_an_idempotency_key_reused_for_another_transition_is_422(api: Api) -> None:
    complaint_id = await api.create_id()
    key = {"Idempotency-Key": unique("tx-")}
    assert (await api.act(complaint_id, body(Action.TRIAGE), headers=key)).status_code == 200
    note = await api.act(complaint_id, body(Action.ADD_NOTE), headers=key)
    assert note.status_code == 422, note.text
    assert [f["field"] for f in note.json()["fields"]] == ["Idempotency-Key"]
    assert (await api.get(complaint_id)).json()["version"] == 2  # refused, not applied


# -- races -------------------------------------------------------------------------------


async def test_racing_triage_and_reject_have_exactly_one_winner(api: Api) -> None:
    ids = [await api.create_id() for _ in range(10)]

    async def race(complaint_id: str) -> list[httpx.Response]:
        return list(
            await asyncio.gather(
                api.act(complaint_id, body(Action.TRIAGE)),
                api.act(complaint_id, body(Action.REJECT), user="bob"),
            )
        )

    for complaint_id, (triage, reject) in zip(
        ids, await asyncio.gather(*map(race, ids)), strict=True
    ):
        codes = sorted([triage.status_code, reject.status_code])
        assert codes == [200, 409], (triage.text, reject.text)
        winner = triage if triage.status_code == 200 else reject
        loser = reject if winner is triage else triage
        assert loser.json()["status"] == winner.json()["status"]
        assert loser.json()["allowed_actions"] == winner.json()["allowed_actions"]
        state = (await api.get(complaint_id)).json()
        assert (state["status"], state["version"]) == (winner.json()["status"], 2)


# -- the audit timeline and the projection -----------------------------------------------


async def test_events_list_every_change_in_order_with_old_and_new_values(api: Api) -> None:
    complaint_id = await api.create_id()
    for action, user in [(Action.TRIAGE, "ana"), (Action.ASSIGN, "bob"), (Action.ADD_NOTE, "ivan")]:
        response = await api.act(complaint_id, body(action), user=user)
        assert response.status_code == 200, response.text
    events = await api.wait_events(complaint_id, 4)
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    assert [(e["action"], e["actor"]["user_id"]) for e in events] == [
        ("create", "ana"),
        ("triage", "ana"),
        ("assign", "bob"),
        ("add_note", "ivan"),
    ]
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    changes = [{c["field"]: (c["old"], c["new"]) for c in e["changes"]} for e in events]
    assert (
        changes[1].items()
        >= {
            "status": ("triage", "investigation"),
            "severity": (None, "high"),
            "assignee": (None, "ivan"),
            "reportability.fda_mdr": (None, False),
            "reportability.fda_5_day": (None, False),
            "reportability.eu_mdr": (None, "none"),
        }.items()
    )
    assert changes[2]["assignee"] == ("ivan", "ines")
    assert "status" not in changes[2] and "status" not in changes[3]
    assert events[3]["reason"] == "Called the site"


async def test_the_projection_converges_after_a_burst(api: Api) -> None:
    complaint_id = await api.create_id()
    assert (await api.act(complaint_id, body(Action.TRIAGE))).status_code == 200
    single = await api.wait_projected(complaint_id, 2)
    notes = [body(Action.ADD_NOTE, text=f"note {n}") for n in range(10)]
    started = time.monotonic()
    responses = await asyncio.gather(*(api.act(complaint_id, note) for note in notes))
    burst = time.monotonic() - started
    assert [r.status_code for r in responses] == [200] * 10
    assert sorted(r.json()["version"] for r in responses) == list(range(3, 13))

    lag = await api.wait_projected(complaint_id, 12)
    events = await api.wait_events(complaint_id, 12)
    assert [e["seq"] for e in events] == list(range(1, 13))
    assert sorted(e["reason"] for e in events[2:]) == sorted(n["text"] for n in notes)
    print(
        f"\n[projection] lag after one transition {single * 1000:.0f} ms; 10 concurrent "
        f"add_note took {burst * 1000:.0f} ms, lag after them {lag * 1000:.0f} ms"
    )
