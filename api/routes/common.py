"""What the complaint routers share: the id path parameter and the documented error answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path

from domain.base import ComplaintId

IdPath = Annotated[ComplaintId, Path(description="Complaint id, e.g. C-ABCDEF123456")]

#: The error answers every complaint route may give (the bodies are ``api.errors``').
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid credentials (`WWW-Authenticate: Bearer`)"},
    403: {"description": "The caller's roles do not grant this; the body names the `permission`"},
    404: {"description": "Unknown complaint"},
    422: {"description": "Invalid input; the body names each bad `field`"},
    503: {"description": "Temporal or the store is unavailable"},
}
