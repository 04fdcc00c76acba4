"""One access function per model: who may open a complaint or a breach record. Anything else is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from casework.models import Breach, Complaint
from core import roles
from core.roles import AnyUser


def complaints_visible_to(user: AnyUser) -> QuerySet[Complaint]:
    """The Manager and caseworkers handle complaints; professional reviewers do not see them."""
    if roles.is_manager(user) or roles.is_caseworker(user):
        return Complaint.objects.all()
    return Complaint.objects.none()


def complaint_get_for_user(*, user: AnyUser, pk: int) -> Complaint:
    complaint = complaints_visible_to(user).select_related("request", "assigned_to").filter(pk=pk).first()
    if complaint is None:
        raise Http404("No such complaint")
    return complaint


def breaches_visible_to(user: AnyUser) -> QuerySet[Breach]:
    """The Manager keeps the breach log; a caseworker sees the breaches they recorded."""
    if roles.is_manager(user):
        return Breach.objects.all()
    if roles.is_caseworker(user):
        return Breach.objects.filter(created_by_id=user.pk)
    return Breach.objects.none()


def breach_get_for_user(*, user: AnyUser, pk: int) -> Breach:
    breach = breaches_visible_to(user).select_related("request", "pack").filter(pk=pk).first()
    if breach is None:
        raise Http404("No such breach")
    return breach
