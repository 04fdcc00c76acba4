"""Reads for requests: every query a page needs, with its joins done up front.

Each page costs a fixed number of queries whatever the number of requests: lists are joined with
select_related, a request's letters, events and evidence are prefetched, and counts are one
aggregate query. Every read starts from requests_app.access, so a user only ever sees what they may open.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, F, Model, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from core import roles
from core.roles import AnyUser
from requests_app.access import request_get_for_user, requests_visible_to
from requests_app.models import (
    FINISHED_STATUSES,
    RESPONDED_STATUSES,
    WAITING_ON_REQUESTER,
    ClockEvent,
    Evidence,
    EvidenceKind,
    ExtraBankHoliday,
    Letter,
    Message,
    Person,
    Referral,
    RequestView,
    RestrictedDataUse,
    RightsRequest,
    SavedListView,
    Status,
    SubmittedDocument,
    TransitionEvent,
)
from requests_app.models.machines import MACHINES, step_info
from requests_app.search_key import REFERENCE_LIKE, search_words
from requests_app.selectors.subject_holdings import CHANGING_STEPS, HeldForPage, held_for_page
from rights import WorkingCalendar, working_days_between

DASHBOARD_PANEL_SIZE = 25
DUE_SOON_DAYS = 7
RECENT_VIEWS_SHOWN = 10


def working_calendar() -> WorkingCalendar:
    """England and Wales bank holidays plus one-off holidays from settings and the admin.

    Before `migrate` has run (e.g. `manage.py deadline` on a fresh checkout) there are no admin
    holidays to read, so only the settings' list is added.
    """
    extra = {dt.date.fromisoformat(day) for day in settings.EXTRA_BANK_HOLIDAYS}
    if ExtraBankHoliday._meta.db_table in connection.introspection.table_names():
        extra.update(ExtraBankHoliday.objects.values_list("date", flat=True))
    return WorkingCalendar(extra)


def _open() -> Q:
    return ~Q(status__in=[s.value for s in FINISHED_STATUSES])


def _waiting() -> Q:
    return Q(status__in=[s.value for s in WAITING_ON_REQUESTER])


def _clock_running() -> Q:
    """Same rule as RightsRequest.clock_running: open, not waiting on the requester, and not yet answered."""
    return _open() & ~_waiting() & ~Q(status__in=sorted(RESPONDED_STATUSES))


def _overdue(today: dt.date) -> Q:
    """Same rule as RightsRequest.is_overdue: the clock running, and past its due date."""
    return _clock_running() & Q(due_date__lt=today)


def _due_soon(today: dt.date) -> Q:
    return _clock_running() & Q(due_date__gte=today, due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS))


def _for_tables(queryset: QuerySet[RightsRequest]) -> QuerySet[RightsRequest]:
    """What a table of requests shows: the data subject and the caseworker, joined in the same query."""
    return queryset.select_related("subject", "assigned_to")


# Dashboard


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class Dashboard:
    today: dt.date
    due_soon_days: int
    mine: list[RightsRequest]
    mine_count: int
    due_soon: list[RightsRequest]
    due_soon_count: int
    overdue: list[RightsRequest]
    overdue_count: int
    waiting: list[RightsRequest]
    waiting_count: int
    status_counts: list[StatusCount]
    open_count: int
    mine_overdue_count: int = 0  # of the user's own requests: overdue, and due in the next DUE_SOON_DAYS
    mine_due_soon_count: int = 0


def _desk_counts(
    visible: QuerySet[RightsRequest], user: AnyUser, today: dt.date
) -> tuple[dict[str, int], dict[str, int]]:
    """The desk's counts in one pass over the requests: grouped by status, each status's rows counted by
    date and by caseworker; which statuses count as open, waiting or running is then decided here, by
    the same rules as _open, _waiting and _overdue (each of which depends on the status alone).
    Returns the counts and the number of requests in each status."""
    rows = (
        visible.order_by()
        .values("status")
        .annotate(
            n=Count("pk"),
            mine=Count("pk", filter=Q(assigned_to_id=user.pk)),
            due_soon=Count("pk", filter=Q(due_date__gte=today, due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS))),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
            mine_due_soon=Count(
                "pk",
                filter=Q(
                    assigned_to_id=user.pk,
                    due_date__gte=today,
                    due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
                ),
            ),
            mine_overdue=Count("pk", filter=Q(assigned_to_id=user.pk, due_date__lt=today)),
        )
    )
    finished = {s.value for s in FINISHED_STATUSES}
    waiting = {s.value for s in WAITING_ON_REQUESTER}
    responded = {str(s) for s in RESPONDED_STATUSES}
    counts: dict[str, int] = dict.fromkeys(
        ("mine", "due_soon", "overdue", "waiting", "open", "mine_due_soon", "mine_overdue"), 0
    )
    by_status: dict[str, int] = {}
    for row in rows:
        status = row["status"]
        by_status[status] = row["n"]
        if status in waiting:
            counts["waiting"] += row["n"]
        if status in finished:
            continue
        counts["open"] += row["n"]
        counts["mine"] += row["mine"]
        if status not in waiting and status not in responded:  # the clock is running
            counts["due_soon"] += row["due_soon"]
            counts["overdue"] += row["overdue"]
            counts["mine_due_soon"] += row["mine_due_soon"]
            counts["mine_overdue"] += row["mine_overdue"]
    return counts, by_status


def _panel(visible: QuerySet[RightsRequest], which: Q) -> list[RightsRequest]:
    """The first DASHBOARD_PANEL_SIZE of ``which``, soonest due first, in one query: the inner select
    picks and sorts the ids from an index alone, so only the rows shown are joined to their people."""
    first = visible.filter(which).order_by("due_date", "pk").values("pk")[:DASHBOARD_PANEL_SIZE]
    return list(_for_tables(RightsRequest.objects.filter(pk__in=first)).order_by("due_date", "pk"))


def dashboard_for(user: AnyUser, today: dt.date) -> Dashboard:
    """The user's desk: their own open requests, what is due soon or overdue, and what waits on requesters."""
    visible = requests_visible_to(user)
    mine_q = _open() & Q(assigned_to_id=user.pk)
    counts, by_status = _desk_counts(visible, user, today)
    return Dashboard(
        today=today,
        due_soon_days=DUE_SOON_DAYS,
        mine=_panel(visible, mine_q),
        mine_count=counts["mine"],
        due_soon=_panel(visible, _due_soon(today)),
        due_soon_count=counts["due_soon"],
        overdue=_panel(visible, _overdue(today)),
        overdue_count=counts["overdue"],
        waiting=_panel(visible, _waiting()),
        waiting_count=counts["waiting"],
        status_counts=[StatusCount(s.value, s.label, by_status[s.value]) for s in Status if by_status.get(s.value)],
        open_count=counts["open"],
        mine_overdue_count=counts["mine_overdue"],
        mine_due_soon_count=counts["mine_due_soon"],
    )


