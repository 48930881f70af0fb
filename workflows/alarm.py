"""A single re-armable workflow timer.

Waiting with ``wait_condition(timeout=...)`` would start and cancel a timer on every
transition, two history events each time. An Alarm keeps one timer while its target time
stays the same and only replaces it when the target moves.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from temporalio import workflow


class Alarm:
    def __init__(self) -> None:
        self._at: datetime | None = None
        self._task: asyncio.Task[None] | None = None
        self.rang = False

    @property
    def at(self) -> datetime | None:
        return self._at

    def set(self, at: datetime | None) -> None:
        if at == self._at:
            return
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._at, self._task, self.rang = at, None, False
        if at is not None:
            self._task = asyncio.create_task(self._ring(at))

    async def _ring(self, at: datetime) -> None:
        delay = at - workflow.now()
        if delay.total_seconds() > 0:
            await workflow.sleep(delay)
        self.rang = True
