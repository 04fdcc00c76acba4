"""Complaints and breaches in the Manager's report: tables for the page, the exports and the board report.

The reports (requests_app.reporting) call `report_tables` through settings.REPORT_SECTIONS, so the lower
app never imports this one.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from casework.models import CAUSE_LABELS, OPEN_COMPLAINT_STATUSES, Breach, Complaint, Finding
from requests_app.reporting.periods import Period
from requests_app.reporting.tables import Column, Table, Value
from rights import BreachCause


def _quarters(period: Period) -> list[tuple[str, dt.date, dt.date]]:
    quarters = []
    year, q = period.start.year, (period.start.month - 1) // 3
    while dt.date(year, q * 3 + 1, 1) <= period.end:
        start = dt.date(year, q * 3 + 1, 1)
        end = (dt.date(year + (q == 3), (q * 3 + 3) % 12 + 1, 1)) - dt.timedelta(days=1)
        quarters.append((f"{year} Q{q + 1}", max(start, period.start), min(end, period.end)))
        year, q = (year + 1, 0) if q == 3 else (year, q + 1)
    return quarters


def _in(field: str, start: dt.date, end: dt.date) -> Q:
    return Q(**{f"{field}__date__gte": start, f"{field}__date__lte": end})


def complaints_table(period: Period, today: dt.date) -> Table:
    """Complaints per quarter (DPA 2018 s.164A): received, acknowledged on time, outcomes, ICO referrals."""
    rows: list[tuple[str, int, int, int, int, int, int, int]] = []
    for label, start, end in _quarters(period):
        figures = Complaint.objects.aggregate(
            received=Count("pk", filter=Q(received__gte=start, received__lte=end)),
            acknowledged=Count(
                "pk",
                filter=_in("acknowledged_at", start, end)
                | (_in("outcome_sent_at", start, end) & Q(acknowledged_at__isnull=True)),
            ),
            outcomes=Count("pk", filter=_in("outcome_sent_at", start, end)),
            upheld=Count(
                "pk",
                filter=_in("outcome_sent_at", start, end) & Q(finding__in=[Finding.UPHELD, Finding.PARTLY_UPHELD]),
            ),
            referred=Count("pk", filter=_in("referred_at", start, end)),
            decided=Count("pk", filter=Q(ico_decided_on__gte=start, ico_decided_on__lte=end)),
        )
        acknowledged = list(
            Complaint.objects.filter(_in("acknowledged_at", start, end)).values_list(
                "acknowledged_at", "acknowledgement_due"
            )
        )
        # An outcome sent before any acknowledgement answers the complaint at once (ICO complaints guidance).
        acknowledged += list(
            Complaint.objects.filter(_in("outcome_sent_at", start, end), acknowledged_at__isnull=True).values_list(
                "outcome_sent_at", "acknowledgement_due"
            )
        )
        on_time = sum(1 for at, due in acknowledged if at is not None and timezone.localdate(at) <= due)
        rows.append(
            (
                label,
                figures["received"],
                figures["acknowledged"],
                on_time,
                figures["outcomes"],
                figures["upheld"],
                figures["referred"],
                figures["decided"],
            )
        )
    open_now = Complaint.objects.filter(status__in=OPEN_COMPLAINT_STATUSES).count()
    total: tuple[Value, ...] = tuple(sum(int(row[i]) for row in rows) for i in range(1, 8))
    return Table(
        "complaints_by_quarter",
        "Complaints, by quarter",
        f"Complaints about our handling of personal data (DPA 2018 s.164A). Open today: {open_now}. "
        "Acknowledged on time: by the date counted as the ICO's complaints guidance counts it.",
        (
            Column("Quarter", "text"),
            Column("Received"),
            Column("Acknowledged"),
            Column("Acknowledged on time"),
            Column("Outcomes sent"),
            Column("Upheld or partly upheld"),
            Column("Referred to the ICO"),
            Column("ICO decisions"),
        ),
        tuple(rows),
        ("Total", *total),
    )


def breaches_table(period: Period, today: dt.date) -> Table:
    """Breaches discovered in the period, by cause: how many, reported to the ICO, people told (Arts 33-34)."""
    start, end = period.start, period.end
    counts = {
        row["cause"]: row
        for row in Breach.objects.filter(_in("discovered_at", start, end))
        .values("cause")
        .annotate(
            recorded=Count("pk"),
            reported=Count("pk", filter=Q(ico_reported_at__isnull=False)),
            told=Count("pk", filter=Q(people_told_on__isnull=False)),
            with_children=Count("pk", filter=Q(children_affected__gt=0)),
            special=Count("pk", filter=Q(special_category=True)),
        )
    }
    rows = tuple(
        (
            CAUSE_LABELS[cause],
            counts.get(cause.value, {}).get("recorded", 0),
            counts.get(cause.value, {}).get("reported", 0),
            counts.get(cause.value, {}).get("told", 0),
            counts.get(cause.value, {}).get("with_children", 0),
            counts.get(cause.value, {}).get("special", 0),
        )
        for cause in BreachCause
    )
    return Table(
        "breaches_by_cause",
        "Personal data breaches, by cause",
        "Breaches discovered in the period, every one documented (UK GDPR Art 33(5)).",
        (
            Column("Cause", "text"),
            Column("Recorded"),
            Column("Reported to the ICO"),
            Column("People told (Art 34)"),
            Column("About children"),
            Column("Special category data"),
        ),
        rows,
        ("Total", *(sum(int(r[i]) for r in rows) for i in range(1, 6))),
    )


def report_tables(period: Period, today: dt.date) -> list[Table]:
    return [complaints_table(period, today), breaches_table(period, today)]