# The list of requests


# Which requests the list shows by default: live work, not what is closed or withdrawn.
SHOW_OPEN, SHOW_ALL, SHOW_FINISHED = "open", "all", "finished"
# Columns the list can be sorted by, and the fields each sorts on (the primary key always breaks ties).
SORTS: dict[str, tuple[str, ...]] = {
    "reference": ("reference",),
    "subject": ("subject__full_name",),
    "right": ("kind",),
    "status": ("status",),
    "received": ("received",),
    "due": ("due_date",),
    "caseworker": ("assigned_to__first_name", "assigned_to__last_name", "assigned_to__username"),
}
DEFAULT_SORT = "due"


@dataclass(frozen=True)
class RequestFilters:
    """What the list of requests is narrowed to; empty values mean 'any'. Open requests, soonest due first, by default."""

    q: str = ""
    kind: str = ""
    status: str = ""
    caseworker: int | None = None
    unassigned: bool = False
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    show: str = SHOW_OPEN
    overdue_on: dt.date | None = None
    waiting_only: bool = False
    sort: str = DEFAULT_SORT
    descending: bool = False


def _search(queryset: QuerySet[RightsRequest], text: str) -> QuerySet[RightsRequest]:
    """A reference is found exactly; anything else word by word, in any order, on the folded names
    (requests_app.search_key): case, accents, apostrophes and hyphens do not matter. One column, so on
    PostgreSQL each word is a trigram index scan, on SQLite one pass over one column with no join."""
    if REFERENCE_LIKE.match(text):
        return queryset.filter(reference=text.strip().upper())
    words = search_words(text)
    if not words:
        return queryset.none()
    for word in words:
        queryset = queryset.filter(search_key__contains=word)
    return queryset


