"""Logs, traces and the ids that tie them together, for the API and the worker alike.

``telemetry.logs`` formats every log line as one JSON object carrying the request,
complaint and workflow ids of its context; ``telemetry.tracing`` turns OpenTelemetry on
when an OTLP endpoint is set. Metrics live with their owner: the API's in
``api/observability.py``, the worker's on the Temporal runtime (``worker.py``).
"""
