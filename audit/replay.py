"""Re-running a complaint's history through the current workflow code.

``temporalio.worker.Replayer`` re-executes ``ComplaintWorkflow`` against each recorded run and
fails on any nondeterminism. A replayer cannot answer queries, so an interceptor registered
only on the replayer keeps hold of the workflow instance and of the projection batches the
code sends; once a run is replayed, the instance's :meth:`audit_snapshot` is the state the
current code computes from that history.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.worker import (
    ExecuteWorkflowInput,
    Interceptor,
    Replayer,
    StartActivityInput,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
    WorkflowOutboundInterceptor,
)

from domain.audit import AuditEvent
from domain.messages import ProjectionBatch, WorkflowSnapshot
from domain.summary import ComplaintSummary
from workflows.complaint import ComplaintWorkflow


@dataclass
class RunCapture:
    """What the replayed code did in one run."""

    instance: Any = None
    batches: list[ProjectionBatch] = field(default_factory=list)

    def snapshot(self) -> WorkflowSnapshot | None:
        # The sandbox re-imports the workflow module, so the instance's class is not the
        # ComplaintWorkflow imported here: ask for the method, not the type.
        take = getattr(self.instance, "audit_snapshot", None)
        snapshot = take() if callable(take) else None
        return snapshot if isinstance(snapshot, WorkflowSnapshot) else None


class CaptureInterceptor(Interceptor):
    """Registered on the replayer only: the live worker never carries it."""

    def __init__(self) -> None:
        self.runs: dict[str, RunCapture] = {}
        captures = self.runs

        class Outbound(WorkflowOutboundInterceptor):
            def start_activity(self, input: StartActivityInput) -> workflow.ActivityHandle[Any]:
                if input.activity == "project_complaint" and input.args:
                    batch = input.args[0]
                    if isinstance(batch, ProjectionBatch):
                        captures.setdefault(workflow.info().run_id, RunCapture()).batches.append(
                            batch
                        )
                return super().start_activity(input)

        class Inbound(WorkflowInboundInterceptor):
            def init(self, outbound: WorkflowOutboundInterceptor) -> None:
                super().init(Outbound(outbound))

            async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
                capture = captures.setdefault(workflow.info().run_id, RunCapture())
                capture.instance = workflow.instance()
                return await super().execute_workflow(input)

        self._inbound = Inbound

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor]:
        return self._inbound


@dataclass
class RunReplay:
    run_id: str
    events: int
    failure: str | None
    snapshot: WorkflowSnapshot | None
    batches: list[ProjectionBatch]


@dataclass
class ChainReplay:
    runs: list[RunReplay]
    seconds: float

    @property
    def deterministic(self) -> bool:
        return all(run.failure is None for run in self.runs)

    @property
    def events(self) -> int:
        return sum(run.events for run in self.runs)

    @property
    def failures(self) -> list[str]:
        return [f"run {run.run_id}: {run.failure}" for run in self.runs if run.failure]

    @property
    def snapshot(self) -> WorkflowSnapshot | None:
        """The state at the end of the last run."""
        return self.runs[-1].snapshot if self.runs else None

    @property
    def trail(self) -> dict[int, AuditEvent]:
        """Every audit event the replayed code recorded, by seq."""
        events: dict[int, AuditEvent] = {}
        for run in self.runs:
            for batch in run.batches:
                events.update((event.seq, event) for event in batch.events)
            if run.snapshot is not None:
                events.update((event.seq, event) for event in run.snapshot.pending)
        return events

    @property
    def summary(self) -> ComplaintSummary | None:
        """The last projection the replayed code sent."""
        batches = [batch for run in self.runs for batch in run.batches]
        return batches[-1].summary if batches else None


async def replay_histories(
    histories: Sequence[WorkflowHistory],
    *,
    converter: DataConverter,
    workflows: Sequence[type] = (ComplaintWorkflow,),
) -> ChainReplay:
    """Replay ``histories`` one after another with one replayer; failures are reported,
    not raised."""
    capture = CaptureInterceptor()
    started = time.perf_counter()
    runs: list[RunReplay] = []
    with ThreadPoolExecutor(max_workers=2) as executor:
        replayer = Replayer(
            workflows=list(workflows),
            data_converter=converter,
            interceptors=[capture],
            workflow_task_executor=executor,
        )
        async with replayer.workflow_replay_iterator(_iterate(histories)) as results:
            async for result in results:
                run_id = result.history.run_id
                taken = capture.runs.pop(run_id, RunCapture())
                failure = result.replay_failure
                runs.append(
                    RunReplay(
                        run_id=run_id,
                        events=len(result.history.events),
                        failure=None if failure is None else f"{type(failure).__name__}: {failure}",
                        snapshot=taken.snapshot(),
                        batches=taken.batches,
                    )
                )
    return ChainReplay(runs=runs, seconds=time.perf_counter() - started)


async def _iterate(histories: Sequence[WorkflowHistory]) -> AsyncIterator[WorkflowHistory]:
    for history in histories:
        yield history
