"""Record the replay corpus: ``python -m tests.histories.record [SCENARIO ...]``.

Each scenario runs on its own time-skipping test server with the real worker (projection
into a wire-protocol store, mail to an SMTP sink, archive), then every run of its workflow
is written to ``tests/histories/<scenario>.<n>.json`` as Temporal's history JSON. Re-record
only when the workflow changes on purpose; a change that alters replay must be guarded by
``workflow.patched`` so the existing files keep replaying.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from audit.source import load_chain
from devstack.servers import MongoStore, SmtpSinkProcess
from domain.complaint import ComplaintState
from domain.messages import ComplaintInput
from settings import Settings
from store.client import open_store
from store.complaints import ComplaintStore
from temporal_client import data_converter
from tests.domain.factories import intake
from tests.histories import FOLDER
from tests.histories.scenarios import INTAKE, SCENARIOS, Handle, Recording, Scenario
from tests.servers import TEST_CODEC_KEYS, running
from worker import build_worker
from workflows.complaint import ComplaintWorkflow, workflow_id


async def record(scenario: Scenario, *, settings: Settings, out: Path) -> list[Path]:
    binary = Path(sys.executable).parent / "temporal-test-server"
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(binary), data_converter=data_converter(settings)
    )
    store = open_store(settings)
    try:
        await store.ensure_indexes()
        async with build_worker(env.client, store, settings):
            complaint_id = f"C-{scenario.name.upper().replace('_', '')[:10]:0<12}"
            await _play(env, scenario, complaint_id, store, task_queue=settings.task_queue)
            chain = await load_chain(env.client, store.archive, workflow_id(complaint_id))
    finally:
        await store.close()
        await env.shutdown()
    written = []
    for number, run in enumerate(chain.runs, start=1):
        path = out / f"{scenario.name}.{number}.json"
        path.write_text(run.history.to_json() + "\n")
        written.append(path)
    return written


async def _play(
    env: WorkflowEnvironment,
    scenario: Scenario,
    complaint_id: str,
    store: ComplaintStore,
    *,
    task_queue: str,
) -> None:
    now = await env.get_current_time()
    aware = now - timedelta(days=scenario.aware_days_ago)
    event = {
        "description": "Image freezes during scan",
        "malfunction": True,
        "occurred_at": (aware - timedelta(days=1)).isoformat(),
        **scenario.intake.get("event", {}),
    }
    await env.client.start_workflow(
        ComplaintWorkflow.run,
        ComplaintInput(
            complaint_id=complaint_id,
            intake=intake(aware_at=aware.isoformat(), event=event),
            actor=INTAKE,
            options=scenario.options,
        ),
        id=workflow_id(complaint_id),
        task_queue=task_queue,
    )
    handle = env.client.get_workflow_handle_for(ComplaintWorkflow.run, workflow_id(complaint_id))
    await scenario.play(Recording(env=env, handle=handle, complaint_id=complaint_id))
    if scenario.completes:
        result: ComplaintState = await handle.result()
        assert result.status == "closed"
        return
    await _settled(handle, store, complaint_id)


async def _settled(handle: Handle, store: ComplaintStore, complaint_id: str) -> None:
    """Until the projection has caught up, so the history holds its completed writes."""
    for _ in range(200):
        view = await handle.query(ComplaintWorkflow.state)
        summary = await store.get_summary(complaint_id)
        if summary is not None and summary.version == view.version:
            await asyncio.sleep(0.3)  # let the activity's completion reach the history
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{complaint_id} was never projected")


async def main(names: list[str]) -> None:
    chosen = [s for s in SCENARIOS if not names or s.name in names]
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        with running(MongoStore(base / "store")) as mongo, running(SmtpSinkProcess(base)) as smtp:
            for scenario in chosen:
                settings = Settings(
                    mongo_uri=mongo.uri,
                    mongo_db=f"record_{uuid.uuid4().hex[:8]}",
                    smtp_host=smtp.host,
                    smtp_port=smtp.port,
                    task_queue=f"record-{scenario.name}",
                    codec_keys=TEST_CODEC_KEYS,  # the keys the suite replays the corpus with
                )
                for stale in FOLDER.glob(f"{scenario.name}.*.json"):
                    stale.unlink()
                written = await record(scenario, settings=settings, out=FOLDER)
                print(f"{scenario.name}: {', '.join(p.name for p in written)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.histories.record")
    parser.add_argument("scenarios", nargs="*", help="names to record (default: all)")
    asyncio.run(main(parser.parse_args().scenarios))
