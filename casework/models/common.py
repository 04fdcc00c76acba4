"""What complaints and breaches share: their yearly references."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class CaseworkCounter(models.Model):
    """The last number issued per prefix and year, so references run CMP-2026-0001, BR-2026-0001, ..."""

    prefix = models.CharField(max_length=5)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="casework_counter_once")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
