"""The one way every process connects to Temporal, so all share one data converter.

The API, the worker, the CLI, the replay tooling and the tests all build their converter
with :func:`data_converter`: pydantic JSON, then the PHI encryption codec, so no payload
reaches Temporal's history in plaintext. Failure messages and stack traces are moved into
an encoded (so encrypted) attribute too: an error message may quote an email address.
"""

from __future__ import annotations

import dataclasses

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from encryption import EncryptionCodec, load_key_ring
from settings import Settings
from telemetry import tracing


def data_converter(settings: Settings) -> DataConverter:
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(load_key_ring(settings)),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


async def connect_temporal(settings: Settings, *, runtime: Runtime | None = None) -> Client:
    """``runtime``: the worker passes one that exports metrics; others use the default."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        tls=tls_config(settings),
        api_key=api_key.get_secret_value() if (api_key := settings.temporal_api_key) else None,
        data_converter=data_converter(settings),
        interceptors=tracing.interceptors(settings),
        runtime=runtime,
    )


def tls_config(settings: Settings) -> TLSConfig | bool:
    """How the connection to Temporal is secured.

    Mutual TLS when a client certificate is configured; TLS with a private CA or another
    server name when those are; plain TLS when ``temporal_tls`` is on or an API key is used
    (Temporal Cloud takes API keys over TLS only); otherwise none (the embedded dev server).
    """
    cert, key = settings.temporal_tls_cert_path, settings.temporal_tls_key_path
    if (cert is None) != (key is None):
        raise ValueError("IBTOOL_TEMPORAL_TLS_CERT_PATH and _KEY_PATH go together: set both")
    ca, server_name = settings.temporal_tls_ca_path, settings.temporal_tls_server_name
    if cert is None and ca is None and server_name is None:
        return settings.temporal_tls or settings.temporal_api_key is not None
    return TLSConfig(
        client_cert=cert.read_bytes() if cert else None,
        client_private_key=key.read_bytes() if key else None,
        server_root_ca_cert=ca.read_bytes() if ca else None,
        domain=server_name,
    )
