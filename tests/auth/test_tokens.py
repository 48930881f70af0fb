"""The embedded issuer: its key file, and the tokens it signs and accepts."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest

from auth import keys
from auth.accounts import new_user
from auth.errors import AuthenticationError
from auth.tokens import LocalIssuer
from domain.permissions import Role

NOW = datetime.now(UTC)


def issuer(data_dir: Path, *, audience: str = "ibtool") -> LocalIssuer:
    key = keys.load_or_create(data_dir)
    return LocalIssuer(key, issuer="ibtool-local", audience=audience, ttl=timedelta(hours=1))


ACCOUNT = new_user(
    user_id="ivan", name="Ivan Investigator", roles=[Role.INVESTIGATOR], password="x"
)


def test_the_key_is_made_once_private_and_shared(tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:  # racing first uses agree on one key
        kids = set(pool.map(lambda _: keys.load_or_create(tmp_path).kid, range(16)))
    assert len(kids) == 1
    path = keys.key_path(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no scratch files left
    assert keys.load_or_create(tmp_path).kid == kids.pop()


def test_a_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    keys.load_or_create(tmp_path)
    os.chmod(keys.key_path(tmp_path), 0o644)
    with pytest.raises(keys.InsecureKeyFileError, match="chmod 600"):
        keys.load_or_create(tmp_path)


def test_a_token_carries_who_when_and_roles(tmp_path: Path) -> None:
    local = issuer(tmp_path)
    issued = local.issue(ACCOUNT, now=NOW)
    raw = jwt.decode(issued.access_token, options={"verify_signature": False})
    assert raw.keys() >= {"sub", "name", "roles", "iat", "exp", "auth_time", "iss", "aud"}
    assert (raw["sub"], raw["name"], raw["roles"]) == (
        "ivan",
        "Ivan Investigator",
        ["investigator"],
    )
    assert raw["exp"] - raw["iat"] == 3600 == issued.expires_in
    claims = local.verify(issued.access_token)
    assert (claims.subject, claims.roles, claims.local) == ("ivan", ["investigator"], True)
    assert claims.auth_time == claims.issued_at == datetime.fromtimestamp(int(NOW.timestamp()), UTC)


def test_expired_foreign_or_unsigned_tokens_are_refused(tmp_path: Path) -> None:
    local = issuer(tmp_path / "ours")
    expired = local.issue(ACCOUNT, now=NOW - timedelta(hours=2)).access_token
    with pytest.raises(AuthenticationError, match="expired"):
        local.verify(expired)
    foreign = issuer(tmp_path / "theirs").issue(ACCOUNT, now=NOW).access_token
    other_audience = issuer(tmp_path / "ours", audience="x").issue(ACCOUNT, now=NOW).access_token
    claims = jwt.decode(
        local.issue(ACCOUNT, now=NOW).access_token, options={"verify_signature": False}
    )
    unsigned = jwt.encode(claims, key="", algorithm="none")
    shared_secret = jwt.encode(claims, "secret-secret-secret-secret-secret", algorithm="HS256")
    for token in (foreign, other_audience, unsigned, shared_secret, "garbage"):
        with pytest.raises(AuthenticationError):
            local.verify(token)
