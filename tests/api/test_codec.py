"""The codec server over HTTP: round trips, history payloads, CORS for the Web UI, refusals."""

from __future__ import annotations

import base64
import json

import httpx
from temporalio.client import Client

from encryption.codec import ENCODING, KEY_ID
from encryption.keys import new_key_ring
from settings import Settings
from tests.api.harness import PASSWORD, Api
from tests.phi import payloads_in, phi_intake, phi_values
from workflows.complaint import workflow_id

UI_ORIGIN = "http://127.0.0.1:8233"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def payload_json(data: bytes, **metadata: bytes) -> dict[str, object]:
    return {"metadata": {k: b64(v) for k, v in metadata.items()}, "data": b64(data)}


async def test_encode_then_decode_round_trips(api: Api) -> None:
    plain = payload_json(b'{"name": "Dr. Jane Roe"}', encoding=b"json/plain")
    encoded = await api.http.post("/codec/encode", json={"payloads": [plain, plain]})
    assert encoded.status_code == 200, encoded.text
    sealed = encoded.json()["payloads"]
    assert len(sealed) == 2 and sealed[0]["data"] != sealed[1]["data"]  # fresh nonces
    assert base64.b64decode(sealed[0]["metadata"]["encoding"]) == ENCODING
    assert "Jane" not in encoded.text and b"Jane" not in base64.b64decode(sealed[0]["data"])
    decoded = await api.http.post(
        "/codec/decode", json={"payloads": sealed}, headers={"X-Namespace": "default"}
    )
    assert decoded.status_code == 200, decoded.text
    assert decoded.json() == {"payloads": [plain, plain]}
    assert decoded.headers["cache-control"] == "no-store"


async def test_decodes_the_payloads_of_a_real_history(api: Api, settings: Settings) -> None:
    overrides = phi_intake("C0DEC1")
    complaint_id = await api.create_id(**overrides)
    raw = await Client.connect(settings.temporal_address)  # no codec: what the server holds
    history = await raw.get_workflow_handle(workflow_id(complaint_id)).fetch_history()
    payloads = [p for event in history.events for p in payloads_in(event)]
    assert payloads and all(p.metadata["encoding"] == ENCODING for p in payloads)
    sent = [payload_json(p.data, **dict(p.metadata)) for p in payloads]
    response = await api.http.post("/codec/decode", json={"payloads": sent})
    assert response.status_code == 200, response.text
    plain = b"".join(base64.b64decode(p["data"]) for p in response.json()["payloads"])
    for value in phi_values(overrides):
        assert json.dumps(value)[1:-1].encode() in plain


async def test_unencrypted_payloads_come_back_unchanged(api: Api) -> None:
    plain = payload_json(b'"x"', encoding=b"json/plain")
    response = await api.http.post("/codec/decode", json={"payloads": [plain]})
    assert response.json() == {"payloads": [plain]}


async def test_undecodable_payloads_are_400_with_the_reason(api: Api) -> None:
    foreign = new_key_ring()
    unknown = payload_json(b"\0" * 40, encoding=ENCODING, **{KEY_ID: foreign.active.encode()})
    response = await api.http.post("/codec/decode", json={"payloads": [unknown]})
    assert response.status_code == 400, response.text
    assert foreign.active in response.json()["error"]

    [sealed] = (
        await api.http.post("/codec/encode", json={"payloads": [payload_json(b"1")]})
    ).json()["payloads"]
    altered = {**sealed, "data": b64(base64.b64decode(sealed["data"])[:-1] + b"?")}
    response = await api.http.post("/codec/decode", json={"payloads": [altered]})
    assert response.status_code == 400 and "authentication" in response.json()["error"]


async def test_malformed_requests_are_422_naming_the_field(api: Api) -> None:
    cases = [
        ({"payloads": [{"data": "not base64!"}]}, {}, "payloads.0.data"),
        ({"payloads": [{"data": "", "extra": 1}]}, {}, "payloads.0.extra"),
        ({"payloads": []}, {"X-Namespace": "someone-else"}, "X-Namespace"),
    ]
    for body, headers, field in cases:
        response = await api.http.post("/codec/decode", json=body, headers=headers)
        assert response.status_code == 422, response.text
        assert field in [f["field"] for f in response.json()["fields"]], response.text


