from __future__ import annotations

import shutil
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import cast

import pytest
from jinja2 import UndefinedError, meta

from domain.notifications import CONTEXT_KEYS, Notification, NotificationKind, message_id
from notifications.render import TEMPLATES, environment, label, mail_domain, render, when
from tests.notifications.samples import CONTEXTS, sample

K = NotificationKind
MAIL_FROM = "IBTool <complaints@ibtool.local>"
DATE = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
COMMON = set.intersection(*(set(keys) for keys in CONTEXT_KEYS.values()))

#: What each kind's subject, text and HTML must show, from the sample contexts.
EXPECTED: dict[NotificationKind, tuple[str, list[str]]] = {
    K.RECEIVED: (
        "We received your complaint about Vivid E95 (reference {id})",
        ["Dear Dr. Jane Roe", "2026-11-30 09:00 UTC", "reference {id}"],
    ),
    K.ASSIGNED: (
        "[IBTool] Complaint {id} assigned to Ivan Investigator (High, Vivid E95)",
        ["Hello Ivan Investigator", "assigned to you", "2026-12-08 17:00 UTC"],
    ),
    K.SLA_REMINDER: (
        "[IBTool] Reminder: complaint {id} is due 2026-12-08 17:00 UTC (Investigation)",
        ["Hello Ivan Investigator", "investigation stage", "will be escalated"],
    ),
    K.ESCALATION: (
        "[IBTool] Escalation level 2: complaint {id} is overdue (Investigation)",
        ["level 2", "the head of quality", "2026-12-08 17:00 UTC", "Ivan Investigator"],
    ),
    K.REGULATORY_WARNING: (
        "[IBTool] Regulatory deadline approaching: FDA MDR 30-day report (21 CFR 803.50)"
        " for complaint {id} due 2026-12-30 09:00 UTC",
        ["approaching", "2026-12-30 09:00 UTC", "stops this clock"],
    ),
    K.REGULATORY_BREACH: (
        "[IBTool] REGULATORY DEADLINE MISSED: FDA MDR 30-day report (21 CFR 803.50)"
        " for complaint {id}",
        ["has passed", "no submission", "2026-12-30 09:00 UTC"],
    ),
    K.CLOSURE_REPLY: (
        "Your complaint about Vivid E95 (reference {id}) is closed",
        ["Dear Dr. Jane Roe", "caused by a firmware fault", "installs it next week"],
    ),
}


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML parts, as a mail client would read them after transport."""
    parsed = cast(EmailMessage, BytesParser(policy=policy.default).parsebytes(bytes(message)))
    text, html = parsed.get_body(("plain",)), parsed.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


@pytest.mark.parametrize("kind", list(K))
def test_every_kind_renders_text_and_html(kind: NotificationKind) -> None:
    notification = sample(kind)
    message = render(notification, mail_from=MAIL_FROM, date=DATE)

    subject, phrases = EXPECTED[kind]
    complaint_id = notification.complaint_id
    assert message["Subject"] == subject.format(id=complaint_id)
    assert message["From"] == MAIL_FROM
    assert message["To"] == ", ".join(notification.to)
    assert (
        message["Message-ID"]
        == message_id(notification)
        == (f"<{complaint_id}.{kind}.{notification.key}@ibtool.local>")
    )
    assert message["Date"] == "Tue, 01 Dec 2026 09:30:00 +0000"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-IBTool-Complaint"] == complaint_id
    assert message["X-IBTool-Notification"] == kind.value
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    text, html = parts(message)
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert "{{" not in text and "{%" not in html
    for phrase in [complaint_id, "Vivid E95", *phrases]:
        phrase = phrase.format(id=complaint_id)
        assert phrase in " ".join(text.split()), (kind, phrase)
        assert phrase in " ".join(html.split()), (kind, phrase)


def test_staff_mail_names_no_complainant_and_complainant_mail_no_internals() -> None:
    for kind in (K.ASSIGNED, K.SLA_REMINDER, K.ESCALATION, K.REGULATORY_BREACH):
        text, html = parts(render(sample(kind), mail_from=MAIL_FROM))
        assert "Jane" not in text and "Jane" not in html
    for kind in (K.RECEIVED, K.CLOSURE_REPLY):
        text, html = parts(render(sample(kind), mail_from=MAIL_FROM))
        for internal in ("IBTool", "Status", "Severity", "Ivan"):
            assert internal not in text, (kind, internal)


def test_html_escapes_user_text_and_text_keeps_it() -> None:
    script = "<script>alert('x')</script> & <b>bold</b>"
    notification = sample(K.CLOSURE_REPLY, customer_reply=script, device_name="Probe <X1>")
    message = render(notification, mail_from=MAIL_FROM)
    text, html = parts(message)

    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "Probe &lt;X1&gt;" in html
    assert script in text
    assert (
        message["Subject"]
        == f"Your complaint about Probe <X1> (reference {notification.complaint_id}) is closed"
    )


def test_user_text_cannot_break_the_subject_line() -> None:
    notification = sample(K.RECEIVED, device_name="Vivid\r\nBcc: victim@example.org")
    message = render(notification, mail_from=MAIL_FROM)
    assert message["Subject"].startswith("We received your complaint about Vivid Bcc: victim")
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"]


def test_a_missing_context_variable_raises() -> None:
    valid = sample(K.ESCALATION)
    # Bypass the model's own check, as a template that uses an undeclared key would.
    context = {key: value for key, value in valid.context.items() if key != "escalation_level"}
    broken = Notification.model_construct(**(valid.model_dump() | {"context": context}))
    with pytest.raises(UndefinedError, match="escalation_level"):
        render(broken, mail_from=MAIL_FROM)


def test_null_values_where_templates_allow_them() -> None:
    notification = sample(K.SLA_REMINDER, assignee_name=None, due_at=None, severity=None)
    text, _html = parts(render(notification, mail_from=MAIL_FROM))
    assert "Hello team," in text
    assert "Due: not set" in text
    assigned = sample(K.ASSIGNED, due_at=None)
    text, _html = parts(render(assigned, mail_from=MAIL_FROM))
    assert "Due:" not in text


@pytest.mark.parametrize("kind", list(K))
def test_templates_use_only_the_context_their_kind_declares(kind: NotificationKind) -> None:
    env = environment()
    assert env.loader is not None
    declared = set(CONTEXT_KEYS[kind])
    names = [f"{kind}.subject.txt", f"{kind}.txt", f"{kind}.html"]
    shared = [name for name in env.list_templates() if name.startswith("_")]
    for name in [*names, *shared]:
        source, _filename, _uptodate = env.loader.get_source(env, name)
        used = meta.find_undeclared_variables(env.parse(source))
        # Shared pieces serve every kind, so they may use only what every kind declares.
        allowed = declared if name in names else COMMON
        assert used <= allowed, (name, used - allowed)
    assert set(CONTEXTS[kind]) | {"complaint_id"} >= declared


def test_every_kind_has_its_three_templates_and_nothing_else_is_loose() -> None:
    files = {path.name for path in TEMPLATES.iterdir()}
    expected = {f"{kind}{suffix}" for kind in K for suffix in (".subject.txt", ".txt", ".html")}
    assert expected <= files
    assert all(name.startswith("_") for name in files - expected)


def test_templates_are_easy_to_change(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / "received.subject.txt").write_text("Thanks, {{ complainant_name }}!\n")
    message = render(sample(K.RECEIVED), mail_from=MAIL_FROM, templates=folder)
    assert message["Subject"] == "Thanks, Dr. Jane Roe!"


def test_filters_and_mail_domain() -> None:
    assert when("2026-12-30T10:00:00+01:00") == "2026-12-30 09:00 UTC"
    assert when("2026-12-30T09:00:00") == "2026-12-30 09:00 UTC"
    assert when(None) == "not set"
    assert label("awaiting_info") == "Awaiting info"
    assert label(None) == "not set"
    assert mail_domain("IBTool <complaints@quality.example.com>") == "quality.example.com"
    assert mail_domain("complaints@ibtool.local") == "ibtool.local"
    assert mail_domain("nobody") == "ibtool.local"
    notification = sample(K.ASSIGNED)
    message = render(notification, mail_from="QA <qa@example.com>")
    assert message["Message-ID"] == message_id(notification, domain="example.com")


def test_the_message_is_7bit_clean_and_a_long_message_id_stays_on_one_line() -> None:
    valid = sample(K.CLOSURE_REPLY, complainant_name="Dr. Jürgen Groß", device_name="Sonde Ø-12")
    notification = Notification.model_validate(valid.model_dump() | {"key": "k" * 64})
    message = render(notification, mail_from=MAIL_FROM)

    raw = bytes(message)
    assert raw.isascii()
    assert f"\r\nMessage-ID: {message_id(notification)}\r\n".encode() in raw
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert parsed["Subject"].startswith("Your complaint about Sonde Ø-12")
    text, html = parts(message)
    assert "Dear Dr. Jürgen Groß" in text and "Dear Dr. Jürgen Groß" in html


def test_every_html_template_is_autoescaped_and_none_opts_out() -> None:
    env = environment()
    html = sorted(path.name for path in TEMPLATES.glob("*.html"))
    assert html and all(env.autoescape(name) for name in html)  # type: ignore[operator]
    for path in TEMPLATES.iterdir():
        source = path.read_text()
        assert "|safe" not in source.replace(" ", ""), path.name
        assert "autoescape false" not in source, path.name
