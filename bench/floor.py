"""The Temporal floor: a bare workflow with the same starts and updates and no work at all."""

from __future__ import annotations

import asyncio

from temporalio import workflow

# Passed through, as the complaint workflow's imports are: otherwise the sandbox would
# re-import them (and the tracing libraries behind temporal_client) for every new floor
# workflow, which would make the floor look slower than the engine is.
with workflow.unsafe.imports_passed_through():
    from temporalio.worker import Worker

    from settings import Settings
    from temporal_client import connect_temporal

FLOOR_QUEUE = "bench-floor"


@workflow.defn
class FloorWorkflow:
    @workflow.init
    def __init__(self, payload: dict[str, str]) -> None:
        self._count = 0

    @workflow.run
    async def run(self, payload: dict[str, str]) -> int:
        await workflow.wait_condition(lambda: False)  # stays open, like a complaint
        return self._count

    @workflow.update
    def bump(self, body: dict[str, str]) -> int:
        self._count += 1
        return self._count

    @bump.validator
    def validate_bump(self, body: dict[str, str]) -> None:
        if "action" not in body:
            raise ValueError("no action")

    @workflow.query
    def count(self) -> int:
        return self._count


async def _serve() -> None:
    client = await connect_temporal(Settings())
    async with Worker(client, task_queue=FLOOR_QUEUE, workflows=[FloorWorkflow]):
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(_serve())
