"""Sends notification email: renders the templates and hands the message to SMTP.

The workflow runs ``send_notification`` from a separate asyncio task with
:data:`NOTIFICATION_RETRY` and :data:`NOTIFICATION_TIMEOUTS`, so a relay that is down
delays the mail, never the complaint: transitions go on, and the send is retried with
backoff until the relay is back (for up to a day).

Delivery is at least once. When the relay accepted a message but its reply was lost (a
timeout after DATA, a worker crash right after the send), the retry delivers a second
copy. Both copies carry the same Message-ID (``<C-1.sla_reminder.7@ibtool.local>``),
derived from the complaint, the kind and the key, so mail clients, the relay and the dev
sink can recognise the duplicate.

Errors a retry cannot cure fail the activity for good (the workflow logs them; the
complaint goes on): a template that does not fit its context, and an SMTP server that
refuses every recipient permanently (5xx).
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import TypedDict

import aiosmtplib
from jinja2 import TemplateError
from temporalio import activity
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

from domain.directory import StaffDirectory, recipients
from domain.notifications import Notification
from notifications.render import TEMPLATES, render
from settings import Settings

#: Error types that fail the send without a retry.
TEMPLATE_ERROR = "NotificationTemplateError"
RECIPIENTS_REFUSED = "NotificationRecipientsRefused"

#: Retries with backoff, 1 s doubling up to one a minute, without an attempt limit: the
#: schedule-to-close timeout (a day) bounds them, so an SMTP outage of hours loses no mail.
NOTIFICATION_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=60),
    maximum_attempts=0,
    non_retryable_error_types=[TEMPLATE_ERROR, RECIPIENTS_REFUSED],
)

#: Seconds each SMTP step (connect, each command) may take before the attempt fails.
SMTP_TIMEOUT = 10.0


class NotificationTimeouts(TypedDict):
    start_to_close_timeout: timedelta
    schedule_to_close_timeout: timedelta


#: ``workflow.execute_activity_method(..., retry_policy=NOTIFICATION_RETRY,
#: **NOTIFICATION_TIMEOUTS)``: one attempt may take a minute; all of them, a day.
NOTIFICATION_TIMEOUTS: NotificationTimeouts = {
    "start_to_close_timeout": timedelta(seconds=60),
    "schedule_to_close_timeout": timedelta(hours=24),
}


class NotificationActivities:
    def __init__(
        self, settings: Settings, directory: StaffDirectory, *, templates: Path = TEMPLATES
    ) -> None:
        self._settings = settings
        self._directory = directory
        self._templates = templates

    def _addressed(self, notification: Notification) -> Notification:
        """Resolve the audience to addresses and staff ids to names, as the directory is now."""
        audience = notification.audience
        if notification.to or audience is None:
            return notification
        to = recipients(
            self._directory,
            notification.kind,
            assignee=audience.assignee,
            complainant_email=audience.complainant_email,
            escalation_level=audience.escalation_level,
        )
        context = dict(notification.context)
        if "assignee_name" in context:
            name = self._directory.name_of(audience.assignee)
            context["assignee_name"] = name or audience.assignee
        return notification.model_copy(update={"to": to, "context": context})

    @activity.defn(name="send_notification")
    async def send_notification(self, notification: Notification) -> str:
        """Render and send one notification; return its Message-ID ("" if nobody to tell)."""
        notification = self._addressed(notification)
        if not notification.to:
            activity.logger.info("%s: no recipient, nothing sent", notification.kind)
            return ""
        try:
            message = render(
                notification, mail_from=self._settings.mail_from, templates=self._templates
            )
        except TemplateError as error:
            raise ApplicationError(
                f"template for {notification.kind} does not render: {error}",
                type=TEMPLATE_ERROR,
                non_retryable=True,
            ) from error
        sent_id = str(message["Message-ID"])
        refused = await self._send(bytes(message), recipients=notification.to)
        if refused:
            activity.logger.warning("%s: refused recipients %s", sent_id, sorted(refused))
        activity.logger.info("sent %s to %d recipient(s)", sent_id, len(notification.to))
        return sent_id

    async def _send(
        self, message: bytes, *, recipients: list[str]
    ) -> dict[str, aiosmtplib.SMTPResponse]:
        """Hand the message to the relay; return the recipients it refused (some, not all).

        The message goes as rendered bytes: aiosmtplib would re-flatten an ``EmailMessage``
        with its own policy and fold a long Message-ID header.
        """
        settings = self._settings
        try:
            refused, _reply = await aiosmtplib.send(
                message,
                sender=parseaddr(settings.mail_from)[1],
                recipients=recipients,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username,
                password=settings.smtp_password,
                use_tls=False,
                start_tls=settings.smtp_starttls,
                timeout=SMTP_TIMEOUT,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            if all(refusal.code >= 500 for refusal in error.recipients):
                raise ApplicationError(
                    f"every recipient refused: {error}",
                    type=RECIPIENTS_REFUSED,
                    non_retryable=True,
                ) from error
            raise
        return dict(refused)
