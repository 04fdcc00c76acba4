"""The daily complaints sweep: reminders before the acknowledgement date, escalation after it (s.164A(3)(a)).

Idempotent: a notice is written once per complaint, person, kind, threshold and due date (a unique
constraint), and its email is queued in the same transaction as the notice, so a second run the same day writes
and sends nothing new. The email carries the reference and the dates only, never the complainant's details.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse

from casework.models import Complaint, ComplaintNotice, ComplaintNoticeKind, ComplaintStatus
from casework.services.common import fmt_date
from core import roles
from core.audit import record_change
from requests_app.services.messages import message_send

logger = logging.getLogger(__name__)

REMINDER_DAYS = (7, 3, 1)  # days before the acknowledgement date
ESCALATION_DAYS = (1, 7, 14)  # days past it: each one goes to every Manager


@dataclass
class ComplaintSweepResult:
    reminders: int = 0
    escalations: int = 0
    emails: int = 0
    complaints: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "reminders": self.reminders,
            "escalations": self.escalations,
            "emails": self.emails,
            "complaints": self.complaints,
        }


def _managers() -> list[User]:
    return list(User.objects.filter(is_active=True, groups__name=roles.MANAGER).distinct().order_by("pk"))


def _write(complaint: Complaint, *, recipient: User, kind: str, threshold: int, message: str) -> bool | None:
    """Write one notice and queue its email; None when it was written before (nothing new), False when not emailed."""
    try:
        with transaction.atomic():
            notice = ComplaintNotice(
                complaint=complaint,
                recipient=recipient,
                kind=kind,
                threshold=threshold,
                due_date=complaint.acknowledgement_due,
                message=message,
            )
            record_change(notice, reason="Complaint sweep", by=None)
            notice.save()
            if not recipient.email:
                logger.warning("%s has no email address: complaint notice %s only on the page", recipient.pk, notice.pk)
                return False
            notice.email = message_send(
                to=recipient.email,
                template="complaint_notice",
                context={
                    "reference": complaint.reference,
                    "kind": notice.get_kind_display(),
                    "due": fmt_date(complaint.acknowledgement_due),
                    "message": message,
                    "link": f"{settings.SITE_URL.rstrip('/')}{reverse('casework:complaint', args=[complaint.pk])}",
                },
                purpose=f"complaint_notice:{notice.pk}",
            )
            record_change(notice, reason="Emailed", by=None)
            notice.save()
    except IntegrityError:  # written by an earlier run: nothing new
        return None
    return True


def complaint_sweep_run(*, today: dt.date) -> ComplaintSweepResult:
    """Remind whoever has each unacknowledged complaint as its date nears, and escalate once it has passed."""
    result = ComplaintSweepResult()
    managers = _managers()
    # Owed an acknowledgement: none sent and no outcome sent (an outcome within the 30 days answers it too).
    waiting = (
        Complaint.objects.filter(
            status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.INVESTIGATING],
            acknowledged_at__isnull=True,
            outcome_sent_at__isnull=True,
        )
        .select_related("assigned_to")
        .order_by("pk")
    )
    for complaint in waiting:
        days_left = (complaint.acknowledgement_due - today).days
        due = fmt_date(complaint.acknowledgement_due)
        if days_left >= 0 and any(days_left <= d for d in REMINDER_DAYS):
            threshold = min(d for d in REMINDER_DAYS if days_left <= d)
            recipients = [complaint.assigned_to] if complaint.assigned_to else managers
            message = f"Complaint {complaint.reference} must be acknowledged by {due} ({days_left} days left)."
            for person in recipients:
                if person is None:
                    continue
                written = _write(
                    complaint, recipient=person, kind=ComplaintNoticeKind.REMINDER, threshold=threshold, message=message
                )
                if written is not None:
                    result.reminders += 1
                    result.emails += int(written)
                    result.complaints.append(complaint.reference)
        late = -days_left
        reached = [d for d in ESCALATION_DAYS if late >= d]
        if reached:
            threshold = max(reached)
            message = (
                f"Complaint {complaint.reference} was due to be acknowledged by {due} and is {late} "
                f"day{'s' if late != 1 else ''} late (DPA 2018 s.164A(3)(a))."
            )
            for person in managers:
                written = _write(
                    complaint,
                    recipient=person,
                    kind=ComplaintNoticeKind.ESCALATION,
                    threshold=threshold,
                    message=message,
                )
                if written is not None:
                    result.escalations += 1
                    result.emails += int(written)
                    result.complaints.append(complaint.reference)
    return result
