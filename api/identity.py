"""Who is calling: the one place the API turns credentials into an :class:`Actor`.

``Authorization: Bearer <token>`` carries a JWT (the embedded issuer's or the OIDC
issuer's) or an integration's API key; ``X-API-Key: <key>`` works for keys too. The body
never names the actor. What each actor may do is ``domain.permissions``' business.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request

from api.errors import Forbidden, Unauthenticated, Unavailable
from auth.authenticator import Authenticator
from auth.errors import AuthenticationError, IdentityProviderUnavailable
from domain import permissions
from domain.audit import Actor
from domain.permissions import Permission


def authenticator_of(request: Request) -> Authenticator:
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator


def bearer_credential(request: Request) -> str | None:
    """The credential sent, or None; raises 401 for a malformed Authorization header."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, credential = header.partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            raise Unauthenticated("send Authorization: Bearer <token>", invalid_token=True)
        return credential.strip()
    return request.headers.get("x-api-key") or None


async def actor_from_request(request: Request) -> Actor:
    credential = bearer_credential(request)
    if credential is None:
        raise Unauthenticated("send Authorization: Bearer <token> (or X-API-Key)")
    try:
        return await authenticator_of(request).actor_for_bearer(credential)
    except AuthenticationError as error:
        raise Unauthenticated(str(error), invalid_token=True) from error
    except IdentityProviderUnavailable as error:
        raise Unavailable("the identity provider's keys are unavailable; retry later") from error


def forbid_unless_granted(actor: Actor, permission: Permission) -> None:
    """403 unless a role of ``actor`` holds ``permission`` in some scope."""
    denial = permissions.role_refusal(actor, permission)
    if denial is not None:
        raise Forbidden(denial.message, permission=denial.permission)


def requires(permission: Permission) -> Callable[[Request], Awaitable[Actor]]:
    """A dependency: the authenticated actor, who must hold ``permission``."""

    async def authorized(request: Request) -> Actor:
        actor = await actor_from_request(request)
        forbid_unless_granted(actor, permission)
        return actor

    return authorized
