"""Every error the API can answer with, mapped to HTTP in one place. Never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pymongo.errors import PyMongoError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.hardening import BASELINE_HEADERS
from domain.enums import Action, Status
from store.accounts import AccountsUnavailable

log = logging.getLogger("ibtool.api")


class ApiError(Exception):
    status_code = 500
    error = "internal error"

    def __init__(self, message: str | None = None, **extra: Any) -> None:
        super().__init__(message or self.error)
        self.message = message or self.error
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": self.message, **self.extra}


class BadPayload(ApiError):
    """A codec request whose payload cannot be decoded (the codec protocol's 400)."""

    status_code = 400
    error = "payload cannot be decoded"


class Unauthenticated(ApiError):
    """Missing or bad credentials (401); answered with ``WWW-Authenticate: Bearer``."""

    status_code = 401
    error = "authentication required"

    def __init__(self, message: str | None = None, *, invalid_token: bool = False) -> None:
        super().__init__(message)
        self.invalid_token = invalid_token

    def challenge(self) -> str:
        # RFC 6750 section 3: the scheme, and why a token that was sent is refused.
        return 'Bearer realm="ibtool"' + (', error="invalid_token"' if self.invalid_token else "")


class Forbidden(ApiError):
    """Authenticated, but the role table does not grant this (403 naming the permission)."""

    status_code = 403
    error = "not allowed"

    def __init__(self, message: str, *, permission: str) -> None:
        super().__init__(message, permission=permission)


class SignatureRefused(ApiError):
    """The electronic signature's password or re-auth token did not re-authenticate the signer."""

    status_code = 403
    error = "the electronic signature could not be verified"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, field="signature")


class ComplaintNotFound(ApiError):
    status_code = 404
    error = "complaint not found"

    def __init__(self, complaint_id: str) -> None:
        super().__init__(f"complaint {complaint_id} not found", id=complaint_id)


class TransitionRefused(ApiError):
    status_code = 409
    error = "transition not allowed"

    def __init__(self, message: str, *, status: Status, allowed_actions: list[Action]) -> None:
        super().__init__(message, status=status, allowed_actions=allowed_actions)


class InvalidField(ApiError):
    """A request that is well-formed but wrong in one named field (422)."""

    status_code = 422
    error = "invalid request"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, fields=[{"field": field, "message": message}])


class Unavailable(ApiError):
    status_code = 503
    error = "a backing service is unavailable; retry later"


class ReplayRefused(ApiError):
    """The current workflow code cannot replay a complaint's history (409: code vs record)."""

    status_code = 409
    error = "the current workflow code cannot replay this history"

    def __init__(self, failures: list[str]) -> None:
        super().__init__(failures=failures)


_TAG_ERRORS = {"union_tag_invalid", "union_tag_not_found"}


def _field_path(loc: Sequence[Any], body: Any) -> str:
    parts = list(loc)
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
    # A discriminated union puts the chosen tag (the action) first; it is not a field.
    if parts and isinstance(body, dict) and parts[0] == body.get("action"):
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "body"


def _field_of(err: Mapping[str, Any], body: Any) -> str:
    if err["type"] in _TAG_ERRORS:
        return "action"
    if err["type"] == "json_invalid":  # its loc is the character position, not a field
        return "body"
    return _field_path(err["loc"], body)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    body = getattr(exc, "body", None)
    fields = [
        {
            "field": _field_of(err, body),
            "message": err["msg"],
        }
        for err in exc.errors()
    ]
    return JSONResponse({"error": "invalid request", "fields": fields}, status_code=422)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    headers = {"WWW-Authenticate": exc.challenge()} if isinstance(exc, Unauthenticated) else None
    return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # FastAPI's "error parsing the body" (for example bytes that are not UTF-8): bad
        # input like any other, so 422 naming the body, as for JSON that does not parse.
        fields = [{"field": "body", "message": "the body is not valid UTF-8 JSON"}]
        return JSONResponse({"error": "invalid request", "fields": fields}, status_code=422)
    return JSONResponse(
        {"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
    )


async def _store_down(request: Request, exc: Exception) -> JSONResponse:
    """The store did not answer (lists, events, log-in, a signature's password check)."""
    log.warning("store unavailable on %s %s: %s", request.method, request.url.path, exc)
    return JSONResponse(Unavailable().body(), status_code=Unavailable.status_code)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """The last resort: Starlette's ServerErrorMiddleware calls it outside every other
    middleware, so it sets the baseline security headers itself."""
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(
        {"error": "internal error"}, status_code=500, headers=dict(BASELINE_HEADERS)
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(PyMongoError, _store_down)
    app.add_exception_handler(AccountsUnavailable, _store_down)
    app.add_exception_handler(Exception, _unexpected)
