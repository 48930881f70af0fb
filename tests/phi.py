"""Looking for PHI where it must not be: Temporal histories, raw or decoded, and the store.

A payload's JSON is base64 inside a history dump, so every search here also looks into
each string that decodes as base64; otherwise a plaintext name would hide from it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from typing import Any

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.converter import PayloadCodec

from tests.domain.factories import intake_data
from workflows.complaint import workflow_id

#: The PHI of one intake: complainant contact and patient details, distinct for one test.
PHI_PATIENT = {"age": 117, "sex": "X"}


def phi_intake(tag: str) -> dict[str, Any]:
    """Intake overrides whose PHI values are unique to ``tag`` (so a search cannot collide)."""
    return {
        "complainant": {
            "name": f"Dr. Philippa {tag} Quorn",
            "organization": "St. Mary Hospital",
            "address": f"{tag} Larkspur Lane, Springfield",
            "phone": "+1 555 " + str(int(tag, 16) % 10_000_000).zfill(7),
            "email": f"philippa.{tag.lower()}@patients.example.org",
        },
        "patient": PHI_PATIENT,
    }


def phi_values(overrides: dict[str, Any]) -> list[str]:
    """The strings that must not appear: name, address, phone and email."""
    complainant = intake_data(**overrides)["complainant"]
    return [complainant[field] for field in ("name", "address", "phone", "email")]


def found(values: list[str], blobs: list[bytes]) -> set[str]:
    """Which of ``values`` occur in any blob, or in any base64 string inside a JSON blob."""
    haystack = [*blobs, *(inner for blob in blobs for inner in _decoded_strings(blob))]
    return {value for value in values if any(value.encode() in blob for blob in haystack)}


def patient_in(blobs: list[bytes]) -> bool:
    """True when the patient object (as JSON) appears in any blob or base64 string in one."""
    marks = [b'"age":117', b'"age": 117']
    haystack = [*blobs, *(inner for blob in blobs for inner in _decoded_strings(blob))]
    return any(mark in blob for mark in marks for blob in haystack)


def _decoded_strings(blob: bytes) -> Iterator[bytes]:
    try:
        document = json.loads(blob)
    except (UnicodeDecodeError, ValueError):
        return
    for text in _strings(document):
        try:
            yield base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            continue


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every ``Payload`` anywhere inside a protobuf message (a history, an event...)."""
    if isinstance(message, Payload):
        yield message
        return
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            items = value.values()
        elif field.is_repeated:
            items = value
        else:
            items = [value]
        for item in items:
            if isinstance(item, Message):
                yield from payloads_in(item)


async def history_blobs(
    client: Client, complaint_id: str, *, codec: PayloadCodec | None = None
) -> list[bytes]:
    """Each event's raw bytes; with ``codec``, also the decoded data of each payload."""
    history = await client.get_workflow_handle(workflow_id(complaint_id)).fetch_history()
    blobs = [event.SerializeToString() for event in history.events]
    if codec is not None:
        for event in history.events:
            payloads = list(payloads_in(event))
            blobs += [p.data for p in await codec.decode(payloads)]
    return blobs
