"""HTTP hardening as pure ASGI middleware: body size limits, security headers, CORS.

- :class:`BodySizeLimit` refuses a body over the limit with 413, whether the client
  declared its length or streams it chunked: it counts what the app actually reads.
- :class:`SecurityHeaders` adds ``nosniff``, no framing, no referrer, ``no-store`` (the
  answers carry PHI) and, over HTTPS, HSTS to every response.
- :class:`SplitCors` admits the Temporal Web UI's origins on ``/codec`` only and
  ``settings.cors_origins`` everywhere else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection

from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Sent on every response (the 500 handler adds them too: it answers outside middleware).
BASELINE_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
#: JSON answers load nothing; the interactive docs load their scripts, but are never framed.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = "frame-ancestors 'none'"
CODEC_PREFIX = "/codec/"
#: How much of a refused body is read and dropped before the 413; past it the connection
#: just closes.
DRAIN_BUDGET = 16 * 1024 * 1024


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once the body passes the limit; FastAPI re-raises it as is."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is larger than {limit} bytes")


def _too_large_response(limit: int) -> tuple[Message, Message]:
    body = json.dumps({"error": BodyTooLarge(limit).detail}).encode()
    start: Message = {
        "type": "http.response.start",
        "status": 413,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


async def _drain(receive: Receive, *, budget: int = DRAIN_BUDGET) -> None:
    """Read and drop the rest of a refused body, so the client gets to read the 413
    (once the response is complete the server stops reading, and the client's send fails)."""
    while budget > 0:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
        budget -= len(message.get("body", b""))


class BodySizeLimit:
    def __init__(self, app: ASGIApp, *, limit_for: Callable[[str], int]) -> None:
        self._app = app
        self._limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        limit = self._limit_for(scope["path"])
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        # A client that waits for "100 Continue" has sent nothing yet: nothing to drain.
        drain = headers.get(b"expect", b"").lower() != b"100-continue"
        if declared is not None and declared.isdigit() and int(declared) > limit:
            if drain:
                await _drain(receive)
            for message in _too_large_response(limit):
                await send(message)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if drain and message.get("more_body", False):
                        await _drain(receive)
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            for message in _too_large_response(limit):
                await send(message)


def hsts_header(max_age: int) -> str:
    return f"max-age={max_age}; includeSubDomains"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, hsts_max_age: int, docs_paths: Collection[str]) -> None:
        self._app = app
        self._hsts = hsts_header(hsts_max_age).encode() if hsts_max_age > 0 else None
        self._docs_paths = frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        extra = dict(BASELINE_HEADERS)
        extra["content-security-policy"] = (
            DOCS_CSP if scope["path"] in self._docs_paths else API_CSP
        )
        if self._hsts is not None and scope.get("scheme") == "https":
            extra["strict-transport-security"] = self._hsts.decode()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [
                    (name.encode(), value.encode())
                    for name, value in extra.items()
                    if name.encode() not in present
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self._app(scope, receive, with_headers)


class SplitCors:
    """Two CORS policies over one app, chosen by path."""

    def __init__(
        self, app: ASGIApp, *, api_origins: Collection[str], codec_origins: Collection[str]
    ) -> None:
        self._api = CORSMiddleware(
            app,
            allow_origins=list(api_origins),
            allow_methods=["GET", "POST"],
            allow_headers=[
                "authorization",
                "content-type",
                "idempotency-key",
                "x-api-key",
            ],
            expose_headers=["location"],
        )
        # The Web UI sends X-Namespace, and Authorization when told to pass its token; with
        # "include credentials" the browser needs Allow-Credentials.
        self._codec = CORSMiddleware(
            app,
            allow_origins=list(codec_origins),
            allow_methods=["POST"],
            allow_headers=["authorization", "content-type", "x-namespace"],
            allow_credentials=True,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        chosen = self._codec if path.startswith(CODEC_PREFIX) else self._api
        await chosen(scope, receive, send)
