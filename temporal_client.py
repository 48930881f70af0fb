"""The one way every process connects to Temporal, so all share one data converter.

The API, the worker, the CLI, the replay tooling and the tests all build their converter
with :func:`data_converter`; a payload codec (PHI encryption) plugs in there, once.
"""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter
from temporalio.runtime import Runtime

from settings import Settings
from telemetry import tracing


def data_converter(settings: Settings) -> DataConverter:
    return pydantic_data_converter


async def connect_temporal(settings: Settings, *, runtime: Runtime | None = None) -> Client:
    """``runtime``: the worker passes one that exports metrics; others use the default."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        tls=settings.temporal_tls,
        data_converter=data_converter(settings),
        interceptors=tracing.interceptors(settings),
        runtime=runtime,
    )
