from __future__ import annotations

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import ConnectionFailure, DuplicateKeyError

from tests.servers import MongoStore, unique_name


async def test_insert_find_and_unique_index(mongo_store: MongoStore) -> None:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongo_store.uri)
    try:
        complaints = client[unique_name("test_")]["complaints"]
        await complaints.create_index("source_ref", unique=True)
        await complaints.insert_many(
            [
                {"_id": "C-1", "source_ref": "SF-1", "status": "received", "severity": 2},
                {"_id": "C-2", "source_ref": "SF-2", "status": "triage", "severity": 4},
            ]
        )
        with pytest.raises(DuplicateKeyError):
            await complaints.insert_one({"_id": "C-3", "source_ref": "SF-1"})

        found = await complaints.find({"severity": {"$gte": 3}}).to_list()
        assert [doc["_id"] for doc in found] == ["C-2"]
        indexes = await complaints.index_information()
        assert indexes["source_ref_1"]["unique"] is True
    finally:
        await client.close()


async def test_data_survives_stop_and_start(mongo_store: MongoStore) -> None:
    """The same client works again once the store is back (pymongo reconnects)."""
    database = unique_name("test_")
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        mongo_store.uri, serverSelectionTimeoutMS=2000
    )
    try:
        complaints = client[database]["complaints"]
        await complaints.insert_one({"_id": "C-9", "status": "closed"})

        mongo_store.stop()
        assert not mongo_store.is_running()
        with pytest.raises(ConnectionFailure):
            await complaints.find_one({"_id": "C-9"})
        mongo_store.start()

        assert await complaints.find_one({"_id": "C-9"}) == {"_id": "C-9", "status": "closed"}
    finally:
        await client.close()


async def test_duplicate_ids_are_refused_with_the_scan_fix(mongo_store: MongoStore) -> None:
    """devstack.store_fixes skips the engine's whole-collection scan for non-numeric ids:
    duplicates must still be refused, by insert and by upsert, and numeric ids that are
    equal but typed differently (1 and 1.0) still collide."""
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongo_store.uri)
    try:
        coll = client[unique_name("test_")]["complaints"]
        await coll.insert_many([{"_id": f"C-{n}", "version": 1} for n in range(20)])
        with pytest.raises(DuplicateKeyError):
            await coll.insert_one({"_id": "C-7", "version": 9})
        # The projection's guarded upsert: an older-version filter that matches nothing
        # tries to insert the same _id, which must collide (the no-op case).
        with pytest.raises(DuplicateKeyError):
            await coll.replace_one(
                {"_id": "C-7", "version": {"$lt": 1}}, {"version": 1}, upsert=True
            )
        assert await coll.find_one({"_id": "C-7"}) == {"_id": "C-7", "version": 1}
        await coll.insert_one({"_id": 1, "kind": "int"})
        with pytest.raises(DuplicateKeyError):
            await coll.insert_one({"_id": 1.0, "kind": "float"})
    finally:
        await client.close()
