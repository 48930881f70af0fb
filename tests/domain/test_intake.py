from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from domain.intake import Intake, future_timestamps
from tests.domain.factories import NOW, intake, intake_data


def error_fields(data: dict[str, object]) -> set[str]:
    with pytest.raises(ValidationError) as info:
        Intake.model_validate(data)
    return {".".join(str(p) for p in err["loc"]) for err in info.value.errors()}


def test_the_contract_example_is_valid() -> None:
    assert intake().device.udi == "00840682103459"


def test_unknown_fields_are_refused() -> None:
    assert error_fields(intake_data(colour="red")) == {"colour"}


def test_datetimes_must_carry_a_timezone() -> None:
    assert error_fields(intake_data(aware_at="2026-11-30T09:00:00")) == {"aware_at"}


def test_an_unknown_channel_is_refused() -> None:
    assert error_fields(intake_data(source={"channel": "fax"})) == {"source.channel"}


def test_length_limits() -> None:
    long_name = {"name": "x" * 201}
    assert error_fields(intake_data(device=long_name)) == {"device.name"}


def test_event_cannot_happen_after_awareness() -> None:
    event = {"description": "x", "occurred_at": "2026-12-01T00:00:00Z"}
    data = intake_data(event=event)
    with pytest.raises(ValidationError, match="occurred_at"):
        Intake.model_validate(data)


def test_future_awareness_is_flagged_at_the_edge() -> None:
    record = intake()
    assert future_timestamps(record, now=NOW) == []
    assert future_timestamps(record, now=record.aware_at - timedelta(days=1)) == [
        "aware_at",
        "event.occurred_at",
    ]
