"""Bearer JWTs of the embedded issuer, and the claims every verified token comes down to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from auth.errors import AuthenticationError
from auth.keys import ALGORITHM, SigningKey
from domain.accounts import UserAccount

#: Clock skew tolerated between issuer and API.
LEEWAY = timedelta(seconds=30)
REQUIRED_CLAIMS = ["iss", "aud", "sub", "iat", "exp"]


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What the API uses of a verified token, whoever issued it."""

    issuer: str
    subject: str
    name: str
    roles: list[str]
    issued_at: datetime
    auth_time: datetime | None  # when the user last entered their password (OIDC auth_time)
    local: bool  # issued by the embedded issuer: the subject is a local account


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_in: int  # seconds

    def response(self) -> dict[str, Any]:
        """The OAuth2 token response body."""
        return {
            "access_token": self.access_token,
            "token_type": "bearer",
            "expires_in": self.expires_in,
        }


class LocalIssuer:
    """Signs tokens for local accounts with the data folder's key and verifies them."""

    def __init__(self, key: SigningKey, *, issuer: str, audience: str, ttl: timedelta) -> None:
        self._key = key
        self.issuer = issuer
        self._audience = audience
        self._ttl = ttl

    def issue(
        self, account: UserAccount, *, now: datetime, auth_time: datetime | None = None
    ) -> IssuedToken:
        claims = {
            "iss": self.issuer,
            "aud": self._audience,
            "sub": account.id,
            "name": account.name,
            "roles": [str(role) for role in account.roles],
            "iat": int(now.timestamp()),
            "exp": int((now + self._ttl).timestamp()),
            "auth_time": int((auth_time or now).timestamp()),
        }
        token = jwt.encode(
            claims, self._key.private_key, algorithm=ALGORITHM, headers={"kid": self._key.kid}
        )
        return IssuedToken(access_token=token, expires_in=int(self._ttl.total_seconds()))

    def verify(self, token: str) -> TokenClaims:
        try:
            claims = jwt.decode(
                token,
                self._key.public_key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self.issuer,
                leeway=LEEWAY,
                options={"require": [*REQUIRED_CLAIMS, "auth_time"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise AuthenticationError("the token has expired") from error
        except jwt.PyJWTError as error:
            raise AuthenticationError(f"the token is not valid: {error}") from error
        return claims_of(claims, roles=claims.get("roles"), local=True)


def claims_of(claims: dict[str, Any], *, roles: Any, local: bool) -> TokenClaims:
    """Normalise a verified token's claims; ``roles`` is a list or a space-separated string."""
    if isinstance(roles, str):
        roles = roles.split()
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        roles = []
    subject = str(claims["sub"])
    name = claims.get("name") or claims.get("preferred_username") or subject
    auth_time = claims.get("auth_time")
    return TokenClaims(
        issuer=str(claims["iss"]),
        subject=subject,
        name=str(name),
        roles=roles,
        issued_at=_time(claims["iat"]),
        auth_time=_time(auth_time) if isinstance(auth_time, int | float) else None,
        local=local,
    )


def _time(value: Any) -> datetime:
    return datetime.fromtimestamp(float(value), UTC)


def unverified_issuer(token: str) -> str | None:
    """The ``iss`` a token claims, read without checking it: only to pick the verifier."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    issuer = claims.get("iss")
    return issuer if isinstance(issuer, str) else None
