"""The ``api`` fixture: the real app on a socket, backed by a real in-process worker."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from settings import Settings
from tests.api.harness import Api, api_client, in_process_worker


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    async with in_process_worker(settings), api_client(settings) as client:
        yield client
