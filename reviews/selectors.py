"""Reads of the partnership's holdings: each page's queries with their joins done up front."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from reviews.models import (
    AgencyKind,
    AgencySubmission,
    Category,
    CertificateKind,
    Correction,
    DataSubjectRecord,
    DestructionCertificate,
    HeldCategory,
    HitDecision,
    HoldingsImport,
    NotificationStatus,
    ProcessProfile,
    RecipientNotification,
    RecordStatus,
    Restriction,
    Review,
    ReviewStatus,
    ReviewType,
    SourceAgency,
    SubjectSearchHit,
    SubjectSearchRun,
    SubmissionType,
)
from reviews.retention import blocked_reasons
from reviews.retention import retention_days as retention_setting
from rights.retention import is_due, retention_due


def _active_restriction() -> Exists:
    return Exists(Restriction.objects.filter(record=OuterRef("pk"), lifted_at__isnull=True))


def confirmed_sources(request_reference: str, *, include_ncnd: bool = False) -> list[DataSubjectRecord]:
    """Records a caseworker confirmed as about the request's subject: the disclosure's sources.

    Records a Manager flagged neither-confirm-nor-deny are left out (they never reach a letter, a pack
    or its Art 15 section); `include_ncnd` is for staff work only, such as applying an erasure.

    The latest decision about a record for the request wins. Erased records are left out (nothing
    is left to disclose); restricted ones are included with `is_restricted` set, because giving a
    person their own data is not a new use (Art 18(2)), but any export must check assert_usable.
    """
    if not request_reference:
        return []
    decisions = (
        SubjectSearchHit.objects.filter(run__request_reference=request_reference)
        .exclude(decision=HitDecision.PENDING)
        .order_by("decided_at", "pk")
        .values_list("record_id", "decision")
    )
    latest: dict[int, str] = {}
    for record_id, decision in decisions:
        latest[record_id] = decision
    wanted = [record_id for record_id, decision in latest.items() if decision == HitDecision.CONFIRMED]
    records = DataSubjectRecord.objects.filter(pk__in=wanted, status=RecordStatus.ACTIVE)
    if not include_ncnd:
        records = records.filter(ncnd=False)
    return list(
        records.select_related("submission__review", "submission__agency")
        .prefetch_related("categories")
        .annotate(is_restricted=_active_restriction())
        .order_by("pk")
    )


def search_run_hits(run: SubjectSearchRun) -> list[SubjectSearchHit]:
    """A run's hits, best first, with each record, its review and agency, and who decided."""
    return list(
        SubjectSearchHit.objects.filter(run=run)
        .select_related("record__submission__review", "record__submission__agency", "decided_by")
        .annotate(
            record_restricted=Exists(Restriction.objects.filter(record=OuterRef("record_id"), lifted_at__isnull=True))
        )
        .order_by("rank")
    )


def search_runs_recent(*, hidden: Iterable[str] = (), limit: int = 20) -> list[SubjectSearchRun]:
    """The latest searches, leaving out those of requests the user may not open."""
    return list(
        SubjectSearchRun.objects.exclude(request_reference__in=[ref for ref in hidden if ref])
        .select_related("run_by")
        .annotate(
            hit_count=Count("hits"),
            confirmed=Count("hits", filter=Q(hits__decision=HitDecision.CONFIRMED)),
        )
        .order_by("-run_at", "-pk")[:limit]
    )


def search_runs_for_request(request_reference: str) -> list[SubjectSearchRun]:
    """A request's searches, as its evidence of a reasonable and proportionate search (Art 15(1A))."""
    return list(
        SubjectSearchRun.objects.filter(request_reference=request_reference)
        .select_related("run_by")
        .prefetch_related("hits__record__submission__review", "hits__record__submission__agency", "hits__decided_by")
        .order_by("run_at", "pk")
    )


def notifications_for(
    *, request_reference: str | None = None, status: str | None = None
) -> QuerySet[RecipientNotification]:
    """Art 19 notifications, optionally for one request or in one status, with agency and record joined."""
    queryset = RecipientNotification.objects.select_related("agency", "record", "handled_by")
    if request_reference is not None:
        queryset = queryset.filter(request_reference=request_reference)
    if status is not None:
        queryset = queryset.filter(status=status)
    return queryset.order_by("created_at", "pk")


def notifications_pending() -> QuerySet[RecipientNotification]:
    return notifications_for(status=NotificationStatus.PENDING)


