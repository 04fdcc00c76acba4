"""What is left to do on a request's records and review: the GOV.UK task list, each section's status from real data.

The statuses are the task list pattern's own: Not started, In progress, Completed, and Cannot start yet (a
section that waits on others). Everything is read from the disclosure overview already fetched for the page, plus
the search record and the latest preview (read again into the pack's inputs, to tell whether it is still current),
so the list costs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode

from core.text import day_text
from disclosure.models import Document, Pack, PackStatus, SeriousHarmOpinion, ThirdParty
from disclosure.pack.selectors import latest_packs, preview_is_current
from disclosure.selectors import (
    DocumentRow,
    OpinionRow,
    Overview,
    OwnerReviewRow,
    document_is_ncnd,
    opinion_blockers_of,
    redaction_counts_for_requester,
    search_record,
    search_record_run,
    subject_terms,
)
from requests_app.models import FINISHED_STATUSES, RightsRequest, Status
from rights import EXEMPTIONS
from rights.searches import search_record_gaps

SIGNED_OFF_STATUSES = frozenset({Status.APPROVED, Status.DISCLOSED})


class TaskStatus(enum.Enum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    CANNOT_START = "Cannot start yet"

    @property
    def label(self) -> str:
        return self.value

    @property
    def tag_class(self) -> str:
        """The GOV.UK task list's colours: Completed and Cannot start yet are plain text, the others tags."""
        return {
            TaskStatus.NOT_STARTED: "govuk-tag govuk-tag--blue",
            TaskStatus.IN_PROGRESS: "govuk-tag govuk-tag--light-blue",
        }.get(self, "")

    @property
    def status_class(self) -> str:
        return "govuk-task-list__status--cannot-start-yet" if self is TaskStatus.CANNOT_START else ""


@dataclass(frozen=True)
class Task:
    key: str
    name: str
    status: TaskStatus
    hint: str
    url: str  # empty when the section cannot start yet

    @property
    def done(self) -> bool:
        return self.status is TaskStatus.COMPLETED


@dataclass(frozen=True)
class TaskList:
    tasks: list[Task]

    @property
    def completed(self) -> int:
        return sum(task.done for task in self.tasks)

    def status_of(self, key: str) -> TaskStatus:
        return next(task.status for task in self.tasks if task.key == key)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _search_task(request: RightsRequest) -> Task:
    """UK GDPR Art 15(1A): the search behind the pack, kept with its scope and every hit decided."""
    record = search_record(request)
    if record is None:
        url = f"{reverse('reviews:subject_search')}?{urlencode({'request': request.reference})}"
        return Task("search", "Subject search", TaskStatus.NOT_STARTED, "No search has been kept yet.", url)
    run = search_record_run(request)
    url = reverse("reviews:search_run", args=[run.pk]) if run is not None else reverse("reviews:subject_search")
    gaps = search_record_gaps(record, subject=subject_terms(request))
    if gaps:
        return Task(
            "search", "Subject search", TaskStatus.IN_PROGRESS, f"{_plural(len(gaps), 'gap', 'gaps')} left.", url
        )
    return Task("search", "Subject search", TaskStatus.COMPLETED, "Kept, with its scope recorded.", url)


def _agencies_task(overview: Overview, anchor: str, today: dt.date) -> Task:
    asked = overview.agency_requests
    unasked = [s for s in overview.sources if s.asked_on is None]
    name = "Agencies asked and returned"
    if not asked:
        hint = "No agency asked yet."
        if unasked:
            hint = f"No agency asked yet: {_plural(len(unasked), 'source', 'sources')} from the search to ask."
        return Task("agencies", name, TaskStatus.NOT_STARTED, hint, anchor + "#agencies")
    waiting = [a for a in asked if a.is_open]
    overdue = [a for a in waiting if a.is_overdue(today)]
    hint = f"{len(asked) - len(waiting)} of {_plural(len(asked), 'return', 'returns')} in"
    if overdue:
        hint += f", {len(overdue)} overdue"
    if unasked:
        hint += f"; {_plural(len(unasked), 'source', 'sources')} from the search not asked"
    status = TaskStatus.IN_PROGRESS if waiting or unasked else TaskStatus.COMPLETED
    return Task("agencies", name, status, hint + ".", anchor + "#agencies")


