"""checkov over the Dockerfile, docker-compose.yml, k8s/ and terraform/: no failed check.

checkov runs from its own environment (`make tools` builds .venv-tools; `make test` and
.ci/run do it first). Skips are explicit: the global ones with their reasons in
deploy/checkov-skips.yaml, the per-resource ones beside the resource, each with a reason.
checkov has no compose framework: its secrets scan covers docker-compose.yml, and
tests/deploy/test_compose.py checks the rest.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.common import ROOT

CHECKOV = ROOT / ".venv-tools" / "bin" / "checkov"
SKIPS_FILE = ROOT / "deploy" / "checkov-skips.yaml"
TARGETS = ("Dockerfile", "docker-compose.yml", "deploy", "k8s", "terraform")
FRAMEWORKS = ("dockerfile", "kubernetes", "terraform", "secrets")
TIMEOUT_S = 300

Report = dict[str, Any]


def global_skips() -> list[dict[str, str]]:
    skips: list[dict[str, str]] = yaml.safe_load(SKIPS_FILE.read_text(encoding="utf-8"))
    return skips


def run_checkov(folder: Path) -> dict[str, Report]:
    """checkov's JSON reports for ``folder``, by framework (nothing is downloaded)."""
    if not CHECKOV.is_file():
        pytest.fail(f"{CHECKOV} is missing: run `make tools` (make test does it first)")
    skips = ",".join(skip["id"] for skip in global_skips())
    command = [str(CHECKOV), "--directory", str(folder), "--framework", *FRAMEWORKS]
    command += ["--skip-check", skips, "--skip-download", "--output", "json"]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False, cwd=folder
    )
    if done.returncode not in (0, 1):  # 1: some check failed; anything else: checkov broke
        pytest.fail(f"checkov exited {done.returncode}: {done.stderr[-2000:]}")
    reports = json.loads(done.stdout)
    if isinstance(reports, dict):
        reports = [reports]
    return {report["check_type"]: report for report in reports}


def _failed(report: Report) -> list[str]:
    return [
        f"{check['check_id']} {check['resource']} ({check['file_path']})"
        for check in report["results"]["failed_checks"]
    ]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    """One run over a copy of the deployment files alone (not .venv, tests, ...)."""
    folder = tmp_path_factory.mktemp("checkov")
    for name in TARGETS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("secrets"))
        else:
            shutil.copy2(source, folder / name)
    return run_checkov(folder)


def test_every_global_skip_says_why() -> None:
    skips = global_skips()
    assert skips, "an empty skip list should be removed, not kept"
    for skip in skips:
        assert skip["id"].startswith("CKV") and len(skip["reason"].split()) >= 8, skip


def test_checkov_finds_no_failed_check(reports: dict[str, Report]) -> None:
    assert set(reports) == set(FRAMEWORKS)
    for framework, report in reports.items():
        assert report["summary"]["parsing_errors"] == 0, framework
        assert _failed(report) == [], framework
    for framework in ("dockerfile", "kubernetes", "terraform"):
        assert reports[framework]["summary"]["passed"] > 40, framework


def test_every_skip_beside_a_resource_gives_its_reason(reports: dict[str, Report]) -> None:
    skipped = [
        (check["check_id"], check["resource"], (check.get("check_result") or {}))
        for report in reports.values()
        for check in report["results"]["skipped_checks"]
    ]
    assert skipped, "the per-resource skips in k8s/ and terraform/ are expected"
    for check_id, resource, result in skipped:
        assert len(str(result.get("suppress_comment", "")).split()) >= 5, (check_id, resource)


BROKEN_DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: bad, namespace: ibtool}
spec:
  selector: {matchLabels: {app: bad}}
  template:
    metadata: {labels: {app: bad}}
    spec:
      containers:
        - name: bad
          image: ibtool:latest
          securityContext: {privileged: true}
"""

BROKEN_TERRAFORM = """
resource "aws_ecr_repository" "bad" {
  name                 = "bad"
  image_tag_mutability = "MUTABLE"
}

resource "aws_docdb_cluster" "bad" {
  cluster_identifier = "bad"
  storage_encrypted  = false
}
"""


def test_checkov_fails_broken_files(tmp_path: Path) -> None:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "bad.yaml").write_text(BROKEN_DEPLOYMENT)
    (tmp_path / "terraform").mkdir()
    (tmp_path / "terraform" / "bad.tf").write_text(BROKEN_TERRAFORM)
    (tmp_path / "Dockerfile").write_text("FROM python:latest\nRUN pip install .\n")
    access_key = "AKIA" + "Q7ZK3M2XV4HJ9WPL"  # made up; built here so no file holds it
    (tmp_path / "docker-compose.yml").write_text(
        f"services:\n  api:\n    environment:\n      AWS_ACCESS_KEY_ID: {access_key}\n"
    )
    failed = {
        framework: {check["check_id"] for check in report["results"]["failed_checks"]}
        for framework, report in run_checkov(tmp_path).items()
    }
    assert {"CKV_K8S_16", "CKV_K8S_14", "CKV_K8S_22"} <= failed["kubernetes"]
    assert {"CKV_AWS_51", "CKV_AWS_163", "CKV_AWS_74"} <= failed["terraform"]
    assert {"CKV_DOCKER_2", "CKV_DOCKER_3", "CKV_DOCKER_7"} <= failed["dockerfile"]
    assert "CKV_SECRET_2" in failed["secrets"]
