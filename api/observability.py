"""Request ids, Prometheus metrics and ``GET /metrics`` for the API.

Every request gets an id: the caller's ``X-Request-ID`` (if sane) or a fresh one. It is
echoed in the response header and set in :mod:`telemetry.logs` contextvars with the
complaint id of the path, so every log line of the request carries both.

Metrics (a registry per app, so several apps in one process do not collide):

- ``ibtool_http_requests_total{method, route, status}`` and
  ``ibtool_http_request_duration_seconds{method, route}``, by route *template*;
- ``ibtool_transitions_total{action, outcome}``: accepted, refused (409), invalid (422).

Projection lag is measured where the projection is written: the worker's
``ibtool_projection_lag_seconds`` (see ``activities/projection.py``).
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Literal

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from telemetry import logs

REQUEST_ID = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_COMPLAINT_PATH = re.compile(r"^/complaints/(C-[A-Z0-9]{1,40})(?:/|$)")

Outcome = Literal["accepted", "refused", "invalid"]


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "ibtool_http_requests",
            "HTTP requests by route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "ibtool_http_request_duration_seconds",
            "HTTP request latency by route template",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.transitions = Counter(
            "ibtool_transitions",
            "Transitions by action and outcome",
            ["action", "outcome"],
            registry=self.registry,
        )

    def transition(self, action: str, outcome: Outcome) -> None:
        self.transitions.labels(action=action, outcome=outcome).inc()


def metrics_of(request: Request) -> ApiMetrics:
    metrics: ApiMetrics = request.app.state.metrics
    return metrics


class RequestContext:
    """Pure ASGI middleware: request id, log context, request metrics."""

    def __init__(self, app: ASGIApp, *, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(REQUEST_ID.lower().encode(), b"").decode("latin-1")
        request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex
        match = _COMPLAINT_PATH.match(scope["path"])
        tokens = (
            logs.request_id.set(request_id),
            logs.complaint_id.set(match.group(1) if match else None),
        )
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (REQUEST_ID.encode(), request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope["method"]
            self.metrics.requests.labels(method=method, route=route, status=str(status)).inc()
            self.metrics.latency.labels(method=method, route=route).observe(
                time.perf_counter() - started
            )
            logs.complaint_id.reset(tokens[1])
            logs.request_id.reset(tokens[0])


router = APIRouter(tags=["health"])


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus text format."""
    return Response(generate_latest(metrics_of(request).registry), media_type=CONTENT_TYPE_LATEST)


def install_observability(app: FastAPI) -> ApiMetrics:
    """Middleware, the ``/metrics`` route and ``app.state.metrics``."""
    api_metrics = ApiMetrics()
    app.state.metrics = api_metrics
    app.add_middleware(RequestContext, metrics=api_metrics)
    app.include_router(router)
    return api_metrics
