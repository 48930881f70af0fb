"""Input hardening over real sockets: body limits, strict input, no internals in errors,
security headers (HSTS over TLS), CORS from settings."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from api.app import create_app
from domain.enums import Action
from settings import Settings
from tests.api.harness import Api, api_client, command_body, serving_app
from tests.domain.factories import intake_data

LIMIT = 256 * 1024
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def assert_hardened(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name, response.headers)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def oversized_intake(size: int) -> bytes:
    body = intake_data(event={"description": "x" * size})
    return httpx.Request("POST", "/", json=body).content


async def test_a_body_over_the_limit_is_413_json(api: Api) -> None:
    assert api.settings.max_body_bytes == LIMIT
    response = await api.http.post(
        "/complaints", content=oversized_intake(LIMIT), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413, response.text
    assert response.json() == {"error": f"request body is larger than {LIMIT} bytes"}
    assert_hardened(response)


async def test_a_chunked_body_over_the_limit_is_413_json(api: Api) -> None:
    body = oversized_intake(LIMIT)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 16 * 1024):
            yield body[start : start + 16 * 1024]

    request = api.http.build_request(
        "POST", "/complaints", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
    response = await api.http.send(request)
    assert response.status_code == 413, response.text
    assert response.json()["error"] == f"request body is larger than {LIMIT} bytes"
    assert_hardened(response)


async def test_a_chunked_body_under_the_limit_is_read(api: Api) -> None:
    body = httpx.Request("POST", "/", json=intake_data(source={"channel": "web"})).content

    async def chunks() -> AsyncIterator[bytes]:
        yield body[:100]
        yield body[100:]

    response = await api.http.post(
        "/complaints", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 201, response.text


async def test_the_codec_server_has_a_larger_limit_of_its_own(api: Api) -> None:
    payload = {"metadata": {}, "data": "QUJD" * (LIMIT // 3)}
    response = await api.http.post("/codec/encode", json={"payloads": [payload]})
    assert response.status_code == 200, response.text[:200]
    too_big = {"payloads": [{"data": "QUJD" * (api.settings.codec_max_body_bytes // 3)}]}
    response = await api.http.post("/codec/encode", json=too_big)
    assert response.status_code == 413


async def test_unknown_query_params_and_overlong_inputs_are_422(api: Api) -> None:
    close = command_body(Action.CLOSE)
    long_secret = {"meaning": "approval", "password": "p" * 1025}
    cases: list[tuple[httpx.Response, str]] = [
        (await api.http.get("/complaints", params={"bogus": "1"}), "bogus"),
        (await api.http.get("/complaints", params={"q": "w" * 501}), "q"),
        (await api.http.get("/complaints", params={"cursor": "c" * 1001}), "cursor"),
        (await api.http.get("/complaints", params={"limit": "100000"}), "limit"),
        (await api.create(complainant={"name": "n" * 201}), "complainant.name"),
        (await api.create(event={"description": "d" * 20_001}), "event.description"),
        (await api.create(headers={"Idempotency-Key": "k" * 201}), "Idempotency-Key"),
        (await api.get("C-" + "A" * 100), "complaint_id"),
        (await api.http.post("/complaints", content=b'{"\xff": 1}'), "body"),
        (await api.act("C-X", {**close, "signature": long_secret}), "signature.password"),
    ]
    for response, field in cases:
        assert response.status_code == 422, (field, response.text)
        assert field in [f["field"] for f in response.json()["fields"]], (field, response.text)
        assert "p" * 1025 not in response.text  # inputs are not echoed back
        assert_hardened(response)


async def test_an_unexpected_error_is_a_bare_500(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals at /srv/ibtool/store.py line 42")

    async with serving_app(settings, app=app) as base_url, httpx.AsyncClient() as http:
        response = await http.get(f"{base_url}/boom")
    assert response.status_code == 500
    assert response.json() == {"error": "internal error"}
    assert "secret" not in response.text and "Traceback" not in response.text
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value


async def test_every_kind_of_answer_carries_the_security_headers(api: Api) -> None:
    complaint_id = await api.create_id()
    answers = [
        await api.get(complaint_id),
        await api.http.get("/complaints"),
        await api.http.get("/healthz"),
        await api.get("C-UNKNOWN00000"),
        await api.http.get("/nowhere"),
        await api.http.delete("/complaints"),
        await api.http.post("/complaints", content=b"{not json"),
    ]
    async with httpx.AsyncClient(base_url=api.base_url) as anonymous:
        answers.append(await anonymous.get("/complaints"))
    assert [a.status_code for a in answers] == [200, 200, 200, 404, 404, 405, 422, 401]
    for answer in answers:
        assert_hardened(answer)
        assert answer.headers["content-security-policy"].startswith("default-src 'none'")
        assert "strict-transport-security" not in answer.headers  # plain HTTP
        assert "Traceback" not in answer.text
    docs = await api.http.get("/docs")
    assert docs.status_code == 200 and docs.headers["x-frame-options"] == "DENY"
    assert docs.headers["content-security-policy"] == "frame-ancestors 'none'"


async def test_cors_follows_the_settings(settings: Settings) -> None:
    allowed = "https://complaints.example.com"
    configured = settings.model_copy(update={"cors_origins": [allowed]})
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    async with api_client(configured) as api:
        ok = await api.http.options("/complaints", headers={**preflight, "Origin": allowed})
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == allowed
        other = await api.http.options(
            "/complaints", headers={**preflight, "Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers
        listed = await api.http.get("/complaints", headers={"Origin": allowed})
        assert listed.headers["access-control-allow-origin"] == allowed
        assert "access-control-allow-credentials" not in listed.headers


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "api.crt", folder / "api.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


async def test_hsts_is_sent_over_tls(settings: Settings, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    tls = settings.model_copy(update={"api_tls_certfile": cert, "api_tls_keyfile": key})
    trust = ssl.create_default_context(cafile=str(cert))
    async with serving_app(tls) as base_url, httpx.AsyncClient(verify=trust) as http:
        assert base_url.startswith("https://")
        response = await http.get(f"{base_url}/healthz")
    assert response.status_code == 200
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert_hardened(response)
