"""Outages under a load of transitions: the store for 20 s, a Temporal restart.

These tests stop servers, so they run on a module-scoped set of their own (the session's
servers, which other tests share, are never touched). Each complaint is driven through the
whole lifecycle with one Idempotency-Key per step, retried while the API answers 503 or
times out; afterwards every complaint must hold exactly the expected transitions and
audit events, and its projection must have caught up.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from temporalio.client import WorkflowExecutionStatus

from domain.enums import Action
from settings import Settings
from temporal_client import connect_temporal
from tests.api.harness import FULL_LIFECYCLE, Api, command_body, eventually
from tests.servers import (
    MongoStore,
    SmtpSinkProcess,
    TemporalDevServer,
    drop_database,
    running,
    settings_for,
)
from workflows.complaint import workflow_id

pytestmark = pytest.mark.timeout(240)

FINAL_VERSION = len(FULL_LIFECYCLE) + 1
EXPECTED_ACTIONS = ["create", *(str(action) for action, _ in FULL_LIFECYCLE)]
OUTAGE_S = 20.0


@dataclass
class OwnServers:
    temporal: TemporalDevServer
    store: MongoStore
    smtp: SmtpSinkProcess


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnServers]:
    folder = tmp_path_factory.mktemp("faults")
    with (
        running(TemporalDevServer(folder / "temporal")) as temporal,
        running(MongoStore(folder / "store")) as store,
        running(SmtpSinkProcess(folder / "smtp")) as smtp,
    ):
        yield OwnServers(temporal, store, smtp)


@pytest.fixture
def settings(own: OwnServers, tmp_path: Path) -> Iterator[Settings]:
    """Overrides the session-wide ``settings``: these tests' servers are their own."""
    settings = settings_for(
        temporal=own.temporal, store=own.store, smtp=own.smtp, data_dir=tmp_path
    )
    yield settings
    if not own.store.is_running():
        own.store.start()
    drop_database(own.store, settings.mongo_db)


@dataclass
class Load:
    """Counts what the lanes did: transitions answered 200, retries after 503 or timeouts."""

    accepted: int = 0
    retries: int = 0


async def drive(
    api: Api, complaint_id: str, steps: range, load: Load, *, reauth: bool = False
) -> None:
    """Apply lifecycle ``steps`` in order, each with its own key, retried until it is 200.

    With ``reauth``, signed steps re-authenticate with a fresh token instead of the password
    (checking a password needs its hash from the store).
    """
    for index in steps:
        action, status = FULL_LIFECYCLE[index]
        key = {"Idempotency-Key": f"{complaint_id}-step-{index}"}
        while True:
            body = command_body(action)
            if reauth and "signature" in body:
                body["signature"] = {"meaning": "approval", "reauth_token": await api.token()}
            try:
                response = await api.act(complaint_id, body, headers=key)
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code == 200:
                break
            assert response is None or response.status_code == 503, (action, response.text)
            load.retries += 1
            await asyncio.sleep(0.5)
        state = response.json()
        assert (state["status"], state["version"]) == (status, index + 2), (complaint_id, action)
        load.accepted += 1


async def converged(api: Api, ids: list[str], *, within: float) -> float:
    """Wait until every complaint's projection and timeline are complete; return seconds."""
    started = time.monotonic()
    for complaint_id in ids:
        await api.wait_projected(complaint_id, FINAL_VERSION, within=within)
        events = await api.wait_events(complaint_id, FINAL_VERSION, within=within)
        seqs = [e["seq"] for e in events]
        assert seqs == list(range(1, FINAL_VERSION + 1)), f"{complaint_id}: events {seqs}"
        assert [e["action"] for e in events] == EXPECTED_ACTIONS, complaint_id
    return time.monotonic() - started


async def check_workflows(api: Api, ids: list[str]) -> None:
    for complaint_id in ids:
        state = (await api.get(complaint_id)).json()
        assert (state["status"], state["version"]) == ("closed", FINAL_VERSION), complaint_id


