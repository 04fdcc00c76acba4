"""Reads for an agency data owner's sign-off of its redactions: its own records (never another agency's), a digest
of them as they will be disclosed, and what still blocks sign-off (rights.owners)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db.models import QuerySet

from disclosure.models import Agency, Document, OwnerReview
from requests_app.models import RightsRequest
from rights.owners import OwnerAnswer, owner_sign_off_blocker


def agency_documents(request: RightsRequest, agency: Agency | int) -> QuerySet[Document]:
    """The agency's own records of this request, with what is redacted: never another agency's."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    return (
        Document.objects.filter(request=request, agency_id=agency_id)
        .prefetch_related("redactions__boxes", "ncnd_flags")
        .order_by("document_date", "pk")
    )


def owner_fingerprint(request: RightsRequest, agency: Agency | int) -> str:
    """A digest of the agency's records as they will be disclosed: any change in them or their redactions changes it."""
    state = [
        {
            "document": d.pk,
            "withheld": d.withheld_exemption,
            "ncnd": sorted((f.redaction_id or 0, f.exemption) for f in d.ncnd_flags.all()),
            "redactions": [
                [
                    r.pk,
                    r.exemption,
                    r.start,
                    r.end,
                    [
                        [b.page, round(b.x0, 1), round(b.top, 1), round(b.x1, 1), round(b.bottom, 1)]
                        for b in r.boxes.all()
                    ],
                ]
                for r in d.redactions.all()
            ],
        }
        for d in agency_documents(request, agency)
    ]
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def agencies_in_pack(request: RightsRequest, *, reviewed_here: bool = False) -> list[Agency]:
    """Every agency whose records are among the request's documents; with `reviewed_here`, only those with a record
    reviewed in Rights Desk (a case file's records marked reviewed by the file were reviewed, and any sign-off
    given, outside it: a change here undoes that review and brings the agency in)."""
    documents = Document.objects.filter(request=request, agency__isnull=False)
    if reviewed_here:
        documents = documents.filter(imported_reviewer="")
    ids = documents.values_list("agency_id", flat=True)
    return list(Agency.objects.filter(pk__in=ids).order_by("name", "pk"))


def current_reviews(request: RightsRequest) -> dict[int, OwnerReview]:
    """The latest owner review of each agency (superseded ones left out), by agency id."""
    reviews = OwnerReview.objects.filter(request=request).exclude(status=OwnerAnswer.SUPERSEDED.value)
    return {review.agency_id: review for review in reviews.select_related("agency", "waived_by", "revoked_by")}


def owner_review_blockers(request: RightsRequest, *, today: dt.date) -> list[str]:
    """Why the pack may not be signed off for want of an agency's answer (rights.owners), in plain words."""
    reviews = current_reviews(request)
    reasons: list[str] = []
    for agency in agencies_in_pack(request, reviewed_here=True):
        review = reviews.get(agency.pk)
        reason = owner_sign_off_blocker(
            agency=agency.name,
            answer=review.answer if review else None,
            due_on=review.due_on if review else None,
            records_changed=review is not None and review.fingerprint != owner_fingerprint(request, agency),
            today=today,
            revoked=review is not None and review.revoked_at is not None,
        )
        if reason:
            reasons.append(reason)
    return reasons
