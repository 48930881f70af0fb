"""send_notification against the real SMTP sink: in Temporal's activity environment, and
in a real worker whose retry policy carries a send across an SMTP outage."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller
from temporalio.api.enums.v1 import EventType
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment
from temporalio.worker import Worker

from activities.notification import (
    NOTIFICATION_RETRY,
    NOTIFICATION_TIMEOUTS,
    RECIPIENTS_REFUSED,
    TEMPLATE_ERROR,
    NotificationActivities,
)
from config.directory_loader import load_directory
from devstack.net import free_port
from domain.notifications import Notification, NotificationKind, message_id
from settings import Settings
from temporal_client import connect_temporal
from tests.activities.notifying_workflow import NotifyingWorkflow
from tests.notifications.samples import COMPLAINANT_EMAIL, sample
from tests.servers import SmtpSinkProcess

K = NotificationKind


def sink_settings(sink: SmtpSinkProcess) -> Settings:
    return Settings(smtp_host=sink.host, smtp_port=sink.port)


async def send(settings: Settings, notification: Notification) -> str:
    activities = NotificationActivities(settings, load_directory())
    return await ActivityEnvironment().run(activities.send_notification, notification)


def received(sink: SmtpSinkProcess, sent_id: str) -> list[dict[str, Any]]:
    return [entry for entry in sink.messages() if entry["message_id"] == sent_id]


def body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body((subtype,))
    assert part is not None
    return " ".join(part.get_content().split())


@pytest.fixture
def sink(smtp_sink: SmtpSinkProcess) -> Iterator[SmtpSinkProcess]:
    """The session's sink, running again after the test whatever the test did to it."""
    try:
        yield smtp_sink
    finally:
        smtp_sink.start()


async def test_escalation_reaches_assignee_supervisor_and_head(sink: SmtpSinkProcess) -> None:
    notification = sample(K.ESCALATION)

    sent_id = await send(sink_settings(sink), notification)

    assert sent_id == message_id(notification)
    [entry] = received(sink, sent_id)
    to = ["ivan@ibtool.local", "sofia@ibtool.local", "hana@ibtool.local"]
    assert entry["rcpt_tos"] == to
    assert entry["mail_from"] == "complaints@ibtool.local"
    subject = f"[IBTool] Escalation level 2: complaint {notification.complaint_id} is overdue"
    assert entry["subject"] == f"{subject} (Investigation)"
    message = sink.read(entry["id"])
    assert message["Message-ID"] == sent_id
    assert message["To"] == ", ".join(to)
    assert message["From"] == "IBTool <complaints@ibtool.local>"
    text = body(message, "plain")
    assert f"Complaint {notification.complaint_id} (Vivid E95, severity High)" in text
    assert "escalated to level 2 (the head of quality)" in text
    assert "Due was: 2026-12-08 17:00 UTC" in text
    assert "<strong>level 2</strong>" in body(message, "html")


