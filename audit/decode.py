"""Decoding the payloads in a complaint's history with the project's data converter.

The converter comes from ``temporal_client.data_converter(settings)``, so a payload codec
(PHI encryption) is undone here like everywhere else. Each payload decodes to the model the
workflow sent; one that does not (an older shape, say) still decodes as plain JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from temporalio.api.common.v1 import Payload, Payloads
from temporalio.converter import DataConverter

from domain.complaint import ComplaintState
from domain.messages import (
    ArchiveReceipt,
    ArchiveRequest,
    ComplaintInput,
    ProjectionBatch,
    TransitionRequest,
)
from domain.notifications import Notification
from domain.views import ComplaintView

#: What each activity takes and returns.
ACTIVITY_INPUTS: dict[str, type] = {
    "project_complaint": ProjectionBatch,
    "send_notification": Notification,
    "archive_history": ArchiveRequest,
}
ACTIVITY_RESULTS: dict[str, type] = {"archive_history": ArchiveReceipt}
#: The workflow's own messages.
START = ComplaintInput
UPDATE_INPUT = TransitionRequest
UPDATE_RESULT = ComplaintView
RESULT = ComplaintState


class Undecodable(str):
    """Stands in for a payload that could not be decoded at all."""


class PayloadDecoder:
    def __init__(self, converter: DataConverter) -> None:
        self._converter = converter

    async def first(self, payloads: Payloads, hint: type | None) -> Any:
        """The first payload of ``payloads`` as ``hint`` (None when there is none)."""
        if not payloads.payloads:
            return None
        return await self.one(payloads.payloads[0], hint)

    async def one(self, payload: Payload, hint: type | None) -> Any:
        for hints in ([hint] if hint is not None else None, None):
            try:
                return (await self._converter.decode([payload], hints))[0]
            except Exception:
                if hints is None:
                    break
        return Undecodable(f"<payload of {payload.ByteSize()} bytes that does not decode>")

    async def all(self, payloads: Sequence[Payload]) -> list[Any]:
        return [await self.one(payload, None) for payload in payloads]
