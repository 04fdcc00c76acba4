"""The 72-hour breach clock (UK GDPR Art 33(1)): every Manager is alerted, on the page and by email, when a
breach nobody has yet decided whether to report reaches 48 hours from discovery, and again at 72.

Idempotent: an alert is written once per breach, Manager and threshold (a unique constraint), and its
email is queued in the same transaction as the alert, so a second run writes and sends nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from casework.models import Breach, BreachNotice
from core import roles
from core.audit import record_change
from requests_app.services.messages import message_send
from rights import report_deadline

logger = logging.getLogger(__name__)

# Hours from discovery at which the Managers are told the reporting decision is still to make: a day to
# spare, then the deadline itself (Art 33(1): 72 clock hours, weekends and holidays included).
ALERT_HOURS = (48, 72)


@dataclass
class BreachClockResult:
    alerts: int = 0
    emails: int = 0
    breaches: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"alerts": self.alerts, "emails": self.emails, "breaches": self.breaches}


def _managers() -> list[User]:
    return list(User.objects.filter(is_active=True, groups__name=roles.MANAGER).distinct().order_by("pk"))


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y}"


def _left(hours: float) -> str:
    if hours <= 0:
        return f"{int(-hours)} hours ago" if hours <= -1 else "just now"
    return f"{int(hours)} hours left" if hours >= 1 else "less than an hour left"


def _alert_text(breach: Breach, *, threshold: int, report_by: dt.datetime, now: dt.datetime) -> str:
    hours_left = (report_by - now).total_seconds() / 3600
    if threshold >= ALERT_HOURS[-1]:
        return (
            f"Breach {breach.reference}: the 72 hours to report it to the ICO ended at {_when(report_by)} and "
            "nobody has decided whether to report it. Decide now, and give the reasons for any delay (Art 33(1))."
        )
    return (
        f"Breach {breach.reference}: {threshold} hours since it was discovered and nobody has decided whether to "
        f"report it to the ICO. The 72 hours end at {_when(report_by)} ({_left(hours_left)}; Art 33(1))."
    )


def _write(breach: Breach, *, manager: User, threshold: int, report_by: dt.datetime, now: dt.datetime) -> bool | None:
    """Write one alert and queue its email; None when it was written before (nothing new)."""
    message = _alert_text(breach, threshold=threshold, report_by=report_by, now=now)
    try:
        with transaction.atomic():
            notice = BreachNotice(
                breach=breach,
                recipient=manager,
                threshold=threshold,
                report_by=report_by,
                message=message,
                created_at=now,
            )
            record_change(notice, reason="Breach clock sweep", by=None)
            notice.save()
            if not manager.email:
                logger.warning(
                    "Manager %s has no email address: breach alert %s only on the page", manager.pk, notice.pk
                )
                return False
            notice.email = message_send(
                to=manager.email,
                template="breach_clock",
                context={
                    "reference": breach.reference,
                    "hours": threshold,
                    "report_by": _when(report_by),
                    "left": _left((report_by - now).total_seconds() / 3600),
                    "link": f"{settings.SITE_URL.rstrip('/')}{reverse('casework:breach', args=[breach.pk])}",
                },
                purpose=f"breach_clock:{notice.pk}",
            )
            record_change(notice, reason="Emailed", by=None)
            notice.save()
    except IntegrityError:  # written by an earlier run: nothing new
        return None
    return True


def breach_clock_sweep_run(*, now: dt.datetime | None = None) -> BreachClockResult:
    """Alert every Manager about each open breach with no reporting decision at 48 and at 72 hours."""
    now = now or timezone.now()
    result = BreachClockResult()
    managers = _managers()
    first = dt.timedelta(hours=ALERT_HOURS[0])
    undecided = Breach.objects.filter(
        closed_at__isnull=True, report_to_ico__isnull=True, discovered_at__lte=now - first
    ).order_by("discovered_at", "pk")
    for breach in undecided:
        elapsed = (now - breach.discovered_at).total_seconds() / 3600
        threshold = max(hours for hours in ALERT_HOURS if elapsed >= hours)  # only the latest one still matters
        report_by = report_deadline(discovered=breach.discovered_at)
        for manager in managers:
            written = _write(breach, manager=manager, threshold=threshold, report_by=report_by, now=now)
            if written is None:
                continue
            result.alerts += 1
            result.emails += int(written)
            if breach.reference not in result.breaches:
                result.breaches.append(breach.reference)
    return result


def breach_notice_read(*, notice_id: int, user: User, at: dt.datetime | None = None) -> int:
    """Mark one of the user's own breach alerts read; returns how many changed (0 or 1)."""
    changed = 0
    with transaction.atomic():
        for notice in BreachNotice.objects.select_for_update().filter(
            pk=notice_id, recipient=user, read_at__isnull=True
        ):
            notice.read_at = at or timezone.now()
            record_change(notice, reason="Read", by=user)
            notice.save()
            changed += 1
    return changed