def _documents_task(overview: Overview, anchor: str) -> Task:
    rows = overview.documents
    name = "Documents reviewed"
    if not rows:
        return Task("documents", name, TaskStatus.NOT_STARTED, "No documents yet.", anchor + "#documents")
    reviewed = sum(row.document.is_reviewed for row in rows)
    pending_flags = sum(not flag.is_approved for flag in overview.ncnd_flags)
    hint = f"{reviewed} of {_plural(len(rows), 'document', 'documents')} reviewed"
    if pending_flags:
        hint += f"; {_plural(pending_flags, 'flag awaits', 'flags await')} the Manager"
    if reviewed == len(rows) and not pending_flags:
        status = TaskStatus.COMPLETED
    elif reviewed or any(row.redaction_total for row in rows):
        status = TaskStatus.IN_PROGRESS
    else:
        status = TaskStatus.NOT_STARTED
    return Task("documents", name, status, hint + ".", anchor + "#documents")


def _third_parties_task(overview: Overview, anchor: str, documents_done: bool) -> Task:
    parties = overview.third_parties
    name = "Third parties"
    if not parties:
        if documents_done:
            return Task(
                "third_parties", name, TaskStatus.COMPLETED, "None named in the records.", anchor + "#third-parties"
            )
        return Task("third_parties", name, TaskStatus.NOT_STARTED, "None recorded yet.", anchor + "#third-parties")
    decided = sum(party.is_decided for party in parties)
    hint = f"{decided} of {_plural(len(parties), 'third party', 'third parties')} decided."
    status = TaskStatus.COMPLETED if decided == len(parties) else TaskStatus.IN_PROGRESS
    return Task("third_parties", name, status, hint, anchor + "#third-parties")


def _opinions_task(
    request: RightsRequest, overview: Overview, anchor: str, today: dt.date, documents_done: bool
) -> Task:
    """DPA 2018 Sch 3: what the serious-harm opinions do not yet cover (two queries: reliance on the exemptions)."""
    documents: list[Document] = [row.document for row in overview.documents]
    opinions: list[SeriousHarmOpinion] = [row.opinion for row in overview.opinions]
    reasons = opinion_blockers_of(request, documents, opinions, today=today)
    name = "Serious-harm opinions"
    url = anchor + "#serious-harm"
    if reasons:
        status = TaskStatus.IN_PROGRESS if opinions else TaskStatus.NOT_STARTED
        return Task("opinions", name, status, f"{_plural(len(reasons), 'thing', 'things')} to settle.", url)
    if opinions:
        return Task(
            "opinions", name, TaskStatus.COMPLETED, f"{_plural(len(opinions), 'opinion', 'opinions')} recorded.", url
        )
    if documents_done:
        return Task("opinions", name, TaskStatus.COMPLETED, "None needed.", url)
    return Task("opinions", name, TaskStatus.CANNOT_START, "Known once every document is reviewed.", "")


def _preview_task(request: RightsRequest, preview: Pack | None, has_documents: bool) -> Task:
    name = "Preview of the pack"
    url = reverse("disclosure:packs", args=[request.pk])
    if preview is None:
        if not has_documents:
            return Task("preview", name, TaskStatus.CANNOT_START, "Needs at least one document.", "")
        return Task("preview", name, TaskStatus.NOT_STARTED, "No preview made yet.", url)
    if preview.in_progress:
        return Task("preview", name, TaskStatus.IN_PROGRESS, f"Preview {preview.pk} is being made.", url)
    if preview.status == PackStatus.FAILED:
        return Task("preview", name, TaskStatus.IN_PROGRESS, f"Preview {preview.pk} failed: make another.", url)
    made = day_text(preview.created_at.date())
    if not preview_is_current(request, preview):
        hint = f"Preview {preview.pk} (made on {made}) is out of date: the records changed since. Make a new one."
        return Task("preview", name, TaskStatus.IN_PROGRESS, hint, url)
    return Task("preview", name, TaskStatus.COMPLETED, f"Preview {preview.pk} made on {made}.", url)


