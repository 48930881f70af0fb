"""First run of the embedded stack: one local user per role, passwords shown once.

The generated passwords are printed by ``ibtool run`` and kept only in
``<data_dir>/seeded-users.txt`` (mode 0600); the store holds their argon2 hashes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from auth.accounts import new_user
from auth.hashing import generate_password
from domain.permissions import Role
from settings import Settings
from store.accounts import AccountStore, open_accounts

SEEDED_FILE = "seeded-users.txt"

#: Ids match the staff directory (config/staff.toml) where it has someone in that role.
SEED_USERS: list[tuple[str, str, Role]] = [
    ("ana", "Ana Intake", Role.INTAKE),
    ("tom", "Tom Triage", Role.TRIAGER),
    ("ivan", "Ivan Investigator", Role.INVESTIGATOR),
    ("sofia", "Sofia Quality", Role.QUALITY_MANAGER),
    ("rita", "Rita Regulatory", Role.REGULATORY),
    ("audra", "Audra Auditor", Role.AUDITOR),
    ("admin", "IBTool Administrator", Role.ADMIN),
]


@dataclass(frozen=True, slots=True)
class SeededUser:
    user_id: str
    name: str
    role: Role
    password: str


async def seed_users(accounts: AccountStore, data_dir: Path) -> list[SeededUser]:
    """Create the seed users when there are no users at all; return them (else [])."""
    if await accounts.has_users():
        return []
    seeded = [SeededUser(uid, name, role, generate_password()) for uid, name, role in SEED_USERS]
    _write_private(data_dir / SEEDED_FILE, render(seeded))
    for user in seeded:
        account = new_user(
            user_id=user.user_id, name=user.name, roles=[user.role], password=user.password
        )
        await accounts.put_user(account)
    return seeded


def render(seeded: list[SeededUser]) -> str:
    lines = [f"{'user':<8} {'role':<16} password"]
    lines += [f"{u.user_id:<8} {u.role.value:<16} {u.password}" for u in seeded]
    return "\n".join(lines) + "\n"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # left from an earlier store that is gone now
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)


async def seed_stack(settings: Settings) -> list[SeededUser]:
    """Seed the store named by ``settings`` (the supervisor calls this once it is up)."""
    accounts = open_accounts(settings, timeout_ms=10_000)
    try:
        await accounts.ensure_indexes()
        return await seed_users(accounts, settings.data_dir)
    finally:
        await accounts.close()


def announcement(seeded: list[SeededUser], data_dir: Path) -> str:
    """What ``ibtool run`` prints on the first run: the only time the passwords are shown."""
    path = data_dir / SEEDED_FILE
    head = (
        "First run: one local user per role. Their passwords are shown only now and kept in "
        f"{path} (mode 0600); change them with your own users (ibtool users add)."
    )
    return "\n".join([head, *("  " + line for line in render(seeded).splitlines())])
