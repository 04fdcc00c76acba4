"""Reads for disclosure: what review found, what blocks approval, and what the requester may see.

Neither-confirm-nor-deny: a document flagged NCND (approved or only proposed) is absent from
`requester_visible_documents`, and an NCND redaction is absent from `redaction_counts_for_requester`;
every letter, schedule and count built for the requester must use these two.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from disclosure.models import (
    OPEN_AGENCY_STATUSES,
    Agency,
    AgencyKind,
    AgencyRequest,
    DataArea,
    Document,
    NcndFlag,
    OpinionConclusion,
    OwnerReview,
    Redaction,
    RedactionBox,
    RedactionKind,
    SeriousHarmOpinion,
    ThirdParty,
)
from disclosure.owner_selectors import agencies_in_pack, current_reviews, owner_fingerprint, owner_review_blockers
from requests_app.models import FINISHED_STATUSES, RightsRequest, Status
from reviews.models import HitDecision, SubjectSearchHit, SubjectSearchRun
from reviews.selectors import confirmed_sources
from rights import EXEMPTIONS, RightKind, health_data_disclosure_refusal
from rights.exemptions import opinion_is_current, opinion_last_day, professional_redaction_refusal
from rights.owners import OwnerAnswer, manager_override_refusal
from rights.searches import SearchRecord, SubjectTerms, search_record_gaps

AREA_FLAGS: dict[str, str] = {
    DataArea.HEALTH.value: "holds_health_data",
    DataArea.SOCIAL_WORK.value: "holds_social_work_data",
    DataArea.EDUCATION.value: "holds_education_data",
}
AREA_WORDS: dict[str, str] = {
    DataArea.HEALTH.value: "health",
    DataArea.SOCIAL_WORK.value: "social work",
    DataArea.EDUCATION.value: "education",
}
AREA_PROFESSIONALS: dict[str, str] = {
    DataArea.HEALTH.value: "an appropriate health professional",
    DataArea.SOCIAL_WORK.value: "an appropriate social work professional",
    DataArea.EDUCATION.value: "an appropriate education professional",
}
# DPA 2018 Sch 3 Pts 2-4: the kind of data each serious-harm exemption covers, whose professional's opinion it needs.
OPINION_EXEMPTION_AREAS: dict[str, str] = {
    "serious_harm_health": DataArea.HEALTH.value,
    "serious_harm_social_work": DataArea.SOCIAL_WORK.value,
    "serious_harm_education": DataArea.EDUCATION.value,
}
_unmapped = sorted(
    k for k, e in EXEMPTIONS.items() if e.needs_professional_opinion and k not in OPINION_EXEMPTION_AREAS
)
if _unmapped:  # a new exemption needing an opinion must say whose, or its guard would be silently off
    raise ImproperlyConfigured(f"No data area for the exemptions needing an opinion: {', '.join(_unmapped)}.")
# DPA 2018 Sch 3 Pt 2 para 5(2): withholding relies on an opinion that the serious harm test is met.
WITHHOLDING_CONCLUSIONS = frozenset({OpinionConclusion.WITHHOLD.value, OpinionConclusion.WITHHOLD_IN_PART.value})


def _names(items: Sequence[str], limit: int = 5) -> str:
    shown = [f"“{item}”" for item in items[:limit]]
    if len(items) > limit:
        shown.append(f"and {len(items) - limit} more")
    return ", ".join(shown)


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


# ---------------------------------------------------------------------------------------------------------------------
# Documents


def documents_for_request(request: RightsRequest) -> QuerySet[Document]:
    """Every document of the request, for staff, with redactions, boxes and flags fetched up front."""
    return (
        Document.objects.filter(request=request)
        .select_related("agency", "reviewed_by")
        .prefetch_related(
            Prefetch("redactions", queryset=Redaction.objects.order_by("start", "pk").prefetch_related("boxes")),
            Prefetch("ncnd_flags", queryset=NcndFlag.objects.select_related("approved_by")),
        )
        .order_by("pk")
    )


def document_for_review(document: Document) -> Document:
    """One document with everything its review page shows."""
    return documents_for_request(document.request).get(pk=document.pk)


def requester_visible_documents(request: RightsRequest) -> QuerySet[Document]:
    """The documents whose existence the requester may learn of: all but those flagged neither confirm nor deny.

    Documents withheld in full (without NCND) are included: the schedule lists them as withheld.
    """
    ncnd_documents = NcndFlag.objects.filter(request=request, redaction__isnull=True).values("document_id")
    return documents_for_request(request).exclude(pk__in=ncnd_documents)


def _ncnd_redaction_ids(document: Document) -> set[int]:
    return {flag.redaction_id for flag in document.ncnd_flags.all() if flag.redaction_id is not None}


def document_is_ncnd(document: Document) -> bool:
    return any(flag.redaction_id is None for flag in document.ncnd_flags.all())


def requester_visible_redactions(document: Document) -> list[Redaction]:
    """The redactions the requester may be told about (NCND ones are left out); empty for an NCND document."""
    if document_is_ncnd(document):
        return []
    hidden = _ncnd_redaction_ids(document)
    return [r for r in document.redactions.all() if r.pk not in hidden]


def redaction_counts_for_requester(document: Document) -> dict[str, int]:
    """Redactions by exemption key ({"third_party": 3, ...}), for the schedule: NCND redactions are not counted.

    Look the printed code up with rights.EXEMPTIONS[key].code. Empty for a document flagged NCND.
    """
    counts = Counter(r.exemption for r in requester_visible_redactions(document))
    return {key: counts[key] for key in EXEMPTIONS if counts[key]}


def redaction_counts(document: Document) -> dict[str, int]:
    """All redactions by exemption key, NCND included: for staff pages only."""
    counts = Counter(r.exemption for r in document.redactions.all())
    return {key: counts[key] for key in EXEMPTIONS if counts[key]}


@dataclass(frozen=True)
class MergedSpan:
    start: int
    end: int
    exemptions: tuple[str, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(EXEMPTIONS[key].code for key in self.exemptions)


def merged_spans(redactions: Iterable[Redaction]) -> list[MergedSpan]:
    """Span redactions with overlapping or touching ones joined, in order: what to replace in the text."""
    spans = sorted(
        (r.start, r.end, r.exemption)
        for r in redactions
        if r.kind == RedactionKind.SPAN and r.start is not None and r.end is not None
    )
    merged: list[tuple[int, int, list[str]]] = []
    for start, end, exemption in spans:
        if merged and start <= merged[-1][1]:
            last = merged[-1]
            keys = last[2] if exemption in last[2] else [*last[2], exemption]
            merged[-1] = (last[0], max(last[1], end), keys)
        else:
            merged.append((start, end, [exemption]))
    return [MergedSpan(start, end, tuple(keys)) for start, end, keys in merged]


@dataclass(frozen=True)
class Segment:
    """A run of the document's text, redacted (with its codes) or not."""

    text: str
    start: int
    codes: tuple[str, ...] = ()

    @property
    def redacted(self) -> bool:
        return bool(self.codes)