def _sign_off_task(request: RightsRequest, overview: Overview, search: Task) -> Task:
    """Open once nothing the state machine checks blocks it: the approval blockers and the search record."""
    name = "Check and sign off"
    url = reverse("disclosure:check", args=[request.pk])
    status = Status(request.status)
    if status in SIGNED_OFF_STATUSES:
        return Task("sign_off", name, TaskStatus.COMPLETED, f"{status.label}.", url)
    if status == Status.AWAITING_SIGN_OFF:
        return Task("sign_off", name, TaskStatus.IN_PROGRESS, "Waiting for the Manager's approval.", url)
    if status in FINISHED_STATUSES or status == Status.REFUSED:
        return Task("sign_off", name, TaskStatus.CANNOT_START, f"The request is {status.label.lower()}.", "")
    left = len(overview.blockers) + (0 if search.done else 1)
    if left:
        hint = f"{_plural(left, 'thing blocks', 'things block')} sign-off."
        return Task("sign_off", name, TaskStatus.CANNOT_START, hint, "")
    return Task("sign_off", name, TaskStatus.NOT_STARTED, "Check what will be disclosed, then send it.", url)


def records_task_list(request: RightsRequest, overview: Overview, *, today: dt.date) -> TaskList:
    """The records-and-review task list of an access request, from its overview (staff view, not referred-only)."""
    anchor = reverse("disclosure:request", args=[request.pk])
    search = _search_task(request)
    agencies = _agencies_task(overview, anchor, today)
    documents = _documents_task(overview, anchor)
    third_parties = _third_parties_task(overview, anchor, documents.done)
    opinions = _opinions_task(request, overview, anchor, today, documents.done)
    _pack, preview = latest_packs(request)
    preview_task = _preview_task(request, preview, bool(overview.documents))
    sign_off = _sign_off_task(request, overview, search)
    return TaskList([search, agencies, documents, third_parties, opinions, preview_task, sign_off])


# ---------------------------------------------------------------------------------------------------------------------
# Check your answers before sign-off


@dataclass(frozen=True)
class ExemptionCount:
    code: str
    title: str
    count: int


@dataclass(frozen=True)
class SignOffSummary:
    """What the pack will disclose and withhold, and why: the check-your-answers page before sign-off."""

    disclosed: list[DocumentRow]  # documents that go, each with its redactions
    withheld: list[DocumentRow]  # documents withheld in full (the schedule lists them)
    not_mentioned: list[DocumentRow]  # neither confirm nor deny: absent from everything the requester sees
    redactions: list[ExemptionCount]  # the redactions the requester is told of, by exemption
    hidden_redactions: int  # redactions flagged neither confirm nor deny, in documents that go
    third_parties: list[ThirdParty]
    opinions: list[OpinionRow]
    owner_reviews: list[OwnerReviewRow]
    preview: Pack | None
    preview_current: bool  # the latest preview is verified and the records still make it (False when there is none)


def sign_off_summary(request: RightsRequest, overview: Overview) -> SignOffSummary:
    """The summary from the overview already fetched, the latest preview, and whether it is still current."""
    disclosed: list[DocumentRow] = []
    withheld: list[DocumentRow] = []
    not_mentioned: list[DocumentRow] = []
    totals: Counter[str] = Counter()
    hidden = 0
    for row in overview.documents:
        if document_is_ncnd(row.document):
            not_mentioned.append(row)
        elif row.document.is_withheld_in_full:
            withheld.append(row)
        else:
            disclosed.append(row)
            told = redaction_counts_for_requester(row.document)
            totals.update(told)
            hidden += row.redaction_total - sum(told.values())
    _pack, preview = latest_packs(request)
    return SignOffSummary(
        disclosed=disclosed,
        withheld=withheld,
        not_mentioned=not_mentioned,
        redactions=[
            ExemptionCount(EXEMPTIONS[key].code, EXEMPTIONS[key].title, totals[key])
            for key in EXEMPTIONS
            if totals[key]
        ],
        hidden_redactions=hidden,
        third_parties=list(overview.third_parties),
        opinions=list(overview.opinions),
        owner_reviews=list(overview.owner_reviews),
        preview=preview,
        preview_current=(
            preview is not None and preview.status == PackStatus.VERIFIED and preview_is_current(request, preview)
        ),
    )
