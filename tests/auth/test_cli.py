"""``ibtool users``, ``token`` and ``apikeys`` against the real store (``ibtool_cli.main``)."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Callable
from typing import Any

import pytest
from pymongo import MongoClient

import ibtool_cli as cli
from auth import keys
from auth.authenticator import build_authenticator, local_issuer
from auth.errors import AuthenticationError
from devstack.net import free_port
from devstack.supervisor import settings_env
from settings import Settings
from store.accounts import API_KEYS, USERS, open_accounts

Ibtool = Callable[..., tuple[int, str, str]]


@pytest.fixture
def ibtool(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Ibtool:
    """Run ``ibtool ARGS...``; return (exit code, stdout, stderr)."""
    for name, value in settings_env(settings).items():
        monkeypatch.setenv(name, value)

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            cli.main(list(argv))
        out, err = capsys.readouterr()
        return int(exited.value.code or 0), out, err

    return run


def documents(settings: Settings, collection: str) -> list[dict[str, Any]]:
    client: MongoClient[dict[str, Any]] = MongoClient(settings.mongo_uri)
    with client:
        return list(client[settings.mongo_db][collection].find())


def authenticate(settings: Settings, credential: str) -> str:
    async def check() -> str:
        accounts = open_accounts(settings)
        try:
            actor = await build_authenticator(settings, accounts).actor_for_bearer(credential)
            return f"{actor.user_id} {actor.name} {','.join(actor.roles)}"
        finally:
            await accounts.close()

    return asyncio.run(check())


def test_users_add_list_token_and_disable(ibtool: Ibtool, settings: Settings) -> None:
    code, out, _ = ibtool(
        "users",
        "add",
        "ivan",
        "--role",
        "investigator",
        "--role",
        "triager",
        "--password",
        "correct horse",
        "--printed-name",
        "Ivan Investigator",
    )
    assert (code, out.strip()) == (0, "added ivan (investigator, triager)")
    code, _, err = ibtool("users", "add", "ivan", "--role", "auditor", "--password", "x")
    assert code == 1 and "exists already" in err
    code, _, err = ibtool("users", "add", "bad id!", "--role", "auditor", "--password", "x")
    assert code == 1 and "invalid user" in err

    [stored] = documents(settings, USERS)
    assert stored["password_hash"].startswith("$argon2id$")
    assert "correct horse" not in repr(stored)

    code, out, _ = ibtool("users", "list")
    assert code == 0 and out.split()[:3] == ["ivan", "active", "investigator,triager"]

    code, out, _ = ibtool("token", "--user", "ivan")
    token = out.strip()
    assert code == 0 and local_issuer(settings).verify(token).subject == "ivan"
    assert authenticate(settings, token) == "ivan Ivan Investigator investigator,triager"
    assert stat.S_IMODE(keys.key_path(settings.data_dir).stat().st_mode) == 0o600

    assert ibtool("users", "disable", "ivan")[0] == 0
    assert ibtool("users", "list")[1].split()[1] == "disabled"
    with pytest.raises(AuthenticationError, match="disabled"):
        authenticate(settings, token)
    code, _, err = ibtool("token", "--user", "ivan")
    assert code == 1 and "unknown or disabled" in err
    assert ibtool("users", "disable", "nobody")[0] == 1


def test_users_add_prompts_for_the_password(
    ibtool: Ibtool, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["s3cret-pw", "s3cret-pw", "one", "two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert ibtool("users", "add", "rita", "--role", "regulatory")[0] == 0
    code, _, err = ibtool("users", "add", "rosa", "--role", "regulatory")
    assert code == 1 and "differ" in err


def test_apikeys_create_list_and_revoke(ibtool: Ibtool, settings: Settings) -> None:
    code, out, err = ibtool("apikeys", "create", "twd-feed", "--role", "intake")
    key = out.strip()
    assert code == 0 and key.startswith("ibk_") and len(key) > 40 and "shown only now" in err
    [stored] = documents(settings, API_KEYS)
    assert key not in repr(stored) and stored["name"] == "twd-feed"
    assert authenticate(settings, key) == "apikey.twd-feed twd-feed (API key) intake"

    assert ibtool("apikeys", "create", "twd-feed", "--role", "intake")[0] == 1
    assert ibtool("apikeys", "list")[1].split()[:3] == ["twd-feed", "active", "intake"]
    assert ibtool("apikeys", "revoke", "twd-feed")[0] == 0
    assert ibtool("apikeys", "list")[1].split()[1] == "revoked"
    with pytest.raises(AuthenticationError, match="revoked"):
        authenticate(settings, key)
    assert ibtool("apikeys", "revoke", "twd-feed")[0] == 1


def test_a_store_that_is_down_is_a_message(ibtool: Ibtool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "IBTOOL_MONGO_URI", f"mongodb://127.0.0.1:{free_port()}/?directConnection=true"
    )
    monkeypatch.setattr("auth.cli.STORE_TIMEOUT_MS", 300)
    code, _, err = ibtool("users", "list")
    assert code == 1 and "not reachable" in err and "Traceback" not in err
