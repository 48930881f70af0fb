"""A worker killed with SIGKILL loses nothing: a new worker finishes every lifecycle.

The worker runs as a child process (as ``ibtool run`` starts it); the app runs in-process.
The kill lands right after the last answered transition, so projection activities are
usually still in flight; the new worker takes them over once the dead worker's sticky
queue and the projection activity's 10 s start-to-close timeout have run out (about 13 s
in all, measured).
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

from api.service import complaint_id_for
from domain.intake import Intake
from tests.api.harness import FULL_LIFECYCLE, Api, command_body, unique
from tests.domain.factories import intake_data
from tests.integration.conftest import WorkerProcess

COMPLAINTS = 10
FINAL_VERSION = len(FULL_LIFECYCLE) + 1
#: After a SIGKILL the dead worker's sticky queue and any in-flight activity must time out
#: (10 s and the projection's 10 s start-to-close) before the new worker takes them over.
RECOVERY_DEADLINE = 60.0


async def drive(api: Api, complaint_id: str, steps: range) -> None:
    """Apply lifecycle ``steps`` in order, checking each answer's status and version."""
    for index in steps:
        action, status = FULL_LIFECYCLE[index]
        response = await api.act(complaint_id, command_body(action))
        assert response.status_code == 200, (complaint_id, action, response.text)
        state = response.json()
        assert (state["status"], state["version"]) == (status, index + 2), (complaint_id, action)


def ms(stamp: str | None) -> str | None:
    """A timestamp cut to milliseconds, the store's resolution."""
    if stamp is None:
        return None
    at = datetime.fromisoformat(stamp)
    return at.replace(microsecond=at.microsecond // 1000 * 1000).isoformat()


async def matches_projection(api: Api, complaint_id: str) -> None:
    state = (await api.get(complaint_id)).json()
    items = (await api.listing(q=complaint_id))["items"]
    assert [item["id"] for item in items] == [complaint_id]
    row = items[0]
    for field in ("version", "status", "outcome", "severity", "assignee"):
        assert row[field] == state[field], (complaint_id, field)
    for field in ("created_at", "updated_at", "closed_at"):
        assert ms(row[field]) == ms(state[field]), (complaint_id, field)


async def test_a_killed_worker_loses_no_transition_and_no_event(
    app: Api, worker_process: WorkerProcess
) -> None:
    await worker_process.start()
    ids = [await app.create_id() for _ in range(COMPLAINTS)]
    # Part-way: complaint n stops after 1..7 steps (triage up to the first close).
    stops = {complaint_id: 1 + n % 7 for n, complaint_id in enumerate(ids)}
    await asyncio.gather(*(drive(app, cid, range(stops[cid])) for cid in ids))

    await worker_process.kill()  # right away: projections may still be in flight
    await worker_process.start()

    started = time.monotonic()
    rest = range(len(FULL_LIFECYCLE))
    await asyncio.gather(*(drive(app, cid, rest[stops[cid] :]) for cid in ids))
    finished = time.monotonic() - started

    lags: list[float] = []
    stored = 0
    for complaint_id in ids:
        lags.append(await app.wait_projected(complaint_id, FINAL_VERSION, within=RECOVERY_DEADLINE))
        events = await app.wait_events(complaint_id, FINAL_VERSION)
        seqs = [e["seq"] for e in events]
        assert seqs == list(range(1, FINAL_VERSION + 1)), f"{complaint_id}: lost or doubled {seqs}"
        expected = ["create", *(str(action) for action, _ in FULL_LIFECYCLE)]
        assert [e["action"] for e in events] == expected, complaint_id
        stored += len(events)
        await matches_projection(app, complaint_id)
        state = (await app.get(complaint_id)).json()
        assert (state["status"], state["outcome"]) == ("closed", "resolved")
        assert len(state["signatures"]) == 2
    assert worker_process.starts == 2
    transitions = COMPLAINTS * len(FULL_LIFECYCLE)
    raw = await app.store.db["complaint_events"].count_documents({"complaint_id": {"$in": ids}})
    assert raw == stored == COMPLAINTS * FINAL_VERSION, f"{raw} stored events, {stored} listed"
    print(
        f"\n[crash] {COMPLAINTS} complaints, {transitions} transitions "
        f"({sum(stops.values())} before the kill -9), 0 lost, 0 duplicated: {raw} audit events "
        f"stored, {COMPLAINTS} projections at v{FINAL_VERSION}; the rest took {finished:.1f} s "
        f"after the restart and the projections settled {sum(lags):.1f} s after that"
    )


async def test_a_transition_sent_while_no_worker_runs_completes_once_one_starts(
    app: Api, worker_process: WorkerProcess
) -> None:
    await worker_process.start()
    complaint_id = await app.create_id()
    await app.wait_projected(complaint_id, 1)
    await worker_process.stop()
    assert not worker_process.is_running()

    sent: asyncio.Task[Any] = asyncio.create_task(
        app.act(complaint_id, command_body(FULL_LIFECYCLE[0][0]))
    )
    done, _ = await asyncio.wait({sent}, timeout=2.0)
    assert not done, "a transition completed with no worker running"

    await worker_process.start()
    async with asyncio.timeout(RECOVERY_DEADLINE):
        response = await sent
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["version"]) == ("investigation", 2)
    await app.wait_projected(complaint_id, 2)
    events = await app.wait_events(complaint_id, 2)
    assert [(e["seq"], e["action"]) for e in events] == [(1, "create"), (2, "triage")]


async def test_an_intake_while_no_worker_runs_is_accepted_as_pending(
    app: Api, worker_process: WorkerProcess
) -> None:
    source = {"channel": "phone", "ref": unique("TWD-")}
    complaint_id = complaint_id_for(Intake.model_validate(intake_data(source=source)), None)
    async with asyncio.timeout(RECOVERY_DEADLINE):
        created = await app.create(source=source)

    await worker_process.start()  # the intake was durable all along: a worker picks it up
    state = (await app.get(complaint_id)).json()
    assert (state["id"], state["status"], state["version"]) == (complaint_id, "triage", 1)

    assert created.status_code == 202, created.text
    assert created.json() == {"id": complaint_id, "status": "triage", "pending": True}
    assert created.headers["location"] == f"/complaints/{complaint_id}"
