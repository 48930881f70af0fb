"""The FastAPI application factory. One Temporal client and one Mongo client per process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.hardening import CODEC_PREFIX, BodySizeLimit, SecurityHeaders, SplitCors
from api.observability import install_observability
from api.routes import audit, auth, codec, complaints, dev, health
from api.service import ComplaintService
from api.signing import ReauthenticationVerifier
from audit.service import AuditService
from auth.authenticator import build_authenticator
from settings import Settings
from store.accounts import AccountStore
from store.client import open_store
from telemetry.tracing import configure_tracing, instrument_app
from temporal_client import connect_temporal

DESCRIPTION = """
IBTool tracks medical-device complaints from intake to closure. Each complaint is a durable
Temporal workflow; transitions are validated against one lifecycle table, and every change
is an audit event. Lists and search read MongoDB projections.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_tracing(settings, service="ibtool-api")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = await connect_temporal(settings)
        store = open_store(settings)
        await store.ensure_indexes()
        accounts = AccountStore(store.db)
        await accounts.ensure_indexes()
        authenticator = build_authenticator(settings, accounts)
        app.state.settings = settings
        app.state.temporal = client
        app.state.store = store
        app.state.service = ComplaintService(client, settings)
        app.state.authenticator = authenticator
        app.state.verifier = ReauthenticationVerifier(authenticator)
        app.state.audit = AuditService(client, store, settings)
        try:
            yield
        finally:
            await store.close()

    app = FastAPI(title="IBTool", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    install_error_handlers(app)
    install_observability(app)
    instrument_app(app, settings)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(complaints.router)
    app.include_router(codec.router)
    app.include_router(audit.router)
    if settings.dev_endpoints:
        app.include_router(dev.router)
    install_hardening(app, settings)
    return app


def tls_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's TLS arguments, when the API serves HTTPS itself."""
    if settings.api_tls_certfile is None:
        return {}
    keyfile = settings.api_tls_keyfile or settings.api_tls_certfile
    return {"ssl_certfile": str(settings.api_tls_certfile), "ssl_keyfile": str(keyfile)}


def install_hardening(app: FastAPI, settings: Settings) -> None:
    """Outermost first: security headers on everything, then CORS, then the size limit."""

    def limit_for(path: str) -> int:
        codec_call = path.startswith(CODEC_PREFIX)
        return settings.codec_max_body_bytes if codec_call else settings.max_body_bytes

    app.add_middleware(BodySizeLimit, limit_for=limit_for)
    app.add_middleware(
        SplitCors, api_origins=settings.cors_origins, codec_origins=settings.codec_ui_origins
    )
    docs = {p for p in (app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url) if p}
    app.add_middleware(SecurityHeaders, hsts_max_age=settings.hsts_max_age, docs_paths=docs)
