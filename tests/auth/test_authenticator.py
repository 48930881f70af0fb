"""The authenticator against the real store: lookups are trusted for ``auth_cache_ttl`` only."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from auth.accounts import create_api_key, new_user
from auth.authenticator import Authenticator, build_authenticator
from auth.errors import AuthenticationError
from auth.recent import Recent
from domain.permissions import Role
from settings import Settings
from store.accounts import AccountStore, open_accounts

TTL = timedelta(seconds=0.5)


@pytest.fixture
async def accounts(settings: Settings) -> AsyncIterator[AccountStore]:
    store = open_accounts(settings)
    await store.ensure_indexes()
    try:
        yield store
    finally:
        await store.close()


def authenticator(settings: Settings, accounts: AccountStore) -> Authenticator:
    return build_authenticator(settings.model_copy(update={"auth_cache_ttl": TTL}), accounts)


async def test_a_disabled_user_is_refused_once_the_lookup_is_stale(
    settings: Settings, accounts: AccountStore
) -> None:
    await accounts.add_user(new_user(user_id="dora", roles=[Role.TRIAGER], password="pw-dora"))
    check = authenticator(settings, accounts)
    assert check.local is not None
    account = await accounts.get_user("dora")
    assert account is not None
    token = check.local.issue(account, now=datetime.now(UTC)).access_token
    assert (await check.actor_for_bearer(token)).roles == ["triager"]
    await accounts.disable_user("dora", at=datetime.now(UTC))
    assert not await check.password_is_valid("dora", "pw-dora")  # signing reads the store
    assert (await check.actor_for_bearer(token)).user_id == "dora"  # still trusted, < TTL
    await asyncio.sleep(TTL.total_seconds() + 0.1)
    with pytest.raises(AuthenticationError, match="disabled"):
        await check.actor_for_bearer(token)


async def test_a_revoked_key_is_refused_once_the_lookup_is_stale(
    settings: Settings, accounts: AccountStore
) -> None:
    _, key = await create_api_key(accounts, name="feed", roles=[Role.INTAKE])
    check = authenticator(settings, accounts)
    assert (await check.actor_for_bearer(key)).user_id == "apikey.feed"
    await accounts.revoke_api_key("feed", at=datetime.now(UTC))
    await asyncio.sleep(TTL.total_seconds() + 0.1)
    with pytest.raises(AuthenticationError, match="revoked"):
        await check.actor_for_bearer(key)
    with pytest.raises(AuthenticationError):
        await check.actor_for_bearer("ibk_" + key[4:][::-1])


async def test_recent_keeps_only_found_values_and_only_for_its_ttl() -> None:
    loads: list[str] = []
    values = {"a": 1}

    async def load(key: str) -> int | None:
        loads.append(key)
        return values.get(key)

    recent: Recent[int] = Recent(timedelta(seconds=0.2))
    got = [await recent.get(key, functools.partial(load, key)) for key in "aabb"]
    assert got == [1, 1, None, None]
    assert loads == ["a", "b", "b"]  # a hit is kept, a miss is not
    await asyncio.sleep(0.25)
    assert await recent.get("a", lambda: load("a")) == 1 and loads[-1] == "a"