def recipients_of(record: DataSubjectRecord) -> list[tuple[SourceAgency, str]]:
    """The agencies that supplied or received a record, for telling the requester who they are (Art 19)."""
    supplier = SourceAgency.objects.get(submissions__pk=record.submission_id)
    received = SourceAgency.objects.filter(received__record=record).exclude(pk=supplier.pk).distinct().order_by("name")
    return [(supplier, "supplied"), *((agency, "received") for agency in received)]


def restrictions_active(record: DataSubjectRecord) -> list[Restriction]:
    return list(Restriction.objects.filter(record=record, lifted_at__isnull=True).select_related("placed_by"))


# The "what we hold" table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryRow:
    key: str
    label: str
    total: int
    by_process: list[int]
    agency_kinds: list[str]


@dataclass(frozen=True)
class SourceRow:
    key: str
    label: str
    total: int
    by_agency_kind: list[int]


@dataclass(frozen=True)
class ProcessRow:
    key: str
    label: str
    purpose: str  # empty when no profile is recorded for the process
    lawful_basis: tuple[tuple[str, str], ...]  # (title, explanation), in the profile's order
    in_progress: int
    concluded_holding: int
    overdue: int
    on_legal_hold: int
    destroyed: int


@dataclass(frozen=True)
class LawfulBasisRow:
    """A lawful basis and the processes (their labels) that rest on it."""

    title: str
    explanation: str
    processes: tuple[str, ...]


@dataclass(frozen=True)
class AgencyRow:
    name: str
    kind: str
    data_owner: str
    submissions_held: int


@dataclass(frozen=True)
class WhatWeHold:
    """The privacy notice's table (purposes, categories, sources, lawful basis, retention) from the data held.

    Built for the "what we hold" page and for a disclosure pack's Art 15(1) section (with `record_ids`).
    """

    processes: list[ProcessRow]
    categories: list[CategoryRow]
    sources: list[SourceRow]
    agencies: list[AgencyRow]
    agency_kinds: list[str]
    lawful_basis: tuple[LawfulBasisRow, ...]
    retention_days: int
    retention: str
    records_held: int
    records_restricted: int
    certificates: int
    last_destroyed: dt.datetime | None


def retention_statement(days: int) -> str:
    """The retention rule in plain words (UK GDPR Art 5(1)(e), Art 15(1)(d))."""
    when = f"{days} day{'s' if days != 1 else ''} after" if days else "when"
    return (
        f"Agency data is destroyed {when} its review or audit concludes, unless a legal hold or an open request "
        "needs it."
    )


