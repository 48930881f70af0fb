"""Request examples shown in the OpenAPI docs at /docs (and used by the README)."""

from typing import Any

from fastapi.openapi.models import Example

INTAKE: dict[str, Any] = {
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

CREATE = {"phone intake": Example(summary="A complaint taken by phone", value=INTAKE)}

TRANSITIONS: dict[str, Example] = {
    name: Example(summary=name, value=value)
    for name, value in {
        "triage": {
            "action": "triage",
            "severity": "high",
            "assignee": "ivan",
            "reportability": {"fda_mdr": True, "fda_5_day": False, "eu_mdr": "none"},
        },
        "reject": {"action": "reject", "reason": "Feature request, not a complaint"},
        "mark_duplicate": {"action": "mark_duplicate", "duplicate_of": "C-ABCDEF123456"},
        "close_without_investigation": {
            "action": "close_without_investigation",
            "justification": "Known, already investigated under CAPA-12",
            "signature": {"meaning": "approval", "password": "..."},
        },
        "assign": {"action": "assign", "assignee": "ivan"},
        "request_info": {"action": "request_info", "question": "Which software version?"},
        "receive_info": {"action": "receive_info", "summary": "Version 204.1"},
        "complete_investigation": {
            "action": "complete_investigation",
            "root_cause": "Memory leak in the cine buffer",
            "findings": "Reproduced on 204.1",
            "device_failed_spec": True,
            "corrective_action": "Patch 204.2",
            "capa_ref": "CAPA-1",
        },
        "return_to_investigation": {"action": "return_to_investigation", "reason": "Need logs"},
        "close": {
            "action": "close",
            "resolution": "Fixed in 204.2",
            "customer_reply": "Thank you; the update resolves the freeze.",
            "signature": {"meaning": "approval", "password": "..."},
        },
        "reopen": {"action": "reopen", "reason": "Recurred after update"},
        "add_note": {"action": "add_note", "text": "Called the site"},
        "reclassify": {
            "action": "reclassify",
            "severity": "critical",
            "reportability": {"fda_mdr": True, "fda_5_day": True, "eu_mdr": "serious_incident"},
            "reason": "A second site reports the same freeze during surgery",
        },
        "record_submission": {
            "action": "record_submission",
            "agency": "fda",
            "kind": "mdr_30_day",
            "reference": "MW5012345",
            "submitted_at": "2026-12-10T12:00:00Z",
        },
    }.items()
}
