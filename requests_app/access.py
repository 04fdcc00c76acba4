"""Who may reach which object: one access function per model, used by every view and the admin.

The team (Managers and caseworkers) sees the team's requests; a request the Manager marks restricted is
open only to Managers and its assigned caseworker. A professional reviewer (with no other role) sees only
the requests referred to them for an opinion while the referral is open (requests_app.models.Referral):
not the queue, not packs or letters, and of the documents only those the opinion is asked on. Anonymous, inactive and role-less users see
nothing. A request the user may not open is reported as not found (404), never as forbidden, so
that its existence does not leak.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from core import roles
from core.roles import AnyUser
from requests_app.models import (
    Evidence,
    EvidenceKind,
    Letter,
    Person,
    Referral,
    ReferralKind,
    RightsRequest,
    SubmittedDocument,
)

NO_SUCH_REQUEST = "There is no such request."


def open_referrals_to(user: AnyUser, *kinds: str) -> QuerySet[Referral]:
    """The referrals open to this reviewer (of the given kinds, or any)."""
    if not user.is_authenticated:
        return Referral.objects.none()
    referrals = Referral.objects.filter(reviewer_id=user.pk, closed_at__isnull=True)
    return referrals.filter(kind__in=kinds) if kinds else referrals


def _visible(user: AnyUser, queryset: QuerySet[RightsRequest]) -> QuerySet[RightsRequest]:
    if not roles.is_team_member(user):
        return queryset.none()
    if roles.is_manager(user):
        return queryset
    if roles.reviews_only(user):
        return queryset.filter(pk__in=open_referrals_to(user).values("request_id"))
    return queryset.filter(Q(is_restricted=False) | Q(assigned_to_id=user.pk))


def requests_visible_to(user: AnyUser) -> QuerySet[RightsRequest]:
    """Every request the user may open; an empty queryset for anyone without a role."""
    return _visible(user, RightsRequest.objects.all())


def request_is_visible_to(request: RightsRequest, user: AnyUser) -> bool:
    """The same rule as requests_visible_to, for a request already in hand (no query once roles are cached)."""
    if not roles.is_team_member(user):
        return False
    if roles.is_manager(user):
        return True
    if roles.reviews_only(user):
        return referral_kinds(user, request.pk) != frozenset()
    if not request.is_restricted:
        return True
    return request.assigned_to_id is not None and request.assigned_to_id == user.pk


def referral_kinds(user: AnyUser, request_pk: int) -> frozenset[str]:
    """What this reviewer's open referrals on the request ask (one query)."""
    return frozenset(open_referrals_to(user).filter(request_id=request_pk).values_list("kind", flat=True))


def requests_open_in_full_to(user: AnyUser) -> QuerySet[RightsRequest]:
    """Requests whose every record (packs, letters, identity evidence) the user may open: not a reviewer's."""
    if roles.reviews_only(user):
        return RightsRequest.objects.none()
    return requests_visible_to(user)


def request_get_for_user(
    *,
    user: AnyUser,
    pk: int | None = None,
    reference: str | None = None,
    queryset: QuerySet[RightsRequest] | None = None,
) -> RightsRequest:
    """The request by pk or reference if the user may open it; otherwise Http404, as if it did not exist.

    `queryset` lets a selector add its joins; it is narrowed by the same rule.
    """
    if (pk is None) == (reference is None):
        raise ValueError("Give exactly one of pk or reference.")
    visible = _visible(user, queryset if queryset is not None else RightsRequest.objects.all())
    lookup: dict[str, object] = {"pk": pk} if pk is not None else {"reference": reference}
    try:
        return visible.get(**lookup)
    except RightsRequest.DoesNotExist:
        raise Http404("No such request.") from None


def letter_get_for_user(*, user: AnyUser, pk: int) -> Letter:
    """A letter of a request the user may open; otherwise Http404."""
    try:
        return Letter.objects.select_related("request").get(pk=pk, request__in=requests_open_in_full_to(user))
    except Letter.DoesNotExist:
        raise Http404("No such letter.") from None


def evidence_get_for_user(*, user: AnyUser, pk: int) -> Evidence:
    """Identity or authority evidence of a request the user may open; otherwise Http404. A reviewer asked about a
    child's competence sees the judgements of competence on that request, nothing else."""
    evidence = Evidence.objects.select_related("request")
    if roles.reviews_only(user):
        asked = open_referrals_to(user, ReferralKind.COMPETENCE).values("request_id")
        evidence = evidence.filter(kind=EvidenceKind.COMPETENCE, request__in=asked)
    else:
        evidence = evidence.filter(request__in=requests_visible_to(user))
    try:
        return evidence.get(pk=pk)
    except Evidence.DoesNotExist:
        raise Http404("No such evidence.") from None


def submitted_document_get_for_user(*, user: AnyUser, pk: int) -> SubmittedDocument:
    """Proof a requester sent with an online request: the team who may open the request (a reviewer, never:
    identity papers are not what an opinion is asked on); otherwise Http404."""
    documents = SubmittedDocument.objects.select_related("request")
    if roles.reviews_only(user):
        documents = documents.none()
    else:
        documents = documents.filter(request__in=requests_visible_to(user))
    try:
        return documents.get(pk=pk)
    except SubmittedDocument.DoesNotExist:
        raise Http404("No such document.") from None


def people_visible_to(user: AnyUser) -> QuerySet[Person]:
    """People named in a request the user may open (Managers: everyone)."""
    if not roles.is_team_member(user):
        return Person.objects.none()
    if roles.is_manager(user):
        return Person.objects.all()
    visible = requests_visible_to(user)
    linked = Person.objects.filter(Q(requests_as_subject__in=visible) | Q(requests_as_requester__in=visible))
    return Person.objects.filter(pk__in=linked.values("pk"))
