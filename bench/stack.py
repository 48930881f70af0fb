"""The embedded stack of ``make run`` on free ports in a temporary folder, plus the floor worker."""

from __future__ import annotations

import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devstack.net import free_port
from devstack.process import ChildProcess
from devstack.store_server import store_uri
from devstack.supervisor import (
    plan_stack,
    settings_env,
    start_children,
    stop_children,
    wait_until_ready,
)
from settings import Settings


@contextmanager
def bench_stack() -> Iterator[Settings]:
    with tempfile.TemporaryDirectory(prefix="ibtool-bench-") as folder:
        data_dir = Path(folder)
        settings = Settings(
            temporal_address=f"127.0.0.1:{free_port()}",
            temporal_ui_port=free_port(),
            mongo_uri=store_uri("127.0.0.1", free_port()),
            smtp_port=free_port(),
            api_port=free_port(),
            data_dir=data_dir,
        )
        children = plan_stack(settings)
        children.append(
            ChildProcess(
                "floor-worker",
                [sys.executable, "-m", "bench.floor"],
                log_path=data_dir / "logs" / "floor.log",
                env=settings_env(settings),
            )
        )
        stop = threading.Event()
        try:
            start_children(children, stop)
            wait_until_ready(f"{settings.api_url}/readyz", children=children, stop=stop)
            yield settings
        finally:
            stop_children(children)