def what_we_hold(
    *, today: dt.date, retention_days: int | None = None, record_ids: Iterable[int] | None = None
) -> WhatWeHold:
    """The whole "what we hold" table from what is actually held: a fixed number of queries.

    `record_ids` narrows every count to those records (one person's confirmed records, for the Art
    15(1) section of their pack); purposes, lawful bases and retention are the same for everyone.
    `retention_days` defaults to the REVIEW_RETENTION_DAYS setting.
    """

    days = retention_setting() if retention_days is None else retention_days
    only = None if record_ids is None else sorted(set(record_ids))
    processes = list(ReviewType)
    process_index = {p.value: i for i, p in enumerate(processes)}
    kinds = list(AgencyKind)
    kind_index = {k.value: i for i, k in enumerate(kinds)}

    by_category: dict[str, list[int]] = {c.value: [0] * len(processes) for c in Category}
    kinds_by_category: dict[str, set[str]] = defaultdict(set)
    held_categories = HeldCategory.objects.filter(record__status=RecordStatus.ACTIVE, record__ncnd=False)
    if only is not None:
        held_categories = held_categories.filter(record_id__in=only)
    rows = (
        held_categories.values(
            "category", "record__submission__review__review_type", "record__submission__agency__kind"
        )
        .annotate(n=Count("record", distinct=True))
        .order_by()
    )
    for row in rows:
        by_category[row["category"]][process_index[row["record__submission__review__review_type"]]] += row["n"]
        kinds_by_category[row["category"]].add(row["record__submission__agency__kind"])
    categories = [
        CategoryRow(
            c.value,
            c.label,
            sum(by_category[c.value]),
            by_category[c.value],
            [k.label for k in kinds if k.value in kinds_by_category[c.value]],
        )
        for c in Category
    ]

    by_source: dict[str, list[int]] = {s.value: [0] * len(kinds) for s in SubmissionType}
    submissions = AgencySubmission.objects.filter(destroyed_at__isnull=True)
    if only is not None:
        submissions = submissions.filter(
            pk__in=DataSubjectRecord.objects.filter(pk__in=only, ncnd=False).values("submission_id")
        )
    for row in submissions.values("submission_type", "agency__kind").annotate(n=Count("pk")).order_by():
        by_source[row["submission_type"]][kind_index[row["agency__kind"]]] += row["n"]
    sources = [SourceRow(s.value, s.label, sum(by_source[s.value]), by_source[s.value]) for s in SubmissionType]

    agency_rows = SourceAgency.objects.annotate(
        held=Count("submissions", filter=Q(submissions__in=submissions), distinct=True)
    )
    if only is not None:
        agency_rows = agency_rows.filter(held__gt=0)
    agencies = [AgencyRow(a.name, a.get_kind_display(), a.data_owner, a.held) for a in agency_rows.order_by("name")]

    counts: dict[str, dict[str, int]] = {p.value: defaultdict(int) for p in processes}
    reviews = Review.objects.all()
    if only is not None:
        reviews = reviews.filter(submissions__subjects__in=only, submissions__subjects__ncnd=False).distinct()
    for review_type, status, concluded, legal_hold, destroyed_at in reviews.values_list(
        "review_type", "status", "concluded", "legal_hold", "agency_data_destroyed_at"
    ):
        tally = counts[review_type]
        if destroyed_at is not None:
            tally["destroyed"] += 1
        elif status == ReviewStatus.IN_PROGRESS:
            tally["in_progress"] += 1
        else:
            tally["concluded_holding"] += 1
            if legal_hold:
                tally["on_legal_hold"] += 1
            elif is_due(concluded, days, today):
                tally["overdue"] += 1
    purposes: dict[str, str] = {}
    bases_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for review_type, purpose, title, explanation in ProcessProfile.objects.order_by(
        "review_type", "lawful_bases__position", "lawful_bases__pk"
    ).values_list("review_type", "purpose", "lawful_bases__title", "lawful_bases__explanation"):
        purposes[review_type] = purpose
        if title is not None:
            bases_of[review_type].append((title, explanation))
    process_rows = []
    bases: dict[tuple[str, str], list[str]] = {}
    for p in processes:
        own = tuple(bases_of[p.value])
        for basis in own:
            bases.setdefault(basis, []).append(p.label)
        process_rows.append(
            ProcessRow(
                p.value,
                p.label,
                purposes.get(p.value, ""),
                own,
                counts[p.value]["in_progress"],
                counts[p.value]["concluded_holding"],
                counts[p.value]["overdue"],
                counts[p.value]["on_legal_hold"],
                counts[p.value]["destroyed"],
            )
        )

    records = DataSubjectRecord.objects.filter(status=RecordStatus.ACTIVE, ncnd=False)
    if only is not None:
        records = records.filter(pk__in=only)
    held = records.aggregate(
        total=Count("pk", distinct=True),
        restricted=Count(
            "pk", distinct=True, filter=Q(restrictions__lifted_at__isnull=True, restrictions__isnull=False)
        ),
    )
    certificates = DestructionCertificate.objects.all()
    if only is not None:
        certificates = certificates.filter(record_id__in=only).exclude(record__ncnd=True)
    certified = certificates.aggregate(n=Count("pk"), last=Max("destroyed_at"))
    return WhatWeHold(
        processes=process_rows,
        categories=categories,
        sources=sources,
        agencies=agencies,
        agency_kinds=[k.label for k in kinds],
        lawful_basis=tuple(LawfulBasisRow(title, text, tuple(labels)) for (title, text), labels in bases.items()),
        retention_days=days,
        retention=retention_statement(days),
        records_held=held["total"] or 0,
        records_restricted=held["restricted"] or 0,
        certificates=certified["n"] or 0,
        last_destroyed=certified["last"],
    )


# A review's page (Manager) ----------------------------------------------------------------------------


def reviews_for_manager() -> list[Review]:
    """Every review, newest first, with how many submissions and held records each still has."""
    return list(
        Review.objects.annotate(
            submissions_held=Count("submissions", filter=Q(submissions__destroyed_at__isnull=True), distinct=True),
            records_held=Count(
                "submissions__subjects",
                filter=Q(submissions__subjects__status=RecordStatus.ACTIVE),
                distinct=True,
            ),
        ).order_by("-started", "pk")
    )


@dataclass(frozen=True)
class ReviewOverview:
    """What a Manager needs to decide on a review: what it holds, when it is due, what blocks destruction."""

    review: Review
    submissions_held: int
    records_held: int
    due_on: dt.date | None  # None until the review concludes
    blocked: list[str]
    certificates: list[DestructionCertificate]
    not_yet: str  # why destruction cannot be confirmed today apart from `blocked`: not concluded, not due, done

    @property
    def destroyed(self) -> bool:
        return self.review.agency_data_destroyed_at is not None


