"""Opening the store: one client per process, shared by every request and activity."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient

from settings import Settings
from store.complaints import ComplaintStore


def open_store(settings: Settings) -> ComplaintStore:
    """Create the client (it connects lazily) and the store on ``settings.mongo_db``.

    The caller owns the result and calls ``await store.close()`` when it stops.
    """
    timeout_ms = int(settings.mongo_timeout.total_seconds() * 1000)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        settings.mongo_uri, tz_aware=True, serverSelectionTimeoutMS=timeout_ms
    )
    return ComplaintStore(client[settings.mongo_db], client=client)
