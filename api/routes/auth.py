"""/auth: the embedded issuer's OAuth2 password grant, and who the caller is."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.deps import AuthenticatorDep, CurrentUser
from api.errors import Unauthenticated
from auth.errors import AuthenticationError
from domain import permissions
from domain.permissions import Permission

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class Me(BaseModel):
    user_id: str
    name: str
    roles: list[str]
    permissions: list[Permission]


@router.post(
    "/token",
    response_model=TokenResponse,
    responses={401: {"description": "Wrong user name or password, or a disabled user"}},
)
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], authenticator: AuthenticatorDep
) -> Any:
    """OAuth2 password grant (form fields ``username`` and ``password``) for a local user."""
    try:
        issued = await authenticator.login(form.username, form.password)
    except AuthenticationError as error:
        raise Unauthenticated(str(error)) from error
    return issued.response()


@router.get("/me", response_model=Me, responses={401: {"description": "No valid credentials"}})
async def me(actor: CurrentUser) -> Me:
    """The authenticated caller and every permission their roles hold (in some scope)."""
    held = [p for p in Permission if permissions.scope(actor.roles, p) is not None]
    return Me(user_id=actor.user_id, name=actor.name, roles=actor.roles, permissions=held)
