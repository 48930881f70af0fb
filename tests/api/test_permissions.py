"""Every role against every action and read, over HTTP: 200 or 403 exactly as the table says.

One complaint per state is prepared and shared by the requests that must be refused (and by
allowed actions that leave the status alone); an allowed action that moves the complaint
gets a fresh complaint in its state. The expectation is ``domain.permissions.refusal`` with
the complaint's real assignee, so investigators are checked on their own complaints.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx

from domain import lifecycle, permissions
from domain.audit import Actor
from domain.enums import Action, Status
from domain.permissions import Permission, Role
from tests.api.harness import Api, command_body

INVESTIGATOR = "investigator"  # the user id of the investigator role; every complaint's assignee

#: Where each action is tried: a state it is allowed in.
STATE_FOR: dict[Action, Status] = {
    Action.TRIAGE: Status.TRIAGE,
    Action.REJECT: Status.TRIAGE,
    Action.MARK_DUPLICATE: Status.TRIAGE,
    Action.CLOSE_WITHOUT_INVESTIGATION: Status.TRIAGE,
    Action.ASSIGN: Status.INVESTIGATION,
    Action.REQUEST_INFO: Status.INVESTIGATION,
    Action.RECEIVE_INFO: Status.AWAITING_INFO,
    Action.COMPLETE_INVESTIGATION: Status.INVESTIGATION,
    Action.RETURN_TO_INVESTIGATION: Status.REVIEW,
    Action.CLOSE: Status.REVIEW,
    Action.REOPEN: Status.CLOSED,
    Action.ADD_NOTE: Status.INVESTIGATION,
    Action.RECORD_SUBMISSION: Status.INVESTIGATION,
    Action.RECLASSIFY: Status.INVESTIGATION,
}
#: The steps (as the default harness user) that bring a new complaint to each state.
PATH_TO: dict[Status, list[Action]] = {
    Status.TRIAGE: [],
    Status.INVESTIGATION: [Action.TRIAGE],
    Status.AWAITING_INFO: [Action.TRIAGE, Action.REQUEST_INFO],
    Status.REVIEW: [Action.TRIAGE, Action.COMPLETE_INVESTIGATION],
    Status.CLOSED: [Action.TRIAGE, Action.COMPLETE_INVESTIGATION, Action.CLOSE],
}
IN_FLIGHT = 8  # requests at once: the machine is a shared 2-core one


def user_id(role: Role) -> str:
    return INVESTIGATOR if role == Role.INVESTIGATOR else f"{role}-user"


def body(action: Action, *, other: str) -> dict[str, Any]:
    overrides: dict[str, Any] = {
        Action.TRIAGE: {"assignee": INVESTIGATOR},
        Action.ASSIGN: {"assignee": INVESTIGATOR},  # the same assignee: the state stays usable
        Action.MARK_DUPLICATE: {"duplicate_of": other},
    }.get(action, {})
    return command_body(action, **overrides)


@dataclass
class Prepared:
    complaint_id: str
    assignee: str | None
    version: int


async def prepare(
    api: Api, status: Status, *, limit: asyncio.Semaphore, other: str = ""
) -> Prepared:
    async with limit:
        complaint_id = await api.create_id()
        for action in PATH_TO[status]:
            response = await api.act(complaint_id, body(action, other=other))
            assert response.status_code == 200, (status, action, response.text)
    assignee = None if status == Status.TRIAGE else INVESTIGATOR
    return Prepared(complaint_id, assignee, version=1 + len(PATH_TO[status]))


def expected(role: Role, permission: Permission, assignee: str | None) -> bool:
    actor = Actor(user_id=user_id(role), name=str(role), roles=[role])
    return permissions.refusal(actor, permission, assignee=assignee) is None


def moves(action: Action) -> bool:
    return lifecycle.TABLE[action].target is not None


async def test_every_role_and_action_is_allowed_or_403_as_the_table_says(api: Api) -> None:
    limit = asyncio.Semaphore(IN_FLIGHT)
    shared = {status: await prepare(api, status, limit=limit) for status in Status}
    other = shared[Status.TRIAGE].complaint_id
    tokens = {role: await api.auth(user_id(role), roles=[role]) for role in Role}
    applied = dict.fromkeys(Status, 0)

    async def attempt(role: Role, action: Action) -> tuple[Role, Action, bool, httpx.Response]:
        status = STATE_FOR[action]
        target = shared[status]
        allowed = expected(role, permissions.transition_permission(action), target.assignee)
        if allowed and moves(action):
            target = await prepare(api, status, limit=limit, other=other)
        elif allowed:
            applied[status] += 1
        async with limit:
            response = await api.http.post(
                f"/complaints/{target.complaint_id}/transitions",
                json=body(action, other=other),
                headers=tokens[role],
            )
        return role, action, allowed, response

    assert set(STATE_FOR) == set(lifecycle.USER_ACTIONS)
    results = await asyncio.gather(
        *(attempt(role, action) for role in Role for action in lifecycle.USER_ACTIONS)
    )
    wrong = [
        (role.value, action.value, response.status_code, response.text[:200])
        for role, action, allowed, response in results
        if response.status_code != (200 if allowed else 403)
        or (not allowed and response.json()["permission"] != f"complaints:{action}")
    ]
    assert wrong == []
    assert sum(allowed for _, _, allowed, _ in results) >= 40  # the table is no blanket "no"

    for status, prepared in shared.items():  # refusals changed nothing
        state = (await api.get(prepared.complaint_id)).json()
        assert (state["status"], state["version"]) == (status, prepared.version + applied[status])


async def test_every_role_and_read_is_allowed_or_403_as_the_table_says(api: Api) -> None:
    complaint_id = await api.create_id()
    reads = {
        Permission.READ: [f"/complaints/{complaint_id}", "/complaints"],
        Permission.EVENTS: [f"/complaints/{complaint_id}/events"],
    }
    for role in Role:
        headers = await api.auth(user_id(role), roles=[role])
        for permission, paths in reads.items():
            for path in paths:
                response = await api.http.get(path, headers=headers)
                want = 200 if expected(role, permission, None) else 403
                assert response.status_code == want, (role, path, response.text)
        created = await api.create(headers=headers)
        want_create = 201 if expected(role, Permission.CREATE, None) else 403
        assert created.status_code == want_create, (role, created.text)
