"""Where a complaint's history comes from: Temporal while it has it, else the archive.

A complaint that continued as new has several runs; :func:`load_chain` follows the chain back
from the latest run through each start event's ``continued_execution_run_id``, so readers see
the whole history, oldest run first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode

from domain.chain import ChainProblem, ProblemKind
from store.archive import ArchiveCorrupt, HistoryArchive

Source = Literal["temporal", "archive"]


class HistoryNotFound(LookupError):
    """Neither Temporal nor the archive has a history for this workflow."""


@dataclass(frozen=True, slots=True)
class RunHistory:
    history: WorkflowHistory
    source: Source

    @property
    def run_id(self) -> str:
        return self.history.run_id

    @property
    def started_at(self) -> datetime:
        return self.history.events[0].event_time.ToDatetime(tzinfo=UTC)

    @property
    def continued_from(self) -> str | None:
        started = self.history.events[0].workflow_execution_started_event_attributes
        return started.continued_execution_run_id or None


@dataclass
class Chain:
    workflow_id: str
    runs: list[RunHistory]
    #: What could not be read as it should (a corrupt archive, a run found nowhere).
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def event_count(self) -> int:
        return sum(len(run.history.events) for run in self.runs)


async def load_chain(client: Client, archive: HistoryArchive, workflow_id: str) -> Chain:
    chain = Chain(workflow_id=workflow_id, runs=[])
    latest = await _run(client, archive, chain, run_id=None)
    if latest is None:
        raise HistoryNotFound(workflow_id)
    runs = [latest]
    while (previous := runs[-1].continued_from) is not None:
        if any(run.run_id == previous for run in runs):
            break
        run = await _run(client, archive, chain, run_id=previous)
        if run is None:
            detail = f"run {previous} is neither in Temporal nor in the archive"
            chain.problems.append(ChainProblem(kind=ProblemKind.SOURCE, detail=detail))
            break
        runs.append(run)
    chain.runs = list(reversed(runs))
    return chain


async def _run(
    client: Client, archive: HistoryArchive, chain: Chain, *, run_id: str | None
) -> RunHistory | None:
    workflow_id = chain.workflow_id
    try:
        fetched = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        if fetched.events:
            return RunHistory(fetched, "temporal")
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
    if run_id is None:
        archived = await archive.runs(workflow_id)
        if not archived:
            return None
        run_id = archived[-1].run_id
    try:
        found = await archive.history(workflow_id, run_id)
    except ArchiveCorrupt as error:
        chain.problems.append(ChainProblem(kind=ProblemKind.ARCHIVE, detail=str(error)))
        return None
    if found is None:
        return None
    return RunHistory(WorkflowHistory.from_json(workflow_id, found[1]), "archive")
