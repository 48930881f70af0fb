"""Probes and docs of the running app."""

from __future__ import annotations

import httpx

from api import examples
from tests.api.harness import Api


async def test_probes_answer_ok(api: Api) -> None:
    async with httpx.AsyncClient(base_url=api.base_url) as anonymous:  # probes need no token
        health = await anonymous.get("/healthz")
        ready = await anonymous.get("/readyz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200, ready.text
    probes = ready.json()
    assert probes.pop("ready") is True
    assert probes.items() >= {"temporal": "ok", "store": "ok"}.items()
    assert set(probes.values()) == {"ok"}


async def test_docs_and_openapi_show_the_create_example(api: Api) -> None:
    docs = await api.http.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    schema = await api.http.get("/openapi.json")
    assert schema.status_code == 200
    create = schema.json()["paths"]["/complaints"]["post"]
    body_examples = create["requestBody"]["content"]["application/json"]["examples"]
    assert body_examples["phone intake"]["value"] == examples.INTAKE
    assert {"201", "200", "401", "422"} <= set(create["responses"])
    transitions = schema.json()["paths"]["/complaints/{complaint_id}/transitions"]["post"]
    assert {"409", "404", "422"} <= set(transitions["responses"])
