"""The account memo while the store is down: last-known records, fast, for a bounded time."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from auth.recent import Recent
from store.accounts import AccountsUnavailable


class Lookups:
    """A stand-in for the store's lookup: counts calls; 'down' makes it fail."""

    def __init__(self) -> None:
        self.calls = 0
        self.down = False

    async def __call__(self) -> str | None:
        self.calls += 1
        if self.down:
            raise AccountsUnavailable("down")
        return "ana-account"


async def test_a_record_seen_lately_serves_while_the_store_is_down() -> None:
    memo: Recent[str] = Recent(timedelta(0), stale_ttl=timedelta(hours=1))
    load = Lookups()
    assert await memo.get("ana", load) == "ana-account"
    load.down = True
    assert await memo.get("ana", load) == "ana-account"
    assert load.calls == 2  # it did try the store


async def test_after_a_failure_the_store_is_not_asked_again_until_retry_after() -> None:
    memo: Recent[str] = Recent(
        timedelta(0), stale_ttl=timedelta(hours=1), retry_after=timedelta(milliseconds=200)
    )
    load = Lookups()
    await memo.get("ana", load)
    load.down = True
    for _ in range(5):
        assert await memo.get("ana", load) == "ana-account"
    assert load.calls == 2  # one failed try, then straight to the known record
    await asyncio.sleep(0.25)
    load.down = False
    assert await memo.get("ana", load) == "ana-account"
    assert load.calls == 3  # asked again once retry_after passed


async def test_an_account_never_seen_or_seen_too_long_ago_is_unavailable() -> None:
    memo: Recent[str] = Recent(timedelta(0), stale_ttl=timedelta(milliseconds=100))
    load = Lookups()
    await memo.get("ana", load)
    load.down = True
    with pytest.raises(AccountsUnavailable):
        await memo.get("bob", load)  # never seen
    await asyncio.sleep(0.15)
    with pytest.raises(AccountsUnavailable):
        await memo.get("ana", load)  # seen longer ago than stale_ttl


async def test_without_a_stale_window_nothing_is_kept() -> None:
    memo: Recent[str] = Recent(timedelta(0))
    load = Lookups()
    await memo.get("ana", load)
    load.down = True
    with pytest.raises(AccountsUnavailable):
        await memo.get("ana", load)
