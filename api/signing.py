"""Electronic signatures (21 CFR Part 11.50/11.200) behind one interface.

The API verifies the signer's secret here, before it sends the update, so the secret never
enters workflow inputs, history or the store. What the workflow records is the verified
:class:`domain.audit.Signature`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from api.errors import InvalidField
from domain.actions import Command, SignatureInput
from domain.audit import Actor, Signature
from domain.signing import signed_content_hash


class SignatureVerifier(Protocol):
    async def verify(self, actor: Actor, signature: SignatureInput) -> bool:
        """True when the secret re-authenticates ``actor`` at the moment of signing."""
        ...


class HeaderIdentityVerifier:
    """Until token authentication exists, a signer is who the X-User header says.

    It checks that a non-empty secret was given, nothing more; the authentication work
    replaces it with a verifier that checks the password or re-auth token.
    """

    async def verify(self, actor: Actor, signature: SignatureInput) -> bool:
        secret = signature.password or signature.reauth_token
        return secret is not None and bool(secret.get_secret_value())


async def sign(
    verifier: SignatureVerifier, *, complaint_id: str, command: Command, actor: Actor
) -> Signature:
    given: SignatureInput | None = getattr(command, "signature", None)
    if given is None:
        raise InvalidField("signature", f"{command.action} needs an electronic signature")
    if not await verifier.verify(actor, given):
        raise InvalidField("signature", "the signature could not be verified")
    return Signature(
        signer=actor.user_id,
        printed_name=actor.name,
        meaning=given.meaning,
        signed_at=datetime.now(UTC),
        content_hash=signed_content_hash(complaint_id=complaint_id, command=command),
    )
