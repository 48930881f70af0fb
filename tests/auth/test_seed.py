"""The first run of the stack seeds one user per role; the passwords are shown once."""

from __future__ import annotations

import asyncio
import stat

import pytest

from auth.hashing import password_matches
from auth.seed import SEEDED_FILE
from devstack.supervisor import seed_first_run
from domain.permissions import Role
from settings import Settings
from store.accounts import open_accounts


async def test_the_first_run_seeds_one_user_per_role(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    await asyncio.to_thread(seed_first_run, settings)
    shown = capsys.readouterr().out
    path = settings.data_dir / SEEDED_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = [line.split() for line in path.read_text().splitlines()[1:]]
    assert sorted(role for _, role, _ in rows) == sorted(role.value for role in Role)
    assert all(password in shown for _, _, password in rows)  # shown on this run

    accounts = open_accounts(settings)
    try:
        for user_id, role, password in rows:
            account = await accounts.get_user(user_id)
            assert account is not None and account.roles == [Role(role)]
            assert password not in account.password_hash
            assert await password_matches(password, account.password_hash)
        before = path.read_text()
        await asyncio.to_thread(seed_first_run, settings)  # a later run: nothing new, nothing shown
        assert capsys.readouterr().out == "" and path.read_text() == before
        assert len(await accounts.users()) == len(Role)
    finally:
        await accounts.close()
