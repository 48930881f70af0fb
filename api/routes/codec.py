"""/codec: Temporal's remote codec protocol, so the Web UI and the CLI can read payloads.

``POST /codec/encode`` and ``POST /codec/decode`` take and return Payloads as protobuf
JSON: ``{"payloads": [{"metadata": {key: base64}, "data": base64}]}``. Point the Web UI
(``--ui-codec-endpoint``) or the CLI (``--codec-endpoint``) at ``<api>/codec``. Decoding
shows PHI, so every call needs an authenticated user and is logged with who made it.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from api.deps import CanReadAudit, SettingsDep
from api.errors import BadPayload, InvalidField
from domain.audit import Actor
from encryption import PayloadDecryptionError

log = logging.getLogger("ibtool.api.codec")

router = APIRouter(prefix="/codec", tags=["codec"])

MAX_PAYLOADS = 1000
MAX_METADATA_KEYS = 32


#: Decoding a payload shows what Temporal's history holds, PHI included: an audit read.
CodecUser = CanReadAudit


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
