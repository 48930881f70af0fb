"""What the static checks of the deployment files share: paths, the settings' variables."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SETTING_VARIABLE = re.compile(r"\bIBTOOL_[A-Z0-9_]+\b")

#: Kubernetes' and our probes' idea of "up" and "ready".
LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"


def setting_variables() -> frozenset[str]:
    """Every environment variable ``Settings`` reads: ``IBTOOL_`` plus a field's name."""
    prefix = Settings.model_config.get("env_prefix", "")
    return frozenset(f"{prefix}{name}".upper() for name in Settings.model_fields)


def unknown_settings(names: Iterable[str]) -> list[str]:
    """The ``IBTOOL_*`` names among ``names`` that no setting reads (typos, stale names)."""
    known = setting_variables()
    return sorted({name for name in names if name.startswith("IBTOOL_") and name not in known})


def load_yaml_documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def app_serves(path: str, *, method: str = "GET") -> bool:
    """Whether the API, as built in production (no dev endpoints), has a route for ``path``.

    Asks the routes themselves (Starlette's matching), so included routers count too.
    """
    from starlette.routing import Match

    from api.app import create_app

    app = create_app(Settings(dev_endpoints=False))
    scope = {"type": "http", "path": path, "method": method, "root_path": "", "headers": []}
    return any(route.matches(scope)[0] == Match.FULL for route in app.routes)
