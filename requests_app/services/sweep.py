"""The daily deadline sweep: reminders, escalations, extension prompts (complex requests), closure flags, and parts.

Run by Celery beat every morning and on demand (`manage.py sweep_deadlines`). It reads open
requests in batches by primary key (keyset pagination, `.values()` only), decides in Python which
notices are due, and writes them in bulk, so memory is bounded by the batch and each batch costs
the same few queries however many requests there are. Every notice is written once (see
requests_app.services.notices); a PostgreSQL advisory lock keeps two sweeps from doing the same
work at once, and the unique constraint keeps them correct even if they do (and on SQLite).
What it did is printed as `name: count` lines (docs/sweep.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core import roles
from core.text import day_text
from requests_app.models import (
    FINISHED_STATUSES,
    MACHINES,
    RESPONDED_STATUSES,
    WAITING_ON_REQUESTER,
    Notice,
    NoticeKind,
    RightsRequest,
    Status,
    TransitionEvent,
)
from requests_app.services.notices import NoticeDraft, WrittenNotice, notices_email_queue, notices_insert
from requests_app.sweep_registry import SweepContext, sweep_parts

# The printed lines, in order (docs/sweep.md): things found this run, not notices (one per recipient).
COUNT_LINES = ("reminders", "escalations", "extension prompts", "chasers", "closure flags")
KIND_LINES: dict[str, str] = {
    NoticeKind.REMINDER: "reminders",
    NoticeKind.ESCALATION: "escalations",
    NoticeKind.EXTENSION_PROMPT: "extension prompts",
    NoticeKind.CHASER: "chasers",
    NoticeKind.CLOSURE_FLAG: "closure flags",
}
# Plain strings, not the enum members: drafts are hashed and sorted by the ten thousand.
REMINDER = NoticeKind.REMINDER.value
ESCALATION = NoticeKind.ESCALATION.value
EXTENSION_PROMPT = NoticeKind.EXTENSION_PROMPT.value
CLOSURE_FLAG = NoticeKind.CLOSURE_FLAG.value
ADVISORY_LOCK_KEY = 0x52445357  # "RDSW": one sweep at a time on PostgreSQL
WAITING_WHAT = {
    Status.AWAITING_IDENTITY.value: "proof of identity or authority",
    Status.AWAITING_CLARIFICATION.value: "clarification",
    Status.AWAITING_FEE.value: "fee",
}


@dataclass(frozen=True)
class SweepPolicy:
    """The sweep's settings, read once per run."""

    reminder_days: tuple[int, ...]
    escalation_days: tuple[int, ...]
    extension_prompt_day: int
    waiting_days: int | None  # None: one calendar month
    batch_size: int

    @classmethod
    def from_settings(cls, batch_size: int | None = None) -> SweepPolicy:
        waiting = getattr(settings, "SWEEP_WAITING_DAYS", None)
        return cls(
            reminder_days=tuple(sorted({int(d) for d in settings.SWEEP_REMINDER_DAYS if int(d) > 0}, reverse=True)),
            escalation_days=tuple(sorted({int(d) for d in settings.SWEEP_ESCALATION_DAYS if int(d) >= 0})),
            extension_prompt_day=int(settings.SWEEP_EXTENSION_PROMPT_DAY),
            waiting_days=int(waiting) if waiting is not None else None,
            batch_size=int(batch_size or settings.SWEEP_BATCH_SIZE),
        )


@dataclass
class SweepResult:
    today: dt.date
    run: uuid.UUID
    requests_checked: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_LINES, 0))
    notices: int = 0
    skipped: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts[name] for name in COUNT_LINES)

    def lines(self) -> list[str]:
        """What the command prints: a stable `name: value` per line (docs/sweep.md)."""
        head = [f"date: {self.today.isoformat()}"]
        if self.skipped:
            return [*head, "skipped: another sweep is running"]
        return [
            *head,
            f"requests checked: {self.requests_checked}",
            *(f"{name}: {self.counts[name]}" for name in COUNT_LINES),
            f"total: {self.total}",
            f"notices: {self.notices}",
            # Lines a registered part adds (e.g. "agency escalations"), after the fixed ones: never in `total`.
            *(f"{name}: {count}" for name, count in self.counts.items() if name not in COUNT_LINES),
        ]

    def as_dict(self) -> dict[str, Any]:
        """For the task's result (JSON)."""
        return {
            "date": self.today.isoformat(),
            "run": str(self.run),
            "skipped": self.skipped,
            "requests_checked": self.requests_checked,
            **self.counts,
            "total": self.total,
            "notices": self.notices,
        }


