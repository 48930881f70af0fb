"""OIDC tokens verified against a JWKS served over a real loopback socket."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from auth.errors import AuthenticationError, IdentityProviderUnavailable
from auth.oidc import JwksCache, OidcVerifier
from tests.auth.oidc_issuer import AUDIENCE, StandInIssuer, rsa_key, serving_jwks


@pytest.fixture
def idp() -> Iterator[StandInIssuer]:
    with serving_jwks() as issuer:
        yield issuer


def verifier(idp: StandInIssuer, *, min_refresh: timedelta = timedelta(seconds=60)) -> OidcVerifier:
    return OidcVerifier(
        issuer=idp.issuer,
        audience=AUDIENCE,
        jwks=JwksCache(idp.url, min_refresh=min_refresh),
        roles_claim="realm_access.roles",
    )


async def test_a_token_verifies_against_the_fetched_key_set(idp: StandInIssuer) -> None:
    kid = idp.new_key()
    check = verifier(idp)
    claims = await check.verify(idp.token(kid, sub="olga", roles=["auditor", "unknown"]))
    assert (claims.subject, claims.name, claims.roles) == (
        "olga",
        "Olga OIDC",
        ["auditor", "unknown"],
    )
    assert claims.auth_time is not None and not claims.local
    await check.verify(idp.token(kid))
    assert idp.fetches == 1  # cached


async def test_an_unknown_key_id_refreshes_the_key_set_once(idp: StandInIssuer) -> None:
    old = idp.new_key()
    check = verifier(idp, min_refresh=timedelta(0))
    await check.verify(idp.token(old))
    rotated = idp.new_key()  # the issuer rotates its keys
    idp.published = [rotated]
    assert (await check.verify(idp.token(rotated, sub="after"))).subject == "after"
    assert idp.fetches == 2


async def test_refreshes_are_bounded_however_many_unknown_keys_arrive(idp: StandInIssuer) -> None:
    idp.new_key()
    check = verifier(idp, min_refresh=timedelta(seconds=60))
    for _ in range(5):
        stranger = idp.new_key(publish=False)
        with pytest.raises(AuthenticationError, match="signing key"):
            await check.verify(idp.token(stranger))
    assert idp.fetches == 1


async def test_wrong_issuer_audience_signature_or_age_are_refused(idp: StandInIssuer) -> None:
    kid = idp.new_key()
    check = verifier(idp)
    forged = StandInIssuer(idp.issuer)
    forged.keys[kid] = rsa_key()  # same key id, another key: the signature does not match
    bad = [
        idp.token(kid, issuer="https://evil.test"),
        idp.token(kid, audience="someone-else"),
        idp.token(kid, expires_in=timedelta(minutes=-5)),
        forged.token(kid),
        "not.a.token",
    ]
    for token in bad:
        with pytest.raises(AuthenticationError):
            await check.verify(token)


async def test_an_unreachable_key_set_is_unavailable_not_unauthenticated() -> None:
    with serving_jwks() as idp:
        kid = idp.new_key()
        token = idp.token(kid)
        url = idp.url
    check = OidcVerifier(
        issuer=idp.issuer,
        audience=AUDIENCE,
        jwks=JwksCache(url, min_refresh=timedelta(0)),
    )
    with pytest.raises(IdentityProviderUnavailable):
        await check.verify(token)
