"""/codec: Temporal's remote codec protocol, so the Web UI and the CLI can read payloads.

``POST /codec/encode`` and ``POST /codec/decode`` take and return Payloads as protobuf
JSON: ``{"payloads": [{"metadata": {key: base64}, "data": base64}]}``. Point the Web UI
(``--ui-codec-endpoint``) or the CLI (``--codec-endpoint``) at ``<api>/codec``. Decoding
shows PHI, so every call needs an authenticated user and is logged with who made it.

The Web UI cannot send our bearer token, so a browser signs in at ``GET /codec/login``:
the session cookie it gets back (HttpOnly, SameSite=Strict, ``Path=/codec``, as long as
the token lives) authenticates the UI's decode calls once the UI's Codec Server setting
"Include cross-origin credentials" is on.
"""

from __future__ import annotations

import base64
import binascii
import html
import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Request
from fastapi.responses import HTMLResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from api.deps import AuthenticatorDep, SettingsDep
from api.errors import BadPayload, InvalidField, Unauthenticated
from api.identity import CODEC_COOKIE, codec_actor_from_request, forbid_unless_granted, requires
from auth.errors import AuthenticationError
from domain.audit import Actor
from domain.permissions import Permission
from encryption import PayloadDecryptionError

log = logging.getLogger("ibtool.api.codec")

router = APIRouter(prefix="/codec", tags=["codec"])

MAX_PAYLOADS = 1000
MAX_METADATA_KEYS = 32


#: Decoding a payload shows what Temporal's history holds, PHI included: an audit read.
CodecUser = Annotated[Actor, Depends(requires(Permission.AUDIT_READ, codec_actor_from_request))]


def _base64(text: object) -> bytes:
    """Protobuf JSON bytes: standard or URL-safe base64, padded or not."""
    if isinstance(text, bytes):
        return text  # already decoded (built here, not parsed)
    if not isinstance(text, str):
        raise ValueError("must be a base64 string")
    normal = text.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(normal + "=" * (-len(normal) % 4), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError("not valid base64") from error


#: Standard or URL-safe base64, padded or not: what protobuf's JSON parsers accept.
BASE64_PATTERN = r"^([A-Za-z0-9+/_-]{4})*([A-Za-z0-9+/_-]{2}(==)?|[A-Za-z0-9+/_-]{3}=?)?$"
Base64Bytes = Annotated[
    bytes,
    BeforeValidator(_base64),
    PlainSerializer(lambda raw: base64.b64encode(raw).decode(), return_type=str),
    WithJsonSchema({"type": "string", "format": "byte", "pattern": BASE64_PATTERN}),
]
MetadataKey = Annotated[str, Field(min_length=1, max_length=256)]


class CodecPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metadata: dict[MetadataKey, Base64Bytes] = Field(
        default_factory=dict, max_length=MAX_METADATA_KEYS
    )
    data: Base64Bytes = Field(default=b"")

    def to_proto(self) -> Payload:
        return Payload(metadata=self.metadata, data=self.data)

    @classmethod
    def of(cls, payload: Payload) -> CodecPayload:
        return cls(metadata=dict(payload.metadata), data=payload.data)


class CodecPayloads(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payloads: list[CodecPayload] = Field(default_factory=list, max_length=MAX_PAYLOADS)


EXAMPLE = {"payloads": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "eyJhIjogMX0="}]}
Namespace = Annotated[
    str | None,
    Header(alias="X-Namespace", max_length=200, description="Namespace of the payloads"),
]
RESPONSES: dict[int | str, dict[str, str]] = {
    400: {"description": "A payload cannot be decoded (unknown key, altered, truncated)"},
    401: {"description": "No identity"},
    422: {"description": "Not Payloads JSON, or another namespace's payloads"},
}


@dataclass(frozen=True)
class CodecCall:
    """One authorised codec request: the codec of this process, and who asked."""

    codec: PayloadCodec
    actor: Actor


