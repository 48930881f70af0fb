"""The FastAPI application factory. One Temporal client and one Mongo client per process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.routes import auth, complaints, dev, health
from api.service import ComplaintService
from api.signing import ReauthenticationVerifier
from auth.authenticator import build_authenticator
from settings import Settings
from store.accounts import AccountStore
from store.client import open_store
from temporal_client import connect_temporal

DESCRIPTION = """
IBTool tracks medical-device complaints from intake to closure. Each complaint is a durable
Temporal workflow; transitions are validated against one lifecycle table, and every change
is an audit event. Lists and search read MongoDB projections.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

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
        try:
            yield
        finally:
            await store.close()

    app = FastAPI(title="IBTool", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(complaints.router)
    if settings.dev_endpoints:
        app.include_router(dev.router)
    return app
