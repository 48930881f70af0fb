"""``EncryptionCodec``: every Temporal payload encrypted with AES-256-GCM before it leaves us.

A payload becomes ``metadata = {encoding: binary/encrypted, encryption-key-id: <kid>}`` and
``data = nonce (12 bytes) || ciphertext+tag`` of the original payload's protobuf bytes. The
key id is the associated data, so a payload cannot be relabelled to another key. Payloads
without the ``binary/encrypted`` marker pass through on decode: histories written before
the codec still replay.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from encryption.keys import KeyRing

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12  # 96-bit nonce, fresh for every payload


class PayloadDecryptionError(ValueError):
    """An encrypted payload that this process cannot decrypt."""


class UnknownKeyError(PayloadDecryptionError):
    def __init__(self, kid: str, known: Sequence[str]) -> None:
        super().__init__(
            f"payload was encrypted with key {kid!r}, which this process does not have "
            f"(it has {', '.join(known)}); add that key to IBTOOL_CODEC_KEYS"
        )
        self.kid = kid


class EncryptionCodec(PayloadCodec):
    def __init__(self, ring: KeyRing) -> None:
        self._ring = ring
        self._ciphers = {kid: AESGCM(key) for kid, key in ring.keys.items()}

    @property
    def active_key_id(self) -> str:
        return self._ring.active

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(payload) for payload in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(payload) for payload in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        kid = self._ring.active
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[kid].encrypt(nonce, payload.SerializeToString(), kid.encode())
        return Payload(metadata={"encoding": ENCODING, KEY_ID: kid.encode()}, data=nonce + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        kid = payload.metadata.get(KEY_ID, b"").decode(errors="replace")
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise UnknownKeyError(kid, list(self._ciphers))
        data = payload.data
        if len(data) <= NONCE_BYTES:
            raise PayloadDecryptionError(f"encrypted payload (key {kid!r}) is truncated")
        try:
            plain = cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], kid.encode())
        except InvalidTag as error:
            raise PayloadDecryptionError(
                f"encrypted payload (key {kid!r}) failed authentication: altered or wrong key"
            ) from error
        try:
            return Payload.FromString(plain)
        except Exception as error:  # protobuf's DecodeError; authenticated but not a payload
            raise PayloadDecryptionError("decrypted data is not a payload") from error