def text_segments(text: str, redactions: Iterable[Redaction]) -> list[Segment]:
    """The text cut into plain and redacted runs, for the review page's highlighting."""
    segments: list[Segment] = []
    position = 0
    for span in merged_spans(redactions):
        if span.start > position:
            segments.append(Segment(text[position : span.start], position))
        segments.append(Segment(text[span.start : span.end], span.start, span.codes))
        position = span.end
    if position < len(text):
        segments.append(Segment(text[position:], position))
    return segments


def boxes_on_page(document: Document, page: int) -> list[tuple[RedactionBox, Redaction]]:
    """Every redaction box on a page, with its redaction (uses prefetched redactions when present)."""
    return [(box, r) for r in document.redactions.all() for box in r.boxes.all() if box.page == page]


# ---------------------------------------------------------------------------------------------------------------------
# Professionals acting in their role (DPA 2018 Sch 2 Pt 3 para 17)

# A spelling shorter than this (an initial) would match inside unrelated words.
MIN_NAME_MATCH = 3


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def professionals_in_role(request: RightsRequest) -> list[ThirdParty]:
    """The third parties recorded as health, social work or education professionals acting in their role."""
    return list(ThirdParty.objects.filter(request=request, is_professional_in_role=True).order_by("name", "pk"))


def professional_named(text: str, professionals: Sequence[ThirdParty]) -> ThirdParty | None:
    """The professional in role whose name (any recorded spelling) the redacted words hold, if any."""
    haystack = _folded(text)
    if not haystack:
        return None
    for party in professionals:
        for spelling in party.spellings:
            folded = _folded(spelling)
            if len(folded) >= MIN_NAME_MATCH and folded in haystack:
                return party
    return None


