"""What authentication can fail with; ``api/identity.py`` maps these to 401 and 503."""

from __future__ import annotations


class AuthenticationError(Exception):
    """Missing, malformed, expired, revoked or otherwise unacceptable credentials."""


class IdentityProviderUnavailable(Exception):
    """The OIDC issuer's JWKS could not be fetched, so a token cannot be checked now."""
