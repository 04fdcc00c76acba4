"""Writes to the partnership's holdings, and what each data right does to them.

Each service is one transaction: lock the row, check, change, save with a history reason, and
write its record (correction, restriction, certificate, notification) in the same transaction.
Never queryset.update() on a tracked model: it records no history.
"""

from reviews.services.effects import (
    IDENTITY_FIELDS,
    Rectified,
    Restricted,
    notification_mark_not_required,
    notification_mark_sent,
    restriction_lift,
    subject_objection_uphold,
    subject_rectify,
    subject_restrict,
)
from reviews.services.erasure import (
    ERASED_HIT_REASON,
    Erased,
    ErasureCounts,
    holds_blocking,
    record_wipe,
    subject_erase,
)
from reviews.services.holdings import (
    agency_create,
    assert_usable,
    holding_view_record,
    record_set_ncnd,
    review_conclude,
    review_create,
    review_set_legal_hold,
    review_update,
    subject_add_to_review,
    subject_export,
    subject_record_create,
    subject_record_update,
    submission_create,
)
from reviews.services.request_effects import (
    request_erase,
    request_objection_uphold,
    request_rectify,
    request_restrict,
    request_restriction_lift,
)
from reviews.services.searches import (
    SearchScope,
    search_hit_decide,
    search_run_create,
    search_run_record_scope,
    search_runs_purge,
)

__all__ = [
    "ERASED_HIT_REASON",
    "IDENTITY_FIELDS",
    "Erased",
    "ErasureCounts",
    "Rectified",
    "Restricted",
    "SearchScope",
    "agency_create",
    "assert_usable",
    "holding_view_record",
    "holds_blocking",
    "notification_mark_not_required",
    "notification_mark_sent",
    "record_set_ncnd",
    "record_wipe",
    "request_erase",
    "request_objection_uphold",
    "request_rectify",
    "request_restrict",
    "request_restriction_lift",
    "restriction_lift",
    "review_conclude",
    "review_create",
    "review_set_legal_hold",
    "review_update",
    "search_hit_decide",
    "search_run_create",
    "search_run_record_scope",
    "search_runs_purge",
    "subject_add_to_review",
    "subject_erase",
    "subject_export",
    "subject_objection_uphold",
    "subject_record_create",
    "subject_record_update",
    "subject_rectify",
    "subject_restrict",
    "submission_create",
]
