"""A small time-bounded memo of account lookups, so each request need not ask the store.

Only found records are kept (a user created a moment ago is seen at once). A record is
trusted for ``ttl``: a user disabled or a key revoked in another process is refused within
that time. While the store does not answer, a record seen within ``stale_ttl`` is used
(the lifetime of a token, which bounds what it could do anyway), so a store outage delays
projections, never transitions. After a lookup found the store down, the next ones for
``retry_after`` go straight to what is known, instead of each waiting for the store's
timeout. Log-in and signatures always read the store.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from store.accounts import AccountsUnavailable

MAX_ENTRIES = 10_000
RETRY_AFTER = timedelta(seconds=5)


class Recent[T]:
    def __init__(
        self,
        ttl: timedelta,
        *,
        stale_ttl: timedelta = timedelta(0),
        retry_after: timedelta = RETRY_AFTER,
    ) -> None:
        self._ttl = ttl.total_seconds()
        self._stale_ttl = stale_ttl.total_seconds()
        self._retry_after = retry_after.total_seconds()
        self._down_until = 0.0
        self._entries: dict[str, tuple[float, T]] = {}

    async def get(self, key: str, load: Callable[[], Awaitable[T | None]]) -> T | None:
        """The record, fresh or loaded; raises ``AccountsUnavailable`` with nothing to fall
        back on."""
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and now - entry[0] < self._ttl:
            return entry[1]
        if now < self._down_until:
            return self._stale(entry, now)
        try:
            value = await load()
        except AccountsUnavailable:
            self._down_until = time.monotonic() + self._retry_after
            return self._stale(entry, now)
        if value is None or max(self._ttl, self._stale_ttl) <= 0:
            self._entries.pop(key, None)
            return value
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (now, value)
        return value

    def _stale(self, entry: tuple[float, T] | None, now: float) -> T:
        if entry is not None and now - entry[0] < self._stale_ttl:
            return entry[1]
        raise AccountsUnavailable("the store is unreachable and this account was not seen lately")