def review_overview(*, review: Review, today: dt.date | None = None) -> ReviewOverview:
    """A review's holdings, its retention due date and what blocks destruction now (UK GDPR Art 5(1)(e))."""

    counts = Review.objects.filter(pk=review.pk).aggregate(
        n_submissions=Count("submissions", filter=Q(submissions__destroyed_at__isnull=True), distinct=True),
        n_records=Count(
            "submissions__subjects", filter=Q(submissions__subjects__status=RecordStatus.ACTIVE), distinct=True
        ),
    )
    today = today or timezone.localdate()
    due_on = retention_due(review.concluded, retention_setting()) if review.concluded else None
    destroyed = review.agency_data_destroyed_at is not None
    if destroyed:
        not_yet = f"The agency data of {review.reference} has already been destroyed."
    elif review.status != ReviewStatus.CONCLUDED or due_on is None:
        not_yet = f"{review.reference} has not concluded: its agency data is still needed."
    elif due_on > today:
        not_yet = f"The agency data of {review.reference} is not due for destruction until {due_on.day} {due_on:%B %Y}."
    else:
        not_yet = ""
    return ReviewOverview(
        review=review,
        submissions_held=counts["n_submissions"] or 0,
        records_held=counts["n_records"] or 0,
        due_on=due_on,
        blocked=[] if destroyed else blocked_reasons([review]).get(review.pk, []),
        certificates=list(
            DestructionCertificate.objects.filter(review=review, kind=CertificateKind.RETENTION).order_by(
                "-destroyed_at"
            )
        ),
        not_yet=not_yet,
    )


# What a request's rights did (for requests_app's request page and its letters) ----------------------------


@dataclass(frozen=True)
class RequestEffects:
    """What was done to held data for one rights request, and the Art 19 notices still to send."""

    request_reference: str
    corrections: list[Correction]  # Art 16, oldest first
    certificates: list[DestructionCertificate]  # Art 17 erasures for the request
    restrictions: list[Restriction]  # Art 18 and upheld Art 21 objections placed for it, lifted ones too
    notifications_pending: list[RecipientNotification]  # Art 19: recipients still to be told
    notifications_done: list[RecipientNotification]  # told, or not required (with the reason)


def effects_for_request(reference: str) -> RequestEffects:
    """Corrections, destruction certificates, restrictions and Art 19 notifications for a request: four queries."""
    if not reference:
        return RequestEffects(reference, [], [], [], [], [])
    notifications = list(notifications_for(request_reference=reference))
    return RequestEffects(
        request_reference=reference,
        corrections=list(
            Correction.objects.filter(request_reference=reference)
            .select_related("record", "made_by")
            .order_by("made_at", "pk")
        ),
        certificates=list(
            DestructionCertificate.objects.filter(request_reference=reference, kind=CertificateKind.ERASURE)
            .select_related("destroyed_by")
            .order_by("destroyed_at", "pk")
        ),
        restrictions=list(
            Restriction.objects.filter(request_reference=reference)
            .select_related("record", "placed_by", "lifted_by")
            .order_by("placed_at", "record_id", "pk")
        ),
        notifications_pending=[n for n in notifications if n.status == NotificationStatus.PENDING],
        notifications_done=[n for n in notifications if n.status != NotificationStatus.PENDING],
    )


# Entry pages ------------------------------------------------------------------------------------------------


def review_submissions(review: Review) -> list[AgencySubmission]:
    """A review's submissions with their agency and how many records each holds: one query."""
    return list(
        AgencySubmission.objects.filter(review=review)
        .select_related("agency")
        .annotate(records_held=Count("subjects", filter=Q(subjects__status=RecordStatus.ACTIVE)))
        .order_by("agency__name", "pk")
    )


def submission_records(submission: AgencySubmission) -> list[DataSubjectRecord]:
    """A submission's records with their categories: two queries."""
    return list(DataSubjectRecord.objects.filter(submission=submission).prefetch_related("categories").order_by("pk"))


def change_history(obj: object, *, limit: int = 50) -> list[object]:
    """An object's change history, newest first, with who made each change and why (django-simple-history)."""
    return list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])  # type: ignore[attr-defined]


def imports_recent(limit: int = 20) -> list[HoldingsImport]:
    return list(HoldingsImport.objects.select_related("uploaded_by").defer("content").order_by("-uploaded_at")[:limit])
