"""GET /complaints: filters, sorts and cursor pages over the projection.

Each test tags its complaints with a product code (or a word) of its own, and each test's
``settings`` name a database of their own too, so other tests' data never shows.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.enums import Action
from tests.api.harness import Api, unique
from tests.domain.factories import COMMAND_BODIES


def product_code() -> str:
    return unique("P")[:10]


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


async def settled(api: Api, complaint_id: str, *actions: dict[str, Any]) -> dict[str, Any]:
    """Apply ``actions``, wait until the list shows the result, return the complaint's view."""
    state = (await api.get(complaint_id)).json()
    for sent in actions:
        response = await api.act(complaint_id, sent)
        assert response.status_code == 200, response.text
        state = response.json()
    await api.wait_projected(complaint_id, state["version"])
    return state


def triage(**overrides: Any) -> dict[str, Any]:
    return {**COMMAND_BODIES[Action.TRIAGE], **overrides}


async def test_each_filter_selects_exactly_its_complaints(api: Api) -> None:
    code = product_code()
    word = unique("zq").lower()
    device = {"name": "Vivid E95", "product_code": code}
    made = [await api.create_id(device=device) for _ in range(3)]
    made.append(await api.create_id(device=device, event={"description": f"Probe {word} hot"}))
    high, low, rejected, waiting = made
    await settled(api, high, triage(severity="high", assignee="ivan"))
    reportable = {"fda_mdr": True, "fda_5_day": False, "eu_mdr": "none"}
    await settled(api, low, triage(severity="low", assignee="ines", reportability=reportable))
    await settled(api, rejected, COMMAND_BODIES[Action.REJECT])
    await settled(api, waiting)

    async def listed(**params: Any) -> set[str]:
        page = await api.listing(product_code=code, **params)
        assert page["next_cursor"] is None
        return set(ids(page))

    assert await listed() == set(made)
    assert await listed(status="investigation") == {high, low}
    assert await listed(status="triage") == {waiting}
    assert await listed(status="closed") == {rejected}
    assert await listed(severity="high") == {high}
    assert await listed(severity="low") == {low}
    assert await listed(assignee="ines") == {low}
    assert await listed(reportable="true") == {low}
    assert await listed(reportable="false") == {high, rejected, waiting}
    assert await listed(q=word) == {waiting}
    assert await listed(q=f"{word} probe") == {waiting}
    assert await listed(q=f"{word} missing") == set()
    assert await listed(q=high) == {high}
    assert await listed(status="investigation", severity="low", assignee="ines") == {low}
    assert ids(await api.listing(q=word)) == [waiting]  # the word alone finds it too
    assert ids(await api.listing(product_code=product_code())) == []
    # The settings are per test: this test's database holds only this test's complaints.
    assert set(ids(await api.listing())) == set(made)


async def test_sorts_are_newest_first(api: Api) -> None:
    code = product_code()
    first, second, third = [
        await api.create_id(device={"name": "Vivid E95", "product_code": code}) for _ in range(3)
    ]
    for complaint_id in (first, second, third):
        await settled(api, complaint_id)
    await settled(api, first, COMMAND_BODIES[Action.ADD_NOTE])

    by_created = await api.listing(product_code=code, sort="created_at")
    assert ids(by_created) == [third, second, first]
    by_updated = await api.listing(product_code=code, sort="updated_at")
    assert ids(by_updated) == [first, third, second]
    assert ids(await api.listing(product_code=code)) == ids(by_updated)  # the default sort
    stamps = [item["updated_at"] for item in by_updated["items"]]
    assert stamps == sorted(stamps, reverse=True)


async def test_created_range_is_from_inclusive_to_exclusive(api: Api) -> None:
    code = product_code()
    first, second, third = [
        await api.create_id(device={"name": "Vivid E95", "product_code": code}) for _ in range(3)
    ]
    for complaint_id in (first, second, third):
        await settled(api, complaint_id)
    rows = {item["id"]: item for item in (await api.listing(product_code=code))["items"]}
    boundary = rows[second]["created_at"]  # as the list shows it

    after = await api.listing(product_code=code, created_from=boundary)
    assert set(ids(after)) == {second, third}
    before = await api.listing(product_code=code, created_to=boundary)
    assert ids(before) == [first]
    between = await api.listing(
        product_code=code, created_from=boundary, created_to=rows[third]["created_at"]
    )
    assert ids(between) == [second]
    reversed_range = {"created_from": rows[third]["created_at"], "created_to": boundary}
    response = await api.http.get("/complaints", params=reversed_range)
    assert response.status_code == 422, response.text


async def test_created_from_the_complaints_own_created_at_includes_it(api: Api) -> None:
    """The API shows microseconds and the store keeps milliseconds; the bound still holds."""
    code = product_code()
    complaint_id = await api.create_id(device={"name": "Vivid E95", "product_code": code})
    state = await settled(api, complaint_id)
    page = await api.listing(product_code=code, created_from=state["created_at"])
    assert ids(page) == [complaint_id], (state["created_at"], page)


@pytest.mark.parametrize("sort", ["created_at", "updated_at"])
async def test_cursor_pages_walk_everything_once(api: Api, sort: str) -> None:
    code = product_code()
    made = [
        await api.create_id(device={"name": "Vivid E95", "product_code": code}) for _ in range(7)
    ]
    for complaint_id in made:
        await settled(api, complaint_id)
    await settled(api, made[2], COMMAND_BODIES[Action.ADD_NOTE])  # reorders updated_at
    whole = ids(await api.listing(product_code=code, sort=sort, limit=50))
    assert sorted(whole) == sorted(made)

    walked: list[str] = []
    sizes: list[int] = []
    cursor: str | None = None
    for _ in range(10):  # bounded: 3 pages expected
        params: dict[str, Any] = {"product_code": code, "sort": sort, "limit": 3}
        page = await api.listing(**params, **({"cursor": cursor} if cursor else {}))
        walked += ids(page)
        sizes.append(len(page["items"]))
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sizes == [3, 3, 1]
    assert walked == whole  # same order, no duplicates, no gaps
