"""Is the store's audit trail the one the workflow recorded? Hash chain, links, and the
trail in Temporal's history (or the archive), event by event."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory

from audit.decode import PayloadDecoder
from audit.source import Chain
from audit.trail import RecordedTrail, recorded_trail
from domain.audit import AuditEvent
from domain.chain import ChainProblem, ProblemKind, chain_problems, trail_problems
from store.archive import ArchiveCorrupt, HistoryArchive


class VerifyReport(BaseModel):
    complaint_id: str
    ok: bool
    problems: list[ChainProblem]
    #: Events in the store, and in the recorded history.
    stored_events: int
    recorded_events: int
    #: Where each run's history came from, oldest first ("temporal" or "archive").
    sources: list[str]


async def verify_trail(
    *,
    complaint_id: str,
    chain: Chain,
    stored: list[AuditEvent],
    decoder: PayloadDecoder,
    archive: HistoryArchive,
) -> VerifyReport:
    recorded = await recorded_trail(chain, decoder)
    problems = [*chain.problems, *_recorded_problems(recorded)]
    problems += trail_problems(
        stored=stored, recorded=recorded.events, projected_through=recorded.projected_through
    )
    problems += await archive_problems(chain, archive)
    return VerifyReport(
        complaint_id=complaint_id,
        ok=not problems,
        problems=problems,
        stored_events=len(stored),
        recorded_events=len(recorded.events),
        sources=[run.source for run in chain.runs],
    )


def _recorded_problems(recorded: RecordedTrail) -> list[ChainProblem]:
    """The history must agree with itself: one version of each event, an intact chain,
    and signatures over what was signed."""
    problems = [ChainProblem(kind=ProblemKind.SOURCE, detail=c) for c in recorded.conflicts]
    for problem in chain_problems(recorded.events.values()):
        detail = f"in the recorded history: {problem.detail}"
        problems.append(problem.model_copy(update={"detail": detail}))
    return problems + recorded.signature_problems()


async def archive_problems(chain: Chain, archive: HistoryArchive) -> list[ChainProblem]:
    """An archived run Temporal still has must be a prefix of Temporal's history."""
    problems = []
    for run in chain.runs:
        if run.source != "temporal":
            continue
        try:
            found = await archive.history(chain.workflow_id, run.run_id)
        except ArchiveCorrupt as error:
            problems.append(ChainProblem(kind=ProblemKind.ARCHIVE, detail=str(error)))
            continue
        if found is None:
            continue
        archived = WorkflowHistory.from_json(chain.workflow_id, found[1]).events
        live = run.history.events[: len(archived)]
        if _bytes(archived) != _bytes(live):
            detail = f"the archived history of run {run.run_id} differs from Temporal's"
            problems.append(ChainProblem(kind=ProblemKind.ARCHIVE, detail=detail))
    return problems


def _bytes(events: Sequence[HistoryEvent]) -> list[bytes]:
    return [event.SerializeToString(deterministic=True) for event in events]
