"""Valid domain inputs for tests: one intake and one command per action."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter

from domain.actions import Command
from domain.audit import Actor, Signature
from domain.enums import Action, SignatureMeaning
from domain.intake import Intake

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
#: Roles that may perform every action (domain.permissions), so workflow tests act freely.
ACTOR = Actor(user_id="qa.lee", name="Lee QA", roles=["quality_manager", "regulatory"])
SIGNATURE = Signature(
    signer="qa.lee",
    printed_name="Lee QA",
    meaning=SignatureMeaning.APPROVAL,
    signed_at=NOW,
    content_hash="0" * 64,
)


def intake_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source": {"channel": "phone", "ref": "TWD-88812"},
        "aware_at": "2026-11-30T09:00:00Z",
        "device": {
            "name": "Vivid E95",
            "product_code": "IYN",
            "udi": "00840682103459",
            "lot": "L123",
            "serial": "SN-1",
        },
        "complainant": {
            "name": "Dr. Jane Roe",
            "organization": "St. Mary Hospital",
            "address": "1 Main St",
            "phone": "+1 555 0100",
            "email": "jane@example.org",
        },
        "event": {
            "description": "Image freezes during scan",
            "occurred_at": "2026-11-29T15:00:00Z",
            "patient_involved": True,
            "injury": False,
            "death": False,
            "malfunction": True,
        },
        "patient": {"age": 54, "sex": "F"},
    }
    data.update(overrides)
    return data


def intake(**overrides: Any) -> Intake:
    return Intake.model_validate(intake_data(**overrides))


COMMAND_BODIES: dict[Action, dict[str, Any]] = {
    Action.TRIAGE: {
        "action": "triage",
        "severity": "high",
        "assignee": "ivan",
        "reportability": {"fda_mdr": False, "fda_5_day": False, "eu_mdr": "none"},
    },
    Action.REJECT: {"action": "reject", "reason": "Not a complaint"},
    Action.MARK_DUPLICATE: {"action": "mark_duplicate", "duplicate_of": "C-OTHER0000001"},
    Action.CLOSE_WITHOUT_INVESTIGATION: {
        "action": "close_without_investigation",
        "justification": "Known issue, CAPA-12",
        "signature": {"meaning": "approval", "password": "pw"},
    },
    Action.ASSIGN: {"action": "assign", "assignee": "ines"},
    Action.REQUEST_INFO: {"action": "request_info", "question": "Which software version?"},
    Action.RECEIVE_INFO: {"action": "receive_info", "summary": "Version 204.1"},
    Action.COMPLETE_INVESTIGATION: {
        "action": "complete_investigation",
        "root_cause": "Cine buffer leak",
        "findings": "Reproduced",
        "device_failed_spec": True,
        "corrective_action": "Patch 204.2",
        "capa_ref": "CAPA-1",
    },
    Action.RETURN_TO_INVESTIGATION: {"action": "return_to_investigation", "reason": "Need logs"},
    Action.CLOSE: {
        "action": "close",
        "resolution": "Fixed in 204.2",
        "customer_reply": "The update resolves it.",
        "signature": {"meaning": "approval", "password": "pw"},
    },
    Action.REOPEN: {"action": "reopen", "reason": "Recurred"},
    Action.ADD_NOTE: {"action": "add_note", "text": "Called the site"},
    Action.RECLASSIFY: {
        "action": "reclassify",
        "severity": "critical",
        "reason": "Second site reports the same freeze",
    },
    Action.RECORD_SUBMISSION: {
        "action": "record_submission",
        "agency": "fda",
        "kind": "mdr_30_day",
        "reference": "MW5012345",
        "submitted_at": "2026-12-02T12:00:00Z",
    },
}

_COMMAND: TypeAdapter[Command] = TypeAdapter(Command)


def command(action: Action, **overrides: Any) -> Command:
    return _COMMAND.validate_python({**COMMAND_BODIES[action], **overrides})
