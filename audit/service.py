"""What auditors ask of a complaint, for the API and the CLI alike: its decoded history, a
replay through the current code, its state at a moment, verification, and the report."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from temporalio.client import Client, WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from audit.compare import live_differences, projection_differences
from audit.decode import PayloadDecoder
from audit.history_page import TimelinePage, page_of
from audit.pointintime import history_as_of
from audit.replay import ChainReplay, replay_histories
from audit.report import render_report
from audit.source import Chain, load_chain
from audit.timeline import timeline
from audit.trail import recorded_trail
from audit.verify import VerifyReport, verify_trail
from domain import complaint_clocks, lifecycle
from domain.audit import AuditEvent
from domain.complaint import ComplaintState
from domain.messages import WorkflowSnapshot
from domain.views import ComplaintView
from settings import Settings
from store.complaints import MAX_EVENTS_PAGE, ComplaintStore
from temporal_client import data_converter
from workflows.complaint import ComplaintWorkflow, workflow_id

QUERY_TIMEOUT = timedelta(seconds=5)


class ReplayFailed(RuntimeError):
    """The current workflow code cannot replay this history (see ``failures``)."""

    def __init__(self, failures: list[str]) -> None:
        super().__init__("the current workflow code cannot replay this history")
        self.failures = failures


class ReplayReport(BaseModel):
    complaint_id: str
    deterministic: bool
    runs: int
    events: int
    seconds: float
    replayed_state: ComplaintState | None
    #: None when there is no live workflow to ask (deleted, or no worker answering).
    matches_live_state: bool | None
    matches_projection: bool
    differences: list[str]


class AuditService:
    def __init__(self, client: Client, store: ComplaintStore, settings: Settings) -> None:
        self._client = client
        self._store = store
        self._converter = data_converter(settings)
        self._decoder = PayloadDecoder(self._converter)

    async def chain(self, complaint_id: str) -> Chain:
        """Every run's history, oldest first; raises ``HistoryNotFound``."""
        return await load_chain(self._client, self._store.archive, workflow_id(complaint_id))

    async def timeline(self, complaint_id: str, *, cursor: str | None, limit: int) -> TimelinePage:
        chain = await self.chain(complaint_id)
        return page_of(chain, await timeline(chain, self._decoder), cursor=cursor, limit=limit)

    async def raw_history(self, complaint_id: str) -> dict[str, object]:
        """Temporal's own JSON of each run (``WorkflowHistory.to_json``), oldest first."""
        chain = await self.chain(complaint_id)
        runs = [
            {
                "run_id": run.run_id,
                "source": run.source,
                "history": json.loads(run.history.to_json()),
            }
            for run in chain.runs
        ]
        return {"workflow_id": chain.workflow_id, "runs": runs}

    async def replay(self, complaint_id: str) -> ReplayReport:
        chain = await self.chain(complaint_id)
        replay = await self._replay(chain)
        snapshot = replay.snapshot
        differences = list(replay.failures)
        recorded = await recorded_trail(chain, self._decoder)
        differences += _trail_differences(recorded.events, replay.trail)
        live = await self._live(complaint_id)
        matches_live: bool | None = None
        if live is not None and snapshot is not None:
            found = live_differences(snapshot.state, live, rules=snapshot.clock_rules)
            differences += found
            matches_live = not found
        projected = projection_differences(
            replayed=replay.summary,
            stored=await self._store.get_summary(complaint_id),
            replayed_events=replay.trail,
            stored_events=await self.stored_events(complaint_id),
        )
        differences += projected
        return ReplayReport(
            complaint_id=complaint_id,
            deterministic=replay.deterministic,
            runs=len(replay.runs),
            events=replay.events,
            seconds=round(replay.seconds, 3),
            replayed_state=snapshot.state if snapshot else None,
            matches_live_state=matches_live,
            matches_projection=not projected,
            differences=differences,
        )

    async def as_of(self, complaint_id: str, at: datetime) -> ComplaintView:
        """The complaint as it was at ``at``; raises ``AsOfOutOfRange`` or ``ReplayFailed``."""
        chain = await self.chain(complaint_id)
        cut = history_as_of(chain, at, now=datetime.now(UTC))
        replay = await replay_histories([cut], converter=self._converter)
        snapshot = replay.snapshot
        if snapshot is None or not replay.deterministic:
            raise ReplayFailed(replay.failures)
        return _view(snapshot, at=at)

    async def verify(self, complaint_id: str) -> VerifyReport:
        return await verify_trail(
            complaint_id=complaint_id,
            chain=await self.chain(complaint_id),
            stored=await self.stored_events(complaint_id),
            decoder=self._decoder,
            archive=self._store.archive,
        )

    async def report(self, complaint_id: str) -> str:
        chain = await self.chain(complaint_id)
        replay = await self._replay(chain)
        if replay.snapshot is None:
            raise ReplayFailed(replay.failures)
        recorded = await recorded_trail(chain, self._decoder)
        trail = [recorded.events[seq] for seq in sorted(recorded.events)]
        verification = await verify_trail(
            complaint_id=complaint_id,
            chain=chain,
            stored=await self.stored_events(complaint_id),
            decoder=self._decoder,
            archive=self._store.archive,
        )
        return render_report(
            state=replay.snapshot.state,
            trail=trail,
            verification=verification,
            generated_at=datetime.now(UTC),
        )

    async def stored_events(self, complaint_id: str) -> list[AuditEvent]:
        events: list[AuditEvent] = []
        while True:
            page = await self._store.events(
                complaint_id, after_seq=events[-1].seq if events else 0, limit=MAX_EVENTS_PAGE
            )
            events += page
            if len(page) < MAX_EVENTS_PAGE:
                return events

    async def _replay(self, chain: Chain) -> ChainReplay:
        return await replay_histories(
            [run.history for run in chain.runs], converter=self._converter
        )

    async def _live(self, complaint_id: str) -> ComplaintView | None:
        handle = self._client.get_workflow_handle_for(
            ComplaintWorkflow.run, workflow_id(complaint_id)
        )
        try:
            return await handle.query(ComplaintWorkflow.state, rpc_timeout=QUERY_TIMEOUT)
        except (RPCError, WorkflowQueryFailedError) as error:
            if isinstance(error, RPCError) and error.status not in _NO_LIVE_STATE:
                raise
            return None


_NO_LIVE_STATE = {RPCStatusCode.NOT_FOUND, RPCStatusCode.DEADLINE_EXCEEDED}


def _trail_differences(
    recorded: dict[int, AuditEvent], replayed: dict[int, AuditEvent]
) -> list[str]:
    """Events the replayed code records differently from what the history holds."""
    found = []
    for seq in sorted(recorded.keys() | replayed.keys()):
        mine, theirs = replayed.get(seq), recorded.get(seq)
        if mine is None or theirs is None:
            where = "history" if mine is None else "replay"
            found.append(f"event {seq}: only in the {where}")
        elif mine != theirs:
            found.append(f"event {seq}: the replayed code records it differently from the history")
    return found


def _view(snapshot: WorkflowSnapshot, *, at: datetime) -> ComplaintView:
    state = snapshot.state
    facts = state.facts(accepting_changes=snapshot.accepting_changes)
    return ComplaintView.of(
        state,
        allowed_actions=lifecycle.allowed_actions(facts),
        events=state.recent_events,
        clocks=complaint_clocks.views(state, now=at, rules=snapshot.clock_rules),
        as_of=at,
    )
