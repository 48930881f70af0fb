"""Passwords (argon2id) and API keys (sha256 of a high-entropy key): hashed, never kept."""

from __future__ import annotations

import asyncio
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

API_KEY_PREFIX = "ibk_"

#: argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 30 ms a check
#: here, where the library's default (64 MiB, 3 passes, 4 lanes) took 0.4 s of a shared 2-core
#: machine for every log-in and signature. A stored hash keeps its own parameters, so raising
#: these later still verifies the old hashes.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
#: Checked when there is no such user, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("no such user")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


async def password_matches(password: str, password_hash: str | None) -> bool:
    """argon2 is slow on purpose: it runs in a thread, off the event loop."""

    def check() -> bool:
        try:
            return _HASHER.verify(password_hash or _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return False

    matched = await asyncio.to_thread(check)
    return matched and password_hash is not None


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def generate_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def api_key_hash(key: str) -> str:
    """A plain sha256 is enough: the key has 256 bits of entropy, nothing to brute-force."""
    return hashlib.sha256(key.encode()).hexdigest()


def looks_like_api_key(credential: str) -> bool:
    return credential.startswith(API_KEY_PREFIX)
