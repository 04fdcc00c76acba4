"""Disclosure data: records from agencies, documents, review decisions (and, from the pack
modules, packs and their delivery)."""

# Pack and delivery models (engineer E2) are imported below this line.
from disclosure.models.delivery import (
    PORTAL_MAX_TRIES,
    Dispatch,
    DispatchMethod,
    DispatchStatus,
    PortalAccess,
    PortalEvent,
    PortalLink,
)
from disclosure.models.pack import PACK_IN_PROGRESS, Pack, PackStatus
from disclosure.models.records import (
    DATA_OWNER_NOT_NAMED,
    OPEN_AGENCY_STATUSES,
    PAGE_SOURCES,
    SCAN_SOURCES,
    TEXT_SOURCES,
    Agency,
    AgencyKind,
    AgencyRequest,
    AgencyRequestStatus,
    DisclosureEvent,
    Document,
    SourceKind,
)
from disclosure.models.review import (
    EXEMPTION_CHOICES,
    Consent,
    DataArea,
    Judgement,
    NcndFlag,
    OpinionConclusion,
    Redaction,
    RedactionBox,
    RedactionKind,
    SeriousHarmOpinion,
    ThirdParty,
)

__all__ = [
    "DATA_OWNER_NOT_NAMED",
    "EXEMPTION_CHOICES",
    "OPEN_AGENCY_STATUSES",
    # Packs and delivery (engineer E2)
    "PACK_IN_PROGRESS",
    "PAGE_SOURCES",
    "PORTAL_MAX_TRIES",
    "SCAN_SOURCES",
    "TEXT_SOURCES",
    "Agency",
    "AgencyKind",
    "AgencyRequest",
    "AgencyRequestStatus",
    "Consent",
    "DataArea",
    "DisclosureEvent",
    "Dispatch",
    "DispatchMethod",
    "DispatchStatus",
    "Document",
    "Judgement",
    "NcndFlag",
    "OpinionConclusion",
    "Pack",
    "PackStatus",
    "PortalAccess",
    "PortalEvent",
    "PortalLink",
    "Redaction",
    "RedactionBox",
    "RedactionKind",
    "SeriousHarmOpinion",
    "SourceKind",
    "ThirdParty",
]