def redaction_words(redaction: Redaction) -> str:
    return f"{redaction.text} {redaction.phrase}".strip()


def professional_redaction_blockers(request: RightsRequest, documents: Sequence[Document]) -> list[str]:
    """Redactions of a professional-in-role's name that give no usable reason (para 17), one line per professional."""
    professionals = professionals_in_role(request)
    if not professionals:
        return []
    waiting: dict[int, tuple[ThirdParty, str, list[str]]] = {}
    redactions = Redaction.objects.filter(document__in=[d.pk for d in documents]).select_related("document")
    for redaction in redactions.order_by("document_id", "pk"):
        party = professional_named(redaction_words(redaction), professionals)
        if party is None:
            continue
        problem = professional_redaction_refusal(
            name=party.name, reason=redaction.reason, redacted_text=redaction_words(redaction)
        )
        if problem:
            entry = waiting.setdefault(party.pk, (party, problem, []))
            if redaction.document.title not in entry[2]:
                entry[2].append(redaction.document.title)
    return [
        f"{problem} Their name is redacted without a usable reason in {_names(titles)}: remove those redactions, "
        "or redact again giving the reason."
        for _party, problem, titles in waiting.values()
    ]


def professional_reasons(document: Document, professionals: Sequence[ThirdParty]) -> tuple[tuple[str, str], ...]:
    """For the schedule: (code, reason) for each requester-visible redaction of a professional in role, once each."""
    rows: list[tuple[str, str]] = []
    for redaction in requester_visible_redactions(document):
        if redaction.reason.strip() and professional_named(redaction_words(redaction), professionals) is not None:
            row = (EXEMPTIONS[redaction.exemption].code, " ".join(redaction.reason.split()))
            if row not in rows:
                rows.append(row)
    return tuple(rows)


# ---------------------------------------------------------------------------------------------------------------------
# What blocks approval


def _opinion_reliance(request: RightsRequest, documents: Sequence[Document]) -> dict[str, list[Document]]:
    """Per data area, the documents that withhold anything under its serious-harm exemption: a redaction,
    a neither-confirm-nor-deny flag, or the whole document (two queries)."""
    keys = list(OPINION_EXEMPTION_AREAS)
    used: dict[int, set[str]] = {}
    redactions = Redaction.objects.filter(document__request=request, exemption__in=keys)
    flags = NcndFlag.objects.filter(request=request, exemption__in=keys)
    for document_id, key in [
        *redactions.values_list("document_id", "exemption"),
        *flags.values_list("document_id", "exemption"),
    ]:
        used.setdefault(document_id, set()).add(key)
    for document in documents:
        if document.withheld_exemption in OPINION_EXEMPTION_AREAS:
            used.setdefault(document.pk, set()).add(document.withheld_exemption)
    relying: dict[str, list[Document]] = {}
    for document in documents:
        for key in sorted(used.get(document.pk, ())):
            relying.setdefault(OPINION_EXEMPTION_AREAS[key], []).append(document)
    return relying


