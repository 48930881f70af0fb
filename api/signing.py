"""Electronic signatures (21 CFR Part 11.50/11.200) behind one interface.

The API verifies the signer's secret here, before it sends the update, so the secret never
enters workflow inputs, history or the store. What the workflow records is the verified
:class:`domain.audit.Signature`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from api.errors import InvalidField, SignatureRefused
from auth.authenticator import Authenticator
from domain.actions import Command, SignatureInput
from domain.audit import Actor, Signature
from domain.signing import signed_content_hash


class SignatureVerifier(Protocol):
    async def verify(self, actor: Actor, signature: SignatureInput) -> bool:
        """True when the secret re-authenticates ``actor`` at the moment of signing."""
        ...


class ReauthenticationVerifier:
    """The signer re-authenticates at signing (21 CFR 11.200(a)): their local password, or a
    token of theirs whose ``auth_time`` is within the re-auth window (5 minutes by default).
    """

    def __init__(self, authenticator: Authenticator) -> None:
        self._authenticator = authenticator

    async def verify(self, actor: Actor, signature: SignatureInput) -> bool:
        if signature.password is not None:
            password = signature.password.get_secret_value()
            return await self._authenticator.password_is_valid(actor.user_id, password)
        if signature.reauth_token is not None:
            token = signature.reauth_token.get_secret_value()
            return await self._authenticator.reauth_is_valid(actor.user_id, token)
        return False


async def sign(
    verifier: SignatureVerifier, *, complaint_id: str, command: Command, actor: Actor
) -> Signature:
    given: SignatureInput | None = getattr(command, "signature", None)
    if given is None:
        raise InvalidField("signature", f"{command.action} needs an electronic signature")
    if not await verifier.verify(actor, given):
        raise SignatureRefused(
            "the electronic signature could not be verified: wrong password, or a re-auth "
            "token that is not yours or older than the re-authentication window"
        )
    return Signature(
        signer=actor.user_id,
        printed_name=actor.name,
        meaning=given.meaning,
        signed_at=datetime.now(UTC),
        content_hash=signed_content_hash(complaint_id=complaint_id, command=command),
    )
