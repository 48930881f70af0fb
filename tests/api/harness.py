"""The real app under uvicorn on a free port, a real worker, and an HTTP client for them.

Shared by ``tests/api`` (worker in-process) and ``tests/integration`` (worker as a child
process). Everything talks over loopback sockets: HTTP to the app, gRPC to the dev server,
the wire protocol to the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from api.app import create_app, tls_options
from auth.authenticator import local_issuer
from auth.hashing import hash_password
from auth.tokens import LocalIssuer
from devstack.net import free_port
from domain import lifecycle
from domain.accounts import UserAccount
from domain.enums import Action, Status
from domain.permissions import Role
from settings import Settings
from store.accounts import AccountStore
from store.client import open_store
from store.complaints import ComplaintStore
from temporal_client import connect_temporal
from tests.domain.factories import COMMAND_BODIES, intake_data
from worker import build_worker

HOST = "127.0.0.1"
#: How long a projection may take to show a version in the list.
PROJECTION_DEADLINE = 10.0
#: Per-request HTTP timeout: generous, a transition may wait for a (re)started worker.
HTTP_TIMEOUT = 60.0

#: The password of every user the harness creates (unique per session, so a leak is findable).
PASSWORD = f"pw-{uuid.uuid4().hex}"
#: Roles of the harness's users unless a test asks for others: enough for the whole lifecycle.
DEFAULT_ROLES: tuple[Role, ...] = (Role.QUALITY_MANAGER, Role.REGULATORY)
DEFAULT_USER = "ana"


#: The full lifecycle, step by step, with the status each step leads to (version = index + 2).
FULL_LIFECYCLE: list[tuple[Action, Status]] = [
    (Action.TRIAGE, Status.INVESTIGATION),
    (Action.REQUEST_INFO, Status.AWAITING_INFO),
    (Action.RECEIVE_INFO, Status.INVESTIGATION),
    (Action.COMPLETE_INVESTIGATION, Status.REVIEW),
    (Action.RETURN_TO_INVESTIGATION, Status.INVESTIGATION),
    (Action.COMPLETE_INVESTIGATION, Status.REVIEW),
    (Action.CLOSE, Status.CLOSED),
    (Action.REOPEN, Status.INVESTIGATION),
    (Action.COMPLETE_INVESTIGATION, Status.REVIEW),
    (Action.CLOSE, Status.CLOSED),
]


def command_body(action: Action, *, secret: str = PASSWORD, **overrides: Any) -> dict[str, Any]:
    """A valid body for ``action``; signed actions carry a password signature (by default the
    harness users' password)."""
    sent = {**COMMAND_BODIES[action], **overrides}
    if lifecycle.TABLE[action].signed:
        sent["signature"] = {"meaning": "approval", "password": secret}
    return sent


def unique(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10].upper()}"


async def eventually[T](
    probe: Callable[[], Awaitable[T | None]],
    *,
    within: float,
    interval: float = 0.05,
    what: str = "condition",
) -> T:
    """Call ``probe`` until it returns something other than None; fail after ``within`` s."""
    deadline = time.monotonic() + within
    while True:
        result = await probe()
        if result is not None:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} not reached within {within:.1f} s")
        await asyncio.sleep(interval)


@functools.cache
def _password_hash(password: str) -> str:
    """argon2 is slow on purpose: hash each test password once per session."""
    return hash_password(password)


