"""A named view of the request list: a user's own filters and order, kept so they can come back to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class SavedListView(models.Model):
    """One user's named list view: the list's query string (filters and sort), never a page number."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_list_views")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000, blank=True, help_text="The list's filters and sort, as in its address.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "saved list view"
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="requests_saved_view_unique_name")]

    def __str__(self) -> str:
        return self.name
