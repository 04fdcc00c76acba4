"""The professional reviewer's queue on the dashboard: the requests referred to them for an opinion.

A reviewer sees only what is referred to them (requests_app.access): each open referral is a row, noting for
serious harm which kinds of data still want an opinion — a document holds health, social work or education data,
harm is a concern, and no opinion on that kind of data is current (given within the last six months: DPA 2018
Sch 3 Pt 2 paras 5-6), the same test approval applies (disclosure.selectors). Registered from
DisclosureConfig.ready() as a dashboard panel (requests_app.desk_parts).
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q

from core import roles
from core.roles import AnyUser
from disclosure.models import Document, SeriousHarmOpinion
from disclosure.selectors import AREA_FLAGS, AREA_WORDS
from requests_app.access import open_referrals_to, requests_visible_to
from requests_app.desk_parts import DeskPanel, DeskRow, register_desk_panel
from requests_app.models import FINISHED_STATUSES, RESPONDED_STATUSES, ReferralKind
from rights.exemptions import OPINION_VALID_MONTHS

PANEL_SIZE = 25
DUE_SOON_DAYS = 7


def opinions_wanted_panel(user: AnyUser, today: dt.date) -> DeskPanel | None:
    """Requests referred to the reviewer for an opinion, soonest due first (None for other roles)."""
    if roles.REVIEWER not in roles.roles_of(user):
        return None
    settled = {s.value for s in FINISHED_STATUSES} | {str(s) for s in RESPONDED_STATUSES}
    referred = open_referrals_to(user)
    queue = requests_visible_to(user).exclude(status__in=sorted(settled)).filter(pk__in=referred.values("request_id"))
    counts = queue.aggregate(
        n=Count("pk"),
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        soon=Count("pk", filter=Q(due_date__gte=today, due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS))),
    )
    first = list(queue.select_related("subject", "assigned_to").order_by("due_date", "pk")[:PANEL_SIZE])
    areas = _areas_wanted([rr.pk for rr in first], today)
    kinds: dict[int, set[str]] = {}
    for request_id, kind in referred.filter(request_id__in=[rr.pk for rr in first]).values_list("request_id", "kind"):
        kinds.setdefault(request_id, set()).add(kind)
    rows = [
        DeskRow(
            request=rr,
            note=_note(kinds.get(rr.pk, set()), areas.get(rr.pk, [])),
            due=rr.due_date,
            overdue=rr.due_date < today,
        )
        for rr in first
    ]
    return DeskPanel(
        title="Referred to you for an opinion",
        intro=(
            "Requests referred to you: on serious harm, the records where harm is a concern and no opinion on that "
            "kind of data is from the last six months (DPA 2018 Schedule 3); or on a child's competence. The "
            "request's due date is the date to give the opinion by."
        ),
        count=counts["n"],
        overdue_count=counts["overdue"],
        due_soon_count=counts["soon"],
        rows=rows,
        empty="No request is referred to you for an opinion.",
    )


def _note(kinds: set[str], areas: list[str]) -> str:
    asked = []
    if ReferralKind.SERIOUS_HARM in kinds:
        wanted = " and ".join(AREA_WORDS[a] for a in areas)
        asked.append(f"serious harm ({wanted} data)" if wanted else "serious harm")
    if ReferralKind.COMPETENCE in kinds:
        asked.append("the child's competence")
    return "Opinion wanted on " + " and ".join(asked)


def _areas_wanted(request_ids: list[int], today: dt.date) -> dict[int, list[str]]:
    """For the rows shown, which kinds of data want an opinion (two queries)."""
    concerned: dict[int, set[str]] = {}
    for row in Document.objects.filter(request_id__in=request_ids, harm_concern=True).values(
        "request_id", *AREA_FLAGS.values()
    ):
        for area, flag in AREA_FLAGS.items():
            if row[flag]:
                concerned.setdefault(row["request_id"], set()).add(area)
    current = set(
        SeriousHarmOpinion.objects.filter(
            request_id__in=request_ids,
            opinion_date__gt=today - relativedelta(months=OPINION_VALID_MONTHS),
            opinion_date__lte=today,
        ).values_list("request_id", "area")
    )
    return {pk: [a for a in AREA_FLAGS if a in areas and (pk, a) not in current] for pk, areas in concerned.items()}


def register() -> None:
    register_desk_panel("opinions", opinions_wanted_panel)
