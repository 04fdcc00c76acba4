"""Models for rights requests."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class ExtraBankHoliday(models.Model):
    """A one-off bank holiday proclaimed after the `holidays` package was released (e.g. a state funeral)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y}: {self.name}"
