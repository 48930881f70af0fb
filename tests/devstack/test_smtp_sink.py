from __future__ import annotations

import uuid
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib

from devstack.smtp_sink import SmtpSink, list_messages, read_message
from tests.servers import SmtpSinkProcess


def _mail(subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "IBTool <complaints@ibtool.local>"
    message["To"] = "investigator@example.org, qa@example.org"
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@ibtool.local>"
    message.set_content(body)
    return message


async def test_sink_keeps_a_message_with_its_envelope(smtp_sink: SmtpSinkProcess) -> None:
    subject = f"Complaint CMP-{uuid.uuid4().hex[:6]} assigned — ü"
    sent = _mail(subject, "Please start the investigation.\nDue in 5 business days.")
    await aiosmtplib.send(
        sent,
        hostname=smtp_sink.host,
        port=smtp_sink.port,
        recipients=["investigator@example.org", "qa@example.org", "audit@example.org"],
    )

    entries = [e for e in list_messages(smtp_sink.folder) if e["subject"] == subject]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["mail_from"] == "complaints@ibtool.local"
    assert entry["rcpt_tos"] == ["investigator@example.org", "qa@example.org", "audit@example.org"]
    assert entry["message_id"] == sent["Message-ID"]
    assert entry["received_at"].endswith("+00:00")
    assert (smtp_sink.folder / f"{entry['id']}.eml").is_file()

    received = read_message(smtp_sink.folder, entry["id"])
    assert received["Subject"] == subject
    assert received["To"] == "investigator@example.org, qa@example.org"
    body = received.get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content() == "Please start the investigation.\nDue in 5 business days.\n"
    assert smtp_sink.messages_to("audit@example.org")[-1]["id"] == entry["id"]


async def test_messages_survive_a_sink_restart(smtp_sink: SmtpSinkProcess) -> None:
    before = {entry["id"] for entry in smtp_sink.messages()}
    await aiosmtplib.send(
        _mail("before restart", "one"), hostname=smtp_sink.host, port=smtp_sink.port
    )
    smtp_sink.restart()
    await aiosmtplib.send(
        _mail("after restart", "two"), hostname=smtp_sink.host, port=smtp_sink.port
    )

    new = [entry for entry in smtp_sink.messages() if entry["id"] not in before]
    assert [entry["subject"] for entry in new] == ["before restart", "after restart"]


async def test_in_process_sink_and_unknown_ids(tmp_path: Path) -> None:
    with SmtpSink(tmp_path / "mail") as sink:
        await aiosmtplib.send(
            _mail("in process", "three"),
            hostname=sink.host,
            port=sink.port,
            username="anyone",
            password="anything",
            use_tls=False,
            start_tls=False,
        )
        [entry] = sink.messages()
    assert entry["subject"] == "in process"
    assert sink.read(entry["id"]).get_content().strip() == "three"
    for bad in ("../etc/passwd", "nope"):
        try:
            read_message(sink.folder, bad)
        except (ValueError, FileNotFoundError):
            continue
        raise AssertionError(f"{bad!r} was accepted")
