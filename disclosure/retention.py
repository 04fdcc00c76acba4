"""Disclosure's part in destroying a closed request at the end of its retention (requests_app.retention_registry).

Everything disclosure keeps about the request goes, with every history row: agency returns asked for,
documents and their originals, redactions and their boxes, NCND items, third parties, professional
opinions, the event log, packs and their files, portal links and their accesses, dispatches. Agencies
themselves are not about the request and stay. Files and work folders go only once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable

from disclosure.models import (
    AgencyRequest,
    ConsentRequest,
    DisclosureEvent,
    Dispatch,
    Document,
    NcndFlag,
    OwnerReview,
    OwnerReviewAccess,
    OwnerReviewCode,
    Pack,
    PortalAccess,
    PortalCode,
    PortalLink,
    Redaction,
    RedactionBox,
    SeriousHarmOpinion,
    ThirdParty,
)
from requests_app.models import RightsRequest
from requests_app.retention_registry import Purged, delete_with_history, register_retention_part, stored_files

PART_NAME = "disclosure"


def purge_request_disclosure(request: RightsRequest) -> Purged:
    """Delete the request's disclosure rows (children first, so nothing is protected) and list their files."""
    pack_ids = list(Pack.objects.filter(request=request).values_list("pk", flat=True))
    document_ids = list(Document.objects.filter(request=request).values_list("pk", flat=True))
    files = [*stored_files(Pack, "file", pack_ids), *stored_files(Document, "original", document_ids)]
    counts: dict[str, int] = {}
    history = 0
    steps = (
        ("portal accesses", PortalAccess.objects.filter(link__pack__request=request), ()),
        ("portal codes", PortalCode.objects.filter(link__pack__request=request), ()),
        ("portal links", PortalLink.objects.filter(pack__request=request), ()),
        ("dispatches", Dispatch.objects.filter(pack__request=request), ()),
        ("packs", Pack.objects.filter(request=request), ()),
        ("NCND items", NcndFlag.objects.filter(request=request), ()),
        ("owner review accesses", OwnerReviewAccess.objects.filter(review__request=request), ()),
        ("owner review codes", OwnerReviewCode.objects.filter(review__request=request), ()),
        ("owner reviews", OwnerReview.objects.filter(request=request), ()),
        ("consent requests", ConsentRequest.objects.filter(third_party__request=request), ()),
        ("third parties", ThirdParty.objects.filter(request=request), ()),
        ("redactions", Redaction.objects.filter(document__request=request), (RedactionBox,)),
        ("disclosure events", DisclosureEvent.objects.filter(request=request), ()),
        ("documents", Document.objects.filter(request=request), ()),
        ("agency returns", AgencyRequest.objects.filter(request=request), ()),
        ("professional opinions", SeriousHarmOpinion.objects.filter(request=request), ()),
    )
    for label, queryset, cascades in steps:
        rows, history_rows = delete_with_history(queryset, also=cascades)
        if rows:
            counts[label] = rows
        history += history_rows
    return Purged(counts=counts, history_rows=history, files=files, after_commit=[_drop_work_of(pack_ids)])


def _drop_work_of(pack_ids: list[int]) -> Callable[[], None]:
    def drop() -> None:
        from disclosure.services.packs import _drop_work  # the pack builder's own work folders

        for pack_id in pack_ids:
            _drop_work(pack_id)

    return drop


def register() -> None:
    register_retention_part(PART_NAME, purge_request_disclosure)
