"""Settings from the environment and from a secrets folder (compose secrets, k8s volumes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings import Settings


@pytest.fixture
def secrets_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("IBTOOL_SMTP_PASSWORD", "IBTOOL_MONGO_URI", "IBTOOL_TEMPORAL_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IBTOOL_SECRETS_DIR", str(tmp_path))
    return tmp_path


def test_secret_files_named_like_the_variables_are_read(secrets_dir: Path) -> None:
    (secrets_dir / "IBTOOL_SMTP_PASSWORD").write_text("s3cret\n")
    (secrets_dir / "IBTOOL_MONGO_URI").write_text("mongodb://u:p@db:27017/?tls=true")
    (secrets_dir / "IBTOOL_TEMPORAL_API_KEY").write_text("key-1")
    settings = Settings()
    assert settings.smtp_password == "s3cret"
    assert settings.mongo_uri == "mongodb://u:p@db:27017/?tls=true"
    assert settings.temporal_api_key is not None
    assert settings.temporal_api_key.get_secret_value() == "key-1"
    assert "key-1" not in repr(settings)
    assert settings.secrets_dir == secrets_dir


def test_an_environment_variable_wins_over_a_file(
    secrets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (secrets_dir / "IBTOOL_SMTP_PASSWORD").write_text("from-file")
    monkeypatch.setenv("IBTOOL_SMTP_PASSWORD", "from-env")
    assert Settings().smtp_password == "from-env"


def test_without_the_folder_setting_no_files_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IBTOOL_SECRETS_DIR", raising=False)
    monkeypatch.delenv("IBTOOL_SMTP_PASSWORD", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "IBTOOL_SMTP_PASSWORD").write_text("ignored")
    assert Settings().smtp_password is None