# The rules, as pure functions of dates


def reminder_threshold(days_left: int, reminder_days: Sequence[int]) -> int | None:
    """The nearest reminder threshold reached: with (10, 5, 1), 4 days left is the 5-day reminder."""
    if days_left <= 0:
        return None  # on the due date and after, it is an escalation
    reached = [t for t in reminder_days if days_left <= t]
    return min(reached) if reached else None


def escalation_threshold(days_over: int, escalation_days: Sequence[int]) -> int | None:
    """The furthest escalation threshold reached: with (0, 7, 14, 28), 10 days past the due date is the 7-day one."""
    if days_over < 0:
        return None
    reached = [t for t in escalation_days if days_over >= t]
    return max(reached) if reached else None


def clock_day(start: dt.date, today: dt.date) -> int:
    """Day of the clock, the start being day one (UK GDPR Art 12A; ICO guidance)."""
    return (today - start).days + 1


def extension_prompt_due(*, start: dt.date, first_month_due: dt.date | None, today: dt.date, prompt_day: int) -> bool:
    """From the prompt day of the first month until its end, while an extension can still be given (Art 12A)."""
    return first_month_due is not None and clock_day(start, today) >= prompt_day and today <= first_month_due


@functools.lru_cache(maxsize=4096)
def waiting_limit(since: dt.date, waiting_days: int | None) -> dt.date:
    """The day a wait on the requester becomes too long: one calendar month on (month ends clamp), or the days set."""
    return since + (relativedelta(months=1) if waiting_days is None else dt.timedelta(days=waiting_days))


# Who is told


@dataclass(frozen=True)
class Staff:
    """Who can be told, read once per run: every active Manager, and who is not active."""

    managers: list[int]
    inactive: frozenset[int]

    def caseworker(self, assigned: int | None) -> list[int]:
        return [assigned] if assigned is not None and assigned not in self.inactive else []

    def caseworker_or_managers(self, assigned: int | None) -> list[int]:
        """The assigned caseworker; while no one active is assigned, every Manager (who assigns)."""
        return self.caseworker(assigned) or self.managers


def manager_ids() -> list[int]:
    """Every active Manager (members of the Manager group), one query."""
    return list(
        User.objects.filter(is_active=True, groups__name=roles.MANAGER).order_by("pk").values_list("pk", flat=True)
    )


def staff_now() -> Staff:
    return Staff(
        managers=manager_ids(),
        inactive=frozenset(User.objects.filter(is_active=False).values_list("pk", flat=True)),
    )


def _extendable() -> dict[str, frozenset[str]]:
    """For each kind, the statuses its machine allows an extension from, the clock running."""
    found: dict[str, frozenset[str]] = {}
    for kind, machine in MACHINES.items():
        status_field: Any = machine._meta.get_field("status")
        method = status_field.transitions[machine].get("extend")
        sources = set(method._django_fsm.transitions) if method is not None else set()
        found[kind] = frozenset(str(s) for s in sources) - {s.value for s in WAITING_ON_REQUESTER}
    return found


# The passes


def _keyset(queryset: Any, batch_size: int) -> Iterator[list[dict[str, Any]]]:
    """Batches of rows in primary-key order; each batch is one query, memory bounded by the batch."""
    cursor = 0
    while True:
        rows = list(queryset.filter(pk__gt=cursor).order_by("pk")[:batch_size])
        if not rows:
            return
        cursor = rows[-1]["pk"]
        yield rows


