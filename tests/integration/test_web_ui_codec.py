"""The Temporal Web UI, in a real browser, reads a complaint's PHI through the codec server.

A dev server with its Web UI, the real API and worker, and Chromium (Debian's, driven by
Playwright): an auditor signs in at ``/codec/login``, the UI's Codec Server settings point
at the API's ``/codec`` with "Include cross-origin credentials" on, and the workflow page
shows the complainant decoded. A browser without the session sees the UI's decode refused.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, Response, async_playwright

from devstack.net import free_port
from settings import Settings
from tests.api.harness import PASSWORD, Api, api_client, in_process_worker
from tests.phi import phi_intake
from tests.servers import MongoStore, SmtpSinkProcess, TemporalDevServer, running, settings_for
from workflows.complaint import workflow_id

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="no chromium (make browser installs Debian's)"
)

#: The UI keeps its Codec Server settings in localStorage (JSON values).
UI_SETTINGS = """
if (location.origin === '{ui}') {{
  localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
  localStorage.setItem('includeCredentials', 'true');
  localStorage.setItem('endpoint', JSON.stringify('{codec}'));
}}
"""


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemporalDevServer]:
    folder = tmp_path_factory.mktemp("temporal-ui")
    with running(TemporalDevServer(folder, ui_port=free_port())) as server:
        yield server


@pytest.fixture
async def ui_api(
    ui_server: TemporalDevServer,
    mongo_store: MongoStore,
    smtp_sink: SmtpSinkProcess,
    tmp_path: Path,
) -> AsyncIterator[tuple[Api, str]]:
    ui = f"http://127.0.0.1:{ui_server.ui_port}"
    settings: Settings = settings_for(
        temporal=ui_server, store=mongo_store, smtp=smtp_sink, data_dir=tmp_path
    ).model_copy(update={"codec_cors_origins": [ui]})
    async with in_process_worker(settings), api_client(settings) as api:
        yield api, ui


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            await chromium.close()


async def _open_workflow(page: Page, ui: str, workflow: str) -> Response:
    """Open the workflow's page; return the UI's first decode call to the codec server."""
    async with page.expect_response(lambda r: "/codec/decode" in r.url, timeout=60_000) as seen:
        await page.goto(f"{ui}/namespaces/default/workflows/{workflow}")
    return await seen.value


@pytest.mark.timeout(240)
async def test_the_web_ui_shows_decoded_phi_to_a_signed_in_auditor(
    ui_api: tuple[Api, str], browser: Browser
) -> None:
    api, ui = ui_api
    await api.user("ui.audra", name="Audra UI", roles=["auditor"])
    overrides = phi_intake("0B0E5E")
    name = overrides["complainant"]["name"]
    complaint_id = await api.create_id(**overrides)
    settings_script = UI_SETTINGS.format(ui=ui, codec=f"{api.base_url}/codec")

    signed_in = await browser.new_context()
    await signed_in.add_init_script(settings_script)
    page = await signed_in.new_page()
    await page.goto(f"{api.base_url}/codec/login")
    await page.fill("input[name=username]", "ui.audra")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    assert "Signed in as Audra UI" in await page.locator("h1").inner_text()

    decode = await _open_workflow(page, ui, workflow_id(complaint_id))
    assert decode.status == 200, f"the UI's decode call answered {decode.status}"
    await page.get_by_text(name).first.wait_for(timeout=30_000)  # the workflow's input
    await signed_in.close()

    stranger = await browser.new_context()
    await stranger.add_init_script(settings_script)
    page = await stranger.new_page()
    decode = await _open_workflow(page, ui, workflow_id(complaint_id))
    assert decode.status == 401
    await page.wait_for_timeout(2_000)
    assert name not in await page.content()
    await stranger.close()
