"""Mail from the real workflow through aiosmtplib to the real SMTP sink, and an SMTP outage."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from domain.enums import Action
from tests.api.harness import Api, command_body, eventually, unique
from tests.servers import SmtpSinkProcess


async def mail_about(
    smtp: SmtpSinkProcess, complaint_id: str, *, count: int, deadline: float = 30.0
) -> list[dict[str, Any]]:
    async def arrived() -> list[dict[str, Any]] | None:
        mine = [m for m in smtp.messages() if f"<{complaint_id}." in m["message_id"]]
        return mine if len(mine) >= count else None

    return await eventually(arrived, within=deadline, what=f"{count} mails for {complaint_id}")


async def test_intake_assignment_and_closure_mail_reach_the_right_people(
    api: Api, smtp_sink: SmtpSinkProcess
) -> None:
    complaint_id = await api.create_id(
        complainant={"name": "Dr. Jane Roe", "email": "jane.roe@example.org"}
    )
    triage = command_body(Action.TRIAGE, assignee="ivan")
    assert (await api.act(complaint_id, triage)).status_code == 200
    for action in (Action.COMPLETE_INVESTIGATION, Action.CLOSE):
        response = await api.act(complaint_id, command_body(action))
        assert response.status_code == 200, response.text

    mails = await mail_about(smtp_sink, complaint_id, count=3)
    by_kind = {m["message_id"].split(".")[1]: m for m in mails}
    assert set(by_kind) == {"received", "assigned", "closure_reply"}
    assert by_kind["received"]["rcpt_tos"] == ["jane.roe@example.org"]
    assert by_kind["assigned"]["rcpt_tos"] == ["ivan@ibtool.local"]
    assert complaint_id in by_kind["assigned"]["subject"]
    reply = smtp_sink.read(by_kind["closure_reply"]["id"])
    assert reply["To"] == "jane.roe@example.org"
    text = reply.get_body(preferencelist=("plain",))
    assert text is not None
    assert command_body(Action.CLOSE)["customer_reply"] in text.get_content()
    html = reply.get_body(preferencelist=("html",))
    assert html is not None and "<html" in html.get_content().lower()


SMTP_OUTAGE_S = 8.0
#: Each complaint's mail in an outage: intake receipt, assignment, closure reply.
OUTAGE_KINDS = ["assigned", "closure_reply", "received"]


async def test_an_smtp_outage_delays_mail_but_never_the_complaint(
    api: Api, smtp_sink: SmtpSinkProcess
) -> None:
    steps = (Action.TRIAGE, Action.COMPLETE_INVESTIGATION, Action.CLOSE)
    smtp_sink.stop()
    outage_began = time.perf_counter()
    slowest = 0.0
    try:

        async def one() -> str:
            nonlocal slowest
            started = time.perf_counter()
            complaint_id = await api.create_id(
                source={"channel": "email", "ref": unique("MAIL-")},
                complainant={"name": "Dr. Jane Roe", "email": "jane.roe@example.org"},
            )
            slowest = max(slowest, time.perf_counter() - started)
            for action in steps:
                started = time.perf_counter()
                body = command_body(
                    action, **({"assignee": "ivan"} if action == Action.TRIAGE else {})
                )
                response = await api.act(complaint_id, body)
                slowest = max(slowest, time.perf_counter() - started)
                assert response.status_code == 200, response.text
            return complaint_id

        ids = await asyncio.gather(*(one() for _ in range(4)))
        assert slowest < 5, f"a request took {slowest:.1f} s with SMTP down"
        await asyncio.sleep(max(0.0, SMTP_OUTAGE_S - (time.perf_counter() - outage_began)))
        sent = [m for m in smtp_sink.messages() if any(cid in m["message_id"] for cid in ids)]
        assert sent == []
    finally:
        smtp_sink.start()
    returned = time.perf_counter()
    mails = [await mail_about(smtp_sink, cid, count=3, deadline=90) for cid in ids]
    delivered = time.perf_counter() - returned
    for complaint_id, mine in zip(ids, mails, strict=True):
        kinds = sorted({m["message_id"].split(".")[1] for m in mine})
        assert kinds == OUTAGE_KINDS, (complaint_id, kinds)
    copies = sum(len(mine) for mine in mails)
    distinct = len({m["message_id"] for mine in mails for m in mine})
    assert distinct == len(ids) * len(OUTAGE_KINDS)
    print(
        f"\n[smtp outage] {len(ids)} complaints, {len(ids) * len(steps)} transitions during a "
        f"{returned - outage_began:.1f} s SMTP outage, slowest request {slowest:.2f} s; all "
        f"{distinct} mails delivered {delivered:.1f} s after the sink returned "
        f"({copies - distinct} repeated copies, same Message-ID)"
    )
