"""Local user accounts and API keys: what the embedded issuer knows about its callers.

Pure data; ``store/accounts.py`` keeps them and ``auth/`` decides with them. Passwords and
API keys are kept only as hashes.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints

from domain.base import Name, StrictModel, UserId
from domain.permissions import Role

#: An API key acts under this prefix in the audit trail, so it never passes for a person.
API_KEY_ACTOR_PREFIX = "apikey."
ApiKeyName = Annotated[
    str, StringConstraints(min_length=1, max_length=56, pattern=r"^[A-Za-z0-9._@-]+$")
]


class UserAccount(StrictModel):
    id: UserId
    name: Name = Field(description="Printed name: shown on signatures and in the audit trail")
    roles: list[Role] = Field(min_length=1)
    password_hash: str = Field(repr=False, description="argon2id")
    disabled: bool = False
    created_at: AwareDatetime
    disabled_at: AwareDatetime | None = None


class ApiKey(StrictModel):
    """A system integration's key (for example an intake feed). Only its sha256 is kept."""

    name: ApiKeyName
    key_hash: str = Field(repr=False, description="sha256 of the key, hex")
    roles: list[Role] = Field(min_length=1)
    created_at: AwareDatetime
    revoked_at: AwareDatetime | None = None

    @property
    def actor_id(self) -> str:
        return f"{API_KEY_ACTOR_PREFIX}{self.name}"
