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

    @property
    def api_url(self) -> str:
        return f"http://{self.api_host}:{self.api_port}"