def request_list(user: AnyUser, filters: RequestFilters) -> QuerySet[RightsRequest]:
    """The requests the user may open, filtered and searched, in the chosen order (paginate the result)."""
    queryset = _for_tables(requests_visible_to(user))
    if filters.q.strip():
        queryset = _search(queryset, filters.q)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)  # a chosen status is shown, open or not
    elif filters.show == SHOW_OPEN:
        queryset = queryset.filter(_open())
    elif filters.show == SHOW_FINISHED:
        queryset = queryset.exclude(_open())
    if filters.unassigned:
        queryset = queryset.filter(assigned_to__isnull=True)
    elif filters.caseworker is not None:
        queryset = queryset.filter(assigned_to_id=filters.caseworker)
    if filters.due_from is not None:
        queryset = queryset.filter(due_date__gte=filters.due_from)
    if filters.due_to is not None:
        queryset = queryset.filter(due_date__lte=filters.due_to)
    if filters.overdue_on is not None:
        queryset = queryset.filter(_overdue(filters.overdue_on))
    if filters.waiting_only:
        queryset = queryset.filter(_waiting())
    fields = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    # Nothing (a request not assigned) sorts last either way, on both databases.
    if filters.descending:
        return queryset.order_by(*(F(name).desc(nulls_last=True) for name in fields), "-pk")
    return queryset.order_by(*(F(name).asc(nulls_last=True) for name in fields), "pk")


@dataclass(frozen=True)
class QueueRow:
    """A request as the list shows it: with the days left, in calendar and in working days (negative: overdue)."""

    request: RightsRequest
    calendar_days: int
    working_days: int
    overdue: bool

    @property
    def calendar_label(self) -> str:
        return _days_label(self.calendar_days, "day")

    @property
    def working_label(self) -> str:
        return _days_label(self.working_days, "working day")


def _days_label(days: int, unit: str) -> str:
    if days == 0:
        return "due today" if unit == "day" else f"0 {unit}s"
    count = abs(days)
    words = f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{words} late" if days < 0 else f"{words} left"


def queue_rows(requests: list[RightsRequest], today: dt.date) -> list[QueueRow]:
    """Days left for a page of requests, counted with the working calendar (one query for its extra holidays)."""
    calendar = working_calendar()
    return [
        QueueRow(
            request=rr,
            calendar_days=(rr.due_date - today).days,
            working_days=working_days_between(today, rr.due_date, calendar),
            overdue=rr.is_overdue(today),
        )
        for rr in requests
    ]


@dataclass(frozen=True)
class SortLink:
    """A sortable column's header: where it links, and aria-sort for the column sorted now."""

    key: str
    href: str
    aria_sort: str  # "ascending", "descending" or "none"


def sort_links(query: Any, filters: RequestFilters) -> dict[str, SortLink]:
    """Each column's link keeps the filters and flips the order of the column already sorted by."""
    links = {}
    for key in SORTS:
        params = query.copy()
        for name in ("sort", "order", "page"):
            params.pop(name, None)
        current = filters.sort == key
        params["sort"] = key
        params["order"] = "asc" if current and filters.descending else ("desc" if current else "asc")
        aria = ("descending" if filters.descending else "ascending") if current else "none"
        links[key] = SortLink(key=key, href=f"?{params.urlencode()}", aria_sort=aria)
    return links


def saved_views_for(user: AnyUser) -> list[SavedListView]:
    if user.pk is None:
        return []
    return list(SavedListView.objects.filter(user_id=user.pk).order_by("name", "pk"))


# The calendar of due dates: whole weeks, Monday to Sunday, and at most this many requests named a day.
CALENDAR_WEEKS = 4
CALENDAR_PER_DAY = 20


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    requests: list[RightsRequest]
    count: int  # all open requests due that day (more than are named when the day is busy)


@dataclass(frozen=True)
class CalendarWeek:
    monday: dt.date
    days: list[CalendarDay]
    count: int


