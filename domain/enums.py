from enum import StrEnum


class Status(StrEnum):
    TRIAGE = "triage"
    INVESTIGATION = "investigation"
    AWAITING_INFO = "awaiting_info"
    REVIEW = "review"
    CLOSED = "closed"


class Outcome(StrEnum):
    RESOLVED = "resolved"
    NOT_A_COMPLAINT = "not_a_complaint"
    DUPLICATE = "duplicate"
    NO_INVESTIGATION = "no_investigation"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    FIELD_SERVICE = "field_service"
    SFDC = "sfdc"
    TWD = "twd"
    PQM = "pqm"
    CLEARQUEST = "clearquest"


class Action(StrEnum):
    CREATE = "create"  # the intake itself; never a transition a user can request
    TRIAGE = "triage"
    REJECT = "reject"
    MARK_DUPLICATE = "mark_duplicate"
    CLOSE_WITHOUT_INVESTIGATION = "close_without_investigation"
    ASSIGN = "assign"
    REQUEST_INFO = "request_info"
    RECEIVE_INFO = "receive_info"
    COMPLETE_INVESTIGATION = "complete_investigation"
    RETURN_TO_INVESTIGATION = "return_to_investigation"
    CLOSE = "close"
    REOPEN = "reopen"
    ADD_NOTE = "add_note"
    RECORD_SUBMISSION = "record_submission"
    RECLASSIFY = "reclassify"
    # System events, raised by the clocks; never requested by a user.
    SLA_REMINDER = "sla_reminder"
    ESCALATION = "escalation"
    REGULATORY_WARNING = "regulatory_warning"
    REGULATORY_BREACH = "regulatory_breach"


class EuMdrClass(StrEnum):
    NONE = "none"
    SERIOUS_INCIDENT = "serious_incident"
    DEATH_OR_SERIOUS_DETERIORATION = "death_or_serious_deterioration"
    PUBLIC_HEALTH_THREAT = "public_health_threat"


class Agency(StrEnum):
    FDA = "fda"
    EU = "eu"


class SubmissionKind(StrEnum):
    MDR_30_DAY = "mdr_30_day"
    MDR_5_DAY = "mdr_5_day"
    MDR_SUPPLEMENTAL = "mdr_supplemental"
    EU_SERIOUS_INCIDENT = "eu_serious_incident"


class SignatureMeaning(StrEnum):
    REVIEW = "review"
    APPROVAL = "approval"
