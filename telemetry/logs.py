"""Structured JSON logs: one object a line, with the ids of the request or activity.

The API sets :data:`request_id` and :data:`complaint_id` for each request (contextvars,
so concurrent requests keep their own). In the worker, a log record made inside an
activity takes the workflow id from ``activity.info()``, and one made by
``workflow.logger`` from the ``temporal_workflow`` extra that the SDK attaches.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from temporalio import activity

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
complaint_id: ContextVar[str | None] = ContextVar("complaint_id", default=None)

WORKFLOW_PREFIX = "complaint-"  # workflows.complaint.workflow_id, without importing workflows


def _workflow_id(record: logging.LogRecord) -> str | None:
    for extra in ("temporal_activity", "temporal_workflow"):
        info = getattr(record, extra, None)
        if isinstance(info, dict) and info.get("workflow_id"):
            return str(info["workflow_id"])
    if activity.in_activity():
        return activity.info().workflow_id
    return None


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "msg", "request_id", "complaint_id", "workflow_id", ...}``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        workflow = _workflow_id(record)
        complaint = complaint_id.get()
        if complaint is None and workflow and workflow.startswith(WORKFLOW_PREFIX):
            complaint = workflow.removeprefix(WORKFLOW_PREFIX)
        if workflow is None and complaint is not None:
            workflow = WORKFLOW_PREFIX + complaint
        ids = {"request_id": request_id.get(), "complaint_id": complaint, "workflow_id": workflow}
        line.update({key: value for key, value in ids.items() if value is not None})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for this process (the API's and the worker's entry points)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
