"""``AccountStore``: local users and API keys, in the same MongoDB as the projections.

Why the store and not a file in the data folder: every process (API replicas, the CLI, the
supervisor) already reaches the store, so a disabled user or a revoked key is refused by
every API process at once, and writes from two CLIs cannot interleave. The local issuer's
signing key stays a file in the data folder (it never leaves the host).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from domain.accounts import ApiKey, UserAccount
from settings import Settings

Document = dict[str, Any]
USERS = "users"
API_KEYS = "api_keys"


class AccountExistsError(Exception):
    """A user or API key of that name exists already."""


class AccountsUnavailable(Exception):
    """The store did not answer a lookup (it is down or unreachable)."""


class AccountStore:
    def __init__(
        self, db: AsyncDatabase[Document], *, client: AsyncMongoClient[Document] | None = None
    ) -> None:
        self._client = client
        self._users = db[USERS]
        self._keys = db[API_KEYS]

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()

    async def ensure_indexes(self) -> None:
        await self._keys.create_indexes([IndexModel([("name", ASCENDING)], unique=True)])

    # -- users ----------------------------------------------------------------------------

    async def add_user(self, account: UserAccount) -> None:
        """Insert ``account``; raise :class:`AccountExistsError` when its id is taken."""
        try:
            await self._users.insert_one(_user_document(account))
        except DuplicateKeyError as error:
            raise AccountExistsError(f"user {account.id} exists already") from error

    async def put_user(self, account: UserAccount) -> None:
        """Insert or replace ``account`` (tests and the first-run seed use it)."""
        await self._users.replace_one({"_id": account.id}, _user_document(account), upsert=True)

    async def get_user(self, user_id: str) -> UserAccount | None:
        try:
            doc = await self._users.find_one({"_id": user_id})
        except PyMongoError as error:
            raise AccountsUnavailable(f"user {user_id} could not be looked up") from error
        return None if doc is None else _user(doc)

    async def users(self) -> list[UserAccount]:
        return [_user(doc) async for doc in self._users.find().sort("_id", ASCENDING)]

    async def has_users(self) -> bool:
        return await self._users.find_one({}, {"_id": 1}) is not None

    async def disable_user(self, user_id: str, *, at: datetime) -> UserAccount | None:
        """Mark the user disabled (kept for the audit trail); None when there is no such user."""
        doc = await self._users.find_one_and_update(
            {"_id": user_id},
            {"$set": {"disabled": True, "disabled_at": at}},
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else _user(doc)

    # -- API keys -------------------------------------------------------------------------

    async def add_api_key(self, key: ApiKey) -> None:
        try:
            await self._keys.insert_one(_key_document(key))
        except DuplicateKeyError as error:
            raise AccountExistsError(f"API key {key.name} exists already") from error

    async def api_key_by_hash(self, key_hash: str) -> ApiKey | None:
        try:
            doc = await self._keys.find_one({"_id": key_hash})
        except PyMongoError as error:
            raise AccountsUnavailable("the API key could not be looked up") from error
        return None if doc is None else _key(doc)

    async def api_keys(self) -> list[ApiKey]:
        return [_key(doc) async for doc in self._keys.find().sort("name", ASCENDING)]

    async def revoke_api_key(self, name: str, *, at: datetime) -> ApiKey | None:
        """Revoke the key called ``name`` (kept, marked revoked); None when there is none."""
        doc = await self._keys.find_one_and_update(
            {"name": name, "revoked_at": None},
            {"$set": {"revoked_at": at}},
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else _key(doc)


def open_accounts(settings: Settings, *, timeout_ms: int | None = None) -> AccountStore:
    """A store of its own (for the CLI and the supervisor); the caller closes it."""
    options: dict[str, Any] = {"tz_aware": True}
    if timeout_ms is not None:
        options["serverSelectionTimeoutMS"] = timeout_ms
    client: AsyncMongoClient[Document] = AsyncMongoClient(settings.mongo_uri, **options)
    return AccountStore(client[settings.mongo_db], client=client)


def _user_document(account: UserAccount) -> Document:
    doc = account.model_dump(mode="python", exclude={"id"})
    return {"_id": account.id, **doc}


def _user(doc: Document) -> UserAccount:
    fields = {key: value for key, value in doc.items() if key != "_id"}
    return UserAccount.model_validate({**fields, "id": doc["_id"]})


def _key_document(key: ApiKey) -> Document:
    return {"_id": key.key_hash, **key.model_dump(mode="python")}


def _key(doc: Document) -> ApiKey:
    return ApiKey.model_validate({k: v for k, v in doc.items() if k != "_id"})
