"""Reads for requests: every query a page needs, with its joins done up front."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection

from requests_app.models import ExtraBankHoliday
from rights import WorkingCalendar


def working_calendar() -> WorkingCalendar:
    """England and Wales bank holidays plus one-off holidays from settings and the admin.

    Before `migrate` has run (e.g. `manage.py deadline` on a fresh checkout) there are no admin
    holidays to read, so only the settings' list is added.
    """
    extra = {dt.date.fromisoformat(day) for day in settings.EXTRA_BANK_HOLIDAYS}
    if ExtraBankHoliday._meta.db_table in connection.introspection.table_names():
        extra.update(ExtraBankHoliday.objects.values_list("date", flat=True))
    return WorkingCalendar(extra)