def due_calendar(user: AnyUser, monday: dt.date, weeks: int = CALENDAR_WEEKS) -> list[CalendarWeek]:
    """Open requests the user may open, by the day they fall due, week by week from ``monday``: a count
    per day in one grouped query, and each day's first requests (soonest first) in one more."""
    end = monday + dt.timedelta(days=7 * weeks - 1)
    due = requests_visible_to(user).filter(_open(), due_date__gte=monday, due_date__lte=end)
    counts = dict(due.order_by().values_list("due_date").annotate(n=Count("pk")).values_list("due_date", "n"))
    by_day: dict[dt.date, list[RightsRequest]] = {}
    if counts:
        # Each day's first rows only (a window numbers them within their day), so a busy day costs no more.
        ranked = _for_tables(due).annotate(
            place=Window(RowNumber(), partition_by=[F("due_date")], order_by=[F("pk").asc()])
        )
        for rr in ranked.filter(place__lte=CALENDAR_PER_DAY).order_by("due_date", "pk"):
            by_day.setdefault(rr.due_date, []).append(rr)
    result = []
    for week in range(weeks):
        start = monday + dt.timedelta(days=7 * week)
        days = [
            CalendarDay(day=d, requests=by_day.get(d, []), count=counts.get(d, 0))
            for d in (start + dt.timedelta(days=i) for i in range(7))
        ]
        result.append(CalendarWeek(monday=start, days=days, count=sum(d.count for d in days)))
    return result


def incoming_letters(request: RightsRequest) -> list[Letter]:
    """The request's incoming letters, newest first: what a clock event or evidence may name as its cause."""
    return list(Letter.objects.filter(request_id=request.pk, direction="in").order_by("-date", "-pk"))


def submitted_documents(request: RightsRequest) -> list[SubmittedDocument]:
    """Proof the requester sent with an online request, in the order it came: what the caseworker checks."""
    return list(SubmittedDocument.objects.filter(request_id=request.pk).order_by("uploaded_at", "pk"))


def assignable_users(*, including: AnyUser | None = None) -> QuerySet[User]:
    """Who a request can be given to: active caseworkers and Managers (plus `including`, for the list's filter)."""
    who = Q(groups__name__in=[roles.CASEWORKER, roles.MANAGER]) | Q(is_superuser=True)
    if including is not None and including.pk is not None:
        who |= Q(pk=including.pk)
    return User.objects.filter(is_active=True).filter(who).distinct().order_by("first_name", "last_name", "username")