async def test_unauthenticated_codec_calls_are_refused(api: Api) -> None:
    async with httpx.AsyncClient(base_url=api.base_url, timeout=30.0) as anonymous:
        for path in ("/codec/encode", "/codec/decode"):
            response = await anonymous.post(path, json={"payloads": []})
            assert response.status_code == 401, response.text


async def test_cors_preflight_admits_the_web_ui_on_codec_only(api: Api) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-namespace,authorization",
    }
    async with httpx.AsyncClient(base_url=api.base_url, timeout=30.0) as browser:
        for origin in (UI_ORIGIN, "http://localhost:8233"):
            answer = await browser.options("/codec/decode", headers={**preflight, "Origin": origin})
            assert answer.status_code == 200, answer.text
            assert answer.headers["access-control-allow-origin"] == origin
            assert answer.headers["access-control-allow-credentials"] == "true"
            allowed = answer.headers["access-control-allow-headers"].lower()
            assert {"content-type", "x-namespace", "authorization"} <= set(allowed.split(", "))
        stranger = await browser.options(
            "/codec/decode", headers={**preflight, "Origin": "http://evil.example"}
        )
        assert "access-control-allow-origin" not in stranger.headers
        # The UI's origin is not an origin of the rest of the API.
        api_call = await browser.options("/complaints", headers={**preflight, "Origin": UI_ORIGIN})
        assert "access-control-allow-origin" not in api_call.headers
    actual = await api.http.post(
        "/codec/encode", json={"payloads": []}, headers={"Origin": UI_ORIGIN}
    )
    assert actual.headers["access-control-allow-origin"] == UI_ORIGIN


async def test_a_browser_session_decodes_with_its_cookie_only(api: Api) -> None:
    """The Web UI's path: sign in with a form, then decode cross-origin with the cookie (the
    UI's "Include cross-origin credentials"), no Authorization header; sign out ends it."""
    await api.user("ui.auditor", name="Una Auditor", roles=["auditor"])
    plain = payload_json(b'{"name": "Dr. Jane Roe"}', encoding=b"json/plain")
    sealed = (await api.http.post("/codec/encode", json={"payloads": [plain]})).json()

    async with httpx.AsyncClient(base_url=api.base_url, timeout=30.0) as browser:
        page = await browser.get("/codec/login")
        assert page.status_code == 200 and 'action="/codec/login"' in page.text
        signed_in = await browser.post(
            "/codec/login", data={"username": "ui.auditor", "password": PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
        assert (
            "Una Auditor" in signed_in.text and "Include cross-origin credentials" in signed_in.text
        )
        cookie = signed_in.headers["set-cookie"].lower()
        assert {"httponly", "samesite=strict", "path=/codec"} <= {
            part.strip() for part in cookie.split(";")
        }

        decoded = await browser.post(
            "/codec/decode", json=sealed, headers={"Origin": UI_ORIGIN, "X-Namespace": "default"}
        )
        assert decoded.status_code == 200, decoded.text
        assert decoded.json() == {"payloads": [plain]}
        assert decoded.headers["access-control-allow-origin"] == UI_ORIGIN
        assert decoded.headers["access-control-allow-credentials"] == "true"
        # The cookie is the codec's only: the rest of the API does not take it.
        session = {"Cookie": f"ibtool_codec={browser.cookies['ibtool_codec']}"}
        elsewhere = await browser.get("/auth/me", headers=session)
        assert elsewhere.status_code == 401, elsewhere.text

        await browser.post("/codec/logout")
        after = await browser.post("/codec/decode", json=sealed)
        assert after.status_code == 401, after.text


async def test_a_codec_session_needs_the_password_and_audit_read(api: Api) -> None:
    await api.user("ui.intake", roles=["intake"])
    await api.user("ui.auditor2", roles=["auditor"])
    async with httpx.AsyncClient(base_url=api.base_url, timeout=30.0) as browser:
        wrong = await browser.post(
            "/codec/login", data={"username": "ui.auditor2", "password": "not-the-password"}
        )
        assert wrong.status_code == 401, wrong.text
        refused = await browser.post(
            "/codec/login", data={"username": "ui.intake", "password": PASSWORD}
        )
        assert refused.status_code == 403, refused.text
        assert refused.json()["permission"] == "audit:read"
        for answer in (wrong, refused):
            assert "set-cookie" not in answer.headers
        forged = await browser.post(
            "/codec/decode", json={"payloads": []}, headers={"Cookie": "ibtool_codec=not-a-token"}
        )
        assert forged.status_code == 401, forged.text
