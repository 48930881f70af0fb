"""``Annotated`` dependency aliases; everything comes from ``app.state``, set up by the lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.identity import actor_from_request, authenticator_of, requires
from api.service import ComplaintService
from api.signing import SignatureVerifier
from audit.service import AuditService
from auth.authenticator import Authenticator
from domain.audit import Actor
from domain.permissions import Permission
from settings import Settings
from store.complaints import ComplaintStore


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _service(request: Request) -> ComplaintService:
    service: ComplaintService = request.app.state.service
    return service


def _store(request: Request) -> ComplaintStore:
    store: ComplaintStore = request.app.state.store
    return store


def _audit(request: Request) -> AuditService:
    audit: AuditService = request.app.state.audit
    return audit


def _verifier(request: Request) -> SignatureVerifier:
    verifier: SignatureVerifier = request.app.state.verifier
    return verifier


SettingsDep = Annotated[Settings, Depends(_settings)]
ServiceDep = Annotated[ComplaintService, Depends(_service)]
StoreDep = Annotated[ComplaintStore, Depends(_store)]
VerifierDep = Annotated[SignatureVerifier, Depends(_verifier)]
AuditDep = Annotated[AuditService, Depends(_audit)]
AuthenticatorDep = Annotated[Authenticator, Depends(authenticator_of)]
#: Any authenticated caller; a route that needs a permission uses one of the aliases below.
CurrentUser = Annotated[Actor, Depends(actor_from_request)]
CanCreate = Annotated[Actor, Depends(requires(Permission.CREATE))]
CanRead = Annotated[Actor, Depends(requires(Permission.READ))]
CanReadEvents = Annotated[Actor, Depends(requires(Permission.EVENTS))]
CanReadAudit = Annotated[Actor, Depends(requires(Permission.AUDIT_READ))]
CanReplay = Annotated[Actor, Depends(requires(Permission.AUDIT_REPLAY))]
