"""Who is calling: local users, the embedded token issuer, OIDC tokens and API keys.

Nothing here knows HTTP (``api/identity.py`` adapts it) or MongoDB (``store/accounts.py``
keeps the accounts); the permission table is ``domain/permissions.py``.
"""
