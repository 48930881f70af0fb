"""The embedded stack's Temporal Web UI is pointed at the API's codec server."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from devstack.net import free_port, wait_for_port
from devstack.supervisor import plan_stack
from settings import Settings


def test_the_web_ui_knows_the_codec_endpoint(tmp_path: Path) -> None:
    settings = Settings(
        temporal_address=f"127.0.0.1:{free_port()}",
        temporal_ui_port=free_port(),
        api_port=free_port(),
        data_dir=tmp_path,
    )
    temporal = plan_stack(settings)[0]
    assert temporal.name == "temporal"
    endpoint = f"{settings.api_url}/codec"
    assert temporal.command[temporal.command.index("--ui-codec-endpoint") + 1] == endpoint
    temporal.start()
    try:
        temporal.wait_ready(60.0)
        wait_for_port("127.0.0.1", settings.temporal_ui_port, timeout=30.0)
        deadline = time.monotonic() + 30.0
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{settings.temporal_ui_port}/api/v1/settings")
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert answer.status_code == 200, answer.text
        assert answer.json()["Codec"]["Endpoint"] == endpoint
    finally:
        temporal.stop(5.0)
    # The UI's origin is what the codec server admits by default.
    assert f"http://localhost:{settings.temporal_ui_port}" in settings.codec_ui_origins


def test_without_the_app_the_ui_gets_no_codec_endpoint(tmp_path: Path) -> None:
    temporal = plan_stack(Settings(data_dir=tmp_path), with_app=False)[0]
    assert "--ui-codec-endpoint" not in temporal.command
