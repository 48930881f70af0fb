"""Authentication over HTTP: tokens, log-in, API keys, OIDC, disabled users; and signatures."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

import ibtool_cli as cli
from devstack.supervisor import settings_env
from domain.enums import Action
from domain.permissions import Role
from settings import Settings
from tests.api.harness import (
    PASSWORD,
    Api,
    api_client,
    command_body,
    eventually,
    in_process_worker,
    unique,
)
from tests.auth.oidc_issuer import AUDIENCE, StandInIssuer, serving_jwks
from tests.domain.factories import COMMAND_BODIES, intake_data


def assert_401(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer"), response.headers
    assert set(response.json()) == {"error"}


async def anonymous_get(api: Api, path: str, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=api.base_url, timeout=30.0) as client:
        return await client.get(path, headers=headers)


# -- tokens ------------------------------------------------------------------------------


async def test_log_in_with_the_password_form_and_use_the_token(api: Api) -> None:
    await api.user("lee", name="Lee Quality", roles=[Role.QUALITY_MANAGER, Role.REGULATORY])
    form = {"username": "lee", "password": PASSWORD}
    response = await api.http.post("/auth/token", data=form)
    assert response.status_code == 200, response.text
    issued = response.json()
    assert (issued["token_type"], issued["expires_in"]) == ("bearer", 3600)
    claims = jwt.decode(issued["access_token"], options={"verify_signature": False})
    assert (claims["sub"], claims["name"], claims["roles"]) == (
        "lee",
        "Lee Quality",
        ["quality_manager", "regulatory"],
    )
    assert claims["iat"] == claims["auth_time"] and claims["exp"] == claims["iat"] + 3600

    me = await anonymous_get(api, "/auth/me", Authorization=f"Bearer {issued['access_token']}")
    assert me.status_code == 200, me.text
    assert me.json()["user_id"] == "lee" and "complaints:close" in me.json()["permissions"]

    for wrong in ({"username": "lee", "password": "nope"}, {"username": "who", "password": "x"}):
        assert_401(await api.http.post("/auth/token", data=wrong))


async def test_no_bad_or_expired_credentials_are_401_with_a_bearer_challenge(api: Api) -> None:
    complaint_id = await api.create_id()
    path = f"/complaints/{complaint_id}"
    expired = await api.token(now=datetime.now(UTC) - timedelta(hours=2))
    tampered = (await api.token())[:-4] + "AAAA"
    for headers in (
        {},
        {"Authorization": f"Bearer {expired}"},
        {"Authorization": f"Bearer {tampered}"},
        {"Authorization": "Bearer"},
        {"X-User": "ana"},  # the old header names nobody now
    ):
        assert_401(await anonymous_get(api, path, **headers))
    response = await anonymous_get(api, path, Authorization=f"Bearer {expired}")
    assert "expired" in response.json()["error"]
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


async def refused_within_the_cache_time(api: Api, path: str, **headers: str) -> float:
    """Seconds until ``path`` answers 401 (an API process trusts a lookup that long)."""
    started = time.monotonic()

    async def refused() -> httpx.Response | None:
        response = await anonymous_get(api, path, **headers)
        return response if response.status_code == 401 else None

    limit = api.settings.auth_cache_ttl.total_seconds() + 2.0
    assert_401(await eventually(refused, within=limit, interval=0.2, what=f"401 on {path}"))
    return time.monotonic() - started


async def test_a_disabled_user_is_refused(api: Api) -> None:
    token = await api.token("dora")
    assert (await anonymous_get(api, "/complaints", Authorization=f"Bearer {token}")).is_success
    assert await api.accounts.disable_user("dora", at=datetime.now(UTC)) is not None
    # Log-in and signatures read the store: refused at once.
    assert_401(await api.http.post("/auth/token", data={"username": "dora", "password": PASSWORD}))
    await refused_within_the_cache_time(api, "/complaints", Authorization=f"Bearer {token}")


# -- API keys, created and revoked through the CLI ---------------------------------------


async def ibtool(settings: Settings, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    for name, value in settings_env(settings).items():
        monkeypatch.setenv(name, value)
    try:
        await asyncio.to_thread(cli.main, list(argv))
    except SystemExit as exited:
        return int(exited.code or 0)
    raise AssertionError("cli.main returned without exiting")


async def test_an_api_key_from_the_cli_works_until_revoked(
    api: Api,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    assert (
        await ibtool(settings, monkeypatch, "apikeys", "create", "twd-feed", "--role", "intake")
        == 0
    )
    key = capsys.readouterr().out.strip()
    intake = intake_data(source={"channel": "twd", "ref": unique("TWD-")})
    async with httpx.AsyncClient(base_url=api.base_url, timeout=30.0) as feed:
        created = await feed.post("/complaints", json=intake, headers={"X-API-Key": key})
        assert created.status_code == 201, created.text
        complaint_id = created.json()["id"]
        bearer = {"Authorization": f"Bearer {key}"}
        assert (await feed.get(f"/complaints/{complaint_id}", headers=bearer)).status_code == 200
        triage = await feed.post(
            f"/complaints/{complaint_id}/transitions",
            json=COMMAND_BODIES[Action.TRIAGE],
            headers=bearer,
        )
        assert (triage.status_code, triage.json()["permission"]) == (403, "complaints:triage")

        assert await ibtool(settings, monkeypatch, "apikeys", "revoke", "twd-feed") == 0
    path = f"/complaints/{complaint_id}"
    await refused_within_the_cache_time(api, path, **{"X-API-Key": key})
    assert_401(await anonymous_get(api, path, Authorization=f"Bearer {key}"))
    [created_event] = await api.wait_events(complaint_id, 1)
    assert created_event["actor"] == {
        "user_id": "apikey.twd-feed",
        "name": "twd-feed (API key)",
        "roles": ["intake"],
    }


# -- who may do what ---------------------------------------------------------------------


async def test_an_auditor_reads_everything_and_changes_nothing(api: Api) -> None:
    complaint_id = await api.create_id()
    auditor = await api.auth("audra", roles=[Role.AUDITOR])
    for path in (f"/complaints/{complaint_id}", f"/complaints/{complaint_id}/events"):
        assert (await api.http.get(path, headers=auditor)).status_code == 200
    assert (await api.http.get("/complaints", headers=auditor)).status_code == 200
    create = await api.create(headers=auditor)
    assert (create.status_code, create.json()["permission"]) == (403, "complaints:create")
    for action in COMMAND_BODIES:
        response = await api.act(complaint_id, command_body(action), "audra", roles=[Role.AUDITOR])
        assert response.status_code == 403, (action, response.text)
        assert response.json()["permission"] == f"complaints:{action}"
    state = (await api.http.get(f"/complaints/{complaint_id}", headers=auditor)).json()
    assert (state["version"], state["permitted_actions"]) == (1, [])


async def test_an_investigator_acts_only_on_complaints_assigned_to_them(api: Api) -> None:
    complaint_id = await api.create_id()
    assert (await api.act(complaint_id, COMMAND_BODIES[Action.TRIAGE])).status_code == 200
    note = COMMAND_BODIES[Action.ADD_NOTE]
    investigator = [Role.INVESTIGATOR]  # ines; the triage body assigned ivan

    refused = await api.act(complaint_id, note, "ines", roles=investigator)
    assert refused.status_code == 403, refused.text
    assert refused.json()["permission"] == "complaints:add_note"
    assert "assigned to them" in refused.json()["error"]
    ines = await api.auth("ines", roles=investigator)
    view = (await api.http.get(f"/complaints/{complaint_id}", headers=ines)).json()
    assert view["permitted_actions"] == []

    reassign = await api.act(complaint_id, {"action": "assign", "assignee": "ines"})
    assert reassign.status_code == 200, reassign.text
    accepted = await api.act(complaint_id, note, "ines", roles=investigator)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["permitted_actions"] == [
        "request_info",
        "complete_investigation",
        "add_note",
    ]
    close = await api.act(complaint_id, command_body(Action.CLOSE), "ines", roles=investigator)
    assert (close.status_code, close.json()["permission"]) == (403, "complaints:close")
    events = await api.wait_events(complaint_id, 4)
    assert events[-1]["actor"] == {"user_id": "ines", "name": "ines", "roles": ["investigator"]}


# -- electronic signatures ---------------------------------------------------------------


async def in_review(api: Api) -> str:
    complaint_id = await api.create_id()
    for action in (Action.TRIAGE, Action.COMPLETE_INVESTIGATION):
        assert (await api.act(complaint_id, COMMAND_BODIES[action])).status_code == 200
    return complaint_id


def close_with(**secret: str) -> dict[str, object]:
    return {**command_body(Action.CLOSE), "signature": {"meaning": "approval", **secret}}


async def assert_still_in_review(api: Api, complaint_id: str) -> None:
    state = (await api.get(complaint_id)).json()
    assert (state["status"], state["version"], state["signatures"]) == ("review", 3, [])


async def test_a_wrong_password_signature_is_403_and_closes_nothing(api: Api) -> None:
    complaint_id = await in_review(api)
    for wrong in (PASSWORD + "x", "pw"):
        response = await api.act(complaint_id, close_with(password=wrong))
        assert response.status_code == 403, response.text
        assert response.json()["field"] == "signature" and wrong not in response.text
    await api.user("other", password="others-password")
    borrowed = await api.act(complaint_id, close_with(password="others-password"))
    assert borrowed.status_code == 403  # someone else's password does not sign for ana
    await assert_still_in_review(api, complaint_id)
    signed = await api.act(complaint_id, close_with(password=PASSWORD))
    assert signed.status_code == 200 and signed.json()["status"] == "closed"


async def test_a_reauth_token_signs_only_if_fresh_and_the_signers_own(api: Api) -> None:
    complaint_id = await in_review(api)
    now = datetime.now(UTC)
    stale = await api.token(now=now - timedelta(minutes=6))  # valid for an hour, auth 6 min ago
    assert (await anonymous_get(api, "/auth/me", Authorization=f"Bearer {stale}")).is_success
    others = await api.token("bob")
    expired = await api.token(now=now - timedelta(hours=2))
    for token in (stale, others, expired, "ibk_not-a-token"):
        response = await api.act(complaint_id, close_with(reauth_token=token))
        assert response.status_code == 403, response.text
    await assert_still_in_review(api, complaint_id)
    fresh = await api.token(now=now - timedelta(minutes=4))
    signed = await api.act(complaint_id, close_with(reauth_token=fresh), name="Ana Lima")
    assert signed.status_code == 200, signed.text
    assert [s["printed_name"] for s in signed.json()["signatures"]] == ["Ana Lima"]


# -- OIDC: tokens of an external issuer, its JWKS served over a real socket ---------------


@pytest.fixture
def idp() -> Iterator[StandInIssuer]:
    with serving_jwks() as issuer:
        yield issuer


@pytest.fixture
async def oidc_api(settings: Settings, idp: StandInIssuer) -> AsyncIterator[Api]:
    configured = settings.model_copy(
        update={
            "oidc_issuer": idp.issuer,
            "oidc_audience": AUDIENCE,
            "oidc_jwks_url": idp.url,
            "oidc_roles_claim": "realm_access.roles",
        }
    )
    async with in_process_worker(configured), api_client(configured) as client:
        yield client


async def test_oidc_tokens_are_verified_against_the_issuers_jwks(
    oidc_api: Api, idp: StandInIssuer
) -> None:
    kid = idp.new_key()
    triager = {"Authorization": f"Bearer {idp.token(kid, sub='olga', roles=['triager'])}"}
    created = await oidc_api.create(headers=triager)
    assert created.status_code == 201, created.text
    complaint_id = created.json()["id"]
    assert created.json()["permitted_actions"][:3] == ["triage", "reject", "mark_duplicate"]

    auditor = {"Authorization": f"Bearer {idp.token(kid, sub='otto', roles=['auditor'])}"}
    assert (await oidc_api.http.get(f"/complaints/{complaint_id}", headers=auditor)).is_success
    refused = await oidc_api.create(headers=auditor)
    assert (refused.status_code, refused.json()["permission"]) == (403, "complaints:create")

    for bad in (
        idp.token(kid, audience="another-api"),
        idp.token(idp.new_key(publish=False)),
        idp.token(kid, expires_in=timedelta(minutes=-1)),
    ):
        assert_401(await anonymous_get(oidc_api, "/complaints", Authorization=f"Bearer {bad}"))
    assert idp.fetches >= 1
    [event] = await oidc_api.wait_events(complaint_id, 1)
    assert event["actor"] == {"user_id": "olga", "name": "Olga OIDC", "roles": ["triager"]}


async def test_a_racing_reassignment_and_the_investigators_action_agree(api: Api) -> None:
    """The validator judges each update on the state the previous one left."""
    investigator = [Role.INVESTIGATOR]
    ids = [await api.create_id() for _ in range(5)]
    for complaint_id in ids:
        assert (await api.act(complaint_id, COMMAND_BODIES[Action.TRIAGE])).status_code == 200

    ivan_auth = await api.auth("ivan", roles=investigator)  # accounts made before the race

    async def race(complaint_id: str) -> tuple[httpx.Response, httpx.Response]:
        path = f"/complaints/{complaint_id}/transitions"
        note, away = COMMAND_BODIES[Action.ADD_NOTE], {"action": "assign", "assignee": "ines"}
        ivan, quality = await asyncio.gather(
            api.http.post(path, json=note, headers=ivan_auth), api.http.post(path, json=away)
        )
        return ivan, quality

    results = await asyncio.gather(*map(race, ids))
    first = sum(ivan.status_code == 200 for ivan, _ in results)
    print(f"\n[race] the investigator's note won {first} of {len(ids)} races with a reassignment")
    for complaint_id, (ivan, quality) in zip(ids, results, strict=True):
        assert quality.status_code == 200, quality.text
        assert ivan.status_code in (200, 403), ivan.text
        events = await api.wait_events(complaint_id, 4 if ivan.status_code == 200 else 3)
        order = [e["action"] for e in events[2:]]
        assert order == (["add_note", "assign"] if ivan.status_code == 200 else ["assign"])
