"""Deliberately altered copies of ComplaintWorkflow, for the replay corpus test: the same
change (a pause before every projection write), once unguarded and once behind
``workflow.patched``. Only the replay test registers them; no worker ever runs them."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.complaint import ComplaintState
    from domain.messages import ComplaintInput
    from workflows.complaint import ComplaintWorkflow

PAUSE = timedelta(seconds=1)


@workflow.defn(name="ComplaintWorkflow")
class UnguardedWorkflow(ComplaintWorkflow):
    @workflow.init
    def __init__(self, input: ComplaintInput) -> None:
        super().__init__(input)

    @workflow.run
    async def run(self, input: ComplaintInput) -> ComplaintState:
        return await super().run(input)

    async def _project(self) -> None:
        await workflow.sleep(PAUSE)  # a new timer where the history has an activity
        await super()._project()


@workflow.defn(name="ComplaintWorkflow")
class GuardedWorkflow(ComplaintWorkflow):
    @workflow.init
    def __init__(self, input: ComplaintInput) -> None:
        super().__init__(input)

    @workflow.run
    async def run(self, input: ComplaintInput) -> ComplaintState:
        return await super().run(input)

    async def _project(self) -> None:
        if workflow.patched("pause-before-projection"):
            await workflow.sleep(PAUSE)
        await super()._project()
