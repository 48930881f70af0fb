"""Reads the staff directory from TOML (``config/staff.toml`` unless told otherwise)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from domain.directory import StaffDirectory

#: The demo directory shipped with IBTool.
DEFAULT_STAFF_FILE = Path(__file__).with_name("staff.toml")


def load_directory(path: Path | None = None) -> StaffDirectory:
    """Parse and validate a staff directory; a broken file fails here, at startup."""
    source = path or DEFAULT_STAFF_FILE
    with source.open("rb") as file:
        data = tomllib.load(file)
    return StaffDirectory.model_validate(data)
