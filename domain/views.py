"""What readers see of a complaint: its state plus what may be done with it now."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, Field

from domain.audit import AuditEvent
from domain.base import StrictModel
from domain.clocks import Clock, ClockView
from domain.complaint import ComplaintState
from domain.enums import Action, Status


class ComplaintView(ComplaintState):
    allowed_actions: list[Action]
    clocks: list[ClockView] = Field(description="Every clock; `remaining` as of `clocks_as_of`")
    clocks_as_of: AwareDatetime
    clock_book: list[Clock] = Field(default_factory=list, exclude=True)  # shown as `clocks`

    @classmethod
    def of(
        cls,
        state: ComplaintState,
        *,
        allowed_actions: list[Action],
        events: list[AuditEvent],
        clocks: list[ClockView],
        as_of: datetime,
    ) -> ComplaintView:
        fields = {name: getattr(state, name) for name in ComplaintState.model_fields}
        fields["recent_events"] = events
        return cls(**fields, allowed_actions=allowed_actions, clocks=clocks, clocks_as_of=as_of)


class RefusalDetails(StrictModel):
    """Why a transition was refused: the 409 body's ``status`` and ``allowed_actions``."""

    status: Status
    allowed_actions: list[Action]
