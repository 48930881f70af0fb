"""One settings object for every process (API, worker, CLI, tests).

Values come from the environment with the ``IBTOOL_`` prefix (or a ``.env`` file).
The defaults describe the embedded stack that ``make run`` starts on loopback.
Nothing reads settings at import time: callers build ``Settings()`` and pass it on.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IBTOOL_", env_file=".env", extra="ignore")

    # Temporal
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_tls: bool = False
    task_queue: str = "complaints"
    temporal_ui_port: int = 8233

    # MongoDB (or any wire-compatible store)
    mongo_uri: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    mongo_db: str = "ibtool"

    # SMTP
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "IBTool <complaints@ibtool.local>"

    # HTTP API
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = 256 * 1024
    # Dev-only endpoints (for example the mail sink listing) are off unless asked for.
    dev_endpoints: bool = False

    # Embedded stack
    data_dir: Path = Path(".data")

    # Authentication. The embedded issuer signs tokens for local users with a key it keeps
    # in data_dir/auth/; production verifies an OIDC issuer's tokens against its JWKS.
    auth_local_issuer: bool = True
    auth_issuer: str = "ibtool-local"
    auth_audience: str = "ibtool"
    auth_token_ttl: timedelta = timedelta(hours=1)
    #: A signature's reauth_token is accepted only this soon after its user authenticated.
    auth_reauth_window: timedelta = timedelta(minutes=5)
    #: How long an API process trusts a looked-up account or API key (0: ask the store on
    #: every request); a user disabled or a key revoked is refused within this time.
    auth_cache_ttl: timedelta = timedelta(seconds=5)
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    #: Where the roles are in an OIDC token: a claim name or a dotted path.
    oidc_roles_claim: str = "roles"
    #: An unknown key id refreshes the JWKS at most this often.
    oidc_jwks_min_refresh: timedelta = timedelta(seconds=30)

    # Configuration files (None: the defaults shipped in config/)
    staff_file: Path | None = None
    calendars_file: Path | None = None
    sla_file: Path | None = None

    # Workflow behaviour
    #: A closed complaint's workflow stays open this long so it can be reopened or receive a
    #: late regulatory submission; then it completes (and is archived).
    closed_retention: timedelta = timedelta(days=90)
    #: Continue-as-new once the history holds this many events (Temporal's own suggestion
    #: also triggers it).
    continue_as_new_after_events: int = 2000

    @property
    def api_url(self) -> str:
        return f"http://{self.api_host}:{self.api_port}"
