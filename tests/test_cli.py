"""``ibtool keys``: the key file's rotation from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import ibtool_cli as cli
from encryption.keys import parse_keys, read_key_file


def run(*argv: str) -> int:
    with pytest.raises(SystemExit) as exited:
        cli.main(list(argv))
    return int(exited.value.code or 0)


def test_keys_rotate_adds_an_active_key_and_keeps_the_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IBTOOL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("IBTOOL_CODEC_KEYS", raising=False)
    assert run("keys", "list") == 0
    first = read_key_file(tmp_path / "codec-keys.json")
    assert run("keys", "rotate") == 0
    rotated = read_key_file(tmp_path / "codec-keys.json")
    assert rotated.active != first.active
    assert rotated.keys[first.active] == first.keys[first.active]
    capsys.readouterr()
    run("keys", "list")
    listed = capsys.readouterr().out.splitlines()
    assert listed == [first.active, f"{rotated.active}  (active)"]  # ids, never key bytes


def test_keys_new_prints_a_settings_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("keys", "new") == 0
    ring = parse_keys(capsys.readouterr().out)
    assert len(ring.keys) == 1


def test_keys_rotate_refuses_when_keys_come_from_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IBTOOL_CODEC_KEYS", "k:" + "A" * 43 + "=")
    assert run("keys", "rotate") == 1
    assert "IBTOOL_CODEC_KEYS" in capsys.readouterr().err


def test_the_installed_ibtool_command_runs_from_anywhere(tmp_path: Path) -> None:
    """The console script imports this project's CLI, not a same-named module of some
    dependency (python-hcl2 8 installs a top-level ``cli`` package that once won)."""
    command = Path(sys.executable).parent / "ibtool"
    done = subprocess.run(
        [str(command), "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "users" in done.stdout and "token" in done.stdout
