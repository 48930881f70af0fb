"""Creating local users and API keys: the secret is hashed here and shown only to the caller."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from auth.hashing import api_key_hash, generate_api_key, hash_password
from domain.accounts import ApiKey, UserAccount
from domain.permissions import Role
from store.accounts import AccountStore


def new_user(
    *, user_id: str, roles: Iterable[Role | str], password: str, name: str | None = None
) -> UserAccount:
    """A validated account with the password hashed (raises pydantic's ValidationError)."""
    return UserAccount(
        id=user_id,
        name=name or user_id,
        roles=[Role(role) for role in roles],
        password_hash=hash_password(password),
        created_at=datetime.now(UTC),
    )


async def create_api_key(
    accounts: AccountStore, *, name: str, roles: Iterable[Role | str]
) -> tuple[ApiKey, str]:
    """Store a new key's hash; return the record and the key, which is never kept."""
    key = generate_api_key()
    record = ApiKey(
        name=name,
        key_hash=api_key_hash(key),
        roles=[Role(role) for role in roles],
        created_at=datetime.now(UTC),
    )
    await accounts.add_api_key(record)
    return record, key
