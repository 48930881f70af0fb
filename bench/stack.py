"""The embedded stack of ``make run`` on free ports in a temporary folder, plus the floor worker."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


@dataclass
class BenchStack:
    settings: Settings
    children: dict[str, ChildProcess]

    def rss_mib(self, name: str) -> float:
        """Resident memory of one child (Linux ``/proc``), in MiB."""
        pid = self.children[name].pid
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmRSS for {name} (pid {pid})")

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) used so far by each child and by this process."""
        tick = os.sysconf("SC_CLK_TCK")
        used = {}
        for name, child in self.children.items():
            fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
            used[name] = (int(fields[11]) + int(fields[12])) / tick
        mine = os.times()
        used["bench"] = mine.user + mine.system
        return used

    def temporal_db_mib(self) -> float:
        """The dev server's SQLite file with its write-ahead log, in MiB."""
        files = self.settings.data_dir.glob("temporal.db*")
        return sum(path.stat().st_size for path in files) / 2**20


@contextmanager
def bench_stack() -> Iterator[BenchStack]:
    with tempfile.TemporaryDirectory(prefix="ibtool-bench-") as folder:
        data_dir = Path(folder)
        settings = Settings(
            temporal_address=f"127.0.0.1:{free_port()}",
            temporal_ui_port=free_port(),
            mongo_uri=store_uri("127.0.0.1", free_port()),
            smtp_port=free_port(),
            api_port=free_port(),
            worker_metrics_address=f"127.0.0.1:{free_port()}",
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
            yield BenchStack(settings, {child.name: child for child in children})
        finally:
            stop_children(children)
