"""Static checks of docker-compose.yml and the Dockerfile (no Docker engine needed).

Each check is a function over the loaded file, applied to the real file and to a copy
broken on purpose, so every check is seen to catch what it is for.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.deploy.common import (
    LIVENESS_PATH,
    ROOT,
    SETTING_VARIABLE,
    app_serves,
    unknown_settings,
)

COMPOSE_FILE = ROOT / "docker-compose.yml"
SCHEMA_FILE = Path(__file__).with_name("compose-spec.json")
SCHEMA_SHA256 = "d549057ebc2925f39f62799eab0db7b9e2c18b35b6c00595199116da3ed10e64"
DOCKERFILE = ROOT / "Dockerfile"
APP_SERVICES = ("api", "worker")
SECRETS_FOLDER = "deploy/compose/secrets"
#: A tag with a version number in it (``16.9-bookworm``, ``v1.22.3``), not ``latest``/``8``.
PINNED_TAG = re.compile(r":v?\d+\.\d+[\w.-]*$")
SECRET_WORD = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|_PWD$")
#: Names of where a secret is, not of the secret: ``POSTGRES_PASSWORD_FILE``, ``..._DIR``.
NOT_SECRET_SUFFIXES = ("_FILE", "_DIR", "_PATH")

Compose = dict[str, Any]


@pytest.fixture(scope="module")
def compose() -> Compose:
    loaded: Compose = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return loaded


def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


def schema_errors(doc: Compose) -> list[str]:
    schema = _schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(doc)
    ]


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(key): str(value) for key, value in env.items()}


def ibtool_variables(doc: Compose) -> set[str]:
    """Every IBTOOL_* name the stack sets: environment keys and secrets mounted by name."""
    names: set[str] = set()
    for service in doc["services"].values():
        names |= {key for key in environment(service) if key.startswith("IBTOOL_")}
        for secret in service.get("secrets", []):
            if isinstance(secret, dict) and str(secret.get("target", "")).startswith("IBTOOL_"):
                names.add(secret["target"])
    return names


def hardening_faults(doc: Compose) -> list[str]:
    faults = []
    for name, service in doc["services"].items():
        if service.get("privileged"):
            faults.append(f"{name}: privileged")
        if "no-new-privileges:true" not in service.get("security_opt", []):
            faults.append(f"{name}: no no-new-privileges")
        if "ALL" not in service.get("cap_drop", []):
            faults.append(f"{name}: capabilities not dropped")
        if service.get("network_mode") == "host" or service.get("pid") == "host":
            faults.append(f"{name}: shares the host's namespaces")
    for name in APP_SERVICES:
        service = doc["services"][name]
        if service.get("read_only") is not True:
            faults.append(f"{name}: writable root filesystem")
        if str(service.get("user", "root")).split(":")[0] in {"root", "0", ""}:
            faults.append(f"{name}: runs as root")
        if service.get("cap_add"):
            faults.append(f"{name}: adds capabilities")
    return faults


def unpinned_images(doc: Compose) -> list[str]:
    return sorted(
        f"{name}: {service.get('image')}"
        for name, service in doc["services"].items()
        if "build" not in service and not PINNED_TAG.search(str(service.get("image", "")))
    )


def dependency_faults(doc: Compose) -> list[str]:
    """Each dependency waits for health, and what is waited for has a healthcheck."""
    services = doc["services"]
    faults = []
    for name, service in services.items():
        depends = service.get("depends_on", {})
        if isinstance(depends, list):
            faults.append(f"{name}: depends_on without conditions")
            continue
        for target, spec in depends.items():
            if spec.get("condition") != "service_healthy":
                faults.append(f"{name} -> {target}: not service_healthy")
            check = services.get(target, {}).get("healthcheck")
            if not check or check.get("disable"):
                faults.append(f"{name} -> {target}: {target} has no healthcheck")
    return faults


def secret_faults(doc: Compose) -> list[str]:
    """Secrets come from files in the ignored folder; no secret value sits in the file."""
    faults = []
    for name, secret in doc.get("secrets", {}).items():
        source = str(secret.get("file", ""))
        if not source.startswith(f"./{SECRETS_FOLDER}/"):
            faults.append(f"secret {name}: not a file under {SECRETS_FOLDER}")
    for name, service in doc["services"].items():
        for key, value in environment(service).items():
            if SECRET_WORD.search(key) and not key.endswith(NOT_SECRET_SUFFIXES) and value:
                faults.append(f"{name}: {key} set in the file")
    return faults


def published_port_faults(doc: Compose) -> list[str]:
    return [
        f"{name}: {port}"
        for name, service in doc["services"].items()
        for port in service.get("ports", [])
        if not str(port).startswith("127.0.0.1:")
    ]


# The real file


def test_vendored_schema_is_the_recorded_one() -> None:
    digest = hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest()
    assert digest == SCHEMA_SHA256, "update compose-spec.SOURCE.md with the new copy"


def test_compose_file_follows_the_compose_specification(compose: Compose) -> None:
    assert schema_errors(compose) == []


def test_every_ibtool_variable_is_a_real_setting(compose: Compose) -> None:
    names = ibtool_variables(compose)
    assert {"IBTOOL_TEMPORAL_ADDRESS", "IBTOOL_MONGO_URI", "IBTOOL_SMTP_PASSWORD"} <= names
    assert unknown_settings(names) == []


def test_app_is_configured_only_through_ibtool_variables(compose: Compose) -> None:
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert all(key.startswith("IBTOOL_") for key in environment(service)), name
        assert "env_file" not in service


def test_api_and_worker_share_one_image(compose: Compose) -> None:
    api, worker = (compose["services"][name] for name in APP_SERVICES)
    assert api["image"] == worker["image"]
    assert api["build"] == worker["build"] == {"context": "."}
    assert api["command"] == ["api"] and worker["command"] == ["worker"]


def test_services_are_hardened(compose: Compose) -> None:
    assert hardening_faults(compose) == []


def test_images_are_pinned(compose: Compose) -> None:
    assert unpinned_images(compose) == []


def test_dependencies_wait_for_health(compose: Compose) -> None:
    assert dependency_faults(compose) == []
    assert set(compose["services"]["api"]["depends_on"]) == {"temporal", "mongo", "mailpit"}


def test_secrets_are_files_kept_out_of_git_and_the_image(compose: Compose) -> None:
    assert secret_faults(compose) == []
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", f"{SECRETS_FOLDER}/smtp_password"],
        cwd=ROOT,
        check=False,
    )
    assert ignored.returncode == 0, f"{SECRETS_FOLDER} is not git-ignored"
    assert SECRETS_FOLDER in (ROOT / ".dockerignore").read_text().split()


def test_only_loopback_ports_are_published(compose: Compose) -> None:
    assert published_port_faults(compose) == []


def test_files_the_stack_mounts_exist(compose: Compose) -> None:
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = str(volume).split(":", 1)[0]
            if source.startswith("./"):
                assert (ROOT / source).is_file(), source
    assert (ROOT / "deploy/compose/make-secrets.sh").is_file()


def test_api_healthcheck_asks_a_route_the_app_serves(compose: Compose) -> None:
    test = " ".join(compose["services"]["api"]["healthcheck"]["test"])
    assert f":8000{LIVENESS_PATH}" in test and app_serves(LIVENESS_PATH)


# The same checks catch a broken copy


def _broken(compose: Compose) -> Compose:
    """A deep copy in which no two services share an object (YAML merges share them)."""
    broken: Compose = json.loads(json.dumps(compose))
    return broken


def test_schema_check_catches_an_unknown_key(compose: Compose) -> None:
    doc = _broken(compose)
    doc["services"]["api"]["restart_policy"] = "always"
    assert any("restart_policy" in error for error in schema_errors(doc))


def test_variable_check_catches_a_typo(compose: Compose) -> None:
    doc = _broken(compose)
    doc["services"]["worker"]["environment"]["IBTOOL_SMTP_PROT"] = "587"
    assert unknown_settings(ibtool_variables(doc)) == ["IBTOOL_SMTP_PROT"]


def test_hardening_check_catches_privileged_root_and_writable(compose: Compose) -> None:
    doc = _broken(compose)
    doc["services"]["mongo"]["privileged"] = True
    api = doc["services"]["api"]
    api["user"], api["read_only"] = "0", False
    del doc["services"]["worker"]["cap_drop"]
    assert hardening_faults(doc) == [
        "mongo: privileged",
        "worker: capabilities not dropped",
        "api: writable root filesystem",
        "api: runs as root",
    ]


def test_pin_check_catches_floating_tags(compose: Compose) -> None:
    doc = _broken(compose)
    doc["services"]["mongo"]["image"] = "mongo:8"
    doc["services"]["mailpit"]["image"] = "axllent/mailpit:latest"
    assert unpinned_images(doc) == ["mailpit: axllent/mailpit:latest", "mongo: mongo:8"]


def test_dependency_check_catches_unhealthy_waits(compose: Compose) -> None:
    doc = _broken(compose)
    doc["services"]["api"]["depends_on"]["mongo"] = {"condition": "service_started"}
    doc["services"]["worker"]["depends_on"]["api"] = {"condition": "service_healthy"}
    doc["services"]["api"]["healthcheck"] = {"disable": True}
    assert dependency_faults(doc) == [
        "api -> mongo: not service_healthy",
        "worker -> api: api has no healthcheck",
    ]


def test_secret_check_catches_an_inline_password(compose: Compose) -> None:
    doc = _broken(compose)
    doc["services"]["postgresql"]["environment"]["POSTGRES_PASSWORD"] = "hunter2"
    doc["secrets"]["smtp_password"] = {"file": "./smtp_password.txt"}
    assert secret_faults(doc) == [
        f"secret smtp_password: not a file under {SECRETS_FOLDER}",
        "postgresql: POSTGRES_PASSWORD set in the file",
    ]


def test_port_check_catches_a_port_on_every_interface(compose: Compose) -> None:
    doc = _broken(compose)
    doc["services"]["api"]["ports"] = ["8080:8000"]
    assert published_port_faults(doc) == ["api: 8080:8000"]


# The Dockerfile


def dockerfile_faults(text: str) -> list[str]:
    lines = [line.strip() for line in text.replace("\\\n", " ").splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    faults = []
    bases = [line.split()[1] for line in instructions if line.startswith("FROM ")]
    if not bases or any(not re.fullmatch(r"python:3\.13\.\d+-slim[\w-]*", b) for b in bases):
        faults.append(f"base images {bases}: not a pinned python:3.13 slim")
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    if not users or users[-1].split(":")[0] in {"root", "0"}:
        faults.append("runs as root")
    if re.search(r"pip install[^\n]*\.\[", text):
        faults.append("installs extras")
    if not any(line.startswith("HEALTHCHECK") for line in instructions):
        faults.append("no HEALTHCHECK")
    for line in instructions:
        if line.startswith(("ENV ", "ARG ")) and SECRET_WORD.search(line):
            faults.append(f"secret-looking {line.split()[0]}: {line}")
    return faults


def test_dockerfile_builds_a_slim_non_root_image_without_dev_extras() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert dockerfile_faults(text) == []
    assert 'ENTRYPOINT ["ibtool"]' in text and 'CMD ["api"]' in text
    assert f"{LIVENESS_PATH}' % os.environ.get('IBTOOL_API_PORT'" in text
    assert app_serves(LIVENESS_PATH)
    assert unknown_settings(SETTING_VARIABLE.findall(text)) == []


def test_dockerfile_check_catches_root_extras_and_baked_secrets() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    broken = (
        text.replace("USER 10001:10001", "USER root")
        .replace("pip install .", "pip install '.[dev]'")
        .replace("FROM python:3.13.9-slim-bookworm AS build", "FROM python:latest AS build")
        + "ENV IBTOOL_SMTP_PASSWORD=hunter2\n"
    )
    bases = "['python:latest', 'python:3.13.9-slim-bookworm']"
    assert dockerfile_faults(broken) == [
        f"base images {bases}: not a pinned python:3.13 slim",
        "runs as root",
        "installs extras",
        "secret-looking ENV: ENV IBTOOL_SMTP_PASSWORD=hunter2",
    ]


def test_build_context_leaves_out_secrets_and_local_state() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", ".env", "**/.env", ".data", SECRETS_FOLDER, "tests"} <= set(ignored)
    for package in ("domain", "workflows", "activities", "api", "store", "config"):
        assert package not in ignored