async def test_closure_reply_reaches_the_complainant_only(sink: SmtpSinkProcess) -> None:
    reply = "We replaced the probe.\n<script>alert(1)</script>"
    notification = sample(K.CLOSURE_REPLY, customer_reply=reply, complainant_name="Dr. Jürgen Groß")

    sent_id = await send(sink_settings(sink), notification)

    [entry] = received(sink, sent_id)
    assert entry["rcpt_tos"] == [COMPLAINANT_EMAIL]
    message = sink.read(entry["id"])
    assert message["Subject"].startswith("Your complaint about Vivid E95")
    assert "Dear Dr. Jürgen Groß" in body(message, "plain")
    assert "We replaced the probe. <script>alert(1)</script>" in body(message, "plain")
    html = body(message, "html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html


async def test_sends_with_login_when_configured(sink: SmtpSinkProcess) -> None:
    settings = sink_settings(sink).model_copy(
        update={"smtp_username": "ibtool", "smtp_password": "secret"}
    )
    sent_id = await send(settings, sample(K.ASSIGNED))
    assert len(received(sink, sent_id)) == 1


async def test_smtp_down_fails_the_attempt_and_a_retry_delivers(sink: SmtpSinkProcess) -> None:
    notification = sample(K.REGULATORY_BREACH)
    settings = sink_settings(sink)

    sink.stop()
    with pytest.raises(OSError):  # aiosmtplib's SMTPConnectError: Temporal retries it
        await send(settings, notification)
    sink.start()
    sent_id = await send(settings, notification)

    [entry] = received(sink, sent_id)
    assert entry["rcpt_tos"] == [
        "regulatory@ibtool.local",
        "hana@ibtool.local",
        "ivan@ibtool.local",
    ]
    assert entry["subject"].startswith("[IBTool] REGULATORY DEADLINE MISSED")


async def test_a_repeated_send_is_recognisable_as_the_same_message(sink: SmtpSinkProcess) -> None:
    notification = sample(K.SLA_REMINDER)
    settings = sink_settings(sink)
    first = await send(settings, notification)
    second = await send(settings, notification)
    assert first == second
    assert len(received(sink, first)) == 2  # at least once: duplicates share the Message-ID


async def test_a_template_error_is_not_retried(sink: SmtpSinkProcess) -> None:
    valid = sample(K.ASSIGNED)
    context = {key: value for key, value in valid.context.items() if key != "assignee_name"}
    broken = Notification.model_construct(**(valid.model_dump() | {"context": context}))

    with pytest.raises(ApplicationError) as raised:
        await send(sink_settings(sink), broken)

    assert raised.value.type == TEMPLATE_ERROR
    assert raised.value.non_retryable
    assert received(sink, message_id(valid)) == []


class RefusingRelay:
    """aiosmtpd handler that refuses some recipients with a given reply."""

    def __init__(self, reply: str, *, refuse: str = "") -> None:
        self.reply, self.refuse = reply, refuse
        self.delivered: list[list[str]] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith(self.refuse):
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.delivered.append(list(envelope.rcpt_tos))
        return "250 OK"


@contextlib.contextmanager
def relay(handler: RefusingRelay) -> Iterator[Settings]:
    controller = Controller(handler, hostname="127.0.0.1", port=free_port("127.0.0.1"))
    controller.start()
    try:
        yield Settings(smtp_host="127.0.0.1", smtp_port=controller.port)
    finally:
        controller.stop()


async def test_permanently_refused_recipients_are_not_retried() -> None:
    refusing = relay(RefusingRelay("550 5.1.1 no such user"))
    with refusing as settings, pytest.raises(ApplicationError) as raised:
        await send(settings, sample(K.ASSIGNED))
    assert raised.value.type == RECIPIENTS_REFUSED
    assert raised.value.non_retryable


async def test_temporarily_refused_recipients_are_retried() -> None:
    refusing = relay(RefusingRelay("451 4.3.0 try again later"))
    with refusing as settings, pytest.raises(aiosmtplib.SMTPRecipientsRefused):
        await send(settings, sample(K.ASSIGNED))


async def test_a_partial_refusal_delivers_to_the_others() -> None:
    handler = RefusingRelay("550 5.1.1 no such user", refuse="hana@")
    with relay(handler) as settings:
        notification = sample(K.ESCALATION)
        assert await send(settings, notification) == message_id(notification)
    assert handler.delivered == [["ivan@ibtool.local", "sofia@ibtool.local"]]


async def test_a_worker_delivers_once_smtp_is_back(
    settings: Settings, sink: SmtpSinkProcess
) -> None:
    notification = sample(K.REGULATORY_WARNING)
    client = await connect_temporal(settings)
    worker = Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[NotifyingWorkflow],
        activities=[NotificationActivities(settings, load_directory()).send_notification],
    )
    sink.stop()
    async with worker:
        handle = await client.start_workflow(
            NotifyingWorkflow.run,
            notification,
            id=f"notify-{uuid.uuid4()}",
            task_queue=settings.task_queue,
        )
        # SMTP is down, and the workflow still answers at once.
        assert await asyncio.wait_for(handle.execute_update(NotifyingWorkflow.touch), 10) == 1
        await asyncio.sleep(2.5)  # attempts at 0 s, 1 s, 3 s... fail meanwhile
        assert received(sink, message_id(notification)) == []
        sink.start()
        sent_id = await asyncio.wait_for(handle.result(), 30)

    assert sent_id == message_id(notification)
    assert len(received(sink, sent_id)) == 1
    history = await handle.fetch_history()
    attempts = [
        event.activity_task_started_event_attributes.attempt
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    ]
    assert attempts and attempts[-1] > 1
    assert not any(
        event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED for event in history.events
    )


def test_the_retry_policy_backs_off_for_a_day() -> None:
    assert NOTIFICATION_RETRY.initial_interval == timedelta(seconds=1)
    assert NOTIFICATION_RETRY.backoff_coefficient == 2.0
    assert NOTIFICATION_RETRY.maximum_interval == timedelta(seconds=60)
    assert NOTIFICATION_RETRY.maximum_attempts == 0
    assert NOTIFICATION_TIMEOUTS["schedule_to_close_timeout"] == timedelta(hours=24)
    assert set(NOTIFICATION_RETRY.non_retryable_error_types or []) == {
        TEMPLATE_ERROR,
        RECIPIENTS_REFUSED,
    }