async def test_a_store_outage_delays_projections_never_transitions(
    api: Api, own: OwnServers
) -> None:
    """Callers seen before the outage stay authenticated (their accounts as last read);
    what needs the store itself (lists, log-in, a password signature) answers 503."""
    ids = [await api.create_id() for _ in range(6)]
    for complaint_id in ids:
        await api.wait_projected(complaint_id, 1)
    load = Load()
    own.store.stop()
    outage_began = time.monotonic()
    try:
        listing = await api.http.get("/complaints")
        assert listing.status_code == 503, listing.text
        login = await api.http.post("/auth/token", data={"username": "x", "password": "y"})
        assert login.status_code == 503, login.text
        lanes = (drive(api, cid, range(len(FULL_LIFECYCLE)), load, reauth=True) for cid in ids)
        await asyncio.gather(*lanes)
        driven = time.monotonic() - outage_began
        assert not own.store.is_running()
        await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - outage_began)))
    finally:
        own.store.start()
    outage = time.monotonic() - outage_began
    expected = len(ids) * len(FULL_LIFECYCLE)
    assert (load.accepted, load.retries) == (expected, 0), (
        f"{load.accepted}/{expected} transitions accepted with {load.retries} retries "
        "while the store was down"
    )
    settle = await converged(api, ids, within=60.0)
    await check_workflows(api, ids)
    print(
        f"\n[store outage] {len(ids)} complaints, {load.accepted} transitions all accepted in "
        f"{driven:.1f} s of a {outage:.1f} s store outage, 0 lost, 0 duplicated; "
        f"projections converged {settle:.1f} s after the store returned"
    )


async def test_a_temporal_restart_resumes_workflows_and_timers(
    settings: Settings, own: OwnServers
) -> None:
    from tests.api.harness import api_client, in_process_worker

    retention = timedelta(seconds=20)
    settings = settings.model_copy(update={"closed_retention": retention})
    client = await connect_temporal(settings)
    async with in_process_worker(settings), api_client(settings) as api:
        rejected = [await api.create_id() for _ in range(3)]
        for complaint_id in rejected:  # each now has a 20 s retention timer running
            assert (await api.act(complaint_id, command_body(Action.REJECT))).status_code == 200
        timers_due = time.monotonic() + retention.total_seconds()
        ids = [await api.create_id() for _ in range(6)]
        load = Load()
        lanes = [
            asyncio.create_task(drive(api, cid, range(len(FULL_LIFECYCLE)), load)) for cid in ids
        ]
        await asyncio.sleep(1.0)  # the load is under way
        before = load.accepted
        restart_began = time.monotonic()
        await asyncio.to_thread(own.temporal.restart)
        down = time.monotonic() - restart_began
        async with asyncio.timeout(120):
            await asyncio.gather(*lanes)
        expected = len(ids) * len(FULL_LIFECYCLE)
        assert load.accepted == expected, f"{load.accepted}/{expected} transitions accepted"
        settle = await converged(api, ids, within=60.0)
        await check_workflows(api, ids)

        async def completed(complaint_id: str) -> bool | None:
            described = await client.get_workflow_handle(workflow_id(complaint_id)).describe()
            return True if described.status == WorkflowExecutionStatus.COMPLETED else None

        for complaint_id in rejected:
            await eventually(
                lambda cid=complaint_id: completed(cid),  # type: ignore[misc]
                within=60.0,
                interval=0.5,
                what=f"{complaint_id}'s retention timer fired after the restart",
            )
        late = time.monotonic() - timers_due
    print(
        f"\n[temporal restart] server down {down:.1f} s with {before}/{expected} transitions "
        f"done; all {load.accepted} accepted ({load.retries} retries), 0 lost, 0 duplicated; "
        f"projections converged in {settle:.1f} s; {len(rejected)} retention timers armed "
        f"before the restart fired, the last seen {late:+.1f} s from due"
    )
