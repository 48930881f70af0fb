"""Static checks of terraform/ (python-hcl2; no provider download, no AWS account).

Asserts what matters for a regulated deployment: encryption with customer keys, deletion
protection and backups, TLS, audit logs, no secret in code, least-privilege roles that
match the Kubernetes side. Each check also runs on a copy broken on purpose.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml

from tests.deploy.common import ROOT, load_yaml_documents

TERRAFORM = ROOT / "terraform"
#: Strings that look like credentials: AWS access keys, PEM private keys, passwords in URIs.
CREDENTIAL = re.compile(
    r"AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|://[^/\s:@<]+:[^@\s<]+@"  # user:password@ in a URI (<placeholders> aside)
)
#: Key policies: their Resource "*" is the key itself.
KEY_POLICIES = {"key_admin", "logs_key"}
SECRET_ATTRIBUTES = {"password", "master_password", "secret_string", "secret_binary"}

Config = dict[str, Any]


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def plain(value: Any) -> Any:
    """python-hcl2's tree without its markers and comments: literal strings unquoted,
    ``${...}`` kept for expressions, blocks as lists of dicts."""
    if isinstance(value, dict):
        return {_unquote(k): plain(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return _unquote(value) if isinstance(value, str) else value


def parse(path: Path) -> Config:
    with path.open(encoding="utf-8") as handle:
        parsed: Config = plain(hcl2.load(handle))
    return parsed


@pytest.fixture(scope="module")
def config() -> Config:
    """Every .tf file merged: {"resource": {type: {name: body}}, "data": ..., ...}."""
    merged: Config = {}
    for path in sorted(TERRAFORM.glob("*.tf")):
        for section, blocks in parse(path).items():
            if section in {"resource", "data"}:
                for block in blocks:
                    for kind, named in block.items():
                        merged.setdefault(section, {}).setdefault(kind, {}).update(named)
            elif section in {"variable", "output"}:
                for block in blocks:
                    merged.setdefault(section, {}).update(block)
            else:
                merged.setdefault(section, []).extend(blocks)
    return merged


def _copy(config: Config) -> Config:
    copied: Config = json.loads(json.dumps(config))
    return copied


def resource(config: Config, kind: str, name: str) -> Config:
    body: Config = config["resource"][kind][name]
    return body


def default(config: Config, variable: str) -> Any:
    return config["variable"][variable]["default"]


def _block(body: Config, name: str) -> Config:
    blocks = body.get(name) or [{}]
    first: Config = blocks[0]
    return first


def _is_reference(value: Any, *prefixes: str) -> bool:
    return isinstance(value, str) and value.startswith(tuple(f"${{{p}" for p in prefixes))


def encryption_faults(config: Config) -> list[str]:
    faults = []
    for name, key in config["resource"]["aws_kms_key"].items():
        if key.get("enable_key_rotation") is not True:
            faults.append(f"kms {name}: no rotation")
        if not key.get("policy"):
            faults.append(f"kms {name}: no key policy")
    ecr = resource(config, "aws_ecr_repository", "ibtool")
    crypt = _block(ecr, "encryption_configuration")
    if crypt.get("encryption_type") != "KMS" or not _is_reference(crypt.get("kms_key"), "aws_kms"):
        faults.append("ecr: not encrypted with our KMS key")
    docdb = resource(config, "aws_docdb_cluster", "ibtool")
    if docdb.get("storage_encrypted") is not True or not _is_reference(
        docdb.get("kms_key_id"), "aws_kms"
    ):
        faults.append("docdb: not encrypted with our KMS key")
    for kind in ("aws_secretsmanager_secret", "aws_cloudwatch_log_group"):
        for name, body in config["resource"][kind].items():
            if not _is_reference(body.get("kms_key_id"), "aws_kms"):
                faults.append(f"{kind} {name}: not encrypted with our KMS key")
    return faults


def docdb_faults(config: Config) -> list[str]:
    docdb = resource(config, "aws_docdb_cluster", "ibtool")
    faults = []
    if docdb.get("deletion_protection") is not True:
        faults.append("docdb: no deletion protection")
    if docdb.get("skip_final_snapshot") is not False:
        faults.append("docdb: no final snapshot")
    if default(config, "backup_retention_days") < 7:
        faults.append("docdb: under 7 days of backups")
    if "audit" not in docdb.get("enabled_cloudwatch_logs_exports", []):
        faults.append("docdb: audit logs not exported")
    if docdb.get("manage_master_user_password") is not True or "master_password" in docdb:
        faults.append("docdb: master password not managed by Secrets Manager")
    group = resource(config, "aws_docdb_cluster_parameter_group", "ibtool")
    parameters = {p["name"]: p["value"] for p in group.get("parameter", [])}
    if parameters.get("tls") != "enabled":
        faults.append("docdb: TLS not enforced")
    if parameters.get("audit_logs") != "enabled":
        faults.append("docdb: audit logging off")
    return faults


def registry_and_mail_faults(config: Config) -> list[str]:
    faults = []
    ecr = resource(config, "aws_ecr_repository", "ibtool")
    if ecr.get("image_tag_mutability") != "IMMUTABLE":
        faults.append("ecr: mutable tags")
    if _block(ecr, "image_scanning_configuration").get("scan_on_push") is not True:
        faults.append("ecr: no scan on push")
    ses = resource(config, "aws_sesv2_configuration_set", "ibtool")
    if _block(ses, "delivery_options").get("tls_policy") != "REQUIRE":
        faults.append("ses: delivers without TLS")
    for name, group in config["resource"]["aws_cloudwatch_log_group"].items():
        if not _is_reference(group.get("retention_in_days"), "var.log_retention_days"):
            faults.append(f"log group {name}: no retention")
    if default(config, "log_retention_days") < 365:
        faults.append("logs: kept under a year")
    return faults


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def credential_faults(text: str) -> list[str]:
    """Credential-looking text anywhere in a file, comments included."""
    return [f"credential-like text: {match[:24]}" for match in CREDENTIAL.findall(text)]


def hard_coded_secret_faults(config: Config) -> list[str]:
    faults = [f"credential-like string: {s[:24]}" for s in _strings(config) if CREDENTIAL.search(s)]
    for kind, named in config.get("resource", {}).items():
        if kind == "aws_secretsmanager_secret_version":
            faults.append("a secret's value is managed in terraform")
        for name, body in named.items():
            faults += [f"{kind}.{name}: {a} set" for a in SECRET_ATTRIBUTES & set(body)]
    for name, variable in config["variable"].items():
        if any(w in name for w in ("password", "secret", "token", "key")) and "default" in variable:
            faults.append(f"variable {name}: has a default")
    return faults


def wildcard_faults(config: Config, *, allowed: set[str]) -> list[str]:
    """IAM policy documents grant named actions on named resources (key policies aside)."""
    faults = []
    for name, document in config["data"]["aws_iam_policy_document"].items():
        if name in allowed:
            continue
        for statement in document.get("statement", []):
            for field in ("actions", "resources"):
                if any("*" in item for item in statement.get(field, [])):
                    faults.append(f"{name}: wildcard in {field}")
    return faults


# Cross-checks with k8s/


def k8s_secret_names(component: str) -> set[str]:
    docs = load_yaml_documents(ROOT / "k8s" / "secret-provider-class.yaml")
    doc = next(d for d in docs if d["metadata"]["name"] == f"ibtool-{component}")
    return {item["objectName"] for item in yaml.safe_load(doc["spec"]["parameters"]["objects"])}


def _locals(config: Config) -> Config:
    merged: Config = {}
    for block in config.get("locals", []):
        merged.update(block)
    return merged


@pytest.fixture(scope="module")
def locals_(config: Config) -> Config:
    return _locals(config)


# The real files


def test_every_tf_file_parses_and_the_versions_are_pinned(config: Config) -> None:
    files = sorted(path.name for path in TERRAFORM.glob("*.tf"))
    assert {"versions.tf", "variables.tf", "outputs.tf", "docdb.tf", "iam.tf"} <= set(files)
    (terraform,) = config["terraform"]
    assert re.fullmatch(r">= 1\.\d+, < 2\.0", terraform["required_version"])
    aws = terraform["required_providers"][0]["aws"]
    assert aws["source"] == "hashicorp/aws" and re.fullmatch(r"~> \d+\.\d+", aws["version"])


def test_everything_is_encrypted_with_customer_keys(config: Config) -> None:
    assert encryption_faults(config) == []


def test_store_is_protected_backed_up_audited_and_tls_only(config: Config) -> None:
    assert docdb_faults(config) == []


def test_registry_and_mail_are_locked_down(config: Config) -> None:
    assert registry_and_mail_faults(config) == []


def test_no_secret_is_hard_coded(config: Config) -> None:
    assert hard_coded_secret_faults(config) == []
    for path in TERRAFORM.glob("*.tf"):
        assert credential_faults(path.read_text(encoding="utf-8")) == [], path.name


def test_policies_name_their_actions_and_resources(config: Config) -> None:
    assert wildcard_faults(config, allowed=KEY_POLICIES) == []


def test_roles_trust_exactly_the_k8s_service_accounts(config: Config) -> None:
    accounts = load_yaml_documents(ROOT / "k8s" / "serviceaccounts.yaml")
    names = {doc["metadata"]["name"] for doc in accounts}
    assert set(default(config, "k8s_service_accounts").values()) == names
    assert default(config, "k8s_namespace") == accounts[0]["metadata"]["namespace"]
    trust = config["data"]["aws_iam_policy_document"]["trust"]["statement"][0]
    subjects = {c["variable"].split(":")[-1]: c["values"] for c in trust["condition"]}
    assert subjects["sub"] == ["system:serviceaccount:${var.k8s_namespace}:${each.value}"]
    assert subjects["aud"] == ["sts.amazonaws.com"]


def test_each_role_reads_exactly_the_secrets_its_pods_mount(locals_: Config) -> None:
    prefix = "ibtool/prod"
    assert set(locals_["app_secrets"]) >= {"mongo-uri", "smtp", "temporal-client-tls"}
    for component, secrets in locals_["component_secrets"].items():
        assert set(secrets) <= set(locals_["app_secrets"])
        mounted = k8s_secret_names(component)
        assert {f"{prefix}/{name}" for name in secrets} - {f"{prefix}/codec-keys"} == mounted
    assert "smtp" not in locals_["component_secrets"]["api"]


# The same checks catch a broken copy


def test_encryption_check_catches_plain_storage(config: Config) -> None:
    broken = _copy(config)
    resource(broken, "aws_docdb_cluster", "ibtool")["storage_encrypted"] = False
    resource(broken, "aws_kms_key", "this")["enable_key_rotation"] = False
    del resource(broken, "aws_cloudwatch_log_group", "app")["kms_key_id"]
    assert encryption_faults(broken) == [
        "kms this: no rotation",
        "docdb: not encrypted with our KMS key",
        "aws_cloudwatch_log_group app: not encrypted with our KMS key",
    ]


def test_store_check_catches_an_unprotected_cluster(config: Config) -> None:
    broken = _copy(config)
    docdb = resource(broken, "aws_docdb_cluster", "ibtool")
    docdb["deletion_protection"] = False
    docdb["master_password"] = "${var.db_password}"
    group = resource(broken, "aws_docdb_cluster_parameter_group", "ibtool")
    group["parameter"] = [p for p in group["parameter"] if p["name"] != "tls"]
    assert docdb_faults(broken) == [
        "docdb: no deletion protection",
        "docdb: master password not managed by Secrets Manager",
        "docdb: TLS not enforced",
    ]


def test_registry_check_catches_mutable_tags_and_optional_tls(config: Config) -> None:
    broken = _copy(config)
    resource(broken, "aws_ecr_repository", "ibtool")["image_tag_mutability"] = "MUTABLE"
    ses = resource(broken, "aws_sesv2_configuration_set", "ibtool")
    ses["delivery_options"][0]["tls_policy"] = "OPTIONAL"
    assert registry_and_mail_faults(broken) == ["ecr: mutable tags", "ses: delivers without TLS"]


def test_secret_check_catches_values_in_code(config: Config) -> None:
    broken = _copy(config)
    broken["resource"]["aws_secretsmanager_secret_version"] = {
        "smtp": {"secret_string": "AKIAABCDEFGHIJKLMNOP"}
    }
    broken["variable"]["smtp_password"] = {"default": "hunter2"}
    assert hard_coded_secret_faults(broken) == [
        "credential-like string: AKIAABCDEFGHIJKLMNOP",
        "a secret's value is managed in terraform",
        "aws_secretsmanager_secret_version.smtp: secret_string set",
        "variable smtp_password: has a default",
    ]


def test_credential_scan_catches_keys_and_uri_passwords_even_in_comments() -> None:
    text = (
        '# uri = "mongodb://ibtool:s3cret@db:27017"\n'
        'key = "-----BEGIN RSA PRIVATE KEY-----"\n'
        "# placeholder: mongodb://<user>:<password>@<host>\n"
    )
    assert credential_faults(text) == [
        "credential-like text: ://ibtool:s3cret@",
        "credential-like text: -----BEGIN RSA PRIVATE K",
    ]


def test_wildcard_check_catches_star_grants(config: Config) -> None:
    broken = _copy(config)
    statement = broken["data"]["aws_iam_policy_document"]["read_secrets"]["statement"][0]
    statement["actions"] = ["secretsmanager:*"]
    assert wildcard_faults(broken, allowed=KEY_POLICIES) == ["read_secrets: wildcard in actions"]
