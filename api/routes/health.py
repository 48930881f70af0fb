from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import StoreDep

router = APIRouter(tags=["health"])

READY_TIMEOUT_S = 2.0


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request, store: StoreDep) -> JSONResponse:
    """Temporal and the store are both reachable."""
    probes = {
        "temporal": request.app.state.temporal.service_client.check_health,
        "store": store.ping,
    }
    checks: dict[str, str] = {}
    for name, probe in probes.items():
        try:
            async with asyncio.timeout(READY_TIMEOUT_S):
                await probe()
            checks[name] = "ok"
        except Exception:
            checks[name] = "unreachable"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)
