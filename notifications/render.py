"""Turns a :class:`~domain.notifications.Notification` into an email.

Every kind has three templates in ``templates/``: ``<kind>.subject.txt``, ``<kind>.txt``
(the plain-text part) and ``<kind>.html`` (the HTML part). Files starting with ``_`` are
shared pieces (layout, footer). One jinja2 environment renders them all: HTML is
autoescaped, and an unknown variable raises instead of rendering as empty text. A template
may use the context keys its kind declares in ``domain.notifications.CONTEXT_KEYS``, and
the filters below:

- ``when``: an ISO timestamp as ``2026-12-30 09:00 UTC`` ("not set" for null);
- ``label``: a machine name as words (``awaiting_info`` -> ``Awaiting info``);
- ``escalated_to``: an escalation level as who it reaches.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from domain.notifications import Notification, message_id

#: The folder holding the templates; edit them there.
TEMPLATES = Path(__file__).with_name("templates")

_ESCALATED_TO = {1: "the supervisor", 2: "the head of quality"}

#: How messages are built and flattened for SMTP: CRLF line ends; 7-bit clean (non-ASCII
#: text is quoted-printable, so no relay needs 8BITMIME); headers unfolded up to RFC 5322's
#: 998 characters, so a long Message-ID stays on one line and reads the same in every copy.
MAIL_POLICY = policy.SMTP.clone(max_line_length=998, cte_type="7bit")


def when(value: str | None) -> str:
    if value is None:
        return "not set"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def label(value: str | None) -> str:
    if value is None:
        return "not set"
    return str(value).replace("_", " ").capitalize()


def escalated_to(level: int) -> str:
    return _ESCALATED_TO.get(level, "the head of quality and management")


@functools.cache
def environment(folder: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(when=when, label=label, escalated_to=escalated_to)
    return env


def mail_domain(address: str) -> str:
    """The domain of a From address (``IBTool <complaints@ibtool.local>`` -> ``ibtool.local``)."""
    _, email = parseaddr(address)
    _, at, domain = email.rpartition("@")
    return domain if at and domain else "ibtool.local"


def render(
    notification: Notification,
    *,
    mail_from: str,
    date: datetime | None = None,
    templates: Path = TEMPLATES,
) -> EmailMessage:
    """A multipart/alternative message (text, then HTML); ``bytes(message)`` is what to send.

    Raises ``jinja2.TemplateError`` (for example ``UndefinedError``) when a template
    does not fit the context: that is a bug to fix, not something a retry cures.
    """
    env = environment(templates)
    context = notification.context
    kind = notification.kind.value
    subject = env.get_template(f"{kind}.subject.txt").render(context)
    text = env.get_template(f"{kind}.txt").render(context)
    html = env.get_template(f"{kind}.html").render(context)

    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = mail_from
    message["To"] = ", ".join(notification.to)
    # A subject is one line, whatever the user text in it held.
    message["Subject"] = " ".join(subject.split())
    message["Message-ID"] = message_id(notification, domain=mail_domain(mail_from))
    message["Date"] = format_datetime(date or datetime.now(UTC))
    # RFC 3834: tells auto-responders (out-of-office) not to answer.
    message["Auto-Submitted"] = "auto-generated"
    message["X-IBTool-Complaint"] = notification.complaint_id
    message["X-IBTool-Notification"] = kind
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
