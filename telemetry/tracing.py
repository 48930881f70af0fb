"""OpenTelemetry tracing: off unless ``IBTOOL_OTLP_ENDPOINT`` is set.

When on, the API's FastAPI server spans, the Temporal client's spans and the worker's
workflow and activity spans share one trace per request (Temporal carries the context in
headers). Spans go to the OTLP/HTTP endpoint in batches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

from settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI
    from temporalio.client import Interceptor


def enabled(settings: Settings) -> bool:
    return bool(settings.otlp_endpoint)


def configure_tracing(
    settings: Settings, *, service: str, exporter: SpanExporter | None = None
) -> None:
    """Install the process's tracer provider and send its spans to ``exporter`` (default:
    OTLP/HTTP at ``settings.otlp_endpoint``). Once per process: a provider that is already
    installed is kept (a given ``exporter`` is still added to it)."""
    if not enabled(settings):
        return
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider) and exporter is None:
        return
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=f"{settings.otlp_endpoint}/v1/traces")
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        trace.set_tracer_provider(provider)
    provider.add_span_processor(BatchSpanProcessor(exporter))


def interceptors(settings: Settings) -> list[Interceptor]:
    """Temporal client (and so worker) interceptors: the tracing one when tracing is on."""
    if not enabled(settings):
        return []
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor()]


def instrument_app(app: FastAPI, settings: Settings) -> None:
    if enabled(settings):
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics")
