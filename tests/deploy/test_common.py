"""The helpers the deployment checks rely on: they must catch what they claim to."""

from __future__ import annotations

from tests.deploy.common import (
    LIVENESS_PATH,
    READINESS_PATH,
    app_serves,
    setting_variables,
    unknown_settings,
)


def test_setting_variables_follow_the_settings_fields() -> None:
    names = setting_variables()
    assert {"IBTOOL_TEMPORAL_ADDRESS", "IBTOOL_MONGO_URI", "IBTOOL_SECRETS_DIR"} <= names
    assert all(name.startswith("IBTOOL_") for name in names)


def test_a_misspelt_variable_is_reported_and_others_are_ignored() -> None:
    names = ["IBTOOL_SMTP_PORT", "IBTOOL_SMTP_PROT", "POSTGRES_USER", "IBTOOL_MONGOURI"]
    assert unknown_settings(names) == ["IBTOOL_MONGOURI", "IBTOOL_SMTP_PROT"]


def test_the_probe_paths_are_routes_of_the_app() -> None:
    assert app_serves(LIVENESS_PATH)
    assert app_serves(READINESS_PATH)


def test_paths_the_app_does_not_serve_are_told_apart() -> None:
    assert not app_serves("/health")
    assert not app_serves("/dev/mail")  # dev-only: off in production
    assert not app_serves(LIVENESS_PATH, method="DELETE")
