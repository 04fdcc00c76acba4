"""Recording a use of restricted data on one of its grounds while processing is restricted (UK GDPR Art 18(2))."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core import roles
from core.audit import record_change
from core.roles import require_role
from core.text import day_text
from requests_app.models import RestrictedDataUse, TransitionEvent
from requests_app.services.locking import request_lock
from rights import ApplicationError
from rights.effects import RestrictedUse, restricted_use_refusal

# The steps that put a restriction in force: a use before the latest of them is not a use of restricted data.
RESTRICTING_STEPS = ("restrict", "restrict_processing")


def restricted_use_record(
    *,
    request_id: int,
    by: User | None,
    used_on: dt.date,
    used_by: str,
    ground: str,
    what: str,
    today: dt.date | None = None,
) -> RestrictedDataUse:
    """Record one use of the request's restricted data beyond storing it, with its Art 18(2) ground; refuse any
    other use, and a use on another person's rights or the public interest unless the Manager records it."""
    require_role(by, roles.MANAGER, roles.CASEWORKER, action="record a use of restricted data")
    if by is None:
        raise ApplicationError("A use of restricted data is recorded by a Manager or a caseworker, by name.")
    today = today or timezone.localdate()
    refusal = restricted_use_refusal(ground)
    if refusal is not None:
        raise ApplicationError(refusal, field="ground")
    basis = RestrictedUse(ground)
    if basis.needs_manager and not roles.is_manager(by):
        raise ApplicationError(
            f"Only the Manager can decide that a use is {basis.words.lower()} (UK GDPR Article 18(2)): ask them to "
            "record it.",
            field="ground",
        )
    if not used_by.strip():
        raise ApplicationError("Enter who used the data.", field="used_by")
    if not what.strip():
        raise ApplicationError("Enter what was done with the data, and why the ground applies.", field="what")
    if used_on > today:
        raise ApplicationError("The day of the use cannot be in the future.", field="used_on")
    with transaction.atomic():
        locked = request_lock(request_id, by=by)
        if not locked.processing_restricted:
            raise ApplicationError(
                "Processing of this request's data is not restricted now, so there is no restricted use to record "
                "(UK GDPR Article 18(2))."
            )
        began = TransitionEvent.objects.filter(request=locked, transition__in=RESTRICTING_STEPS).order_by("-at").first()
        if began is not None and used_on < timezone.localdate(began.at):
            raise ApplicationError(
                f"The restriction began on {day_text(timezone.localdate(began.at))}: a use before then was not a "
                "use of restricted data.",
                field="used_on",
            )
        use = RestrictedDataUse(
            request=locked,
            used_on=used_on,
            used_by=used_by.strip(),
            ground=basis.value,
            what=what.strip(),
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        use.full_clean()
        record_change(use, f"Restricted data used: {basis.words.lower()} (Art 18(2))", by=by)  # fits the history column
        use.save()
    return use
