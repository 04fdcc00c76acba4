"""Reads for packs and their delivery, and the one access function per model that every staff page uses.

A pack, portal link or dispatch is reachable only through its request, and only by someone who may
open that request (requests_app.access): anyone else gets Http404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from core.roles import AnyUser
from disclosure.models import Dispatch, Pack, PackStatus, PortalAccess, PortalLink
from disclosure.pack.build import build_inputs
from requests_app.access import requests_open_in_full_to
from requests_app.models import Evidence, EvidenceKind, RightsRequest


def packs_for_request(request: RightsRequest) -> QuerySet[Pack]:
    """The request's packs and previews, newest first."""
    return (
        Pack.objects.filter(request=request).select_related("created_by", "released_by").order_by("-created_at", "-pk")
    )


def latest_packs(request: RightsRequest) -> tuple[Pack | None, Pack | None]:
    """The newest pack and the newest preview (either may be None)."""
    packs = list(packs_for_request(request)[:20])
    return (
        next((p for p in packs if not p.preview), None),
        next((p for p in packs if p.preview), None),
    )


def latest_verified_preview(request: RightsRequest) -> Pack | None:
    """The newest preview that rendered and passed verification, if any (one query)."""
    return (
        Pack.objects.filter(request=request, preview=True, status=PackStatus.VERIFIED)
        .order_by("-created_at", "-pk")
        .first()
    )


def preview_is_current(request: RightsRequest, preview: Pack) -> bool:
    """Would the preview be made the same from the records as they are now?

    The records are read again into the pack's inputs as of the preview's letter date, and their fingerprint
    compared with the one the preview was made from: the same fingerprint, the same pages. Any change to what goes
    in the pack (a document, a redaction or its exemption, a document withheld or flagged, a third party's decision,
    the addressee, the Art 15 information) makes it stale; a change that alters nothing in the pack does not. A
    preview without a recorded fingerprint or letter date cannot be shown current, so it is not.
    """
    if not preview.inputs_hash or preview.letter_date is None:
        return False
    inputs = build_inputs(request, preview=True, letter_date=preview.letter_date, by=preview.created_by)
    return inputs.fingerprint() == preview.inputs_hash


STALE_PREVIEW = (
    "Preview {pk} is out of date: a document, redaction, exemption or other record in the pack changed after it "
    "was made. Make a new preview (on the request's pack page) and check it before approving."
)


def preview_check(request: RightsRequest) -> str | None:
    """The condition on "approve" (registered in DisclosureConfig.ready): the Manager signs off a pack they can
    have looked at, so a verified preview of it must exist and still be what the records make.
    A step imported from a case file is a record of the past."""
    if getattr(request, "_record_only", False):
        return None
    preview = latest_verified_preview(request)
    if preview is None:
        return (
            "No verified preview of the pack exists: make a preview (on the request's pack page) and check it "
            "before approving."
        )
    if not preview_is_current(request, preview):
        return STALE_PREVIEW.format(pk=preview.pk)
    return None


def pack_get_for_user(*, user: AnyUser, pk: int, request_pk: int | None = None) -> Pack:
    """A pack of a request the user may open (and of `request_pk`, when given); otherwise Http404."""
    queryset = Pack.objects.select_related(
        "request", "request__subject", "request__requester", "created_by", "released_by", "cover_letter"
    ).filter(request__in=requests_open_in_full_to(user))
    if request_pk is not None:
        queryset = queryset.filter(request_id=request_pk)
    try:
        return queryset.get(pk=pk)
    except Pack.DoesNotExist:
        raise Http404("No such pack.") from None


def portal_link_get_for_user(*, user: AnyUser, pk: int, pack: Pack) -> PortalLink:
    try:
        return PortalLink.objects.select_related("pack__request").get(
            pk=pk, pack=pack, pack__request__in=requests_open_in_full_to(user)
        )
    except PortalLink.DoesNotExist:
        raise Http404("No such link.") from None


def dispatch_get_for_user(*, user: AnyUser, pk: int, pack: Pack) -> Dispatch:
    try:
        return Dispatch.objects.select_related("pack__request").get(
            pk=pk, pack=pack, pack__request__in=requests_open_in_full_to(user)
        )
    except Dispatch.DoesNotExist:
        raise Http404("No such dispatch.") from None


@dataclass(frozen=True)
class Delivery:
    links: list[PortalLink]
    dispatches: list[Dispatch]


def pack_delivery(pack: Pack) -> Delivery:
    """The pack's portal links (with every access) and dispatches, in a fixed number of queries."""
    links = list(
        PortalLink.objects.filter(pack=pack)
        .select_related("created_by", "revoked_by", "sent_by", "message")
        .prefetch_related(Prefetch("accesses", queryset=PortalAccess.objects.order_by("at", "pk")))
        .order_by("-created_at", "-pk")
    )
    dispatches = list(
        Dispatch.objects.filter(pack=pack)
        .select_related("prepared_by", "checked_by", "dispatched_by")
        .order_by("-prepared_at", "-pk")
    )
    return Delivery(links=links, dispatches=dispatches)


# What the second person checks a posted pack's address against ---------------------------------------------------

ADDRESS_EVIDENCE_KINDS = (EvidenceKind.IDENTITY, EvidenceKind.AUTHORITY)


def address_evidence(request: RightsRequest) -> list[Evidence]:
    """The request's identity and authority evidence, identity first, newest first within each kind."""
    evidence = Evidence.objects.filter(request=request, kind__in=ADDRESS_EVIDENCE_KINDS).select_related("seen_by")
    return sorted(evidence, key=lambda e: (e.kind != EvidenceKind.IDENTITY, -e.seen_on.toordinal(), -e.pk))


def evidence_address(evidence: Evidence) -> str:
    """The address the evidence records, if it records one (the evidence model may not have the field at all)."""
    return str(getattr(evidence, "address", "") or "").strip()


def recorded_address(evidence: list[Evidence]) -> str:
    """The verified address: the one on the newest identity evidence that records one, else on authority evidence."""
    return next((address for address in map(evidence_address, evidence) if address), "")
