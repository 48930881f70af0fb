"""The audit endpoints on the real app, worker, dev server and store: history, replay,
point in time and the report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.harness import Api
from tests.audit.support import lifecycle


async def test_history_is_a_readable_paginated_timeline(api: Api) -> None:
    complaint_id = await lifecycle(api, steps=4)
    response = await api.http.get(f"/complaints/{complaint_id}/history")
    assert response.status_code == 200, response.text
    page = response.json()
    kinds = [item["kind"] for item in page["items"]]
    assert kinds[0] == "workflow_started"
    assert page["items"][0]["details"]["intake"]["device"]["name"] == "Vivid E95"
    accepted = [item for item in page["items"] if item["kind"] == "update_accepted"]
    assert [a["details"]["command"]["action"] for a in accepted] == [
        "triage",
        "request_info",
        "receive_info",
        "complete_investigation",
    ]
    assert {a["actor"]["user_id"] for a in accepted} == {"ana"}
    assert "timer_started" in kinds and "activity_scheduled" in kinds
    projections = [
        item
        for item in page["items"]
        if item["kind"] == "activity_scheduled"
        and item["details"]["activity"] == "project_complaint"
    ]
    assert projections and projections[0]["details"]["input"]["events"][0]["action"] == "create"
    assert page["next_cursor"] is None

    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        part = (await api.http.get(f"/complaints/{complaint_id}/history", params=params)).json()
        assert len(part["items"]) <= 3
        seen += part["items"]
        cursor = part["next_cursor"]
        if cursor is None:
            break
    assert seen == page["items"]

    bad = await api.http.get(f"/complaints/{complaint_id}/history", params={"cursor": "nope"})
    assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "cursor"


async def test_raw_history_is_temporals_json(api: Api) -> None:
    complaint_id = await lifecycle(api, steps=1)
    raw = (await api.http.get(f"/complaints/{complaint_id}/history?format=raw")).json()
    [run] = raw["runs"]
    assert run["source"] == "temporal"
    first = run["history"]["events"][0]
    assert first["eventId"] == "1" and "workflowExecutionStartedEventAttributes" in first


async def test_replay_matches_live_state_and_projection(api: Api) -> None:
    complaint_id = await lifecycle(api)
    response = await api.http.post(f"/complaints/{complaint_id}/replay")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["differences"] == []
    assert report["deterministic"] is True
    assert report["matches_live_state"] is True and report["matches_projection"] is True
    assert report["events"] > 20
    live = (await api.get(complaint_id)).json()
    replayed = report["replayed_state"]
    assert (replayed["version"], replayed["status"]) == (live["version"], "closed")
    assert replayed["last_event_hash"] == live["last_event_hash"] is not None


async def test_state_as_of_a_moment_is_rebuilt_from_history(api: Api) -> None:
    complaint_id = await lifecycle(api, steps=4)
    events = (await api.events(complaint_id)).json()["items"]
    for event in events:
        at = event["at"]
        response = await api.http.get(f"/complaints/{complaint_id}", params={"as_of": at})
        assert response.status_code == 200, response.text
        then = response.json()
        assert (then["version"], then["status"]) == (event["seq"], event["status_after"]), at
        assert then["clocks_as_of"].startswith(at[:19])
    just_before = datetime.fromisoformat(events[2]["at"]) - timedelta(microseconds=1)
    then = (
        await api.http.get(f"/complaints/{complaint_id}", params={"as_of": just_before.isoformat()})
    ).json()
    assert then["version"] == 2 and then["recent_events"] == events[:2]
    assert then["allowed_actions"] == [
        "assign",
        "request_info",
        "complete_investigation",
        "add_note",
        "record_submission",
        "reclassify",
    ]


async def test_as_of_outside_the_complaints_life_is_422(api: Api) -> None:
    complaint_id = await lifecycle(api, steps=1)
    created = (await api.get(complaint_id)).json()["created_at"]
    before = datetime.fromisoformat(created) - timedelta(seconds=1)
    future = datetime.now(UTC) + timedelta(hours=1)
    for moment in (before, future):
        response = await api.http.get(
            f"/complaints/{complaint_id}", params={"as_of": moment.isoformat()}
        )
        assert response.status_code == 422, response.text
        assert response.json()["fields"][0]["field"] == "as_of"
    naive = await api.http.get(
        f"/complaints/{complaint_id}", params={"as_of": "2026-01-01T00:00:00"}
    )
    assert naive.status_code == 422 and naive.json()["fields"][0]["field"] == "as_of"


async def test_unknown_complaint_is_404_everywhere(api: Api) -> None:
    for method, path in [
        ("GET", "/complaints/C-NOSUCHTHING1/history"),
        ("POST", "/complaints/C-NOSUCHTHING1/replay"),
        ("GET", "/complaints/C-NOSUCHTHING1/verify"),
        ("GET", "/complaints/C-NOSUCHTHING1/audit-report"),
        ("GET", "/complaints/C-NOSUCHTHING1?as_of=2026-01-01T00:00:00Z"),
    ]:
        response = await api.http.request(method, path)
        assert response.status_code == 404, (path, response.text)


async def test_the_audit_report_prints_record_trail_and_signatures(api: Api) -> None:
    complaint_id = await lifecycle(api, steps=7)
    response = await api.http.get(f"/complaints/{complaint_id}/audit-report")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    for text in (
        "Vivid E95",
        "00840682103459",
        "Dr. Jane Roe",
        "1 Main St",
        "+1 555 0100",
        "Image freezes during scan",
        "Cine buffer leak",
        "Patch 204.2",
        "The update resolves it.",
        "verified",
    ):
        assert text in html, text
    assert "Ana Lima" in html and "approval" in html
    assert html.count("<tr>") >= 8 + 1 + 1  # trail rows, header, signature row
    assert "investigation → review" in html
