"""``Annotated`` dependency aliases; everything comes from ``app.state``, set up by the lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.identity import actor_from_request
from api.service import ComplaintService
from api.signing import SignatureVerifier
from audit.service import AuditService
from domain.audit import Actor
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
CurrentUser = Annotated[Actor, Depends(actor_from_request)]
