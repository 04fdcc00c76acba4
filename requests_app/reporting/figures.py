"""The partnership's performance figures for a period, aggregated in the database in a fixed number of queries.

What counts as an answer: a request is answered on the day of its first move into a response state
(RESPONSE_STATUSES: disclosed, rectified, erased, restricted, objection upheld or rejected, answered,
refused, or closed), taken from its TransitionEvent rows in Europe/London time. It is answered on
time when that day is on or before its due date (which already carries any extension and any
clarification days). Withdrawn requests were never answered and are left out. A refusal is an
answer, so refusals are counted among the answers as well as by their ground.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from requests_app.models import (
    FINISHED_STATUSES,
    WAITING_ON_REQUESTER,
    ClockEvent,
    ClockEventKind,
    RefusalGround,
    RequestStatistic,
    RightsRequest,
    Status,
    TransitionEvent,
)
from requests_app.reporting.periods import Period
from rights import RightKind

# Every state a request reaches only by answering the requester (machines.py): the outcome of its
# right, a refusal, or closure (which only follows one of those). Approval is not an answer: the
# pack has not gone yet. Withdrawal is not an answer either.
RESPONSE_STATUSES: frozenset[str] = frozenset(
    {
        Status.DISCLOSED.value,
        Status.RECTIFIED.value,
        Status.ERASED.value,
        Status.RESTRICTED.value,
        Status.UPHELD.value,
        Status.REJECTED.value,
        Status.ANSWERED.value,
        Status.REFUSED.value,
        Status.CLOSED.value,
    }
)
# Answers that turn the request down; each carries a RightsRequest.refusal_ground.
REFUSAL_STATUSES: frozenset[str] = frozenset({Status.REFUSED.value, Status.REJECTED.value})
# Outcome states a request may sit in, answered but not yet closed.
ANSWERED_OPEN_STATUSES: frozenset[str] = RESPONSE_STATUSES - {Status.CLOSED.value} | {
    Status.RECIPIENTS_NOTIFIED.value,
    Status.LIFTED.value,
}
NO_GROUND = "none"

RULES = (
    "A request is answered on the day it first reaches a response state: disclosed, rectified, erased, "
    "restricted, objection upheld or rejected, answered, refused, or closed. Approval is not an answer, "
    "and withdrawn requests are not counted.",
    "It is answered on time when that day is on or before its due date, which already includes any "
    "extension and any days the clock was stopped for clarification.",
    "Days to respond are calendar days from the day the request was received to the day it was answered.",
    "Answers, refusals and extensions are counted in the period they happened; requests received by the "
    "day they arrived.",
    "Open and overdue are counted as they stand today, whatever the period. Overdue means not yet "
    "answered, the clock running (not waiting on the requester), and past the due date.",
    "Requests destroyed at the end of their retention are still counted, from the anonymous statistics kept "
    "for each: these keep only the month (received, answered, extended), so such a request counts in a period "
    "when the first day of that month falls in it. Periods of whole months (quarters, financial years) "
    "are unaffected by destruction.",
)


@dataclass(frozen=True)
class MonthReceived:
    month: dt.date
    by_kind: dict[str, int]
    total: int


@dataclass(frozen=True)
class Answered:
    """Answers given in a month, for a kind of right, or in all: how many, how many on time, and the median days."""

    label: str
    answered: int
    on_time: int
    median_days: float | None = None
    key: str = ""

    @property
    def late(self) -> int:
        return self.answered - self.on_time

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.on_time / self.answered, 1) if self.answered else None


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    open: int
    overdue: int


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Report:
    period: Period
    today: dt.date
    kinds: list[tuple[str, str]]
    received_by_month: list[MonthReceived]
    received_by_kind: dict[str, int]
    received_total: int
    answered_by_month: list[Answered]
    answered_by_kind: list[Answered]
    answered_total: Answered
    open_by_status: list[StatusCount]
    open_total: int
    overdue_total: int
    extensions_by_kind: list[Tally]
    extensions_total: int
    refusals_by_reason: list[Tally]
    refusals_total: int
    rules: tuple[str, ...] = field(default=RULES)

    @property
    def summary(self) -> str:
        """One paragraph a board member can read aloud."""
        return summary_of(self)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def format_days(days: float | None) -> str:
    if days is None:
        return ""
    return f"{days:g}"


def format_percent(percent: float | None) -> str:
    return "" if percent is None else f"{percent:.1f}%"


def summary_of(report: Report) -> str:
    total = report.answered_total
    parts = [f"{_plural(report.received_total, 'request')} received"]
    if total.answered:
        parts.append(
            f"{total.answered} answered, {format_percent(total.on_time_percent)} of them on time "
            f"({total.on_time} on time, {total.late} late)"
        )
        median = total.median_days
        if median is not None:
            parts.append(f"median {format_days(median)} day{'' if median == 1 else 's'} to respond")
    else:
        parts.append("none answered")
    parts.append(f"{_plural(report.extensions_total, 'extension')}")
    parts.append(f"{_plural(report.refusals_total, 'refusal')}")
    first = "; ".join(parts) + "."
    second = (
        f"On {report.today.day} {report.today:%B %Y}, {_plural(report.open_total, 'request is', 'requests are')} open"
        f" and {report.overdue_total} {'is' if report.overdue_total == 1 else 'are'} overdue."
    )
    return f"{first} {second}"


# The queries: each is one aggregate over the period, whatever the number of requests.


def _day_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period as [start, end) in local time, so that an event at 23:30 on the last day is in it."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def first_answers(period: Period) -> QuerySet[TransitionEvent]:
    """Each request's first move into a response state, where that move happened in the period.

    A later step that keeps or re-enters a response state (a supplementary statement after a refusal,
    closure after disclosure) is not a second answer.
    """
    start, end = _day_bounds(period)
    statuses = sorted(RESPONSE_STATUSES)
    earlier = TransitionEvent.objects.filter(request=OuterRef("request"), to_status__in=statuses).filter(
        Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), pk__lt=OuterRef("pk"))
    )
    return (
        TransitionEvent.objects.filter(to_status__in=statuses, at__gte=start, at__lt=end)
        .filter(~Exists(earlier))
        .annotate(answered_on=TruncDate("at", tzinfo=timezone.get_default_timezone()))
    )


def _not_answered_overdue(today: dt.date) -> Q:
    """Not yet answered, the clock running, past its due date (RightsRequest.is_overdue, less answered requests)."""
    return (
        ~Q(status__in=[s.value for s in FINISHED_STATUSES])
        & ~Q(status__in=[s.value for s in WAITING_ON_REQUESTER])
        & ~Q(status__in=sorted(ANSWERED_OPEN_STATUSES))
        & Q(due_date__lt=today)
    )


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


@dataclass(frozen=True)
class _Destroyed:
    """A destroyed request's anonymous statistics, as the figures use them."""

    kind: str
    received_month: dt.date
    answered_month: dt.date | None
    days_to_respond: int | None
    on_time: bool | None
    extended_month: dt.date | None
    refused: bool
    refusal_ground: str


