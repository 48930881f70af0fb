"""The permission table: complete, auditors read-only, investigators on their own complaints."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from domain import lifecycle, permissions
from domain.audit import Actor
from domain.enums import Action
from domain.permissions import GRANTS, Permission, Role, Scope

READS = {Permission.READ, Permission.EVENTS, Permission.AUDIT_READ, Permission.AUDIT_REPLAY}
README = Path(__file__).resolve().parents[2] / "README.md"


def actor(*roles: Role, user_id: str = "u1") -> Actor:
    return Actor(user_id=user_id, name="U One", roles=[str(r) for r in roles])


def test_every_action_and_read_has_a_grant() -> None:
    assert set(GRANTS) == set(Permission)
    for action in lifecycle.USER_ACTIONS:
        permission = permissions.transition_permission(action)
        assert GRANTS.get(permission), action
    assert all(Role.ADMIN in grant for grant in GRANTS.values())


def test_auditors_read_and_replay_and_never_change() -> None:
    auditor = actor(Role.AUDITOR)
    held = {p for p in Permission if permissions.scope(auditor.roles, p) is not None}
    assert held == READS
    for action in lifecycle.USER_ACTIONS:
        denial = permissions.refusal(
            auditor, permissions.transition_permission(action), assignee=auditor.user_id
        )
        assert denial is not None and denial.permission == f"complaints:{action}"


def test_investigators_act_only_on_their_own_complaints() -> None:
    ivan = actor(Role.INVESTIGATOR, user_id="ivan")
    done = Permission.COMPLETE_INVESTIGATION
    assert permissions.refusal(ivan, done, assignee="ivan") is None
    for other in ("ines", None):
        denial = permissions.refusal(ivan, done, assignee=other)
        assert denial is not None and "assigned to them" in denial.message
    assert permissions.role_refusal(ivan, done) is None  # the workflow decides, by assignee
    assert permissions.role_refusal(ivan, Permission.CLOSE) is not None
    quality = actor(Role.INVESTIGATOR, Role.QUALITY_MANAGER, user_id="ivan")
    assert permissions.refusal(quality, done, assignee="ines") is None


def test_unknown_roles_grant_nothing() -> None:
    nobody = Actor(user_id="x", name="X", roles=["superuser", "head_of_quality"])
    assert all(permissions.scope(nobody.roles, p) is None for p in Permission)
    denial = permissions.refusal(nobody, Permission.READ, assignee=None)
    assert denial is not None and denial.permission == Permission.READ


@given(
    roles=st.sets(st.sampled_from(list(Role))),
    action=st.sampled_from(lifecycle.USER_ACTIONS),
    assignee=st.sampled_from(["me", "other", None]),
)
def test_refusal_follows_the_table(roles: set[Role], action: Action, assignee: str | None) -> None:
    me = actor(*roles, user_id="me")
    permission = permissions.transition_permission(action)
    scopes = {GRANTS[permission][r] for r in roles if r in GRANTS[permission]}
    expected = Scope.ANY in scopes or (Scope.ASSIGNED in scopes and assignee == "me")
    assert (permissions.refusal(me, permission, assignee=assignee) is None) == expected
    assert (action in permissions.permitted(me, [action], assignee=assignee)) == expected


def test_the_readme_shows_the_current_table() -> None:
    assert permissions.roles_table() in README.read_text()
