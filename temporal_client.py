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

from encryption import EncryptionCodec, load_key_ring
from settings import Settings


def data_converter(settings: Settings) -> DataConverter:
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(load_key_ring(settings)),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


async def connect_temporal(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        tls=settings.temporal_tls,
        data_converter=data_converter(settings),
    )