# An opinion that finds the serious harm test not met for what is disclosed (Sch 3 Pt 2 para 6(1)(a)): "disclose",
# or "withhold in part" (the rest is found safe to disclose); "withhold" covers nothing that goes.
DISCLOSING_CONCLUSIONS = frozenset({OpinionConclusion.DISCLOSE.value, OpinionConclusion.WITHHOLD_IN_PART.value})


def _health_disclosure_blockers(
    documents: Sequence[Document], opinions: Sequence[SeriousHarmOpinion], today: dt.date
) -> list[str]:
    """Every document disclosing health data needs a current "not likely to cause serious harm" opinion, or a
    record that the subject has already seen or knows it (DPA 2018 Sch 3 Pt 2 para 6), on `today`."""
    dates = [o.opinion_date for o in opinions if o.area == DataArea.HEALTH and o.conclusion in DISCLOSING_CONCLUSIONS]
    waiting: dict[str, list[str]] = {}
    for document in documents:
        if not document.holds_health_data or document.withheld_exemption:
            continue  # nothing of it goes, so nothing is disclosed (a document withheld in full)
        refusal = health_data_disclosure_refusal(
            opinions_test_not_met=dates, already_seen_or_known=document.subject_already_knows, today=today
        )
        if refusal:
            waiting.setdefault(refusal, []).append(document.title)
    return [
        f"{_names(titles)} {'holds' if len(titles) == 1 else 'hold'} health data that cannot be disclosed yet: {why}."
        for why, titles in waiting.items()
    ]


def _opinion_blockers(
    documents: Sequence[Document],
    opinions: Sequence[SeriousHarmOpinion],
    today: dt.date,
    relying: dict[str, list[Document]] | None = None,
) -> list[str]:
    reasons: list[str] = []
    relying = relying or {}
    health_current = any(o.area == DataArea.HEALTH and opinion_is_current(o.opinion_date, today) for o in opinions)
    health_asked = any(d.harm_concern and d.holds_health_data for d in documents) or relying.get(DataArea.HEALTH)
    if health_current or not health_asked:  # else the area's own reason below already asks for the opinion
        reasons.extend(_health_disclosure_blockers(documents, opinions, today))
    for area, flag in AREA_FLAGS.items():
        concerned = [d.title for d in documents if d.harm_concern and getattr(d, flag)]
        withholding = [d.title for d in relying.get(area, [])]
        if not concerned and not withholding:
            continue
        words = AREA_WORDS[area]
        exemption_key = next(k for k, a in OPINION_EXEMPTION_AREAS.items() if a == area)
        code = EXEMPTIONS[exemption_key].code
        unflagged = [d.title for d in relying.get(area, []) if not getattr(d, flag)]
        if unflagged:
            # Sch 3 Pts 2-4: each serious-harm exemption applies only to that kind of data.
            reasons.append(
                f"{_names(unflagged)} {'withholds' if len(unflagged) == 1 else 'withhold'} information under the "
                f"serious-harm exemption for {words} data ({code}) but {'is' if len(unflagged) == 1 else 'are'} not "
                f"marked as holding {words} data: correct the document's details or the exemption."
            )
        in_area = [o for o in opinions if o.area == area]
        current = [o for o in in_area if opinion_is_current(o.opinion_date, today)]
        if not current:
            if in_area:
                latest = max(in_area, key=lambda o: (o.opinion_date, o.pk))
                reasons.append(
                    f"The serious-harm opinion on {words} data given on {_day(latest.opinion_date)} could be relied "
                    f"on only until {_day(opinion_last_day(latest.opinion_date))}: it must be renewed "
                    "(DPA 2018 Sch 3: an opinion must be less than six months old)."
                )
                continue
            if concerned:
                reasons.append(
                    f"{_names(concerned)} {'holds' if len(concerned) == 1 else 'hold'} {words} data and harm is a "
                    f"concern: record the opinion of {AREA_PROFESSIONALS[area]} on serious harm (DPA 2018 Sch 3)."
                )
            if withholding:
                reasons.append(
                    f"{_names(withholding)} {'withholds' if len(withholding) == 1 else 'withhold'} information under "
                    f"the serious-harm exemption for {words} data ({code}), but no opinion of "
                    f"{AREA_PROFESSIONALS[area]} is recorded: record their opinion that disclosure would be likely "
                    "to cause serious harm, or remove those redactions (DPA 2018 Sch 3)."
                )
            continue
        relied_on = max(current, key=lambda o: (o.opinion_date, o.pk))
        if withholding and relied_on.conclusion not in WITHHOLDING_CONCLUSIONS:
            # Sch 3 Pt 2 para 5(2): the exemption holds only on an opinion that the serious harm test is met.
            reasons.append(
                f"The latest serious-harm opinion on {words} data (given on {_day(relied_on.opinion_date)}) is to "
                f"disclose, yet {_names(withholding)} {'withholds' if len(withholding) == 1 else 'withhold'} "
                f"information under the serious-harm exemption ({code}): remove those redactions, or record the "
                "opinion that supports them."
            )
    return reasons


