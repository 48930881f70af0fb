"""The complaint record taken at intake: the fields 21 CFR 820.198(e) asks for."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints, model_validator

from domain.base import LongText, Name, ShortText, StrictModel
from domain.enums import Channel

Ref = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Phone = Annotated[str, StringConstraints(min_length=3, max_length=40, pattern=r"^[0-9+()./ -]+$")]
Email = Annotated[
    str, StringConstraints(max_length=254, pattern=r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
]

#: How far in the future a client clock may be before a timestamp is refused.
CLOCK_SKEW = timedelta(minutes=5)


class Source(StrictModel):
    channel: Channel
    ref: Ref | None = Field(default=None, description="The source system's own reference.")


class Device(StrictModel):
    name: Name
    product_code: Annotated[str, StringConstraints(min_length=3, max_length=10)] | None = None
    udi: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    lot: Ref | None = None
    serial: Ref | None = None


class Complainant(StrictModel):
    name: Name
    organization: Name | None = None
    address: ShortText | None = None
    phone: Phone | None = None
    email: Email | None = None


class Event(StrictModel):
    description: LongText
    occurred_at: AwareDatetime | None = None
    patient_involved: bool = False
    injury: bool = False
    death: bool = False
    malfunction: bool = False


class Patient(StrictModel):
    age: int | None = Field(default=None, ge=0, le=130)
    sex: Literal["F", "M", "X", "U"] | None = None


class Intake(StrictModel):
    source: Source
    aware_at: AwareDatetime = Field(description="When the company became aware; may be past.")
    device: Device
    complainant: Complainant
    event: Event
    patient: Patient | None = None

    @model_validator(mode="after")
    def _event_before_awareness(self) -> Intake:
        if self.event.occurred_at is not None and self.event.occurred_at > self.aware_at:
            raise ValueError("event.occurred_at must not be after aware_at")
        return self

    @property
    def presumed_reportable(self) -> bool:
        """A death or injury must be investigated and assessed for MDR (820.198(d))."""
        return self.event.death or self.event.injury


def future_timestamps(intake: Intake, *, now: datetime) -> list[str]:
    """Field paths whose timestamps lie in the future (checked at the edge, not in workflows)."""
    late = now + CLOCK_SKEW
    fields = {"aware_at": intake.aware_at, "event.occurred_at": intake.event.occurred_at}
    return [name for name, value in fields.items() if value is not None and value > late]