def professional_reviewers() -> QuerySet[User]:
    """Who a request can be referred to for an opinion: active professional reviewers."""
    return (
        User.objects.filter(is_active=True, groups__name=roles.REVIEWER)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# One request's page


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to the request, for the timeline (newest first)."""

    kind: str  # letter, transition, clock, evidence, change
    day: dt.date
    at: dt.datetime | None
    title: str
    by: str = ""
    lines: tuple[str, ...] = ()
    changes: tuple[FieldChange, ...] = ()
    letter: Letter | None = None
    evidence: Evidence | None = None


@dataclass(frozen=True)
class RequestPage:
    request: RightsRequest
    letters: list[Letter]
    evidence: list[Evidence]
    clock_events: list[ClockEvent]
    transitions: list[TransitionEvent]
    timeline: list[TimelineEntry]
    recent_views: list[RequestView]
    held: HeldForPage  # the subject searches and what the right did to held data (reviews)
    referrals: list[Referral]  # to professional reviewers for an opinion, open ones first
    submitted: list[SubmittedDocument] = field(default_factory=list)  # proof sent online, not yet evidence

    @property
    def held_data_changed(self) -> bool:
        """A step rectified, erased, restricted or stopped processing: the recipients can be named (Art 19)."""
        return any(event.transition in CHANGING_STEPS for event in self.transitions)


def _who(user: User | None) -> str:
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


def _display(model: type[Model], name: str, value: object, users: dict[int, User], people: dict[int, Person]) -> str:
    if value is None or value == "":
        return "(blank)"
    model_field = model._meta.get_field(name)
    choices = getattr(model_field, "flatchoices", None)
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    related = getattr(model_field, "related_model", None)
    if related is User and isinstance(value, int):
        return _who(users[value]) if value in users else f"user {value}"
    if related is Person and isinstance(value, int):
        return people[value].full_name if value in people else f"person {value}"
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        return f"{local.day} {local:%B %Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def _step_label(kind: str, name: str) -> str:
    """The words on a step's button ("Start work"), for its timeline entry."""
    if name == "log":
        return "Request logged"
    method = getattr(MACHINES.get(kind), name, None)
    try:
        return step_info(method).label
    except (AttributeError, KeyError, StopIteration, TypeError):
        return name.replace("_", " ").capitalize()


def _label(model: type[Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name)).capitalize()


def _history_entries(
    records: list[Any],
    model: type[Model],
    subject_label: str,
    explained: frozenset[tuple[str, str, object, object]] = frozenset(),
) -> list[TimelineEntry]:
    """Field changes between consecutive history records (newest first), via simple-history's diff_against.

    A change already shown by its own timeline entry (a status change with its TransitionEvent) is
    left out of the field list, so each fact appears once; any other change is always shown.
    """
    deltas: list[tuple[Any, list[Any]]] = []
    for newer, older in itertools.pairwise(records):
        if newer.history_type == "~":
            changes = [
                change
                for change in newer.diff_against(older).changes
                if (model.__name__, change.field, change.old, change.new) not in explained
            ]
            if changes:
                deltas.append((newer, changes))
    # Related users and people come from the records themselves (select_related), never one query per change.
    related: dict[tuple[type[Model], int], Any] = {}
    for record in records:
        for model_field in model._meta.concrete_fields:
            target = getattr(model_field, "related_model", None)
            if target not in (User, Person):
                continue
            history_field = type(record)._meta.get_field(model_field.name)
            if history_field.is_cached(record):
                value = getattr(record, model_field.name)
                if value is not None:
                    related[(target, value.pk)] = value
    users = {pk: obj for (target, pk), obj in related.items() if target is User}
    people = {pk: obj for (target, pk), obj in related.items() if target is Person}
    entries = []
    for record, changes in deltas:
        at = record.history_date
        entries.append(
            TimelineEntry(
                kind="change",
                day=timezone.localdate(at),
                at=at,
                title=f"{subject_label} changed",
                by=_who(record.history_user),
                lines=(record.history_change_reason,) if record.history_change_reason else (),
                changes=tuple(
                    FieldChange(
                        field=change.field,
                        label=_label(model, change.field),
                        old=_display(model, change.field, change.old, users, people),
                        new=_display(model, change.field, change.new, users, people),
                    )
                    for change in changes
                ),
            )
        )
    return entries


def _timeline(
    request: RightsRequest,
    letters: list[Letter],
    evidence: list[Evidence],
    clock_events: list[ClockEvent],
    transitions: list[TransitionEvent],
    request_history: list[Any],
    person_history: dict[int, list[Any]],
) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for letter in letters:
        entries.append(
            TimelineEntry(
                kind="letter",
                day=letter.date,
                at=letter.created_at,
                title=f"Letter {'received' if letter.direction == 'in' else 'sent'} ({letter.get_method_display().lower()})",
                by=_who(letter.created_by),
                lines=tuple(
                    line
                    for line in (
                        f"{'From' if letter.direction == 'in' else 'To'}: {letter.addressee}"
                        if letter.addressee
                        else "",
                        letter.summary,
                    )
                    if line
                ),
                letter=letter,
            )
        )
    for event in transitions:
        title = _step_label(request.kind, event.transition)
        if event.from_status != event.to_status:
            title += f": {event.get_from_status_display()} → {event.get_to_status_display()}"
        entries.append(
            TimelineEntry(
                kind="transition",
                day=timezone.localdate(event.at),
                at=event.at,
                title=title,
                by=_who(event.by),
                lines=(event.reason,) if event.reason else (),
            )
        )
    for clock in clock_events:
        lines = [clock.reason] if clock.reason else []
        if clock.letter is not None:
            lines.append(f"Letter of {clock.letter.date.day} {clock.letter.date:%B %Y}: {clock.letter.summary}")
        entries.append(
            TimelineEntry(
                kind="clock",
                day=clock.date,
                at=clock.created_at,
                title=f"Clock: {clock.get_event_display().lower()}",
                by=_who(clock.recorded_by),
                lines=tuple(lines),
            )
        )
    for item in evidence:
        entries.append(
            TimelineEntry(
                kind="evidence",
                day=item.seen_on,
                at=item.created_at,
                title=f"Evidence seen: {item.get_kind_display().lower()}",
                by=_who(item.seen_by),
                lines=(item.description,),
                evidence=item,
            )
        )
    explained = frozenset(
        (RightsRequest.__name__, "status", event.from_status, event.to_status) for event in transitions
    )
    entries.extend(_history_entries(request_history, RightsRequest, "Request details", explained))
    for person_id, records in person_history.items():
        label = "Data subject's details" if person_id == request.subject_id else "Requester's details"
        entries.extend(_history_entries(records, Person, label))
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    entries.sort(key=lambda e: (e.day, e.at or epoch), reverse=True)
    return entries


def request_page(user: AnyUser, pk: int) -> RequestPage:
    """Everything the request's page shows, in a fixed number of queries; Http404 if the user may not open it."""
    queryset = RightsRequest.objects.select_related("subject", "requester", "assigned_to").prefetch_related(
        Prefetch(
            "letters",
            queryset=Letter.objects.select_related("created_by")
            .prefetch_related(Prefetch("messages", queryset=Message.objects.order_by("pk")))
            .order_by("date", "pk"),
        ),
        Prefetch("evidence", queryset=Evidence.objects.select_related("seen_by").order_by("seen_on", "pk")),
        Prefetch(
            "clock_events",
            queryset=ClockEvent.objects.select_related("letter", "recorded_by").order_by("date", "pk"),
        ),
        Prefetch("transitions", queryset=TransitionEvent.objects.select_related("by").order_by("at", "pk")),
        "numerous_with",  # the Art 12A ground the extension step checks and the page shows
        "fees",  # fees asked for (Art 12(5)(a), 15(3)) and whether paid or waived
        # uses of restricted data on an Art 18(2) ground
        Prefetch("restricted_uses", queryset=RestrictedDataUse.objects.select_related("recorded_by")),
        Prefetch("submitted_documents", queryset=SubmittedDocument.objects.order_by("uploaded_at", "pk")),
    )
    request = request_get_for_user(user=user, pk=pk, queryset=queryset)
    letters = list(request.letters.all())
    evidence = list(request.evidence.all())
    referrals = list(
        Referral.objects.filter(request=request)
        .select_related("reviewer", "referred_by", "closed_by")
        .order_by(F("closed_at").desc(nulls_first=True), "-referred_at", "-pk")
    )
    reviewer_only = roles.reviews_only(user)
    if reviewer_only:  # what the opinion is asked on, and no more: no letters, no identity papers, no searches
        letters = []
        evidence = [e for e in evidence if e.kind == EvidenceKind.COMPETENCE]
        referrals = [r for r in referrals if r.reviewer_id == user.pk and r.is_open]
    clock_events = list(request.clock_events.all())
    transitions = list(request.transitions.all())
    request_history = list(
        request.history.select_related("history_user", "assigned_to", "subject", "requester").order_by(
            "-history_date", "-history_id"
        )
    )
    people_ids = [pid for pid in (request.subject_id, request.requester_id) if pid is not None]
    person_history: dict[int, list[Any]] = {pid: [] for pid in people_ids}
    for record in (
        Person.history.filter(id__in=people_ids).select_related("history_user").order_by("-history_date", "-history_id")
    ):
        person_history[record.id].append(record)
    recent_views = list(
        RequestView.objects.filter(request=request).select_related("user").order_by("-at", "-pk")[:RECENT_VIEWS_SHOWN]
    )
    return RequestPage(
        request=request,
        letters=letters,
        evidence=evidence,
        clock_events=clock_events,
        transitions=transitions,
        timeline=_timeline(request, letters, evidence, clock_events, transitions, request_history, person_history)
        if not reviewer_only
        else [  # the clock's dates, without the notes that quote letters and identity papers
            replace(entry, lines=()) if entry.kind == "clock" else entry
            for entry in _timeline(
                request, letters, evidence, clock_events, transitions, request_history, person_history
            )
        ],
        recent_views=recent_views,
        held=HeldForPage(searches=[], effects=None) if reviewer_only else held_for_page(request),
        referrals=referrals,
        submitted=[] if reviewer_only else list(request.submitted_documents.all()),
    )


def referral_get(request: RightsRequest, pk: int) -> Referral:
    """A referral of a request already opened through the access function; Http404 if it is another's."""
    try:
        return Referral.objects.select_related("reviewer", "request").get(pk=pk, request=request)
    except Referral.DoesNotExist:
        raise Http404("No such referral.") from None