def opinion_blockers(request: RightsRequest, *, today: dt.date) -> list[str]:
    """What the serious-harm opinions do not cover on `today`, in plain words (DPA 2018 Sch 3; Sch 3 Pt 2 para 6
    counts the six months to the day an opinion is relied on, so this is checked again when the pack is sent)."""
    documents = list(Document.objects.filter(request=request).order_by("pk"))
    return _opinion_blockers(
        documents,
        list(SeriousHarmOpinion.objects.filter(request=request)),
        today,
        _opinion_reliance(request, documents),
    )


def opinion_blockers_of(
    request: RightsRequest, documents: Sequence[Document], opinions: Sequence[SeriousHarmOpinion], *, today: dt.date
) -> list[str]:
    """opinion_blockers for documents and opinions already fetched (two queries: what relies on the exemptions)."""
    return _opinion_blockers(documents, opinions, today, _opinion_reliance(request, documents))


def approval_blockers(request: RightsRequest, *, today: dt.date | None = None) -> list[str]:
    """Everything review still has to settle before the request can go for sign-off or be approved, in plain words."""
    today = today or timezone.localdate()
    documents = list(Document.objects.filter(request=request).order_by("pk"))
    reasons: list[str] = []
    unreviewed = [d.title for d in documents if d.reviewed_at is None]
    if unreviewed:
        reasons.append(
            f"{_plural(len(unreviewed), 'document is', 'documents are')} not yet marked reviewed: {_names(unreviewed)}."
        )
    opinions = list(SeriousHarmOpinion.objects.filter(request=request))
    reasons.extend(_opinion_blockers(documents, opinions, today, _opinion_reliance(request, documents)))
    pending = NcndFlag.objects.filter(request=request, approved_at__isnull=True).count()
    if pending:
        reasons.append(
            f"{_plural(pending, 'neither-confirm-nor-deny flag awaits', 'neither-confirm-nor-deny flags await')} "
            "the Manager's approval."
        )
    reasons.extend(professional_redaction_blockers(request, documents))
    undecided = list(
        ThirdParty.objects.filter(request=request, reasonable_to_disclose="")
        .order_by("name")
        .values_list("name", flat=True)
    )
    if undecided:
        reasons.append(
            f"{_plural(len(undecided), 'third party has', 'third parties have')} no decision on whether it is "
            f"reasonable to disclose their information: {_names(undecided)}."
        )
    return reasons


def approval_check(request: RightsRequest) -> str | None:
    """The state machine's condition for "submit_for_sign_off" and "approve" (registered in DisclosureConfig.ready)."""
    from requests_app.guards import today_for

    reasons = approval_blockers(request, today=today_for(request))
    return " ".join(reasons) if reasons else None


# ---------------------------------------------------------------------------------------------------------------------
# The search record behind the pack (UK GDPR Art 15(1A))


