"""Static checks of the Kubernetes manifests in k8s/ (no cluster needed).

Built-in kinds validate strictly against the pinned Kubernetes version's schemas
(kubernetes-validate); the one custom kind (the CSI driver's SecretProviderClass) is
checked field by field. Each check also runs on a copy broken on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml
from kubernetes_validate import utils as kubernetes_validate

from tests.deploy.common import (
    LIVENESS_PATH,
    READINESS_PATH,
    ROOT,
    app_serves,
    load_yaml_documents,
    unknown_settings,
)

K8S = ROOT / "k8s"
#: The Kubernetes version the manifests are validated against (EKS supports it).
KUBERNETES_VERSION = "1.34.0"
#: Kinds from CRDs, which kubernetes-validate has no schema for; checked by hand below.
CUSTOM_KINDS = {"SecretProviderClass": "secrets-store.csi.x-k8s.io/v1"}
NAMESPACE = "ibtool"
IMAGE = "ibtool"
SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "API_KEY", "MONGO_URI")

Doc = dict[str, Any]


def manifest_files() -> list[Path]:
    return sorted(path for path in K8S.glob("*.yaml") if path.name != "kustomization.yaml")


@pytest.fixture(scope="module")
def docs() -> list[Doc]:
    return [doc for path in manifest_files() for doc in load_yaml_documents(path)]


@pytest.fixture(scope="module")
def kustomization() -> Doc:
    loaded: Doc = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    return loaded


def _copy(docs: list[Doc]) -> list[Doc]:
    copied: list[Doc] = json.loads(json.dumps(docs))
    return copied


def _named(docs: list[Doc], kind: str, name: str) -> Doc:
    return next(d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name)


def _of_kind(docs: list[Doc], kind: str) -> list[Doc]:
    return [doc for doc in docs if doc["kind"] == kind]


def schema_errors(docs: list[Doc]) -> list[str]:
    errors = []
    for doc in docs:
        label = f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
        if CUSTOM_KINDS.get(doc.get("kind", "")) == doc.get("apiVersion"):
            continue
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{label}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError:
            errors.append(f"{label}: no schema for {doc.get('apiVersion')}")
    return errors


def config_variables(docs: list[Doc]) -> dict[str, str]:
    return {
        key: str(value) for doc in _of_kind(docs, "ConfigMap") for key, value in doc["data"].items()
    }


def containers(docs: list[Doc]) -> list[tuple[Doc, Doc]]:
    """(pod spec, container) for every container of every Deployment."""
    return [
        (pod, container)
        for doc in _of_kind(docs, "Deployment")
        for pod in [doc["spec"]["template"]["spec"]]
        for container in pod["containers"] + pod.get("initContainers", [])
    ]


def env_variables(docs: list[Doc]) -> set[str]:
    return {env["name"] for _, container in containers(docs) for env in container.get("env", [])}


def security_faults(docs: list[Doc]) -> list[str]:
    faults = []
    for pod, container in containers(docs):
        name = container["name"]
        context, pod_context = container.get("securityContext", {}), pod.get("securityContext", {})
        if not (context.get("runAsNonRoot") or pod_context.get("runAsNonRoot")):
            faults.append(f"{name}: may run as root")
        if context.get("runAsUser", pod_context.get("runAsUser", 0)) == 0:
            faults.append(f"{name}: user 0")
        if context.get("readOnlyRootFilesystem") is not True:
            faults.append(f"{name}: writable root filesystem")
        if context.get("allowPrivilegeEscalation") is not False or context.get("privileged"):
            faults.append(f"{name}: may escalate privileges")
        if "ALL" not in context.get("capabilities", {}).get("drop", []):
            faults.append(f"{name}: capabilities not dropped")
        if pod_context.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            faults.append(f"{name}: no RuntimeDefault seccomp profile")
        if pod.get("automountServiceAccountToken") is not False:
            faults.append(f"{name}: service account token mounted")
        resources = container.get("resources", {})
        for bound in ("requests", "limits"):
            if set(resources.get(bound, {})) < {"cpu", "memory"}:
                faults.append(f"{name}: no cpu and memory {bound}")
    return faults


def probe_faults(docs: list[Doc]) -> list[str]:
    """Every HTTP probe asks a route the app serves, on a port the container declares."""
    faults = []
    api_port = config_variables(docs).get("IBTOOL_API_PORT")
    for _, container in containers(docs):
        ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
        for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
            get = container.get(kind, {}).get("httpGet")
            if get is None:
                continue
            if not app_serves(get["path"]):
                faults.append(f"{container['name']} {kind}: the app serves no {get['path']}")
            port = ports.get(get["port"], get["port"])
            if str(port) != api_port:
                faults.append(f"{container['name']} {kind}: port {port}, app on {api_port}")
    return faults


def secret_value_faults(docs: list[Doc]) -> list[str]:
    faults = [
        f"Secret/{doc['metadata']['name']}: holds values"
        for doc in _of_kind(docs, "Secret")
        if doc.get("data") or doc.get("stringData")
    ]
    for key in config_variables(docs):
        if any(word in key for word in SECRET_WORDS) and not key.endswith(("_PATH", "_DIR")):
            faults.append(f"ConfigMap: {key} is a secret")
    for _, container in containers(docs):
        for env in container.get("env", []):
            if any(word in env["name"] for word in SECRET_WORDS) and "value" in env:
                faults.append(f"{container['name']}: {env['name']} set inline")
    return faults


def provider_objects(doc: Doc) -> list[Doc]:
    objects: list[Doc] = yaml.safe_load(doc["spec"]["parameters"]["objects"])
    return objects


def mounted_files(doc: Doc) -> set[str]:
    """The file names a SecretProviderClass writes (an object, or its JSON fields)."""
    files = set()
    for item in provider_objects(doc):
        paths = item.get("jmesPath", [])
        files |= {path["objectAlias"] for path in paths} if paths else {item["objectAlias"]}
    return files


def secret_file_faults(docs: list[Doc]) -> list[str]:
    """Each mounted file sets a real setting, or is a file a *_PATH setting points at;
    each Deployment mounts its provider class at IBTOOL_SECRETS_DIR."""
    config = config_variables(docs)
    secrets_dir = PurePosixPath(config["IBTOOL_SECRETS_DIR"])
    path_targets = {
        PurePosixPath(value).name
        for key, value in config.items()
        if key.endswith("_PATH") and PurePosixPath(value).parent == secrets_dir
    }
    classes = {doc["metadata"]["name"]: doc for doc in _of_kind(docs, "SecretProviderClass")}
    faults = []
    for deployment in _of_kind(docs, "Deployment"):
        name, pod = deployment["metadata"]["name"], deployment["spec"]["template"]["spec"]
        volumes = {v["name"]: v for v in pod["volumes"] if "csi" in v}
        mounts = [m for c in pod["containers"] for m in c["volumeMounts"] if m["name"] in volumes]
        if [PurePosixPath(m["mountPath"]) for m in mounts] != [secrets_dir]:
            faults.append(f"{name}: secrets not mounted at {secrets_dir}")
            continue
        class_name = volumes[mounts[0]["name"]]["csi"]["volumeAttributes"]["secretProviderClass"]
        if class_name not in classes:
            faults.append(f"{name}: no SecretProviderClass {class_name}")
            continue
        files = mounted_files(classes[class_name])
        for unknown in unknown_settings(files):
            faults.append(f"{class_name}: {unknown} is no setting")
        for missing in sorted(path_targets - files):
            faults.append(f"{class_name}: does not provide {missing}")
        for stray in sorted(
            f for f in files if not f.startswith("IBTOOL_") and f not in path_targets
        ):
            faults.append(f"{class_name}: {stray} is used by no setting")
    return faults


def network_faults(docs: list[Doc]) -> list[str]:
    """Every Deployment's pods are selected by a policy for ingress and one for egress."""
    faults = []
    policies = _of_kind(docs, "NetworkPolicy")
    for deployment in _of_kind(docs, "Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        covered = set()
        for policy in policies:
            selector = policy["spec"]["podSelector"].get("matchLabels", {})
            if selector.items() <= labels.items():
                covered |= set(policy["spec"]["policyTypes"])
        if covered != {"Ingress", "Egress"}:
            faults.append(f"{deployment['metadata']['name']}: policies cover {sorted(covered)}")
    return faults


def namespace_faults(docs: list[Doc]) -> list[str]:
    return [
        f"{doc['kind']}/{doc['metadata']['name']}: namespace {doc['metadata'].get('namespace')}"
        for doc in docs
        if doc["kind"] != "Namespace" and doc["metadata"].get("namespace") != NAMESPACE
    ]


# The real manifests


def test_manifests_validate_strictly_against_kubernetes(docs: list[Doc]) -> None:
    assert {doc["kind"] for doc in docs} >= {
        "Namespace",
        "ConfigMap",
        "ServiceAccount",
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
        "NetworkPolicy",
    }
    assert schema_errors(docs) == []


def test_every_configmap_key_is_a_real_setting(docs: list[Doc]) -> None:
    config = config_variables(docs)
    assert config and all(key.startswith("IBTOOL_") for key in config)
    assert unknown_settings(config) == []
    assert unknown_settings(env_variables(docs)) == []


def test_containers_are_non_root_read_only_and_bounded(docs: list[Doc]) -> None:
    assert len(containers(docs)) == 2
    assert security_faults(docs) == []


def test_api_probes_ask_routes_the_app_serves(docs: list[Doc]) -> None:
    api = _named(docs, "Deployment", "ibtool-api")["spec"]["template"]["spec"]["containers"][0]
    assert api["readinessProbe"]["httpGet"]["path"] == READINESS_PATH
    assert api["livenessProbe"]["httpGet"]["path"] == LIVENESS_PATH
    assert probe_faults(docs) == []


def test_no_secret_values_in_the_manifests(docs: list[Doc]) -> None:
    assert secret_value_faults(docs) == []


def test_secrets_arrive_as_files_the_settings_read(docs: list[Doc]) -> None:
    worker = _named(docs, "SecretProviderClass", "ibtool-worker")
    api = _named(docs, "SecretProviderClass", "ibtool-api")
    assert "IBTOOL_SMTP_PASSWORD" in mounted_files(worker)
    assert "IBTOOL_SMTP_PASSWORD" not in mounted_files(api)  # least privilege
    assert secret_file_faults(docs) == []


def test_custom_kinds_have_the_fields_the_driver_needs(docs: list[Doc]) -> None:
    for doc in _of_kind(docs, "SecretProviderClass"):
        assert doc["apiVersion"] == CUSTOM_KINDS["SecretProviderClass"]
        assert doc["spec"]["provider"] == "aws"
        for item in provider_objects(doc):
            assert item["objectType"] == "secretsmanager"
            assert item["objectName"].startswith("ibtool/prod/")
            assert "/" not in item["objectAlias"]


def test_every_pod_is_behind_network_policies(docs: list[Doc]) -> None:
    assert network_faults(docs) == []


def test_every_resource_is_in_the_namespace(docs: list[Doc], kustomization: Doc) -> None:
    assert kustomization["namespace"] == NAMESPACE
    assert namespace_faults(docs) == []


def test_kustomization_lists_every_manifest_and_pins_the_image(
    docs: list[Doc], kustomization: Doc
) -> None:
    assert sorted(kustomization["resources"]) == [path.name for path in manifest_files()]
    (image,) = kustomization["images"]
    assert image["name"] == IMAGE and image["newTag"] not in {"", "latest"}
    assert {c["image"].split(":")[0] for _, c in containers(docs)} == {IMAGE}


# The same checks catch a broken copy


def test_schema_check_catches_a_misspelt_field(docs: list[Doc]) -> None:
    broken = _copy(docs)
    _named(broken, "Deployment", "ibtool-worker")["spec"]["replica"] = 3
    _named(broken, "Service", "ibtool-api")["apiVersion"] = "v2"
    errors = schema_errors(broken)
    assert len(errors) == 2
    assert "'replica' was unexpected" in errors[0] or "'replica' was unexpected" in errors[1]
    assert any("no schema for v2" in error for error in errors)


def test_setting_check_catches_a_typo_in_the_configmap(docs: list[Doc]) -> None:
    broken = _copy(docs)
    _named(broken, "ConfigMap", "ibtool-config")["data"]["IBTOOL_TEMPORAL_ADRESS"] = "x:7233"
    assert unknown_settings(config_variables(broken)) == ["IBTOOL_TEMPORAL_ADRESS"]


def test_security_check_catches_root_and_a_writable_filesystem(docs: list[Doc]) -> None:
    broken = _copy(docs)
    pod = _named(broken, "Deployment", "ibtool-worker")["spec"]["template"]["spec"]
    del pod["securityContext"]["runAsNonRoot"]
    pod["securityContext"]["runAsUser"] = 0
    del pod["containers"][0]["securityContext"]["runAsNonRoot"]
    pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"] = False
    assert security_faults(broken) == [
        "worker: may run as root",
        "worker: user 0",
        "worker: writable root filesystem",
    ]


def test_probe_check_catches_a_route_the_app_does_not_serve(docs: list[Doc]) -> None:
    broken = _copy(docs)
    api = _named(broken, "Deployment", "ibtool-api")["spec"]["template"]["spec"]["containers"][0]
    api["readinessProbe"]["httpGet"]["path"] = "/ready"
    api["livenessProbe"]["httpGet"]["port"] = 8080
    assert probe_faults(broken) == [
        "api livenessProbe: port 8080, app on 8000",
        "api readinessProbe: the app serves no /ready",
    ]


def test_secret_checks_catch_values_and_unknown_files(docs: list[Doc]) -> None:
    broken = _copy(docs)
    _named(broken, "ConfigMap", "ibtool-config")["data"]["IBTOOL_SMTP_PASSWORD"] = "hunter2"
    worker = _named(broken, "SecretProviderClass", "ibtool-worker")
    worker["spec"]["parameters"]["objects"] = worker["spec"]["parameters"]["objects"].replace(
        "IBTOOL_SMTP_PASSWORD", "IBTOOL_SMTP_PASWORD"
    )
    api = _named(broken, "SecretProviderClass", "ibtool-api")
    api["spec"]["parameters"]["objects"] = api["spec"]["parameters"]["objects"].replace(
        "temporal-client.key", "temporal.key"
    )
    assert secret_value_faults(broken) == ["ConfigMap: IBTOOL_SMTP_PASSWORD is a secret"]
    assert secret_file_faults(broken) == [
        "ibtool-api: does not provide temporal-client.key",
        "ibtool-api: temporal.key is used by no setting",
        "ibtool-worker: IBTOOL_SMTP_PASWORD is no setting",
    ]


def test_network_check_catches_a_pod_without_egress_rules(docs: list[Doc]) -> None:
    broken = _copy(docs)
    policy = _named(broken, "NetworkPolicy", "ibtool-default")
    policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/component"] = "api"
    assert network_faults(broken) == ["ibtool-worker: policies cover []"]
