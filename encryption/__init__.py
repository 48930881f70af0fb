"""PHI protection for Temporal: the payload codec and its keys."""

from encryption.codec import EncryptionCodec, PayloadDecryptionError, UnknownKeyError
from encryption.keys import KeyConfigError, KeyRing, load_key_ring

__all__ = [
    "EncryptionCodec",
    "KeyConfigError",
    "KeyRing",
    "PayloadDecryptionError",
    "UnknownKeyError",
    "load_key_ring",
]