def search_record_run(request: RightsRequest) -> SubjectSearchRun | None:
    """The request's search record: its latest kept subject search (whose scope the Art 15 page prints)."""
    return (
        SubjectSearchRun.objects.filter(request_reference=request.reference)
        .select_related("scope_recorded_by")
        .order_by("-run_at", "-pk")
        .first()
    )


def subject_terms(request: RightsRequest) -> SubjectTerms:
    """The data subject as the request records them: what a search for them must use."""
    subject = request.subject
    return SubjectTerms(
        name=subject.full_name,
        previous_names=tuple(line.strip() for line in subject.previous_names.splitlines() if line.strip()),
        date_of_birth=subject.date_of_birth,
        address=subject.address,
    )


def search_record(request: RightsRequest) -> SearchRecord | None:
    """The latest kept search as the statute's record (two queries); hits pending counts every kept search,
    since the confirmed records come from all of them."""
    run = search_record_run(request)
    if run is None:
        return None
    pending = SubjectSearchHit.objects.filter(
        run__request_reference=request.reference, decision=HitDecision.PENDING
    ).count()
    return SearchRecord(
        terms=SubjectTerms(
            name=run.name,
            previous_names=tuple(run.previous_name_list),
            date_of_birth=run.date_of_birth,
            address=run.address,
        ),
        holdings_and_agencies=run.holdings_and_agencies,
        date_from=run.date_from,
        date_to=run.date_to,
        exclusions=run.exclusions,
        cap_reason=run.cap_reason,
        hit_limit=run.hit_limit,
        hits_pending=pending,
        scope_recorded=run.scope_recorded,
    )


def search_record_blockers(request: RightsRequest) -> list[str]:
    """What the search record lacks before an access request goes for sign-off or is approved, in plain words."""
    return list(search_record_gaps(search_record(request), subject=subject_terms(request)))


def search_record_check(request: RightsRequest) -> str | None:
    """The state machine's condition on "submit_for_sign_off" and "approve" (registered in DisclosureConfig.ready).

    A step imported from a case file is a record of the past: today's holdings say nothing about it.
    """
    if getattr(request, "_record_only", False):
        return None
    reasons = search_record_blockers(request)
    return " ".join(reasons) if reasons else None


# ---------------------------------------------------------------------------------------------------------------------
# The overview page


@dataclass(frozen=True)
class DocumentRow:
    document: Document
    redaction_counts: dict[str, int]
    redaction_total: int
    ncnd: bool


@dataclass(frozen=True)
class OpinionRow:
    opinion: SeriousHarmOpinion
    current: bool
    last_day: dt.date


@dataclass(frozen=True)
class ConfirmedSource:
    """A record the subject search confirmed as about the data subject: a source for the disclosure,
    with what it takes to ask its agency for the records."""

    request_pk: int
    record_reference: str
    restricted: bool
    review_reference: str
    review_title: str
    agency_name: str
    agency_kind: str
    agency_data_owner: str
    submission_title: str
    submission_type: str
    received_on: dt.date
    agency: Agency | None  # disclosure's agency of the same name, when there is one
    asked_on: dt.date | None  # when that agency was last asked for its records for this request

    @property
    def ask_notes(self) -> str:
        return (
            f"Records about the data subject: the subject search confirmed {self.record_reference} in your "
            f"{self.submission_type.lower()} “{self.submission_title}” for {self.review_reference}."
        )

    @property
    def ask_url(self) -> str:
        """The "ask an agency" form, filled in for this source's agency."""
        query = QueryDict(mutable=True)
        if self.agency is not None:
            query["agency"] = str(self.agency.pk)
        else:
            query.update(
                {
                    "new_agency": self.agency_name,
                    "new_agency_kind": self.agency_kind,
                    "new_agency_data_owner": self.agency_data_owner,
                }
            )
        query["notes"] = self.ask_notes
        return f"{reverse('disclosure:agency_ask', args=[self.request_pk])}?{query.urlencode()}"


