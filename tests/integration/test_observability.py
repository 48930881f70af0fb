"""The worker's Prometheus endpoint, and one trace from the API into the workflow."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families

from domain.enums import Action
from settings import Settings
from telemetry.tracing import configure_tracing
from tests.api.harness import Api, api_client, command_body, in_process_worker
from tests.integration.conftest import WorkerProcess


async def test_the_worker_serves_sdk_and_projection_metrics(
    app: Api, worker_process: WorkerProcess, settings: Settings
) -> None:
    await worker_process.start()
    complaint_id = await app.create_id()
    assert (await app.act(complaint_id, command_body(Action.TRIAGE))).status_code == 200
    await app.wait_projected(complaint_id, 2)

    async with httpx.AsyncClient() as http:
        response = await http.get(f"http://{settings.worker_metrics_address}/metrics")
    assert response.status_code == 200
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }
    names = {name for name, _ in samples}
    lag_count = sum(v for (n, _), v in samples.items() if n == "ibtool_projection_lag_count")
    written = sum(
        v
        for (n, labels), v in samples.items()
        if n == "ibtool_projections_total" and ("result", "written") in labels
    )
    assert lag_count >= 2 and written >= 2, (lag_count, written)
    sdk = {n for n in names if n.startswith("temporal_")}
    assert "temporal_workflow_task_execution_latency_count" in sdk, sorted(sdk)[:20]
    assert "temporal_activity_execution_latency_count" in sdk, sorted(sdk)[:20]
    print(f"\n[metrics] worker: {len(sdk)} SDK series names, {lag_count:.0f} projection lags")


def spans_named(spans: Sequence[ReadableSpan], prefix: str) -> list[ReadableSpan]:
    return [span for span in spans if span.name.startswith(prefix)]


async def test_a_transition_is_one_trace_from_the_api_into_the_workflow(
    settings: Settings,
) -> None:
    traced = settings.model_copy(update={"otlp_endpoint": "http://127.0.0.1:9"})  # not used
    exporter = InMemorySpanExporter()
    configure_tracing(traced, service="ibtool-test", exporter=exporter)
    async with in_process_worker(traced), api_client(traced) as api:
        complaint_id = await api.create_id()
        response = await api.act(complaint_id, command_body(Action.TRIAGE))
        assert response.status_code == 200
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    provider.force_flush()
    spans = exporter.get_finished_spans()

    server = [
        s
        for s in spans_named(spans, "POST /complaints/{complaint_id}/transitions")
        if s.kind == trace.SpanKind.SERVER
    ]
    assert len(server) == 1, [s.name for s in spans]
    trace_id = server[0].context.trace_id
    same_trace = [s for s in spans if s.context.trace_id == trace_id]

    def ancestors(span: ReadableSpan) -> list[str]:
        return ancestors_in(spans, span)

    client = spans_named(same_trace, "StartWorkflowUpdate:transition")
    assert len(client) == 1 and server[0].name in ancestors(client[0])
    # The worker's update spans live in the workflow's own trace (the one its start began)
    # and link back to the API's update call.
    handled = spans_named(spans, "HandleUpdate:transition")
    validated = spans_named(spans, "ValidateUpdate:transition")
    assert len(handled) == 1 and len(validated) == 1, sorted({s.name for s in spans})
    for span in (*handled, *validated):
        linked = {link.context.span_id for link in span.links}
        assert client[0].context.span_id in linked, (span.name, span.links)
        assert span.attributes is not None
        assert span.attributes["temporalWorkflowID"] == f"complaint-{complaint_id}"
    run = spans_named(spans, "RunWorkflow:ComplaintWorkflow")
    assert run and run[0].context.trace_id == handled[0].context.trace_id
    started = spans_named(spans, "StartWorkflow:ComplaintWorkflow")
    assert started and "POST /complaints" in ancestors_in(spans, started[0])
    print(
        f"\n[tracing] API trace: {len(same_trace)} spans; workflow trace: "
        f"{sorted({s.name for s in spans if s.context.trace_id == run[0].context.trace_id})}"
    )


def ancestors_in(spans: Sequence[ReadableSpan], span: ReadableSpan) -> list[str]:
    by_id = {s.context.span_id: s for s in spans}
    names = []
    while span.parent is not None and span.parent.span_id in by_id:
        span = by_id[span.parent.span_id]
        names.append(span.name)
    return names
