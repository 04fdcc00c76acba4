"""The case: people, the rights request and its state machines, evidence, the clock, and letters."""

from requests_app.models.core import (
    CLOCK_STARTERS_VALUES,
    FINISHED_STATUSES,
    WAITING_ON_REQUESTER,
    Channel,
    ClockEvent,
    ClockEventKind,
    Evidence,
    EvidenceKind,
    ExtraBankHoliday,
    Letter,
    LetterDirection,
    LetterMethod,
    Person,
    ReferenceCounter,
    RefusalGround,
    RequestView,
    RightsRequest,
    Status,
    TransitionEvent,
)
from requests_app.models.machines import MACHINES, RESPONDED_STATUSES, machine_for

__all__ = [
    "CLOCK_STARTERS_VALUES",
    "FINISHED_STATUSES",
    "MACHINES",
    "RESPONDED_STATUSES",
    "WAITING_ON_REQUESTER",
    "Channel",
    "ClockEvent",
    "ClockEventKind",
    "Evidence",
    "EvidenceKind",
    "ExtraBankHoliday",
    "Letter",
    "LetterDirection",
    "LetterMethod",
    "Person",
    "ReferenceCounter",
    "RefusalGround",
    "RequestView",
    "RightsRequest",
    "Status",
    "TransitionEvent",
    "machine_for",
]

# Notices of the deadline sweep (engineer G).
from requests_app.models.notices import CLOCK_KINDS, DUE_DATE_KINDS, Notice, NoticeKind

__all__ += ["CLOCK_KINDS", "DUE_DATE_KINDS", "Notice", "NoticeKind"]

# Retention of closed requests (issue 7).
from requests_app.models.retention import (  # noqa: E402
    RequestDestructionCertificate,
    RequestRetentionDue,
    RequestStatistic,
)

__all__ += ["RequestDestructionCertificate", "RequestRetentionDue", "RequestStatistic"]
