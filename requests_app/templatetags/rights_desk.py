"""Small display helpers for the staff workspace's templates (no logic of the case lives here)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.conf import settings

from requests_app.context_processors import LazyCalendar
from requests_app.models import Status
from rights import age_on as rights_age_on
from rights import internal_target as rights_internal_target

register = template.Library()


@register.filter
def revealing(form: object, name: str) -> object:
    """A radio question's radios with the questions each reveals (core.forms.GovukForm.revealing)."""
    return form.revealing(name)  # type: ignore[attr-defined]


_TAG_COLOURS = {
    Status.RECEIVED: "govuk-tag--teal",
    Status.AWAITING_IDENTITY: "govuk-tag--yellow",
    Status.AWAITING_CLARIFICATION: "govuk-tag--yellow",
    Status.AWAITING_FEE: "govuk-tag--yellow",
    Status.IN_PROGRESS: "",
    Status.GATHERING_RECORDS: "",
    Status.ASSESSING: "",
    Status.IN_REVIEW: "govuk-tag--turquoise",
    Status.AWAITING_SIGN_OFF: "govuk-tag--pink",
    Status.APPROVED: "govuk-tag--green",
    Status.DISCLOSED: "govuk-tag--green",
    Status.RECTIFIED: "govuk-tag--green",
    Status.ERASED: "govuk-tag--green",
    Status.UPHELD: "govuk-tag--green",
    Status.ANSWERED: "govuk-tag--green",
    Status.RECIPIENTS_NOTIFIED: "govuk-tag--green",
    Status.RESTRICTED: "govuk-tag--purple",
    Status.LIFTED: "govuk-tag--purple",
    Status.REJECTED: "govuk-tag--orange",
    Status.REFUSED: "govuk-tag--orange",
    Status.WITHDRAWN: "govuk-tag--grey",
    Status.CLOSED: "govuk-tag--grey",
}


@register.filter
def status_tag_class(status: str) -> str:
    """The GOV.UK tag colour for a status: yellow waits on the requester, green is an outcome, grey is finished."""
    return _TAG_COLOURS.get(Status(status), "") if status in Status.values else ""


@register.filter
def gov_date(value: dt.date | None) -> str:
    """'4 January 2027': the one date format of the service (GOV.UK style: no leading zero, month in full)."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


@register.filter
def long_date(value: dt.date | None) -> str:
    """'Friday 27 March 2026', the GOV.UK style for dates."""
    if value is None:
        return ""
    return f"{value:%A} {value.day} {value:%B %Y}"


@register.filter
def short_date(value: dt.date | None) -> str:
    """Tables use the service's one date format too ('27 March 2026'): see gov_date."""
    return gov_date(value)


@register.filter
def days_until(value: dt.date | None, today: dt.date) -> int | None:
    if value is None:
        return None
    return (value - today).days


@register.filter
def person_name(user: object) -> str:
    """A user's full name, or their username."""
    if user is None:
        return ""
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or getattr(user, "get_username", lambda: "")())


@register.filter
def overdue_on(rights_request: object, today: dt.date) -> bool:
    """RightsRequest.is_overdue(today), for templates."""
    check = getattr(rights_request, "is_overdue", None)
    return bool(check(today)) if callable(check) else False


@register.filter
def age_on(date_of_birth: dt.date | None, today: dt.date) -> int | str:
    """Age in whole years on a day (rights.age_on), or '' when unknown or not yet born."""
    if date_of_birth is None or today < date_of_birth:
        return ""
    return rights_age_on(date_of_birth, today)


@register.filter
def internal_target(due: dt.date | None, calendar: LazyCalendar | None) -> dt.date | None:
    """The team's target date before the statutory due date (rights.internal_target); None when the setting is 0.

    `calendar` is the page's `target_calendar`, read at most once a page and only when a target is shown.
    """
    days: int = settings.INTERNAL_TARGET_WORKING_DAYS
    if due is None or days <= 0 or not isinstance(calendar, LazyCalendar):
        return None
    return rights_internal_target(due, days, calendar.get())
