"""Who may reach which disclosure object: each goes through the request it belongs to.

A user who may not open the request gets Http404 for everything in it, as if it did not exist
(requests_app.access decides who may open a request). A professional reviewer reaches, of a request referred
to them, only the documents the opinion is asked on: for serious harm, those where harm is a concern.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from core import roles
from core.roles import AnyUser
from disclosure.models import (
    Agency,
    AgencyRequest,
    AgencyReturnFile,
    ConsentAnswerLink,
    Document,
    NcndFlag,
    Redaction,
    SeriousHarmOpinion,
    ThirdParty,
)
from requests_app.access import open_referrals_to, request_get_for_user, requests_open_in_full_to, requests_visible_to
from requests_app.models import ReferralKind, RightsRequest

__all__ = [
    "agencies_visible_to",
    "agency_get_for_user",
    "agency_request_get_for_user",
    "consent_answer_link_get_for_user",
    "document_get_for_user",
    "documents_visible_to",
    "ncnd_flag_get_for_user",
    "opinion_get_for_user",
    "redaction_get_for_user",
    "request_get_for_user",
    "return_file_get_for_user",
    "third_party_get_for_user",
]


def agencies_visible_to(user: AnyUser) -> QuerySet[Agency]:
    """The partner agencies: the whole team works with them; nobody else sees them."""
    if not roles.is_team_member(user):
        return Agency.objects.none()
    return Agency.objects.all()


def agency_get_for_user(*, user: AnyUser, pk: int) -> Agency:
    try:
        return agencies_visible_to(user).get(pk=pk)
    except Agency.DoesNotExist:
        raise Http404("No such agency.") from None


def _visible_requests(user: AnyUser) -> QuerySet[RightsRequest]:
    return requests_visible_to(user)


def documents_visible_to(user: AnyUser, queryset: QuerySet[Document] | None = None) -> QuerySet[Document]:
    """The documents the user may open: those of requests they may open; for a professional reviewer, those where
    harm is a concern in requests referred to them for a serious-harm opinion (DPA 2018 Sch 3 Pt 2 para 5)."""
    documents = queryset if queryset is not None else Document.objects.all()
    if roles.reviews_only(user):
        asked = open_referrals_to(user, ReferralKind.SERIOUS_HARM).values("request_id")
        return documents.filter(harm_concern=True, request__in=asked)
    return documents.filter(request__in=_visible_requests(user))


def document_get_for_user(*, user: AnyUser, pk: int, request_pk: int | None = None) -> Document:
    """A document the user may open (and of `request_pk`, when given); otherwise Http404."""
    queryset = documents_visible_to(user, Document.objects.select_related("request", "agency", "reviewed_by"))
    if request_pk is not None:
        queryset = queryset.filter(request_id=request_pk)
    try:
        return queryset.get(pk=pk)
    except Document.DoesNotExist:
        raise Http404("No such document.") from None


def agency_request_get_for_user(*, user: AnyUser, pk: int) -> AgencyRequest:
    try:
        return AgencyRequest.objects.select_related("request", "agency").get(
            pk=pk, request__in=requests_open_in_full_to(user)
        )
    except AgencyRequest.DoesNotExist:
        raise Http404("No such agency request.") from None


def consent_answer_link_get_for_user(*, user: AnyUser, pk: int) -> ConsentAnswerLink:
    try:
        return ConsentAnswerLink.objects.select_related("consent__third_party").get(
            pk=pk, consent__third_party__request__in=requests_open_in_full_to(user)
        )
    except ConsentAnswerLink.DoesNotExist:
        raise Http404("No such answer link.") from None


def return_file_get_for_user(*, user: AnyUser, pk: int) -> AgencyReturnFile:
    try:
        return AgencyReturnFile.objects.select_related("agency_return__agency_request").get(
            pk=pk, agency_return__agency_request__request__in=requests_open_in_full_to(user)
        )
    except AgencyReturnFile.DoesNotExist:
        raise Http404("No such returned file.") from None


def redaction_get_for_user(*, user: AnyUser, pk: int) -> Redaction:
    try:
        return Redaction.objects.select_related("document", "document__request").get(
            pk=pk, document__in=documents_visible_to(user)
        )
    except Redaction.DoesNotExist:
        raise Http404("No such redaction.") from None


def third_party_get_for_user(*, user: AnyUser, pk: int) -> ThirdParty:
    try:
        third_parties = ThirdParty.objects.select_related("request", "document")
        if roles.reviews_only(user):  # the request's own third parties, and those in the documents they may open
            third_parties = third_parties.filter(Q(document__isnull=True) | Q(document__in=documents_visible_to(user)))
        return third_parties.get(pk=pk, request__in=_visible_requests(user))
    except ThirdParty.DoesNotExist:
        raise Http404("No such third party.") from None


def ncnd_flag_get_for_user(*, user: AnyUser, pk: int) -> NcndFlag:
    try:
        return NcndFlag.objects.select_related("request", "document", "redaction").get(
            pk=pk, request__in=_visible_requests(user), document__in=documents_visible_to(user)
        )
    except NcndFlag.DoesNotExist:
        raise Http404("No such flag.") from None


def opinion_get_for_user(*, user: AnyUser, pk: int) -> SeriousHarmOpinion:
    try:
        return SeriousHarmOpinion.objects.select_related("request").get(pk=pk, request__in=_visible_requests(user))
    except SeriousHarmOpinion.DoesNotExist:
        raise Http404("No such opinion.") from None
