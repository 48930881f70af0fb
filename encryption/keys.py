"""The AES-256 keys that encrypt Temporal payloads: parsed from settings or a key file.

Two sources, in this order:

- ``IBTOOL_CODEC_KEYS``: ``kid:base64key,kid:base64key,...`` (production; from a secret
  store). The active key, which encrypts new payloads, is ``IBTOOL_CODEC_ACTIVE_KEY``, or
  the last entry when that is unset. Every listed key still decrypts.
- otherwise a JSON key file (``IBTOOL_CODEC_KEY_FILE``, default ``<data_dir>/codec-keys.json``)
  ``{"active": kid, "keys": {kid: base64key}}``, created with one fresh key and mode 0600
  on first use (the embedded stack). A file that group or others may read is refused.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import re
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from settings import Settings

KEY_BYTES = 32  # AES-256
KEY_FILE_NAME = "codec-keys.json"
_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class KeyConfigError(ValueError):
    """The configured keys cannot be used (bad syntax, wrong length, unknown active id)."""


@dataclass(frozen=True)
class KeyRing:
    """Every key that may decrypt, by id, and the one id that encrypts."""

    keys: Mapping[str, bytes]
    active: str

    def __post_init__(self) -> None:
        for kid, key in self.keys.items():
            if not _KEY_ID.match(kid):
                raise KeyConfigError(f"key id {kid!r} must match {_KEY_ID.pattern}")
            if len(key) != KEY_BYTES:
                raise KeyConfigError(f"key {kid!r} has {len(key)} bytes; AES-256 needs 32")
        if self.active not in self.keys:
            raise KeyConfigError(
                f"active key {self.active!r} is not among the keys ({', '.join(self.keys)})"
            )

    def with_new_active(self, kid: str | None = None) -> KeyRing:
        """A ring with one more, fresh key that becomes active (the older ones still decrypt)."""
        kid = kid or new_key_id()
        if kid in self.keys:
            raise KeyConfigError(f"key id {kid!r} exists already")
        return KeyRing(keys={**self.keys, kid: secrets.token_bytes(KEY_BYTES)}, active=kid)


def new_key_id() -> str:
    return f"k-{secrets.token_hex(4)}"


def new_key_ring() -> KeyRing:
    kid = new_key_id()
    return KeyRing(keys={kid: secrets.token_bytes(KEY_BYTES)}, active=kid)


def format_keys(ring: KeyRing) -> str:
    """The ``IBTOOL_CODEC_KEYS`` form of ``ring`` (the active key last)."""
    order = [kid for kid in ring.keys if kid != ring.active] + [ring.active]
    return ",".join(f"{kid}:{base64.b64encode(ring.keys[kid]).decode()}" for kid in order)


def _decode_key(kid: str, text: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise KeyConfigError(f"key {kid!r} is not valid base64") from error


def parse_keys(text: str, *, active: str | None = None) -> KeyRing:
    """``kid:base64key,...`` (commas or newlines between entries)."""
    keys: dict[str, bytes] = {}
    for entry in re.split(r"[,\n]", text):
        if not entry.strip():
            continue
        kid, sep, encoded = entry.strip().partition(":")
        if not sep:
            raise KeyConfigError("each codec key must read kid:base64key")
        if kid in keys:
            raise KeyConfigError(f"key id {kid!r} is listed twice")
        keys[kid] = _decode_key(kid, encoded)
    if not keys:
        raise KeyConfigError("no codec keys given")
    return KeyRing(keys=keys, active=active or list(keys)[-1])


def key_file_path(settings: Settings) -> Path:
    return settings.codec_key_file or settings.data_dir / KEY_FILE_NAME


def read_key_file(path: Path) -> KeyRing:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyConfigError(f"{path} may be read by others (mode {mode:o}): chmod 600 it")
    try:
        data = json.loads(path.read_text())
        keys = {kid: _decode_key(kid, str(text)) for kid, text in data["keys"].items()}
        return KeyRing(keys=keys, active=str(data["active"]))
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
        raise KeyConfigError(f"{path} is not a codec key file") from error


def write_key_file(path: Path, ring: KeyRing, *, replace: bool = False) -> bool:
    """Write ``ring`` with mode 0600; without ``replace``, only if no file exists yet.

    The file is written aside and then linked (or renamed) into place, so a reader never sees
    half of it, and of two processes creating it at once exactly one wins. True if written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "active": ring.active,
        "keys": {kid: base64.b64encode(key).decode() for kid, key in ring.keys.items()},
    }
    aside = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(body, out, indent=2)
    try:
        if replace:
            os.replace(aside, path)
            return True
        try:
            os.link(aside, path)
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(aside)


def load_key_ring(settings: Settings) -> KeyRing:
    """The keys of this process: from ``codec_keys``, else from the key file (made if absent)."""
    if settings.codec_keys is not None:
        return parse_keys(settings.codec_keys.get_secret_value(), active=settings.codec_active_key)
    path = key_file_path(settings)
    if not path.exists():
        write_key_file(path, new_key_ring())
    ring = read_key_file(path)
    if settings.codec_active_key and settings.codec_active_key != ring.active:
        return KeyRing(keys=ring.keys, active=settings.codec_active_key)
    return ring