def confirmed_sources_for(request: RightsRequest, agency_requests: Sequence[AgencyRequest]) -> list[ConfirmedSource]:
    """The request's confirmed subject-search sources (reviews' confirmed_sources), each matched to the agency
    disclosure knows by that name and to when it was asked; a fixed number of queries."""
    records = confirmed_sources(request.reference)
    if not records:
        return []
    names = {record.submission.agency.name.casefold() for record in records}
    agencies = {
        agency.name.casefold(): agency
        for agency in Agency.objects.annotate(folded=Lower("name")).filter(folded__in=[n.lower() for n in names])
    }
    asked: dict[int, dt.date] = {}
    for agency_request in agency_requests:
        asked[agency_request.agency_id] = max(
            agency_request.requested_on, asked.get(agency_request.agency_id, dt.date.min)
        )
    sources = []
    for record in records:
        submission = record.submission
        agency = agencies.get(submission.agency.name.casefold())
        sources.append(
            ConfirmedSource(
                request_pk=request.pk,
                record_reference=record.reference,
                restricted=bool(getattr(record, "is_restricted", False)),
                review_reference=submission.review.reference,
                review_title=submission.review.title,
                agency_name=submission.agency.name,
                agency_kind=submission.agency.kind if submission.agency.kind in AgencyKind.values else AgencyKind.OTHER,
                agency_data_owner=submission.agency.data_owner,
                submission_title=submission.title,
                submission_type=submission.get_submission_type_display(),
                received_on=submission.received_on,
                agency=agency,
                asked_on=asked.get(agency.pk) if agency is not None else None,
            )
        )
    return sources


@dataclass(frozen=True)
class OwnerReviewRow:
    """An agency whose records are in the pack, and where its sign-off of their redactions stands."""

    agency: Agency
    review: OwnerReview | None
    changed: bool
    may_pass_over: bool
    may_revoke: bool = False  # the link still works: staff may withdraw it (services.owner_reviews.owner_review_revoke)


@dataclass(frozen=True)
class Overview:
    request: RightsRequest
    agency_requests: list[AgencyRequest]
    overdue_agency_requests: list[AgencyRequest]
    documents: list[DocumentRow]
    third_parties: list[ThirdParty]
    opinions: list[OpinionRow]
    ncnd_flags: list[NcndFlag]
    blockers: list[str] = field(default_factory=list)
    sources: list[ConfirmedSource] = field(default_factory=list)
    owner_reviews: list[OwnerReviewRow] = field(default_factory=list)
    owner_blockers: list[str] = field(default_factory=list)


def owner_review_rows(request: RightsRequest, *, today: dt.date) -> list[OwnerReviewRow]:
    reviews = current_reviews(request)
    now = timezone.now()
    rows = []
    for agency in agencies_in_pack(request):
        review = reviews.get(agency.pk)
        rows.append(
            OwnerReviewRow(
                agency=agency,
                review=review,
                changed=review is not None and review.fingerprint != owner_fingerprint(request, agency),
                may_pass_over=review is not None
                and manager_override_refusal(answer=review.answer, due_on=review.due_on, today=today) is None,
                may_revoke=review is not None and review.is_open(now),
            )
        )
    return rows


