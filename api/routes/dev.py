"""Development-only endpoints, mounted only when ``IBTOOL_DEV_ENDPOINTS`` is true."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import CurrentUser, SettingsDep
from devstack.smtp_sink import list_messages

router = APIRouter(prefix="/dev", tags=["development"])


@router.get("/mail")
async def mail(settings: SettingsDep, actor: CurrentUser) -> dict[str, list[dict[str, Any]]]:
    """What the embedded SMTP sink received, oldest first (``ibtool mail list`` shows it too)."""
    return {"items": list_messages(settings.data_dir / "mail")}
