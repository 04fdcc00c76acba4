"""Reads for requests: every query a page needs, with its joins done up front.

Each page costs a fixed number of queries whatever the number of requests: lists are joined with
select_related, a request's letters, events and evidence are prefetched, and counts are one
aggregate query. Every read starts from requests_app.access, so a user only ever sees what they may open.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.utils import timezone

from requests_app import roles
from requests_app.access import request_get_for_user, requests_visible_to
from requests_app.held import HeldForPage, held_for_page
from requests_app.models import (
    FINISHED_STATUSES,
    RESPONDED_STATUSES,
    WAITING_ON_REQUESTER,
    ClockEvent,
    Evidence,
    ExtraBankHoliday,
    Letter,
    Person,
    RequestView,
    RightsRequest,
    Status,
    TransitionEvent,
)
from requests_app.models.machines import MACHINES, step_info
from requests_app.roles import AnyUser
from rights import WorkingCalendar

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
        )
    )
    finished = {s.value for s in FINISHED_STATUSES}
    waiting = {s.value for s in WAITING_ON_REQUESTER}
    responded = {str(s) for s in RESPONDED_STATUSES}
    counts: dict[str, int] = dict.fromkeys(("mine", "due_soon", "overdue", "waiting", "open"), 0)
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
    )


# The list of requests


@dataclass(frozen=True)
class RequestFilters:
    """What the list of requests is narrowed to; empty values mean 'any'."""

    q: str = ""
    kind: str = ""
    status: str = ""
    caseworker: int | None = None
    unassigned: bool = False
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    open_only: bool = False
    overdue_on: dt.date | None = None
    waiting_only: bool = False


def request_list(user: AnyUser, filters: RequestFilters) -> QuerySet[RightsRequest]:
    """The requests the user may open, filtered and searched, soonest due first (paginate the result)."""
    queryset = _for_tables(requests_visible_to(user))
    if filters.q.strip():
        term = filters.q.strip()
        queryset = queryset.filter(
            Q(reference__icontains=term)
            | Q(subject__full_name__icontains=term)
            | Q(subject__previous_names__icontains=term)
            | Q(requester__full_name__icontains=term)
            | Q(requester__previous_names__icontains=term)
        )
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.unassigned:
        queryset = queryset.filter(assigned_to__isnull=True)
    elif filters.caseworker is not None:
        queryset = queryset.filter(assigned_to_id=filters.caseworker)
    if filters.due_from is not None:
        queryset = queryset.filter(due_date__gte=filters.due_from)
    if filters.due_to is not None:
        queryset = queryset.filter(due_date__lte=filters.due_to)
    if filters.open_only:
        queryset = queryset.filter(_open())
    if filters.overdue_on is not None:
        queryset = queryset.filter(_overdue(filters.overdue_on))
    if filters.waiting_only:
        queryset = queryset.filter(_waiting())
    return queryset.order_by("due_date", "pk")


def incoming_letters(request: RightsRequest) -> list[Letter]:
    """The request's incoming letters, newest first: what a clock event or evidence may name as its cause."""
    return list(Letter.objects.filter(request_id=request.pk, direction="in").order_by("-date", "-pk"))


def assignable_users(*, including: AnyUser | None = None) -> QuerySet[User]:
    """Who a request can be given to: active caseworkers and Managers (plus `including`, for the list's filter)."""
    who = Q(groups__name__in=[roles.CASEWORKER, roles.MANAGER]) | Q(is_superuser=True)
    if including is not None and including.pk is not None:
        who |= Q(pk=including.pk)
    return User.objects.filter(is_active=True).filter(who).distinct().order_by("first_name", "last_name", "username")


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
        return f"{timezone.localtime(value):%d %B %Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d %B %Y}"
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
            lines.append(f"Letter of {clock.letter.date:%d %B %Y}: {clock.letter.summary}")
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
        Prefetch("letters", queryset=Letter.objects.select_related("created_by").order_by("date", "pk")),
        Prefetch("evidence", queryset=Evidence.objects.select_related("seen_by").order_by("seen_on", "pk")),
        Prefetch(
            "clock_events",
            queryset=ClockEvent.objects.select_related("letter", "recorded_by").order_by("date", "pk"),
        ),
        Prefetch("transitions", queryset=TransitionEvent.objects.select_related("by").order_by("at", "pk")),
    )
    request = request_get_for_user(user=user, pk=pk, queryset=queryset)
    letters = list(request.letters.all())
    evidence = list(request.evidence.all())
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
        timeline=_timeline(request, letters, evidence, clock_events, transitions, request_history, person_history),
        recent_views=recent_views,
        held=held_for_page(request),
    )
