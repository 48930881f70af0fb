"""GET /metrics, request ids and JSON log lines, against the real app and worker."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from domain.enums import Action
from telemetry.logs import JsonFormatter
from tests.api.harness import Api, command_body

TRANSITIONS_ROUTE = "/complaints/{complaint_id}/transitions"


async def scrape(api: Api) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await api.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_metrics_count_requests_by_route_and_transitions_by_outcome(api: Api) -> None:
    before = await scrape(api)
    complaint_id = await api.create_id()
    assert (await api.act(complaint_id, command_body(Action.TRIAGE))).status_code == 200
    refused = await api.act(complaint_id, command_body(Action.CLOSE))  # not from investigation
    assert refused.status_code == 409, refused.text
    invalid = await api.act(complaint_id, {"action": "mark_duplicate", "duplicate_of": "C-NONE"})
    assert invalid.status_code == 422, invalid.text
    after = await scrape(api)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    route = {"method": "POST", "route": TRANSITIONS_ROUTE}
    assert moved("ibtool_http_requests_total", **route, status="200") == 1
    assert moved("ibtool_http_requests_total", **route, status="409") == 1
    assert moved("ibtool_http_requests_total", **route, status="422") == 1
    assert (
        moved("ibtool_http_requests_total", method="POST", route="/complaints", status="201") == 1
    )
    assert moved("ibtool_http_request_duration_seconds_count", **route) == 3
    assert moved("ibtool_http_request_duration_seconds_sum", **route) > 0
    assert moved("ibtool_transitions_total", action="triage", outcome="accepted") == 1
    assert moved("ibtool_transitions_total", action="close", outcome="refused") == 1
    assert moved("ibtool_transitions_total", action="mark_duplicate", outcome="invalid") == 1


async def test_unknown_paths_are_one_route_not_one_series_each(api: Api) -> None:
    before = await scrape(api)
    for path in ("/nope/1", "/nope/2"):
        assert (await api.http.get(path)).status_code == 404
    after = await scrape(api)
    labels = {"method": "GET", "route": "unmatched", "status": "404"}
    assert (
        value(after, "ibtool_http_requests_total", **labels)
        - value(before, "ibtool_http_requests_total", **labels)
        == 2
    )


async def test_a_request_id_is_echoed_or_generated(api: Api) -> None:
    given = await api.http.get("/healthz", headers={"X-Request-ID": "req-abc.123"})
    assert given.headers["x-request-id"] == "req-abc.123"
    fresh = [(await api.http.get("/healthz")).headers["x-request-id"] for _ in range(2)]
    assert len(set(fresh)) == 2 and all(len(rid) == 32 for rid in fresh)
    hostile = await api.http.get("/healthz", headers={"X-Request-ID": "x" * 300})
    assert hostile.headers["x-request-id"] != "x" * 300, "an over-long id is replaced"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines() -> Iterator[Lines]:
    handler = Lines()
    loggers = [logging.getLogger(name) for name in ("ibtool.api", "temporalio.activity")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


async def test_api_and_activity_log_lines_carry_the_ids(api: Api, log_lines: Lines) -> None:
    complaint_id = await api.create_id()
    response = await api.act(
        complaint_id, command_body(Action.TRIAGE), headers={"X-Request-ID": "req-triage-1"}
    )
    assert response.status_code == 200
    await api.wait_projected(complaint_id, 2)

    api_lines = [line for line in log_lines.lines if line["logger"] == "ibtool.api"]
    assert {
        "request_id": "req-triage-1",
        "complaint_id": complaint_id,
        "workflow_id": f"complaint-{complaint_id}",
        "msg": "transition triage accepted (v2)",
        "level": "info",
    }.items() <= api_lines[-1].items()
    projected = [
        line
        for line in log_lines.lines
        if line["logger"] == "temporalio.activity"
        and line["msg"].startswith("projected")
        and line.get("complaint_id") == complaint_id
    ]
    assert projected, f"no projection log line for {complaint_id}: {log_lines.lines[-5:]}"
    assert all(line["workflow_id"] == f"complaint-{complaint_id}" for line in projected)
    assert "request_id" not in projected[0], "the worker knows no request"
