"""The case: people, the rights request and its state machines, evidence, the clock, and letters."""

from requests_app.models.core import (
    CLOCK_STARTERS_VALUES,
    FINISHED_STATUSES,
    RESPONDED_STATUSES,
    WAITING_ON_REQUESTER,
    Channel,
    ClockEvent,
    ClockEventKind,
    CodeChannel,
    Evidence,
    EvidenceKind,
    ExtraBankHoliday,
    FormatNeed,
    Letter,
    LetterDirection,
    LetterMethod,
    Person,
    ReferenceCounter,
    RefusalGround,
    ReplyMethod,
    RequestView,
    RightsRequest,
    Status,
    TransitionEvent,
)
from requests_app.models.machines import MACHINES, machine_for

__all__ = [
    "CLOCK_STARTERS_VALUES",
    "FINISHED_STATUSES",
    "MACHINES",
    "RESPONDED_STATUSES",
    "WAITING_ON_REQUESTER",
    "Channel",
    "ClockEvent",
    "ClockEventKind",
    "CodeChannel",
    "Evidence",
    "EvidenceKind",
    "ExtraBankHoliday",
    "FormatNeed",
    "Letter",
    "LetterDirection",
    "LetterMethod",
    "Person",
    "ReferenceCounter",
    "RefusalGround",
    "ReplyMethod",
    "RequestView",
    "RightsRequest",
    "Status",
    "TransitionEvent",
    "machine_for",
]

# Notices of the deadline sweep.
from requests_app.models.notices import CLOCK_KINDS, DUE_DATE_KINDS, Notice, NoticeKind

__all__ += ["CLOCK_KINDS", "DUE_DATE_KINDS", "Notice", "NoticeKind"]

# Retention of closed requests.
from requests_app.models.retention import (  # noqa: E402
    RequestDestructionCertificate,
    RequestRetentionDue,
    RequestStatistic,
)

__all__ += ["RequestDestructionCertificate", "RequestRetentionDue", "RequestStatistic"]

# Messages the service sends itself.
from requests_app.models.messages import Message, MessageChannel, MessageStatus  # noqa: E402

__all__ += ["Message", "MessageChannel", "MessageStatus"]

# Named views of the request list, per user.
from requests_app.models.saved_views import SavedListView  # noqa: E402

__all__ += ["SavedListView"]

# Fees asked for on a request (UK GDPR Art 12(5)(a), 15(3)).
from requests_app.models.fees import Fee, FeeStatus  # noqa: E402

__all__ += ["Fee", "FeeStatus"]

# Referrals to a professional reviewer for an opinion.
from requests_app.models.referrals import Referral, ReferralKind  # noqa: E402

__all__ += ["Referral", "ReferralKind"]
# The public front door: online requests' email codes, status links, refused submissions.
from requests_app.models.online import (  # noqa: E402
    ONE_TIME_CODE_MAX_TRIES,
    OneTimeCode,
    OneTimeCodePurpose,
    OnlineRejection,
    RejectionReason,
    StatusLink,
    StatusPageEvent,
    SubmittedDocument,
)

__all__ += [
    "ONE_TIME_CODE_MAX_TRIES",
    "OneTimeCode",
    "OneTimeCodePurpose",
    "OnlineRejection",
    "RejectionReason",
    "StatusLink",
    "StatusPageEvent",
    "SubmittedDocument",
]

# Uses of restricted data on an Art 18(2) ground.
from requests_app.models.restricted_uses import RestrictedDataUse  # noqa: E402

__all__ += ["RestrictedDataUse"]