def _count(result: SweepResult, written: list[WrittenNotice]) -> None:
    """Count what was found this run, once per request, kind and threshold (not once per recipient)."""
    seen = {(n.request_id, n.kind, n.threshold, n.about) for n in written}
    for _, kind, _, _ in seen:
        result.counts[KIND_LINES[kind]] += 1


class Drafts:
    """The notices a batch needs, leaving out those written on earlier days (read in one query per batch).

    The unique constraint would refuse those anyway; leaving them out here spares the database tens
    of thousands of refused inserts every morning, and the sweep the building of their messages.
    """

    def __init__(self, rows: list[dict[str, Any]], kinds: list[str]) -> None:
        self.items: list[NoticeDraft] = []
        self.sent: set[tuple[int, str, int, int, dt.date | None, str]] = {
            # A closure flag is about the wait, whatever the due date (the same key as its unique constraint).
            (request_id, kind, threshold, recipient_id, None if kind == CLOSURE_FLAG else due_date, about)
            for request_id, kind, threshold, recipient_id, due_date, about, superseded_at in Notice.objects.filter(
                request_id__gte=rows[0]["pk"], request_id__lte=rows[-1]["pk"], kind__in=kinds
            )
            .order_by()
            .values_list("request_id", "kind", "threshold", "recipient_id", "due_date", "about", "superseded_at")
            if kind != CLOSURE_FLAG or superseded_at is None
        }

    def add(
        self,
        row: dict[str, Any],
        kind: str,
        threshold: int,
        recipients: list[int],
        message: Callable[[], str],
        about: str = "",
    ) -> None:
        text: str | None = None
        due = None if kind == CLOSURE_FLAG else row["due_date"]
        for recipient in dict.fromkeys(recipients):
            if (row["pk"], kind, threshold, recipient, due, about) in self.sent:
                continue
            text = text if text is not None else message()
            self.items.append(NoticeDraft(row["pk"], kind, threshold, recipient, row["due_date"], about, text))


RUNNING_FIELDS = (
    "pk",
    "reference",
    "kind",
    "status",
    "received",
    "clock_started",
    "due_date",
    "first_month_due",
    "extended",
    "is_complex",
    "assigned_to_id",
)


def _running_drafts(
    row: dict[str, Any],
    drafts: Drafts,
    *,
    today: dt.date,
    policy: SweepPolicy,
    staff: Staff,
    extendable: dict[str, frozenset[str]],
) -> None:
    ref: str = row["reference"]
    due: dt.date = row["due_date"]
    days_left = (due - today).days
    reminder = reminder_threshold(days_left, policy.reminder_days)
    if reminder is not None:
        left = "1 day" if days_left == 1 else f"{days_left} days"
        drafts.add(
            row,
            REMINDER,
            reminder,
            staff.caseworker_or_managers(row["assigned_to_id"]),
            lambda: f"{ref} is due on {day_text(due)}: {left} left.",
        )
    escalation = escalation_threshold(-days_left, policy.escalation_days)
    if escalation is not None:
        late = "is due today" if days_left == 0 else f"is {-days_left} day{'s' if days_left != -1 else ''} overdue"
        drafts.add(
            row,
            ESCALATION,
            escalation,
            staff.managers or staff.caseworker(row["assigned_to_id"]),
            lambda: f"{ref} {late} (due {day_text(due)}): the statutory time limit has been reached.",
        )
    start: dt.date = row["clock_started"] or row["received"]
    if (
        row["is_complex"]  # only a complex request (or one of numerous) may be extended (Art 12A)
        and not row["extended"]
        and row["status"] in extendable.get(row["kind"], frozenset())
        and extension_prompt_due(
            start=start, first_month_due=row["first_month_due"], today=today, prompt_day=policy.extension_prompt_day
        )
    ):
        drafts.add(
            row,
            EXTENSION_PROMPT,
            policy.extension_prompt_day,
            [*staff.caseworker(row["assigned_to_id"]), *staff.managers],
            lambda: (
                f"{ref} is on day {clock_day(start, today)} of its first month and is marked complex, or one of "
                f"numerous requests: decide on an extension and tell the requester by {day_text(row['first_month_due'])} "
                "(UK GDPR Art 12A)."
            ),
        )


