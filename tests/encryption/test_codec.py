"""EncryptionCodec on its own: no server, only payloads in and out."""

from __future__ import annotations

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter

from encryption.codec import (
    ENCODING,
    KEY_ID,
    NONCE_BYTES,
    EncryptionCodec,
    PayloadDecryptionError,
    UnknownKeyError,
)
from encryption.keys import KeyRing, new_key_ring
from tests.domain.factories import intake

PLAIN = Payload(metadata={"encoding": b"json/plain"}, data=b'{"name": "Dr. Jane Roe"}')


async def roundtrip(codec: EncryptionCodec, payload: Payload) -> tuple[Payload, Payload]:
    [sealed] = await codec.encode([payload])
    [opened] = await codec.decode([sealed])
    return sealed, opened


async def test_encode_hides_data_and_metadata_and_decode_restores_them() -> None:
    ring = new_key_ring()
    sealed, opened = await roundtrip(EncryptionCodec(ring), PLAIN)
    assert opened == PLAIN
    assert dict(sealed.metadata) == {"encoding": ENCODING, KEY_ID: ring.active.encode()}
    assert b"Jane" not in sealed.data and b"json/plain" not in sealed.data
    # nonce + ciphertext (as long as the serialized payload) + 16-byte tag
    assert len(sealed.data) == NONCE_BYTES + len(PLAIN.SerializeToString()) + 16


async def test_every_payload_gets_a_fresh_nonce() -> None:
    codec = EncryptionCodec(new_key_ring())
    sealed = await codec.encode([PLAIN] * 50)
    nonces = {p.data[:NONCE_BYTES] for p in sealed}
    assert len(nonces) == 50
    assert len({p.data for p in sealed}) == 50


async def test_real_pydantic_payloads_roundtrip_through_the_converter() -> None:
    codec = EncryptionCodec(new_key_ring())
    [payload] = pydantic_data_converter.payload_converter.to_payloads([intake()])
    sealed, opened = await roundtrip(codec, payload)
    assert opened == payload
    assert b"jane@example.org" in payload.data and b"jane@example.org" not in sealed.data


async def test_unencrypted_payloads_pass_through_decode() -> None:
    """Histories written before the codec existed still replay."""
    codec = EncryptionCodec(new_key_ring())
    assert await codec.decode([PLAIN]) == [PLAIN]


async def test_rotation_old_payloads_decode_new_ones_use_the_new_key() -> None:
    old = new_key_ring()
    [before] = await EncryptionCodec(old).encode([PLAIN])
    rotated = old.with_new_active()
    codec = EncryptionCodec(rotated)
    [after] = await codec.encode([PLAIN])
    assert after.metadata[KEY_ID] == rotated.active.encode() != before.metadata[KEY_ID]
    assert await codec.decode([before, after]) == [PLAIN, PLAIN]


async def test_an_unknown_key_id_fails_naming_it() -> None:
    [sealed] = await EncryptionCodec(new_key_ring()).encode([PLAIN])
    other = new_key_ring()
    with pytest.raises(UnknownKeyError, match=sealed.metadata[KEY_ID].decode()) as raised:
        await EncryptionCodec(other).decode([sealed])
    assert other.active in str(raised.value)


async def test_a_relabelled_or_altered_payload_fails_authentication() -> None:
    ring = new_key_ring().with_new_active()
    first, second = list(ring.keys)
    codec = EncryptionCodec(ring)
    [sealed] = await codec.encode([PLAIN])
    relabelled = Payload(metadata={**sealed.metadata, KEY_ID: first.encode()}, data=sealed.data)
    flipped = bytearray(sealed.data)
    flipped[-1] ^= 1
    altered = Payload(metadata=sealed.metadata, data=bytes(flipped))
    truncated = Payload(metadata=sealed.metadata, data=sealed.data[:NONCE_BYTES])
    for bad in (relabelled, altered, truncated):
        with pytest.raises(PayloadDecryptionError):
            await codec.decode([bad])
    assert second == ring.active


async def test_same_key_under_another_ring_still_decrypts() -> None:
    """A process restarted with the same keys (any order, another active) reads old data."""
    ring = new_key_ring().with_new_active()
    [sealed] = await EncryptionCodec(ring).encode([PLAIN])
    reordered = KeyRing(keys=dict(reversed(list(ring.keys.items()))), active=next(iter(ring.keys)))
    assert await EncryptionCodec(reordered).decode([sealed]) == [PLAIN]
