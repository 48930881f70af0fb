"""Helpers for the audit tests: complaints taken through their life, the store tampered with
directly (as an attacker with database access would), and the auditor's own reads."""

from __future__ import annotations

from typing import Any

from pymongo import MongoClient
from temporalio.client import Client, WorkflowExecutionStatus

from audit.service import AuditService
from domain.audit import AuditEvent
from settings import Settings
from store.client import open_store
from temporal_client import connect_temporal
from tests.api.harness import FULL_LIFECYCLE, Api, command_body, eventually
from workflows.complaint import workflow_id

EVENTS = "complaint_events"


async def lifecycle(api: Api, *, steps: int = len(FULL_LIFECYCLE), name: str = "Ana Lima") -> str:
    """A complaint taken through ``steps`` of the full lifecycle and projected."""
    complaint_id = await api.create_id()
    for action, _ in FULL_LIFECYCLE[:steps]:
        response = await api.act(complaint_id, command_body(action), name=name)
        assert response.status_code == 200, response.text
    await api.wait_projected(complaint_id, steps + 1)
    return complaint_id


def raw_events(settings: Settings) -> Any:
    """The events collection through plain pymongo, bypassing the store's code."""
    client: MongoClient[dict[str, Any]] = MongoClient(settings.mongo_uri)
    return client[settings.mongo_db][EVENTS]


async def verify(api: Api, complaint_id: str) -> dict[str, Any]:
    response = await api.http.get(f"/complaints/{complaint_id}/verify")
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def problem_kinds(report: dict[str, Any]) -> set[tuple[str, int | None]]:
    return {(p["kind"], p["seq"]) for p in report["problems"]}


class Auditor:
    """The audit service on its own clients, as the CLI builds it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def __aenter__(self) -> AuditService:
        self._store = open_store(self.settings)
        client = await connect_temporal(self.settings)
        return AuditService(client, self._store, self.settings)

    async def __aexit__(self, *exc: object) -> None:
        await self._store.close()


def as_events(items: list[dict[str, Any]]) -> list[AuditEvent]:
    return [AuditEvent.model_validate(item) for item in items]


async def wait_completed(client: Client, complaint_id: str, *, within: float = 20.0) -> None:
    """Until the complaint's workflow has completed (its retention is over)."""
    handle = client.get_workflow_handle(workflow_id(complaint_id))

    async def completed() -> bool | None:
        status = (await handle.describe()).status
        return True if status == WorkflowExecutionStatus.COMPLETED else None

    await eventually(completed, within=within, interval=0.2, what="the workflow completed")
