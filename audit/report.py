"""The printable audit report: the complaint record, its signatures and its audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from audit.verify import VerifyReport
from domain.audit import AuditEvent
from domain.complaint import ComplaintState


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("audit", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        finalize=_printable,
    )
    env.globals["yes"] = lambda flag: "yes" if flag else "no"
    env.globals["show"] = lambda value: "—" if value is None else value
    return env


def _printable(value: Any) -> Any:
    """Timestamps as ISO 8601, UTC as ``Z``: the same text as in the API and the history."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value


def render_report(
    *,
    state: ComplaintState,
    trail: list[AuditEvent],
    verification: VerifyReport,
    generated_at: datetime,
) -> str:
    context: dict[str, Any] = {
        "state": state,
        "trail": trail,
        "signatures": [event for event in trail if event.signature is not None],
        "verification": verification,
        "generated_at": generated_at.replace(microsecond=0),
        "sources": ", ".join(sorted(set(verification.sources))) or "none",
    }
    return _environment().get_template("audit_report.html").render(context)
