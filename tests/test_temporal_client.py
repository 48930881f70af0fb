"""How the Temporal connection is secured, from the settings alone (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.service import TLSConfig

from settings import Settings
from temporal_client import tls_config


def _pem(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(f"-----BEGIN {name}-----\n{name}\n-----END {name}-----\n".encode())
    return path


def test_embedded_default_is_plaintext() -> None:
    assert tls_config(Settings()) is False


def test_tls_flag_is_plain_tls() -> None:
    assert tls_config(Settings(temporal_tls=True)) is True


def test_api_key_implies_tls_even_if_the_flag_is_off() -> None:
    assert tls_config(Settings(temporal_api_key="key-1", temporal_tls=False)) is True


def test_client_certificate_gives_mutual_tls(tmp_path: Path) -> None:
    settings = Settings(
        temporal_tls_cert_path=_pem(tmp_path, "CERT"),
        temporal_tls_key_path=_pem(tmp_path, "KEY"),
    )
    config = tls_config(settings)
    assert isinstance(config, TLSConfig)
    assert config.client_cert == (tmp_path / "CERT").read_bytes()
    assert config.client_private_key == (tmp_path / "KEY").read_bytes()
    assert config.server_root_ca_cert is None
    assert config.domain is None


def test_private_ca_and_server_name_without_client_certificate(tmp_path: Path) -> None:
    settings = Settings(
        temporal_tls_ca_path=_pem(tmp_path, "CA"),
        temporal_tls_server_name="temporal.internal",
    )
    config = tls_config(settings)
    assert isinstance(config, TLSConfig)
    assert config.server_root_ca_cert == (tmp_path / "CA").read_bytes()
    assert config.domain == "temporal.internal"
    assert config.client_cert is None and config.client_private_key is None


@pytest.mark.parametrize("only", ["temporal_tls_cert_path", "temporal_tls_key_path"])
def test_certificate_without_its_key_is_refused(tmp_path: Path, only: str) -> None:
    settings = Settings().model_copy(update={only: _pem(tmp_path, "HALF")})
    with pytest.raises(ValueError, match="set both"):
        tls_config(settings)


def test_missing_certificate_file_fails_loudly(tmp_path: Path) -> None:
    settings = Settings(
        temporal_tls_cert_path=tmp_path / "absent.pem",
        temporal_tls_key_path=_pem(tmp_path, "KEY"),
    )
    with pytest.raises(FileNotFoundError):
        tls_config(settings)