@dataclass
class Api:
    """An HTTP client on the running app, acting as ``ana`` unless told otherwise.

    Every caller is a local user with a bearer token from the app's own issuer: ``token``
    creates (or updates) the account and signs a token for it.
    """

    http: httpx.AsyncClient
    base_url: str
    settings: Settings
    store: ComplaintStore
    accounts: AccountStore
    issuer: LocalIssuer
    _accounts_made: dict[str, UserAccount] = field(default_factory=dict)

    async def user(
        self,
        user: str = DEFAULT_USER,
        *,
        name: str | None = None,
        roles: Sequence[Role | str] = DEFAULT_ROLES,
        password: str | None = None,
    ) -> UserAccount:
        """The local account ``user`` with this printed name and roles, made or updated.

        Its password stays what it was last set to (``PASSWORD`` for a new account).
        """
        made = self._accounts_made.get(user)
        if password is not None:
            password_hash = _password_hash(password)
        else:
            password_hash = made.password_hash if made else _password_hash(PASSWORD)
        account = UserAccount(
            id=user,
            name=name or user,
            roles=[Role(role) for role in roles],
            password_hash=password_hash,
            created_at=made.created_at if made else datetime.now(UTC),
        )
        if account != made:
            await self.accounts.put_user(account)
            self._accounts_made[user] = account
        return account

    async def token(
        self,
        user: str = DEFAULT_USER,
        *,
        name: str | None = None,
        roles: Sequence[Role | str] = DEFAULT_ROLES,
        now: datetime | None = None,
        auth_time: datetime | None = None,
    ) -> str:
        """A bearer token for ``user`` (created as by :meth:`user`), issued at ``now``."""
        account = await self.user(user, name=name, roles=roles)
        issued = self.issuer.issue(account, now=now or datetime.now(UTC), auth_time=auth_time)
        return issued.access_token

    async def auth(self, user: str = DEFAULT_USER, **options: Any) -> dict[str, str]:
        """The Authorization header for ``user`` (options as for :meth:`token`)."""
        return {"Authorization": f"Bearer {await self.token(user, **options)}"}

    def identity_headers(self) -> dict[str, str]:
        """The headers by which ``http`` authenticates, for tools outside it (CLIs)."""
        wanted = {"x-user", "x-user-name", "authorization"}
        return {name: value for name, value in self.http.headers.items() if name in wanted}

    async def create(
        self, *, headers: dict[str, str] | None = None, **overrides: Any
    ) -> httpx.Response:
        """POST /complaints with a valid intake; the source ref is unique unless overridden.

        Complaint ids derive from ``(channel, ref)`` and the dev server is shared by the
        whole session, so a fixed ref would collide with another test's workflow.
        """
        overrides.setdefault("source", {"channel": "phone", "ref": unique("TWD-")})
        return await self.http.post("/complaints", json=intake_data(**overrides), headers=headers)

    async def create_id(self, **overrides: Any) -> str:
        response = await self.create(**overrides)
        assert response.status_code == 201, response.text
        complaint_id: str = response.json()["id"]
        return complaint_id

    async def act(
        self,
        complaint_id: str,
        body: dict[str, Any],
        user: str = DEFAULT_USER,
        *,
        name: str | None = None,
        roles: Sequence[Role | str] = DEFAULT_ROLES,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = {**await self.auth(user, name=name, roles=roles), **(headers or {})}
        return await self.http.post(
            f"/complaints/{complaint_id}/transitions", json=body, headers=sent
        )

    async def get(self, complaint_id: str) -> httpx.Response:
        return await self.http.get(f"/complaints/{complaint_id}")

    async def events(self, complaint_id: str) -> httpx.Response:
        return await self.http.get(f"/complaints/{complaint_id}/events")

    async def listing(self, **params: Any) -> dict[str, Any]:
        response = await self.http.get("/complaints", params=params)
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    async def wait_projected(
        self, complaint_id: str, version: int, *, within: float = PROJECTION_DEADLINE
    ) -> float:
        """Poll the list (``q=<id>``) until it shows ``version``; return the seconds it took."""
        started = time.monotonic()

        async def shown() -> bool | None:
            page = await self.listing(q=complaint_id)
            versions = [item["version"] for item in page["items"] if item["id"] == complaint_id]
            assert not versions or versions[0] <= version, f"projected past {version}: {versions}"
            return True if versions == [version] else None

        await eventually(shown, within=within, what=f"{complaint_id} v{version} in the list")
        return time.monotonic() - started

    async def wait_events(
        self, complaint_id: str, count: int, *, within: float = PROJECTION_DEADLINE
    ) -> list[Any]:
        """Poll GET events until it lists ``count`` events; return them."""

        async def listed() -> list[Any] | None:
            response = await self.events(complaint_id)
            assert response.status_code == 200, response.text
            items: list[Any] = response.json()["items"]
            assert len(items) <= count, f"more events than expected: {len(items)} > {count}"
            return items if len(items) == count else None

        return await eventually(listed, within=within, what=f"{count} events of {complaint_id}")


@contextlib.asynccontextmanager
async def serving_app(settings: Settings, *, app: FastAPI | None = None) -> AsyncIterator[str]:
    """Run ``app`` (default ``create_app(settings)``) under uvicorn on a free port, over TLS
    when the settings name a certificate; yield its base URL."""
    port = free_port(HOST)
    tls = tls_options(settings)
    config = uvicorn.Config(
        app or create_app(settings),
        host=HOST,
        port=port,
        log_level="warning",
        lifespan="on",
        **tls,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())

    async def started() -> bool | None:
        if task.done():
            task.result()  # raise what stopped it
            raise AssertionError("uvicorn exited before it started")
        return True if server.started else None

    try:
        await eventually(started, within=20.0, what="uvicorn started")
        yield f"{'https' if tls else 'http'}://{HOST}:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=20.0)


@contextlib.asynccontextmanager
async def in_process_worker(settings: Settings) -> AsyncIterator[None]:
    """The real worker (``worker.build_worker``) polling ``settings.task_queue``."""
    client = await connect_temporal(settings)
    store = open_store(settings)
    try:
        await store.ensure_indexes()
        async with build_worker(client, store, settings):
            yield
    finally:
        await store.close()


@contextlib.asynccontextmanager
async def api_client(settings: Settings) -> AsyncIterator[Api]:
    """The app on a socket, an ``httpx`` client acting as ``ana``, and a store for checks.

    Tests change accounts as they go (a printed name, roles, a disabled user), so the app
    looks each one up on every request (``auth_cache_ttl`` 0).
    """
    settings = settings.model_copy(update={"auth_cache_ttl": timedelta(0)})
    store = open_store(settings)
    try:
        async with (
            serving_app(settings) as base_url,
            httpx.AsyncClient(base_url=base_url, timeout=HTTP_TIMEOUT) as http,
        ):
            api = Api(
                http=http,
                base_url=base_url,
                settings=settings,
                store=store,
                accounts=AccountStore(store.db),
                issuer=local_issuer(settings),
            )
            http.headers.update(await api.auth())
            yield api
    finally:
        await store.close()
