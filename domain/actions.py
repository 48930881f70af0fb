"""One input model per lifecycle action; ``Command`` is their union, keyed by ``action``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, SecretStr, model_validator

from domain.base import ComplaintId, LongText, ShortText, StrictModel, UserId
from domain.enums import Agency, EuMdrClass, Severity, SignatureMeaning, SubmissionKind

#: Longer secrets are refused before any verifier hashes them.
SECRET_MAX = 1024
#: A re-authentication token is a JWT; an OIDC issuer's may carry many claims.
TOKEN_MAX = 10_000


class SignatureInput(StrictModel):
    """What the signer types at signing. The secret never leaves the API process."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)  # secrets as typed
    meaning: SignatureMeaning
    password: SecretStr | None = Field(default=None, min_length=1, max_length=SECRET_MAX)
    reauth_token: SecretStr | None = Field(default=None, min_length=1, max_length=TOKEN_MAX)

    @model_validator(mode="after")
    def _one_secret(self) -> SignatureInput:
        if (self.password is None) == (self.reauth_token is None):
            raise ValueError("give exactly one of password or reauth_token")
        return self


class Reportability(StrictModel):
    fda_mdr: bool = False
    fda_5_day: bool = False
    eu_mdr: EuMdrClass = EuMdrClass.NONE

    @property
    def reportable(self) -> bool:
        return self.fda_mdr or self.fda_5_day or self.eu_mdr != EuMdrClass.NONE


class Triage(StrictModel):
    action: Literal["triage"]
    severity: Severity
    assignee: UserId
    reportability: Reportability


class Reject(StrictModel):
    action: Literal["reject"]
    reason: ShortText


class MarkDuplicate(StrictModel):
    action: Literal["mark_duplicate"]
    duplicate_of: ComplaintId


class Signed(StrictModel):
    """An action that needs an electronic signature (21 CFR Part 11.50)."""

    # Excluded from serialisation, so the secret can never reach Temporal history or the store.
    signature: SignatureInput | None = Field(default=None, exclude=True)


class CloseWithoutInvestigation(Signed):
    action: Literal["close_without_investigation"]
    justification: ShortText
    responsible: UserId | None = Field(
        default=None, description="Who is responsible for the decision; defaults to the actor."
    )


class Reclassify(StrictModel):
    """Change severity or reportability after triage; the affected clocks re-arm."""

    action: Literal["reclassify"]
    severity: Severity | None = None
    reportability: Reportability | None = None
    reason: ShortText

    @model_validator(mode="after")
    def _changes_something(self) -> Reclassify:
        if self.severity is None and self.reportability is None:
            raise ValueError("give a new severity, a new reportability, or both")
        return self


class Assign(StrictModel):
    action: Literal["assign"]
    assignee: UserId


class RequestInfo(StrictModel):
    action: Literal["request_info"]
    question: ShortText


class ReceiveInfo(StrictModel):
    action: Literal["receive_info"]
    summary: ShortText


class CompleteInvestigation(StrictModel):
    action: Literal["complete_investigation"]
    root_cause: LongText
    findings: LongText
    device_failed_spec: bool
    corrective_action: LongText
    capa_ref: Annotated[str, Field(min_length=1, max_length=50)] | None = None


class ReturnToInvestigation(StrictModel):
    action: Literal["return_to_investigation"]
    reason: ShortText


class Close(Signed):
    action: Literal["close"]
    resolution: LongText
    customer_reply: LongText


class Reopen(StrictModel):
    action: Literal["reopen"]
    reason: ShortText


class AddNote(StrictModel):
    action: Literal["add_note"]
    text: LongText


class RecordSubmission(StrictModel):
    action: Literal["record_submission"]
    agency: Agency
    kind: SubmissionKind
    reference: Annotated[str, Field(min_length=1, max_length=100)]
    submitted_at: AwareDatetime

    @model_validator(mode="after")
    def _kind_matches_agency(self) -> RecordSubmission:
        eu = self.kind == SubmissionKind.EU_SERIOUS_INCIDENT
        if eu != (self.agency == Agency.EU):
            raise ValueError(f"kind {self.kind} is not filed with agency {self.agency}")
        return self


Command = Annotated[
    Triage
    | Reject
    | MarkDuplicate
    | CloseWithoutInvestigation
    | Assign
    | RequestInfo
    | ReceiveInfo
    | CompleteInvestigation
    | ReturnToInvestigation
    | Close
    | Reopen
    | AddNote
    | RecordSubmission
    | Reclassify,
    Field(discriminator="action"),
]
