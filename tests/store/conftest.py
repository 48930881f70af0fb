"""An in-process wire-protocol store (mongoeco on SQLite), reached by pymongo over TCP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from mongoeco.engines import SQLiteEngine
from mongoeco.wire import AsyncMongoEcoProxyServer

from store import ComplaintStore
from tests.store.builders import fresh_store


@pytest.fixture(scope="session")
async def store_uri(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    path = tmp_path_factory.mktemp("store") / "s.db"
    server = AsyncMongoEcoProxyServer(engine=SQLiteEngine(str(path)), port=0)
    address = await server.start()
    try:
        yield address.uri
    finally:
        await server.close()


@pytest.fixture
async def store(store_uri: str) -> AsyncIterator[ComplaintStore]:
    async with fresh_store(store_uri) as fresh:
        yield fresh
