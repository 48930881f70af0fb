"""Tokens of an external OIDC issuer, verified against its JWKS.

The key set is fetched on first use and cached. A token signed with a key id the cache does
not know triggers a refresh (the issuer rotated its keys), at most once per
``min_refresh``: a flood of tokens with made-up key ids cannot make the API hammer the
issuer.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import httpx
import jwt

from auth.errors import AuthenticationError, IdentityProviderUnavailable
from auth.tokens import LEEWAY, REQUIRED_CLAIMS, TokenClaims, claims_of

#: Asymmetric algorithms only: never ``none``, never a shared secret.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]
FETCH_TIMEOUT = 5.0


class JwksCache:
    def __init__(self, url: str, *, min_refresh: timedelta) -> None:
        self._url = url
        self._min_refresh = min_refresh.total_seconds()
        self._keys: dict[str | None, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0  # how many times the key set was fetched (for tests and metrics)

    async def key(self, kid: str | None) -> jwt.PyJWK:
        known = self._pick(kid)
        if known is not None:
            return known
        async with self._lock:
            known = self._pick(kid)  # another request may have refreshed meanwhile
            if known is None and self._may_refresh():
                await self._refresh()
                known = self._pick(kid)
        if known is None:
            raise AuthenticationError(f"the token's signing key {kid!r} is not the issuer's")
        return known

    def _pick(self, kid: str | None) -> jwt.PyJWK | None:
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        return self._keys.get(kid)

    def _may_refresh(self) -> bool:
        return self._fetched_at is None or (
            time.monotonic() - self._fetched_at >= self._min_refresh
        )

    async def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        self.fetches += 1
        try:
            async with httpx.AsyncClient(timeout=FETCH_TIMEOUT) as http:
                response = await http.get(self._url)
                response.raise_for_status()
                document = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise IdentityProviderUnavailable(f"JWKS at {self._url}: {error!r}") from error
        self._keys = _parse(document)


def _parse(document: Any) -> dict[str | None, jwt.PyJWK]:
    keys: dict[str | None, jwt.PyJWK] = {}
    entries = document.get("keys", []) if isinstance(document, dict) else []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
            continue
        try:
            keys[entry.get("kid")] = jwt.PyJWK(entry)
        except jwt.PyJWTError:
            continue  # a key type this library cannot use; others may still serve
    return keys


class OidcVerifier:
    def __init__(
        self, *, issuer: str, audience: str, jwks: JwksCache, roles_claim: str = "roles"
    ) -> None:
        self.issuer = issuer
        self._audience = audience
        self.jwks = jwks
        self._roles_claim = roles_claim

    async def verify(self, token: str) -> TokenClaims:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as error:
            raise AuthenticationError(f"the token is not valid: {error}") from error
        key = await self.jwks.key(kid)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self._audience,
                issuer=self.issuer,
                leeway=LEEWAY,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError as error:
            raise AuthenticationError("the token has expired") from error
        except jwt.PyJWTError as error:
            raise AuthenticationError(f"the token is not valid: {error}") from error
        return claims_of(claims, roles=claim_at(claims, self._roles_claim), local=False)


def claim_at(claims: dict[str, Any], path: str) -> Any:
    """A claim by dotted path, e.g. ``realm_access.roles`` (Keycloak) or ``roles``."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
