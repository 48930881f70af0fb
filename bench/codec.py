"""``python -m bench.codec``: what the PHI codec costs per payload, against the JSON conversion.

A complaint's real payloads (an intake, and a state after a full lifecycle) are converted by
the pydantic converter and then encrypted and decrypted by the codec, many times over; it
prints microseconds per payload for each step. No server is involved.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter

from domain.audit import Actor
from domain.complaint import ComplaintState, apply, open_complaint
from domain.enums import Action
from domain.intake import Intake
from encryption import EncryptionCodec
from encryption.keys import new_key_ring
from tests.domain.factories import NOW, SIGNATURE, command, intake

ROUNDS = 2000
#: The lifecycle of the API tests: ten transitions, two investigations, a reopen.
LIFECYCLE = [
    Action.TRIAGE,
    Action.REQUEST_INFO,
    Action.RECEIVE_INFO,
    Action.COMPLETE_INVESTIGATION,
    Action.RETURN_TO_INVESTIGATION,
    Action.COMPLETE_INVESTIGATION,
    Action.CLOSE,
    Action.REOPEN,
    Action.COMPLETE_INVESTIGATION,
    Action.CLOSE,
]


def lifecycle_state() -> ComplaintState:
    actor = Actor(user_id="ana", name="Ana")
    state, _ = open_complaint(complaint_id="C-BENCH", intake=intake(), actor=actor, now=NOW)
    for step, action in enumerate(LIFECYCLE):
        at = NOW + timedelta(minutes=step + 1)
        apply(state, command(action), actor=actor, now=at, signature=SIGNATURE)
    return state


async def per_call_us(fn: Callable[[], Awaitable[object]], rounds: int = ROUNDS) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        await fn()
    return (time.perf_counter() - started) / rounds * 1e6


async def measure(value: Intake | ComplaintState) -> dict[str, float]:
    converter = pydantic_data_converter.payload_converter
    codec = EncryptionCodec(new_key_ring())
    [payload] = converter.to_payloads([value])
    [sealed] = await codec.encode([payload])

    async def to_json() -> list[Payload]:
        return converter.to_payloads([value])

    async def from_json() -> list[object]:
        return converter.from_payloads([payload], [type(value)])

    return {
        "bytes": len(payload.SerializeToString()),
        "json_encode_us": await per_call_us(to_json),
        "json_decode_us": await per_call_us(from_json),
        "encrypt_us": await per_call_us(lambda: codec.encode([payload])),
        "decrypt_us": await per_call_us(lambda: codec.decode([sealed])),
    }


async def main() -> None:
    for name, value in (("intake", intake()), ("state after lifecycle", lifecycle_state())):
        row = await measure(value)
        print(
            f"{name:<22} {row['bytes']:>6} B  json to/from {row['json_encode_us']:6.1f}/"
            f"{row['json_decode_us']:6.1f} us  encrypt/decrypt {row['encrypt_us']:5.1f}/"
            f"{row['decrypt_us']:5.1f} us"
        )


if __name__ == "__main__":
    asyncio.run(main())
