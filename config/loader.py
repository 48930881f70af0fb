"""Reads the business calendars and the SLA policy from TOML (the shipped files by default).

Run this outside the workflow (at worker or API start): it does file I/O. A broken file
fails here, at startup, not in a workflow.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from domain.calendar import BusinessCalendar, calendars_from_mapping
from domain.clocks import ClockCalendars
from domain.complaint_clocks import ClockRules
from domain.sla import SlaPolicy, sla_policy_from_mapping

#: The defaults shipped with IBTool.
DEFAULT_CALENDARS_FILE = Path(__file__).with_name("calendars.toml")
DEFAULT_SLA_FILE = Path(__file__).with_name("sla.toml")


def _read(path: Path) -> dict[str, Any]:
    with path.open("rb") as file:
        return tomllib.load(file)


def load_calendars(path: Path | None = None) -> dict[str, BusinessCalendar]:
    """Calendars by region (``us``, ``eu`` and any the file adds)."""
    return calendars_from_mapping(_read(path or DEFAULT_CALENDARS_FILE))


def load_sla_policy(path: Path | None = None) -> SlaPolicy:
    return sla_policy_from_mapping(_read(path or DEFAULT_SLA_FILE))


def load_clock_rules(*, calendars_file: Path | None, sla_file: Path | None) -> ClockRules:
    """What new complaints' clocks count with; it travels in the workflow input."""
    policy = load_sla_policy(sla_file)
    calendars = ClockCalendars.from_regions(load_calendars(calendars_file), policy=policy)
    return ClockRules(calendars=calendars, policy=policy)
