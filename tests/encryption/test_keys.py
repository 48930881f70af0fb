"""Codec keys from settings and from the embedded stack's key file."""

from __future__ import annotations

import base64
import os
import stat
import threading
from pathlib import Path

import pytest
from pydantic import SecretStr

from encryption.keys import (
    KeyConfigError,
    KeyRing,
    format_keys,
    key_file_path,
    load_key_ring,
    new_key_ring,
    parse_keys,
    read_key_file,
    write_key_file,
)
from settings import Settings

K1, K2 = bytes(range(32)), bytes(range(32, 64))


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def test_parse_keys_last_is_active_unless_named() -> None:
    text = f"old:{b64(K1)}, new:{b64(K2)}"
    assert parse_keys(text) == KeyRing(keys={"old": K1, "new": K2}, active="new")
    assert parse_keys(text, active="old").active == "old"
    assert parse_keys(f"old:{b64(K1)}\nnew:{b64(K2)}\n").keys == {"old": K1, "new": K2}


@pytest.mark.parametrize(
    ("text", "active", "message"),
    [
        ("", None, "no codec keys"),
        (b64(K1), None, "kid:base64key"),
        (f"a:{b64(K1)[:-4]}", None, "bytes"),
        ("a:not base64!", None, "base64"),
        (f"a:{b64(K1)},a:{b64(K2)}", None, "twice"),
        (f"bad id:{b64(K1)}", None, "key id"),
        (f"a:{b64(K1)}", "b", "active key 'b'"),
    ],
)
def test_bad_key_settings_fail_clearly(text: str, active: str | None, message: str) -> None:
    with pytest.raises(KeyConfigError, match=message):
        parse_keys(text, active=active)


def test_format_keys_parses_back_with_the_same_active_key() -> None:
    ring = new_key_ring().with_new_active().with_new_active()
    ring = KeyRing(keys=ring.keys, active=list(ring.keys)[1])
    assert parse_keys(format_keys(ring)) == ring


def test_settings_keys_win_over_the_key_file(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, codec_keys=SecretStr(f"k:{b64(K1)}"))
    assert load_key_ring(settings) == KeyRing(keys={"k": K1}, active="k")
    assert not key_file_path(settings).exists()


def test_key_file_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = load_key_ring(settings)
    path = key_file_path(settings)
    assert path == tmp_path / "data" / "codec-keys.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key_ring(settings) == first
    assert sorted(os.listdir(path.parent)) == ["codec-keys.json"]  # nothing left aside


def test_concurrent_first_runs_agree_on_one_key(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    rings: list[KeyRing] = []
    barrier = threading.Barrier(8)

    def load() -> None:
        barrier.wait()
        rings.append(load_key_ring(settings))

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(rings) == 8 and all(ring == rings[0] for ring in rings)


def test_a_key_file_others_may_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    write_key_file(path, new_key_ring())
    path.chmod(0o644)
    with pytest.raises(KeyConfigError, match="chmod 600"):
        read_key_file(path)


def test_rotating_the_key_file_keeps_old_keys(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    old = new_key_ring()
    write_key_file(path, old)
    assert not write_key_file(path, new_key_ring())  # never overwritten by accident
    rotated = read_key_file(path).with_new_active()
    assert write_key_file(path, rotated, replace=True)
    ring = read_key_file(path)
    assert ring.active == rotated.active != old.active
    assert ring.keys[old.active] == old.keys[old.active]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_active_key_setting_selects_among_file_keys(tmp_path: Path) -> None:
    rotated = new_key_ring().with_new_active()
    older = next(kid for kid in rotated.keys if kid != rotated.active)
    settings = Settings(codec_key_file=tmp_path / "k.json", codec_active_key=older)
    write_key_file(tmp_path / "k.json", rotated)
    assert load_key_ring(settings).active == older
