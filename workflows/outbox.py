"""Notifications sent from background tasks, so a slow or absent relay never holds a complaint.

Each send is its own activity with long retries. What is still unsent when the workflow
continues as new is carried over and sent again by the next run; the stable Message-ID
makes a repeated delivery recognisable.
"""

from __future__ import annotations

import asyncio

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.notification import (
        NOTIFICATION_RETRY,
        NOTIFICATION_TIMEOUTS,
        NotificationActivities,
    )
    from domain.notifications import Notification, message_id


class Outbox:
    def __init__(self) -> None:
        self._unsent: dict[str, Notification] = {}

    @property
    def unsent(self) -> list[Notification]:
        return list(self._unsent.values())

    def send(self, notification: Notification) -> None:
        key = message_id(notification)
        if key in self._unsent:
            return
        self._unsent[key] = notification
        asyncio.create_task(self._deliver(key, notification))  # noqa: RUF006 (tracked by key)

    async def _deliver(self, key: str, notification: Notification) -> None:
        try:
            await workflow.execute_activity_method(
                NotificationActivities.send_notification,
                notification,
                retry_policy=NOTIFICATION_RETRY,
                **NOTIFICATION_TIMEOUTS,
            )
        except ActivityError as error:
            # Given up after a day of retries, or refused for good: logged, never fatal.
            workflow.logger.warning("notification %s not delivered: %s", key, error.cause)
        finally:
            self._unsent.pop(key, None)
