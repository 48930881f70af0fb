"""The one data converter (pydantic JSON, encrypted; failures' messages encrypted too) and
how the Temporal connection is secured, from the settings alone (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.api.failure.v1 import Failure
from temporalio.exceptions import ApplicationError
from temporalio.service import TLSConfig

from encryption.codec import ENCODING
from settings import Settings
from temporal_client import data_converter, tls_config
from tests.domain.factories import intake
from tests.servers import TEST_CODEC_KEYS


async def test_values_go_out_encrypted_and_come_back() -> None:
    converter = data_converter(Settings(codec_keys=TEST_CODEC_KEYS))
    value = intake()
    [payload] = await converter.encode([value])
    assert payload.metadata["encoding"] == ENCODING
    assert b"Jane" not in payload.data
    assert await converter.decode([payload], [type(value)]) == [value]


async def test_failure_messages_are_encrypted() -> None:
    converter = data_converter(Settings(codec_keys=TEST_CODEC_KEYS))
    failure = Failure()
    await converter.encode_failure(ApplicationError("refused: jane@example.org"), failure)
    assert b"jane@example.org" not in failure.SerializeToString()
    decoded = await converter.decode_failure(failure)
    assert "jane@example.org" in str(decoded)


def test_without_configured_keys_the_data_folder_holds_them(tmp_path: Path) -> None:
    first = data_converter(Settings(data_dir=tmp_path))
    again = data_converter(Settings(data_dir=tmp_path))
    assert (tmp_path / "codec-keys.json").exists()
    assert first.payload_codec.active_key_id == again.payload_codec.active_key_id  # type: ignore[union-attr]


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
