"""Loopback socket helpers shared by the supervisor and the test fixtures."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from urllib.parse import urlsplit


class PortInUseError(RuntimeError):
    def __init__(self, service: str, host: str, port: int) -> None:
        super().__init__(
            f"{service}: port {port} on {host} is already in use "
            f"(another {service} or a previous `ibtool run` may still be running)"
        )
        self.service = service
        self.host = host
        self.port = port


def free_port(host: str = "127.0.0.1") -> int:
    """A port that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(host: str, port: int) -> bool:
    """True when ``host:port`` can be bound, i.e. a server could listen there."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def ensure_port_free(*, service: str, host: str, port: int) -> None:
    if not port_is_free(host, port):
        raise PortInUseError(service, host, port)


def wait_for_port(
    host: str,
    port: int,
    timeout: float,
    *,
    check: Callable[[], None] | None = None,
    interval: float = 0.05,
) -> None:
    """Poll until a TCP connect to ``host:port`` succeeds.

    ``check`` runs before each attempt and may raise to give up early, for example when
    the process that should open the port has died.
    """
    deadline = time.monotonic() + timeout
    while True:
        if check is not None:
            check()
        try:
            with socket.create_connection((host, port), timeout=1.0):
                return
        except OSError:
            pass
        if time.monotonic() >= deadline:
            raise TimeoutError(f"nothing listens on {host}:{port} after {timeout:.0f} s")
        time.sleep(interval)


def split_host_port(address: str, *, default_port: int) -> tuple[str, int]:
    """``"127.0.0.1:7233"`` → ``("127.0.0.1", 7233)``."""
    parsed = urlsplit(f"//{address}")
    return parsed.hostname or "127.0.0.1", parsed.port or default_port


def mongo_host_port(uri: str) -> tuple[str, int]:
    """Host and port of a single-host ``mongodb://`` URI (the embedded store)."""
    parsed = urlsplit(uri)
    if parsed.scheme != "mongodb":
        raise ValueError(f"the embedded store needs a mongodb:// URI, got {uri!r}")
    host_part = parsed.netloc.rsplit("@", 1)[-1]
    if "," in host_part:
        raise ValueError(f"the embedded store serves one host, got {host_part!r}")
    return split_host_port(host_part, default_port=27017)