def _destroyed_in(period: Period) -> list[_Destroyed]:
    """The statistics of destroyed requests received, answered or extended in the period's months: one query."""
    months = (period.start, period.end)
    rows = RequestStatistic.objects.filter(
        Q(received_month__range=months) | Q(answered_month__range=months) | Q(extended_month__range=months)
    ).values_list(
        "kind",
        "received_month",
        "answered_month",
        "days_to_respond",
        "on_time",
        "extended_month",
        "refused",
        "refusal_ground",
    )
    return [_Destroyed(*row) for row in rows]


def report_build(*, period: Period, today: dt.date) -> Report:
    """The figures for the period (seven queries, whatever the number of requests, events or destroyed requests)."""
    kinds = [(kind.value, kind.label) for kind in RightKind]
    kind_labels = dict(kinds)
    # 0. Destroyed requests, from their anonymous statistics: counted wherever the live requests would be.
    destroyed = _destroyed_in(period)

    # 1. Received, by month and kind.
    received_rows = (
        RightsRequest.objects.filter(received__gte=period.start, received__lte=period.end)
        .annotate(month=TruncMonth("received"))
        .values("month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    received: dict[tuple[dt.date, str], int] = {}
    for row in received_rows:
        received[(_as_date(row["month"]), row["kind"])] = row["n"]
    for gone in destroyed:
        if period.contains(gone.received_month):
            received[(gone.received_month, gone.kind)] = received.get((gone.received_month, gone.kind), 0) + 1
    received_by_month = [
        MonthReceived(
            month=month,
            by_kind={kind: received.get((month, kind), 0) for kind, _ in kinds},
            total=sum(received.get((month, kind), 0) for kind, _ in kinds),
        )
        for month in period.months
    ]
    received_by_kind = {kind: sum(m.by_kind[kind] for m in received_by_month) for kind, _ in kinds}

    # 2. Answered, by month and kind, with how many on time.
    answers = first_answers(period)
    answered_rows = (
        answers.annotate(month=TruncMonth("answered_on"))
        .values("month", "request__kind")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(answered_on__lte=F("request__due_date"))))
        .order_by()
    )
    by_month: dict[dt.date, list[int]] = {}
    by_kind: dict[str, list[int]] = {}
    for row in answered_rows:
        for bucket in (
            by_month.setdefault(_as_date(row["month"]), [0, 0]),
            by_kind.setdefault(row["request__kind"], [0, 0]),
        ):
            bucket[0] += row["n"]
            bucket[1] += row["on_time"]
    answered_gone = [g for g in destroyed if g.answered_month is not None and period.contains(g.answered_month)]
    for gone in answered_gone:
        for bucket in (by_month.setdefault(gone.answered_month, [0, 0]), by_kind.setdefault(gone.kind, [0, 0])):  # type: ignore[arg-type]
            bucket[0] += 1
            bucket[1] += 1 if gone.on_time else 0

    # 3. Days to respond: one small number per answer, for the medians.
    days_rows = answers.annotate(
        days=ExpressionWrapper(F("answered_on") - F("request__received"), output_field=DurationField())
    ).values_list("request__kind", "days")
    days: dict[str, list[int]] = {}
    for kind, duration in days_rows:
        days.setdefault(kind, []).append(_as_days(duration))
    for gone in answered_gone:
        if gone.days_to_respond is not None:
            days.setdefault(gone.kind, []).append(gone.days_to_respond)
    all_days = [d for values in days.values() for d in values]

    answered_by_month = []
    for month in period.months:
        count, on_time = by_month.get(month, (0, 0))
        answered_by_month.append(Answered(f"{month:%B %Y}", count, on_time, key=f"{month:%Y-%m}"))
    answered_by_kind = []
    for kind, label in kinds:
        count, on_time = by_kind.get(kind, (0, 0))
        answered_by_kind.append(Answered(label, count, on_time, median_days=_median(days.get(kind, [])), key=kind))
    answered_total = Answered(
        "All rights",
        sum(a.answered for a in answered_by_kind),
        sum(a.on_time for a in answered_by_kind),
        median_days=_median(all_days),
        key="all",
    )

    # 4. Open now, by status, with how many are overdue.
    overdue_q = _not_answered_overdue(today)
    status_rows = (
        RightsRequest.objects.exclude(status__in=[s.value for s in FINISHED_STATUSES])
        .values("status")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=overdue_q))
        .order_by()
    )
    open_counts = {row["status"]: (row["n"], row["overdue"]) for row in status_rows}
    open_by_status = [
        StatusCount(status.value, status.label, *open_counts[status.value])
        for status in Status
        if status.value in open_counts
    ]

    # 5. Extensions given in the period (the clock event is the record of each; Art 12A).
    extension_rows = (
        ClockEvent.objects.filter(event=ClockEventKind.EXTENDED, date__gte=period.start, date__lte=period.end)
        .values("request__kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    extensions = {row["request__kind"]: row["n"] for row in extension_rows}
    for gone in destroyed:
        if gone.extended_month is not None and period.contains(gone.extended_month):
            extensions[gone.kind] = extensions.get(gone.kind, 0) + 1
    extensions_by_kind = [Tally(kind, label, extensions.get(kind, 0)) for kind, label in kinds]

    # 6. Refusals given in the period, by ground.
    refusal_rows = (
        answers.filter(to_status__in=sorted(REFUSAL_STATUSES))
        .values("request__refusal_ground")
        .annotate(n=Count("pk"))
        .order_by()
    )
    refusals = {(row["request__refusal_ground"] or NO_GROUND): row["n"] for row in refusal_rows}
    for gone in answered_gone:
        if gone.refused:
            ground = gone.refusal_ground or NO_GROUND
            refusals[ground] = refusals.get(ground, 0) + 1
    grounds = [(ground.value, ground.label) for ground in RefusalGround]
    if refusals.get(NO_GROUND):
        grounds.append((NO_GROUND, "No ground recorded"))
    refusals_by_reason = [Tally(key, label, refusals.get(key, 0)) for key, label in grounds]

    return Report(
        period=period,
        today=today,
        kinds=[(kind, kind_labels[kind]) for kind, _ in kinds],
        received_by_month=received_by_month,
        received_by_kind=received_by_kind,
        received_total=sum(received_by_kind.values()),
        answered_by_month=answered_by_month,
        answered_by_kind=answered_by_kind,
        answered_total=answered_total,
        open_by_status=open_by_status,
        open_total=sum(row.open for row in open_by_status),
        overdue_total=sum(row.overdue for row in open_by_status),
        extensions_by_kind=extensions_by_kind,
        extensions_total=sum(row.count for row in extensions_by_kind),
        refusals_by_reason=refusals_by_reason,
        refusals_total=sum(row.count for row in refusals_by_reason),
    )


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    """TruncMonth of a date is a date on every backend; guard against a datetime all the same."""
    return value.date() if isinstance(value, dt.datetime) else value


def _as_days(value: dt.timedelta | int | float) -> int:
    """Date subtraction comes back as a timedelta (Django's DurationField); some backends give a number of days."""
    if isinstance(value, dt.timedelta):
        return value.days
    return int(value)
