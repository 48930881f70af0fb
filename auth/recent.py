"""A small time-bounded memo of account lookups, so each request need not ask the store.

Only found records are kept (a user created a moment ago is seen at once), for at most
``ttl``: a user disabled or a key revoked in another process is refused within that time.
Log-in and signatures always read the store.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

MAX_ENTRIES = 10_000


class Recent[T]:
    def __init__(self, ttl: timedelta) -> None:
        self._ttl = ttl.total_seconds()
        self._entries: dict[str, tuple[float, T]] = {}

    async def get(self, key: str, load: Callable[[], Awaitable[T | None]]) -> T | None:
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and now - entry[0] < self._ttl:
            return entry[1]
        value = await load()
        if value is None or self._ttl <= 0:
            self._entries.pop(key, None)
            return value
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (now, value)
        return value
