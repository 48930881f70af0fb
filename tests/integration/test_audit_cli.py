"""``ibtool replay`` and ``ibtool verify`` as an auditor runs them: a child process with the
settings in its environment, against the real servers."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta

from devstack.servers import REPO_ROOT
from devstack.supervisor import settings_env
from settings import Settings
from tests.api.harness import Api
from tests.audit.support import lifecycle, raw_events


async def ibtool(settings: Settings, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import ibtool_cli; ibtool_cli.main()",
        *args,
        env=settings_env(settings),
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_replay_one_complaint_and_a_date_range(api: Api, settings: Settings) -> None:
    first = await lifecycle(api, steps=3)
    second = await lifecycle(api, steps=7)

    code, out, err = await ibtool(settings, "replay", first)
    assert code == 0, err
    assert f"{first}: 1 run(s)" in out and "deterministic:      True" in out
    assert "matches projection: True" in out

    today = datetime.now(UTC).date()
    since, until = (today - timedelta(days=1)).isoformat(), (today + timedelta(days=1)).isoformat()
    code, out, err = await ibtool(settings, "replay", "--from", since, "--to", until)
    assert code == 0, err
    assert "2/2 replayed" in err and "[###" in err, "a progress bar on stderr"
    assert "2 replayed" in err and "2 deterministic, 0 mismatches" in err
    assert "histories/s" in err

    code, _, err = await ibtool(settings, "replay", "--from", until)
    assert code == 0 and "0 replayed" in err
    code, _, err = await ibtool(settings, "replay", first, "--from", since)
    assert code == 2 and "not both" in err
    assert second


async def test_verify_one_and_all_reports_tampering(api: Api, settings: Settings) -> None:
    intact = await lifecycle(api, steps=2)
    tampered = await lifecycle(api, steps=4)

    code, out, err = await ibtool(settings, "verify", intact)
    assert code == 0, err
    assert f"{intact}: ok" in out and "1 verified, 0 with problems" in err

    raw_events(settings).update_one(
        {"complaint_id": tampered, "seq": 2}, {"$set": {"actor.name": "Someone Else"}}
    )
    code, out, err = await ibtool(settings, "verify", "--all")
    assert code == 1
    assert f"{tampered}: PROBLEMS" in out and "altered: event 2" in out
    assert intact not in out, "only complaints with problems are listed"
    assert "2 verified, 1 with problems" in err
