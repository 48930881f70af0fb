"""The dev-only mail listing: mounted only when asked for."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from settings import Settings
from tests.api.harness import Api, api_client, eventually, in_process_worker
from tests.servers import SmtpSinkProcess


@pytest.fixture
async def dev_api(settings: Settings, smtp_sink: SmtpSinkProcess) -> AsyncIterator[Api]:
    dev = settings.model_copy(update={"dev_endpoints": True, "data_dir": smtp_sink.folder.parent})
    async with in_process_worker(dev), api_client(dev) as client:
        yield client


async def test_dev_mail_lists_what_the_sink_received(dev_api: Api) -> None:
    complaint_id = await dev_api.create_id(complainant={"name": "J. Roe", "email": "j@example.org"})

    async def listed() -> list[dict[str, object]] | None:
        items = (await dev_api.http.get("/dev/mail")).json()["items"]
        mine = [m for m in items if f"<{complaint_id}.received" in str(m["message_id"])]
        return mine or None

    [received] = await eventually(listed, within=30, what="the acknowledgement")
    assert received["rcpt_tos"] == ["j@example.org"]


async def test_dev_endpoints_are_off_by_default(api: Api) -> None:
    assert (await api.http.get("/dev/mail")).status_code == 404