def disclosure_overview(
    request: RightsRequest, *, today: dt.date | None = None, referred_only: bool = False
) -> Overview:
    """Everything the disclosure page of a request shows, in a fixed number of queries.

    `referred_only`, for a professional reviewer: only the documents where harm is a concern (what their opinion is
    asked on, disclosure.access.documents_visible_to), their third parties and flags, and the opinions; no agencies.
    """
    today = today or timezone.localdate()
    agency_requests = (
        []
        if referred_only
        else list(
            AgencyRequest.objects.filter(request=request)
            .select_related("agency", "chaser_letter", "requested_by", "agency_return")
            .prefetch_related("agency_return__files")
            .order_by("requested_on", "pk")
        )
    )
    shown = documents_for_request(request)
    if referred_only:
        shown = shown.filter(harm_concern=True)
    documents = list(shown)
    shown_ids = {d.pk for d in documents}
    rows = [
        DocumentRow(
            document=d,
            redaction_counts=redaction_counts(d),
            redaction_total=len(d.redactions.all()),
            ncnd=document_is_ncnd(d),
        )
        for d in documents
    ]
    opinions = [
        OpinionRow(o, opinion_is_current(o.opinion_date, today), opinion_last_day(o.opinion_date))
        for o in SeriousHarmOpinion.objects.filter(request=request).select_related("recorded_by")
    ]
    return Overview(
        request=request,
        agency_requests=agency_requests,
        overdue_agency_requests=[a for a in agency_requests if a.is_overdue(today)],
        documents=rows,
        third_parties=[
            t
            for t in ThirdParty.objects.filter(request=request)
            .select_related("document", "decided_by")
            .order_by("name", "pk")
            if not referred_only or t.document_id is None or t.document_id in shown_ids
        ],
        opinions=opinions,
        ncnd_flags=[
            f
            for f in NcndFlag.objects.filter(request=request)
            .select_related("document", "redaction", "flagged_by", "approved_by")
            .order_by("flagged_at", "pk")
            if not referred_only or f.document_id in shown_ids
        ],
        blockers=[] if referred_only else approval_blockers(request, today=today),
        owner_reviews=[] if referred_only else owner_review_rows(request, today=today),
        owner_blockers=[] if referred_only else owner_review_blockers(request, today=today),
        sources=confirmed_sources_for(request, agency_requests)
        if request.kind == RightKind.ACCESS.value and not referred_only
        else [],
    )


# A return still missing once the pack is approved or the request finished is not worth chasing.
LATE_LIST_STOP = FINISHED_STATUSES | {Status.APPROVED, Status.DISCLOSED, Status.REFUSED}


@dataclass(frozen=True)
class LateAgency:
    """One agency late on one or more requests, for the Manager's list."""

    agency: Agency
    late: list[AgencyRequest]


def late_agency_returns(*, today: dt.date) -> list[LateAgency]:
    """Every open agency return past its due date, grouped by agency (most late first); one query."""
    rows = (
        AgencyRequest.objects.filter(status__in=list(OPEN_AGENCY_STATUSES), due_on__lt=today)
        .exclude(request__status__in=[s.value for s in LATE_LIST_STOP])
        .select_related("agency", "request", "request__assigned_to")
        .order_by("agency__name", "agency_id", "due_on", "pk")
    )
    grouped: dict[int, LateAgency] = {}
    for row in rows:
        grouped.setdefault(row.agency_id, LateAgency(row.agency, [])).late.append(row)
    return sorted(grouped.values(), key=lambda entry: (-len(entry.late), entry.agency.name.lower()))


@dataclass(frozen=True)
class LateSignOff:
    """One agency late with its sign-off of its redactions on one or more requests, for the Manager's list."""

    agency: Agency
    late: list[OwnerReview]


def late_owner_reviews(*, today: dt.date) -> list[LateSignOff]:
    """Every agency asked to check its redactions and silent past its answer date, grouped by agency (most late
    first); one query. Once that date has passed the Manager may sign off without it, saying why (rights.owners)."""
    rows = (
        OwnerReview.objects.filter(status=OwnerAnswer.ASKED.value, due_on__lt=today)
        .exclude(request__status__in=[s.value for s in LATE_LIST_STOP])
        .select_related("agency", "request", "request__assigned_to")
        .order_by("agency__name", "agency_id", "due_on", "pk")
    )
    grouped: dict[int, LateSignOff] = {}
    for row in rows:
        grouped.setdefault(row.agency_id, LateSignOff(row.agency, [])).late.append(row)
    return sorted(grouped.values(), key=lambda entry: (-len(entry.late), entry.agency.name.lower()))
