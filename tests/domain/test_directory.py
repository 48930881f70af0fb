from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from config.directory_loader import DEFAULT_STAFF_FILE, load_directory
from domain.directory import StaffDirectory, StaffRole, recipients
from domain.notifications import TO_COMPLAINANT, NotificationKind

DIRECTORY = load_directory()
K = NotificationKind
JANE = "jane@example.org"

IVAN, SOFIA, HANA = "ivan@ibtool.local", "sofia@ibtool.local", "hana@ibtool.local"
REGULATORY, QUALITY = "regulatory@ibtool.local", "quality@ibtool.local"


def test_default_directory_has_the_demo_staff() -> None:
    assert DEFAULT_STAFF_FILE.is_file()
    assert [user.id for user in DIRECTORY.users] == ["ana", "ivan", "sofia", "hana", "rita"]
    ivan = DIRECTORY.user("ivan")
    assert ivan is not None
    assert (ivan.email, ivan.supervisor, ivan.roles) == (IVAN, "sofia", [StaffRole.INVESTIGATOR])
    assert DIRECTORY.head_of_quality == "hana"
    rita = DIRECTORY.user("rita")
    assert rita is not None and StaffRole.REGULATORY in rita.roles
    assert all(user.email.endswith("@ibtool.local") for user in DIRECTORY.users)
    assert DIRECTORY.name_of("sofia") == "Sofia Quality"
    assert DIRECTORY.name_of("external.id") == "external.id"


@pytest.mark.parametrize(
    ("kind", "level", "expected"),
    [
        (K.RECEIVED, 0, [JANE]),
        (K.ASSIGNED, 0, [IVAN]),
        (K.SLA_REMINDER, 0, [IVAN]),
        (K.ESCALATION, 1, [IVAN, SOFIA]),
        (K.ESCALATION, 2, [IVAN, SOFIA, HANA]),
        (K.ESCALATION, 3, [IVAN, SOFIA, HANA]),
        (K.REGULATORY_WARNING, 0, [REGULATORY, IVAN]),
        (K.REGULATORY_BREACH, 0, [REGULATORY, HANA, IVAN]),
        (K.CLOSURE_REPLY, 0, [JANE]),
    ],
)
def test_recipients_per_kind_and_level(
    kind: NotificationKind, level: int, expected: list[str]
) -> None:
    got = recipients(
        DIRECTORY, kind, assignee="ivan", complainant_email=JANE, escalation_level=level
    )
    assert got == expected


@pytest.mark.parametrize("kind", list(K))
def test_the_complainant_is_never_in_a_staff_message(kind: NotificationKind) -> None:
    got = recipients(DIRECTORY, kind, assignee="ivan", complainant_email=JANE, escalation_level=1)
    if kind in TO_COMPLAINANT:
        assert got == [JANE]
    else:
        assert JANE not in got
        assert got and all(address.endswith("@ibtool.local") for address in got)


@pytest.mark.parametrize("kind", sorted(TO_COMPLAINANT))
def test_no_complainant_email_means_nobody_to_tell(kind: NotificationKind) -> None:
    assert recipients(DIRECTORY, kind, assignee="ivan", complainant_email=None) == []
    assert recipients(DIRECTORY, kind, complainant_email="") == []


@pytest.mark.parametrize("assignee", [None, "someone.external"])
def test_the_quality_mailbox_stands_in_for_an_unknown_assignee(assignee: str | None) -> None:
    assert recipients(DIRECTORY, K.ASSIGNED, assignee=assignee) == [QUALITY]
    assert recipients(DIRECTORY, K.SLA_REMINDER, assignee=assignee) == [QUALITY]
    # Nobody to stand in for their supervisor either: one quality mailbox, once.
    assert recipients(DIRECTORY, K.ESCALATION, assignee=assignee, escalation_level=1) == [QUALITY]
    assert recipients(DIRECTORY, K.ESCALATION, assignee=assignee, escalation_level=2) == [
        QUALITY,
        HANA,
    ]
    assert recipients(DIRECTORY, K.REGULATORY_WARNING, assignee=assignee) == [REGULATORY]
    assert recipients(DIRECTORY, K.REGULATORY_BREACH, assignee=assignee) == [REGULATORY, HANA]


def test_an_address_appears_once() -> None:
    # Hana is head of quality and has no supervisor; Sofia's supervisor is Hana.
    assert recipients(DIRECTORY, K.ESCALATION, assignee="hana", escalation_level=2) == [
        HANA,
        QUALITY,
    ]
    assert recipients(DIRECTORY, K.ESCALATION, assignee="sofia", escalation_level=2) == [
        SOFIA,
        HANA,
    ]
    assert recipients(DIRECTORY, K.REGULATORY_BREACH, assignee="hana") == [REGULATORY, HANA]


def test_an_escalation_has_a_level() -> None:
    with pytest.raises(ValueError, match="level 1"):
        recipients(DIRECTORY, K.ESCALATION, assignee="ivan", escalation_level=0)


def _data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "head_of_quality": "boss",
        "regulatory_affairs": "ra@example.org",
        "quality": "qa@example.org",
        "users": [
            {"id": "boss", "name": "Boss", "email": "boss@example.org"},
            {"id": "dev", "name": "Dev", "email": "dev@example.org", "supervisor": "boss"},
        ],
    }
    return data | overrides


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"head_of_quality": "nobody"}, "head_of_quality"),
        (
            {"users": [{"id": "a", "name": "A", "email": "a@x.org", "supervisor": "ghost"}]},
            "supervisor",
        ),
        (
            {"users": [{"id": "boss", "name": "B", "email": "b@x.org", "supervisor": "boss"}]},
            "themselves",
        ),
        (
            {
                "users": [
                    {"id": "boss", "name": "B", "email": "b@x.org"},
                    {"id": "boss", "name": "B2", "email": "b2@x.org"},
                ]
            },
            "unique",
        ),
        ({"quality": "not an address"}, "quality"),
        ({"users": [{"id": "boss", "name": "B", "email": "b@x.org", "roles": ["cto"]}]}, "roles"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_a_broken_directory_is_refused(overrides: dict[str, object], message: str) -> None:
    StaffDirectory.model_validate(_data())
    with pytest.raises(ValidationError, match=message):
        StaffDirectory.model_validate(_data(**overrides))


def test_load_directory_reads_another_file(tmp_path: Path) -> None:
    path = tmp_path / "staff.toml"
    path.write_text(
        'head_of_quality = "boss"\n'
        'regulatory_affairs = "ra@example.org"\n'
        'quality = "qa@example.org"\n'
        "[[users]]\n"
        'id = "boss"\nname = "Boss"\nemail = "boss@example.org"\nroles = ["head_of_quality"]\n',
        encoding="utf-8",
    )
    directory = load_directory(path)
    assert recipients(directory, K.REGULATORY_BREACH, assignee="boss") == [
        "ra@example.org",
        "boss@example.org",
    ]

    path.write_text('head_of_quality = "boss"\n', encoding="utf-8")
    with pytest.raises(ValidationError):
        load_directory(path)
