"""A stand-in OIDC issuer for tests: RSA keys, and their JWKS served over a real socket."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

HOST = "127.0.0.1"
AUDIENCE = "ibtool-api"


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class StandInIssuer:
    """Signs RS256 tokens; ``jwks`` is what the endpoint serves (change it to rotate)."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.published: list[str] = []  # kids the JWKS endpoint lists
        self.fetches = 0
        self.url = ""

    def new_key(self, *, publish: bool = True) -> str:
        kid = f"k-{uuid.uuid4().hex[:8]}"
        self.keys[kid] = rsa_key()
        if publish:
            self.published.append(kid)
        return kid

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid in self.published:
            jwk = RSAAlgorithm.to_jwk(self.keys[kid].public_key(), as_dict=True)
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": keys}

    def token(
        self,
        kid: str,
        *,
        sub: str = "oidc.user",
        roles: list[str] | None = None,
        audience: str = AUDIENCE,
        issuer: str | None = None,
        expires_in: timedelta = timedelta(minutes=10),
        auth_age: timedelta = timedelta(0),
        **claims: Any,
    ) -> str:
        now = datetime.now(UTC)
        body = {
            "iss": issuer or self.issuer,
            "aud": audience,
            "sub": sub,
            "name": "Olga OIDC",
            "iat": int(now.timestamp()),
            "exp": int((now + expires_in).timestamp()),
            "auth_time": int((now - auth_age).timestamp()),
            "realm_access": {"roles": roles or []},
            **claims,
        }
        return jwt.encode(body, self.keys[kid], algorithm="RS256", headers={"kid": kid})


@contextmanager
def serving_jwks(issuer: str = "https://idp.test/realms/ibtool") -> Iterator[StandInIssuer]:
    """A :class:`StandInIssuer` whose JWKS is at ``.url`` on a loopback port, in a thread."""
    test_issuer = StandInIssuer(issuer)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/jwks.json":
                self.send_error(404)
                return
            test_issuer.fetches += 1
            body = json.dumps(test_issuer.jwks()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((HOST, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    test_issuer.url = f"http://{HOST}:{server.server_address[1]}/jwks.json"
    try:
        yield test_issuer
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
