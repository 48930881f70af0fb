"""What readers see of a complaint: its state plus what may be done with it now."""

from __future__ import annotations

from domain.audit import AuditEvent
from domain.base import StrictModel
from domain.complaint import ComplaintState
from domain.enums import Action, Status


class ComplaintView(ComplaintState):
    allowed_actions: list[Action]

    @classmethod
    def of(
        cls, state: ComplaintState, *, allowed_actions: list[Action], events: list[AuditEvent]
    ) -> ComplaintView:
        fields = {name: getattr(state, name) for name in ComplaintState.model_fields}
        fields["recent_events"] = events
        return cls(**fields, allowed_actions=allowed_actions)


class RefusalDetails(StrictModel):
    """Why a transition was refused: the 409 body's ``status`` and ``allowed_actions``."""

    status: Status
    allowed_actions: list[Action]
