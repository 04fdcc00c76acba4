"""The case file's own top-level keys (sections registered by higher layers may not take them)."""

# Top-level keys in the order an export writes them; registered sections follow, sorted by key.
CORE_KEYS = (
    "format",
    "reference",
    "kind",
    "received",
    "channel",
    "summary",
    "status",
    "paused_from",
    "status_reason",
    "decision",
    "processing_restricted",
    "assigned_to",
    "restricted",
    "complex",
    "subject",
    "requester",
    "representative",
    "evidence",
    "letters",
    "clock",
    "extension_ground",  # added after the first format: the Art 12A ground in full
    "status_dates",  # added for legacy registers: the days the steps to the status were taken
    "fees",  # added with fees (UK GDPR Art 12(5)(a), 15(3)): each fee asked for, paid or waived
)
