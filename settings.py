"""One settings object for every process (API, worker, CLI, tests).

Values come from the environment with the ``IBTOOL_`` prefix (or a ``.env`` file).
The defaults describe the embedded stack that ``make run`` starts on loopback.
Nothing reads settings at import time: callers build ``Settings()`` and pass it on.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IBTOOL_", env_file=".env", extra="ignore")

    # Temporal
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_tls: bool = False
    #: Mutual TLS (a self-hosted cluster, or Temporal Cloud with certificates): PEM files.
    temporal_tls_cert_path: Path | None = None
    temporal_tls_key_path: Path | None = None
    #: The CA that signed the server's certificate, when it is not a publicly trusted one.
    temporal_tls_ca_path: Path | None = None
    #: The name the server's certificate is checked against, if not the address's host.
    temporal_tls_server_name: str | None = None
    #: Temporal Cloud API key (instead of a client certificate); implies TLS.
    temporal_api_key: SecretStr | None = None
    task_queue: str = "complaints"
    temporal_ui_port: int = 8233

    # Payload encryption (PHI): see encryption/keys.py. Unset keys: a key file in data_dir.
    codec_keys: SecretStr | None = None  # "kid:base64key,..."; the last is active by default
    codec_active_key: str | None = None
    codec_key_file: Path | None = None  # default <data_dir>/codec-keys.json
    #: Browser origins (the Temporal Web UI) allowed to call /codec; default: the local UI.
    codec_cors_origins: list[str] | None = None
    codec_max_body_bytes: int = 4 * 1024 * 1024

    # MongoDB (or any wire-compatible store)
    mongo_uri: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    mongo_db: str = "ibtool"
    #: How long a store call waits for a reachable server before it fails (the API answers
    #: 503, an activity retries): a store outage must not hold requests for pymongo's 30 s.
    mongo_timeout: timedelta = timedelta(seconds=5)

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
    #: TLS for the API itself (uvicorn); HSTS is sent on every response over HTTPS.
    api_tls_certfile: Path | None = None
    api_tls_keyfile: Path | None = None
    hsts_max_age: int = 365 * 24 * 3600
    # Dev-only endpoints (for example the mail sink listing) are off unless asked for.
    dev_endpoints: bool = False

    # Embedded stack
    data_dir: Path = Path(".data")

    # Observability
    #: Where the worker serves Prometheus metrics (the Temporal SDK's and its own); None: off.
    worker_metrics_address: str | None = "127.0.0.1:9464"
    #: OTLP/HTTP collector base URL (e.g. http://127.0.0.1:4318); None: tracing off.
    otlp_endpoint: str | None = None
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
    #: How often the worker archives the histories of runs that closed (audit.archiving).
    archive_sweep_interval: timedelta = timedelta(minutes=5)

    #: A folder with one file per secret setting, named like its variable
    #: (``IBTOOL_SMTP_PASSWORD``): how compose secrets and Kubernetes Secret volumes reach
    #: the settings. Read from the environment only; a variable that is set wins over a file.
    secrets_dir: Path | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        if folder := os.environ.get("IBTOOL_SECRETS_DIR"):
            file_secret_settings = SecretsSettingsSource(settings_cls, secrets_dir=folder)
        return init_settings, env_settings, dotenv_settings, file_secret_settings

    @property
    def api_url(self) -> str:
        scheme = "https" if self.api_tls_certfile else "http"
        return f"{scheme}://{self.api_host}:{self.api_port}"

    @property
    def codec_ui_origins(self) -> list[str]:
        if self.codec_cors_origins is not None:
            return self.codec_cors_origins
        port = self.temporal_ui_port
        return [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
