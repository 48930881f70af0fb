"""Error bodies over HTTP: 401, 404, 409 and 422 each say what was wrong; never a 500."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from api.service import complaint_id_for
from domain import lifecycle
from domain.enums import Action, Status
from domain.intake import Intake
from tests.api.harness import Api, unique
from tests.domain.factories import COMMAND_BODIES, intake_data


def fields_of(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    return [field["field"] for field in response.json()["fields"]]


async def test_unauthenticated_requests_get_401(api: Api) -> None:
    complaint_id = await api.create_id()
    async with httpx.AsyncClient(base_url=api.base_url, timeout=30.0) as anonymous:
        requests = [
            anonymous.get("/complaints"),
            anonymous.get(f"/complaints/{complaint_id}"),
            anonymous.get(f"/complaints/{complaint_id}/events"),
            anonymous.post("/complaints", json=intake_data(source={"channel": "web"})),
            anonymous.post(
                f"/complaints/{complaint_id}/transitions", json=COMMAND_BODIES[Action.TRIAGE]
            ),
            anonymous.get(f"/complaints/{complaint_id}", headers={"Authorization": "Bearer x.y"}),
            anonymous.get(f"/complaints/{complaint_id}", headers={"Authorization": "Basic YQ=="}),
            anonymous.get(f"/complaints/{complaint_id}", headers={"X-API-Key": "ibk_unknown"}),
        ]
        for request in requests:
            response = await request
            assert response.status_code == 401, (response.request.url, response.text)
            assert response.json()["error"]
            assert response.headers["www-authenticate"].startswith("Bearer"), response.headers
    state = (await api.get(complaint_id)).json()
    assert (state["status"], state["version"]) == ("triage", 1)


async def test_unknown_complaint_is_404_everywhere(api: Api) -> None:
    unknown = f"C-{unique()}"
    responses = [
        await api.get(unknown),
        await api.act(unknown, COMMAND_BODIES[Action.TRIAGE]),
        await api.events(unknown),
    ]
    for response in responses:
        assert response.status_code == 404, (response.request.url, response.text)
        assert response.json() == {"error": f"complaint {unknown} not found", "id": unknown}


async def test_a_refused_transition_is_409_with_what_is_allowed(api: Api) -> None:
    complaint_id = await api.create_id()
    response = await api.act(complaint_id, COMMAND_BODIES[Action.REOPEN])
    assert response.status_code == 409, response.text
    refusal = response.json()
    assert set(refusal) == {"error", "status", "allowed_actions"}
    assert "reopen" in refusal["error"]
    expected = lifecycle.allowed_actions(lifecycle.Facts(status=Status.TRIAGE))
    assert (refusal["status"], refusal["allowed_actions"]) == ("triage", list(expected))
    assert (await api.get(complaint_id)).json()["version"] == 1


async def test_invalid_intake_names_the_bad_field(api: Api) -> None:
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    no_name = {"product_code": "IYN", "udi": "00840682103459"}
    cases: list[tuple[str, dict[str, Any]]] = [
        ("colour", {"colour": "red"}),
        ("device.name", {"device": no_name}),
        ("aware_at", {"aware_at": "2026-11-30T09:00:00"}),
        ("aware_at", {"aware_at": future}),
        ("patient.age", {"patient": {"age": 300}}),
    ]
    for field, overrides in cases:
        source = {"channel": "phone", "ref": unique("TWD-")}
        response = await api.create(source=source, **overrides)
        assert fields_of(response) == [field], (overrides, response.text)
        # Nothing was started for a refused intake.
        natural = Intake.model_validate(intake_data(source=source))
        assert (await api.get(complaint_id_for(natural, None))).status_code == 404


async def test_a_body_that_is_not_json_names_the_body(api: Api) -> None:
    headers = {**await api.auth(), "Content-Type": "application/json"}
    response = await api.http.post("/complaints", content=b'{"source": ', headers=headers)
    assert response.status_code == 422
    assert fields_of(response) == ["body"], response.text


async def test_invalid_transitions_name_the_bad_field(api: Api) -> None:
    complaint_id = await api.create_id()
    triage = COMMAND_BODIES[Action.TRIAGE]
    cases: list[tuple[str, dict[str, Any]]] = [
        ("severity", {**triage, "severity": "urgent"}),
        ("action", {"action": "frobnicate"}),
        ("action", {"severity": "high"}),
        ("reportability.eu_mdr", {**triage, "reportability": {"eu_mdr": "maybe"}}),
        ("color", {**triage, "color": "red"}),
    ]
    for field, sent in cases:
        response = await api.act(complaint_id, sent)
        assert fields_of(response) == [field], (sent, response.text)
    assert (await api.get(complaint_id)).json()["version"] == 1


async def test_close_without_a_usable_signature_is_422_on_signature(api: Api) -> None:
    complaint_id = await api.create_id()
    for action in (Action.TRIAGE, Action.COMPLETE_INVESTIGATION):
        assert (await api.act(complaint_id, COMMAND_BODIES[action])).status_code == 200
    unsigned = {k: v for k, v in COMMAND_BODIES[Action.CLOSE].items() if k != "signature"}
    assert fields_of(await api.act(complaint_id, unsigned)) == ["signature"]
    empty = {**unsigned, "signature": {"meaning": "approval", "password": ""}}
    assert fields_of(await api.act(complaint_id, empty)) == ["signature.password"]
    both = {**unsigned, "signature": {"meaning": "approval", "password": "a", "reauth_token": "b"}}
    assert fields_of(await api.act(complaint_id, both)) == ["signature"]
    state = (await api.get(complaint_id)).json()
    assert (state["status"], state["version"], state["signatures"]) == ("review", 3, [])


async def test_an_invalid_list_query_names_the_parameter(api: Api) -> None:
    for param, value in [
        ("status", "bogus"),
        ("severity", "urgent"),
        ("limit", "0"),
        ("sort", "device_name"),
        ("created_from", "yesterday"),
        ("cursor", "not-a-cursor"),
        ("cursor", "WyIyMDI2LTAxLTAxIiwiIl0"),  # ["2026-01-01",""]: naive, no id
    ]:
        response = await api.http.get("/complaints", params={param: value})
        assert fields_of(response) == [param], (param, value, response.text)