def _codec_call(
    request: Request, settings: SettingsDep, actor: CodecUser, namespace: Namespace = None
) -> CodecCall:
    if namespace is not None and namespace != settings.temporal_namespace:
        raise InvalidField(
            "X-Namespace", f"this codec serves namespace {settings.temporal_namespace!r} only"
        )
    codec = request.app.state.temporal.data_converter.payload_codec
    assert codec is not None, "the Temporal client has no payload codec"
    return CodecCall(codec=codec, actor=actor)


CodecCallDep = Annotated[CodecCall, Depends(_codec_call)]


@router.post("/encode", response_model=CodecPayloads, responses=RESPONSES)
async def encode(
    body: Annotated[CodecPayloads, Body(examples=[EXAMPLE])], call: CodecCallDep
) -> CodecPayloads:
    """Encrypt payloads with the active key (as the API and the worker would)."""
    encoded = await call.codec.encode([p.to_proto() for p in body.payloads])
    return CodecPayloads(payloads=[CodecPayload.of(p) for p in encoded])


@router.post("/decode", response_model=CodecPayloads, responses=RESPONSES)
async def decode(body: CodecPayloads, call: CodecCallDep) -> CodecPayloads:
    """Decrypt payloads; ones that are not encrypted come back unchanged."""
    try:
        decoded = await call.codec.decode([p.to_proto() for p in body.payloads])
    except PayloadDecryptionError as error:
        raise BadPayload(str(error)) from error
    log.info("codec decode by %s: %d payload(s)", call.actor.user_id, len(decoded))
    return CodecPayloads(payloads=[CodecPayload.of(p) for p in decoded])


LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>IBTool codec sign-in</title></head>
<body><h1>Sign in to read payloads in the Temporal Web UI</h1>
<p>{message}</p>
<form method="post" action="/codec/login">
<label>User <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password"
required></label>
<button type="submit">Sign in</button>
</form></body></html>
"""

SIGNED_IN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>IBTool codec session</title></head>
<body><h1>Signed in as {name}</h1>
<p>For the next {minutes} minutes this browser may decode payloads at this codec server.
In the Temporal Web UI, open the Codec Server settings, set the endpoint to
<code>{endpoint}</code> and turn on <b>Include cross-origin credentials</b>.</p>
<form method="post" action="/codec/logout"><button type="submit">Sign out</button></form>
</body></html>
"""


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
async def login_page() -> HTMLResponse:
    return HTMLResponse(LOGIN_PAGE.format(message="A user with the audit:read permission."))


@router.post(
    "/login",
    response_class=HTMLResponse,
    responses={
        401: {"description": "Wrong user name or password"},
        403: {"description": "The user may not read payloads (`audit:read`)"},
    },
)
async def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    authenticator: AuthenticatorDep,
) -> HTMLResponse:
    """Start a codec session for the Web UI: a local user's password, then a cookie.

    Only users who may read payloads get one; the cookie is sent to ``/codec`` only.
    """
    try:
        issued = await authenticator.login(form.username, form.password)
        actor = await authenticator.actor_for_bearer(issued.access_token)
    except AuthenticationError as error:
        raise Unauthenticated(str(error)) from error
    forbid_unless_granted(actor, Permission.AUDIT_READ)
    log.info("codec session for %s", actor.user_id)
    page = SIGNED_IN_PAGE.format(
        name=html.escape(actor.name),
        minutes=issued.expires_in // 60,
        endpoint=html.escape(str(request.url_for("login")).removesuffix("/login")),
    )
    response = HTMLResponse(page)
    response.set_cookie(
        CODEC_COOKIE,
        issued.access_token,
        max_age=issued.expires_in,
        path="/codec",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout", response_class=HTMLResponse)
async def logout() -> HTMLResponse:
    """End this browser's codec session."""
    response = HTMLResponse(LOGIN_PAGE.format(message="Signed out."))
    response.delete_cookie(CODEC_COOKIE, path="/codec", httponly=True, samesite="strict")
    return response
