"""From a credential to an :class:`~domain.audit.Actor`: bearer JWTs (local or OIDC) and API keys.

Local tokens are checked against the account (looked up at most every ``auth_cache_ttl``),
so a disabled user is refused within seconds, and the roles and printed name are the
account's current ones. OIDC
tokens carry their own roles (``oidc_roles_claim``). An API key acts as ``apikey.<name>``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import ValidationError

from auth import keys
from auth.errors import AuthenticationError
from auth.hashing import api_key_hash, looks_like_api_key, password_matches
from auth.oidc import JwksCache, OidcVerifier
from auth.recent import Recent
from auth.tokens import LEEWAY, IssuedToken, LocalIssuer, TokenClaims, unverified_issuer
from domain.accounts import ApiKey, UserAccount
from domain.audit import Actor
from settings import Settings
from store.accounts import AccountStore


class Authenticator:
    def __init__(
        self,
        *,
        accounts: AccountStore,
        local: LocalIssuer | None,
        oidc: OidcVerifier | None,
        reauth_window: timedelta,
        cache_ttl: timedelta = timedelta(0),
        stale_ttl: timedelta = timedelta(0),
    ) -> None:
        self.accounts = accounts
        self.local = local
        self.oidc = oidc
        self._reauth_window = reauth_window
        self._users: Recent[UserAccount] = Recent(cache_ttl, stale_ttl=stale_ttl)
        self._keys: Recent[ApiKey] = Recent(cache_ttl, stale_ttl=stale_ttl)

    # -- who is calling -------------------------------------------------------------------

    async def actor_for_bearer(self, credential: str) -> Actor:
        """A bearer credential is a JWT or, for integrations, an API key."""
        if looks_like_api_key(credential):
            return await self.actor_for_api_key(credential)
        claims, account = await self._verify(credential)
        if account is not None:
            return _actor(account.id, account.name, [str(r) for r in account.roles])
        return _actor(claims.subject, claims.name, claims.roles)

    async def actor_for_api_key(self, key: str) -> Actor:
        digest = api_key_hash(key)
        record = await self._keys.get(digest, lambda: self.accounts.api_key_by_hash(digest))
        if record is None or record.revoked_at is not None:
            raise AuthenticationError("the API key is unknown or revoked")
        return _actor(record.actor_id, f"{record.name} (API key)", [str(r) for r in record.roles])

    async def _verify(self, token: str) -> tuple[TokenClaims, UserAccount | None]:
        issuer = unverified_issuer(token)
        if self.local is not None and issuer == self.local.issuer:
            claims = self.local.verify(token)
            return claims, await self._enabled_account(claims.subject)
        if self.oidc is not None and issuer == self.oidc.issuer:
            return await self.oidc.verify(token), None
        raise AuthenticationError("the token is not valid or not from a trusted issuer")

    async def _enabled_account(self, user_id: str) -> UserAccount:
        account = await self._users.get(user_id, lambda: self.accounts.get_user(user_id))
        if account is None or account.disabled:
            raise AuthenticationError(f"user {user_id} is unknown or disabled")
        return account

    # -- logging in and re-authenticating --------------------------------------------------

    async def login(self, username: str, password: str) -> IssuedToken:
        """The OAuth2 password grant: a token for a local user whose password matches."""
        if self.local is None:
            raise AuthenticationError("local log-in is off; log in with the identity provider")
        account = await self._password_account(username, password)
        if account is None:
            raise AuthenticationError("wrong user name or password")
        return self.local.issue(account, now=datetime.now(UTC))

    async def password_is_valid(self, user_id: str, password: str) -> bool:
        """The signer's password, checked again at signing (21 CFR 11.200(a))."""
        return await self._password_account(user_id, password) is not None

    async def _password_account(self, user_id: str, password: str) -> UserAccount | None:
        account = await self.accounts.get_user(user_id) if self.local is not None else None
        if account is None or account.disabled:
            await password_matches(password, None)  # as slow as a wrong password
            return None
        return account if await password_matches(password, account.password_hash) else None

    async def reauth_is_valid(self, user_id: str, token: str) -> bool:
        """A token of the same subject whose user authenticated within the re-auth window."""
        if looks_like_api_key(token):
            return False
        try:
            claims, _ = await self._verify(token)
        except AuthenticationError:
            return False
        if claims.subject != user_id or claims.auth_time is None:
            return False
        age = datetime.now(UTC) - claims.auth_time
        return -LEEWAY <= age <= self._reauth_window


def _actor(user_id: str, name: str, roles: list[str]) -> Actor:
    try:
        return Actor(user_id=user_id, name=name, roles=roles)
    except ValidationError as error:
        raise AuthenticationError("the token's subject is not a valid user id") from error


def build_authenticator(settings: Settings, accounts: AccountStore) -> Authenticator:
    """The local issuer unless turned off, and the OIDC issuer when one is configured."""
    return Authenticator(
        accounts=accounts,
        local=local_issuer(settings) if settings.auth_local_issuer else None,
        oidc=_oidc(settings),
        reauth_window=settings.auth_reauth_window,
        cache_ttl=settings.auth_cache_ttl,
        stale_ttl=settings.auth_token_ttl,
    )


def local_issuer(settings: Settings) -> LocalIssuer:
    return LocalIssuer(
        keys.load_or_create(settings.data_dir),
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        ttl=settings.auth_token_ttl,
    )


def _oidc(settings: Settings) -> OidcVerifier | None:
    if settings.oidc_issuer is None:
        return None
    if settings.oidc_jwks_url is None or settings.oidc_audience is None:
        raise ValueError("IBTOOL_OIDC_ISSUER needs IBTOOL_OIDC_AUDIENCE and IBTOOL_OIDC_JWKS_URL")
    return OidcVerifier(
        issuer=settings.oidc_issuer,
        audience=settings.oidc_audience,
        jwks=JwksCache(settings.oidc_jwks_url, min_refresh=settings.oidc_jwks_min_refresh),
        roles_claim=settings.oidc_roles_claim,
    )