def _sweep_running(result: SweepResult, *, policy: SweepPolicy, staff: Staff) -> None:
    """Open requests whose clock is running (not waiting, not yet answered): reminders, escalations and extension prompts."""
    stopped = sorted({s.value for s in FINISHED_STATUSES | WAITING_ON_REQUESTER} | RESPONDED_STATUSES)
    queryset = RightsRequest.objects.exclude(status__in=stopped).values(*RUNNING_FIELDS)
    extendable = _extendable()
    for rows in _keyset(queryset, policy.batch_size):
        result.requests_checked += len(rows)
        drafts = Drafts(rows, [REMINDER, ESCALATION, EXTENSION_PROMPT])
        for row in rows:
            _running_drafts(row, drafts, today=result.today, policy=policy, staff=staff, extendable=extendable)
        written = notices_insert(
            drafts=drafts.items, run=result.run, reason=f"Deadline sweep of {result.today.isoformat()}"
        )
        _count(result, written)


def _sweep_waiting(result: SweepResult, *, policy: SweepPolicy, staff: Staff) -> None:
    """Requests waiting on the requester for identity or clarification for too long: flagged for closure."""
    since = (
        TransitionEvent.objects.filter(request=OuterRef("pk"), to_status=OuterRef("status"))
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    queryset = (
        RightsRequest.objects.filter(status__in=[s.value for s in WAITING_ON_REQUESTER])
        .annotate(waiting_since=Subquery(since))
        .values("pk", "reference", "status", "received", "due_date", "assigned_to_id", "waiting_since")
    )
    for rows in _keyset(queryset, policy.batch_size):
        result.requests_checked += len(rows)
        drafts = Drafts(rows, [CLOSURE_FLAG])
        for row in rows:
            started = row["waiting_since"]
            waited_from: dt.date = timezone.localdate(started) if started is not None else row["received"]
            if result.today < waiting_limit(waited_from, policy.waiting_days):
                continue
            days = (result.today - waited_from).days
            ref, what = row["reference"], WAITING_WHAT[row["status"]]
            drafts.add(
                row,
                CLOSURE_FLAG,
                policy.waiting_days or 0,
                staff.caseworker_or_managers(row["assigned_to_id"]),
                lambda ref=ref, what=what, days=days, waited_from=waited_from: (  # type: ignore[misc]
                    f"{ref} has waited {days} days for the requester's {what} (since {day_text(waited_from)}): "
                    "consider closing it, after a last letter to the requester."
                ),
                about=f"waiting-since:{waited_from.isoformat()}",
            )
        written = notices_insert(
            drafts=drafts.items, run=result.run, reason=f"Deadline sweep of {result.today.isoformat()}"
        )
        _count(result, written)


@contextmanager
def sweep_lock() -> Iterator[bool]:
    """One sweep at a time on PostgreSQL (a session advisory lock); elsewhere the constraint alone keeps it right."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
        row = cursor.fetchone()
        acquired = bool(row and row[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])


def sweep_run(*, today: dt.date | None = None, batch_size: int | None = None, email: bool = True) -> SweepResult:
    """Sweep every open request for what is due today; each notice is written and emailed once."""
    today = today or timezone.localdate()
    policy = SweepPolicy.from_settings(batch_size)
    result = SweepResult(today=today, run=uuid.uuid4())
    with sweep_lock() as acquired:
        if not acquired:
            result.skipped = True
            return result
        staff = staff_now()
        _sweep_running(result, policy=policy, staff=staff)
        _sweep_waiting(result, policy=policy, staff=staff)
        context = SweepContext(today=today, run=result.run, batch_size=policy.batch_size)
        for part in sweep_parts():
            for name in part.counts:
                result.counts.setdefault(name, 0)  # a part's own line is printed even when it found nothing
        for part in sweep_parts():
            for name, count in part.run(context).items():
                result.counts[name] = result.counts.get(name, 0) + count
        result.notices = Notice.objects.filter(run=result.run).count()
    if email:
        notices_email_queue()  # every unsent notice that still applies, this run's and any a failed run left
    return result
