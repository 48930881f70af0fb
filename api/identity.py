"""Who is calling. The one place that authentication will replace.

Until token authentication exists, the caller names itself in the ``X-User`` header
(and optionally ``X-User-Name`` for the printed name). The body never names the actor.
"""

from __future__ import annotations

from fastapi import Request
from pydantic import ValidationError

from api.errors import Unauthenticated
from domain.audit import Actor


def actor_from_request(request: Request) -> Actor:
    user_id = request.headers.get("x-user")
    if not user_id:
        raise Unauthenticated("send X-User with your user id")
    try:
        return Actor(user_id=user_id, name=request.headers.get("x-user-name") or user_id)
    except ValidationError as error:
        raise Unauthenticated("X-User is not a valid user id") from error
