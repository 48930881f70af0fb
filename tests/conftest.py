"""Session-wide real servers on free ports (so the suite runs beside `make run`).

The machinery lives in ``tests/servers.py``; these fixtures only start and stop it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from settings import Settings
from tests.servers import (
    MongoStore,
    SmtpSinkProcess,
    TemporalDevServer,
    drop_database,
    running,
    settings_for,
    start_time_skipping_env,
)


@pytest.fixture(scope="session")
def temporal_dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemporalDevServer]:
    with running(TemporalDevServer(tmp_path_factory.mktemp("temporal"))) as server:
        yield server


@pytest.fixture(scope="session")
def mongo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MongoStore]:
    with running(MongoStore(tmp_path_factory.mktemp("store"))) as server:
        yield server


@pytest.fixture(scope="session")
def smtp_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmtpSinkProcess]:
    with running(SmtpSinkProcess(tmp_path_factory.mktemp("smtp"))) as server:
        yield server


@pytest.fixture(scope="session")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_time_skipping_env()
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture
def settings(
    temporal_dev_server: TemporalDevServer,
    mongo_store: MongoStore,
    smtp_sink: SmtpSinkProcess,
    tmp_path: Path,
) -> Iterator[Settings]:
    settings = settings_for(
        temporal=temporal_dev_server, store=mongo_store, smtp=smtp_sink, data_dir=tmp_path
    )
    yield settings
    drop_database(mongo_store, settings.mongo_db)
