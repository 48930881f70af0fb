"""A minimal workflow that sends like ComplaintWorkflow will: from a background task.

It lives in its own module so the sandbox re-imports only this, and proves that
``activities.notification`` loads through ``imports_passed_through``.
"""

from __future__ import annotations

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.notification import (
        NOTIFICATION_RETRY,
        NOTIFICATION_TIMEOUTS,
        NotificationActivities,
    )
    from domain.notifications import Notification


@workflow.defn
class NotifyingWorkflow:
    """Starts the send in a task and keeps serving updates while it retries."""

    def __init__(self) -> None:
        self.touches = 0

    @workflow.run
    async def run(self, notification: Notification) -> str:
        sending = asyncio.create_task(
            workflow.execute_activity_method(
                NotificationActivities.send_notification,
                notification,
                retry_policy=NOTIFICATION_RETRY,
                **NOTIFICATION_TIMEOUTS,
            )
        )
        await workflow.wait_condition(lambda: self.touches >= 1)
        return await sending

    @workflow.update
    def touch(self) -> int:
        self.touches += 1
        return self.touches
