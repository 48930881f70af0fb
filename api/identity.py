"""Who is calling: the one place the API turns credentials into an :class:`Actor`.

``Authorization: Bearer <token>`` carries a JWT (the embedded issuer's or the OIDC
issuer's) or an integration's API key; ``X-API-Key: <key>`` works for keys too. On
``/codec`` only, the session cookie that ``/codec/login`` sets carries the token too: the
Temporal Web UI cannot send a bearer token of ours, but a browser sends the cookie
("Include cross-origin credentials"). The body never names the actor. What each actor
may do is ``domain.permissions``' business.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from api.errors import Forbidden, Unauthenticated, Unavailable
from auth.authenticator import Authenticator
from auth.errors import AuthenticationError, IdentityProviderUnavailable
from domain import permissions
from domain.audit import Actor
from domain.permissions import Permission


def authenticator_of(request: Request) -> Authenticator:
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator


#: Declared as security schemes, so the OpenAPI page offers log-in ("Authorize").
BEARER = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)
API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="An integration's key")


#: The codec session's cookie (HttpOnly, SameSite=Strict, Path=/codec): a bearer token.
CODEC_COOKIE = "ibtool_codec"


async def actor_from_request(
    request: Request,
    token: Annotated[str | None, Depends(BEARER)],
    api_key: Annotated[str | None, Depends(API_KEY)],
) -> Actor:
    return await _actor_for(request, token or api_key)


async def codec_actor_from_request(
    request: Request,
    token: Annotated[str | None, Depends(BEARER)],
    api_key: Annotated[str | None, Depends(API_KEY)],
) -> Actor:
    """As :func:`actor_from_request`, with the codec session's cookie when no header is sent."""
    return await _actor_for(request, token or api_key or request.cookies.get(CODEC_COOKIE))


async def _actor_for(request: Request, credential: str | None) -> Actor:
    if not credential:
        sent = "authorization" in request.headers  # but not as "Bearer <token>"
        raise Unauthenticated(
            "send Authorization: Bearer <token> (or X-API-Key)", invalid_token=sent
        )
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


def requires(
    permission: Permission,
    identify: Callable[..., Awaitable[Actor]] = actor_from_request,
) -> Callable[[Actor], Awaitable[Actor]]:
    """A dependency: the actor ``identify`` authenticates, who must hold ``permission``."""

    # A default, not ``Annotated``: postponed annotations cannot see ``identify``.
    async def authorized(actor: Actor = Depends(identify)) -> Actor:  # noqa: B008
        forbid_unless_granted(actor, permission)
        return actor

    return authorized
