"""The one data converter: pydantic JSON, encrypted; failures' messages encrypted too."""

from __future__ import annotations

from pathlib import Path

from temporalio.api.failure.v1 import Failure
from temporalio.exceptions import ApplicationError

from encryption.codec import ENCODING
from settings import Settings
from temporal_client import data_converter
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
