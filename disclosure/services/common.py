"""What every disclosure service shares: who may act, whether the request is still open to change, the event log."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import timezone

from core import roles
from core.audit import record_change
from disclosure.models import DisclosureEvent, Document
from requests_app.models import RightsRequest, Status
from rights import ApplicationError, RightKind

WORKERS = (roles.MANAGER, roles.CASEWORKER)
REVIEWERS = (roles.MANAGER, roles.CASEWORKER, roles.REVIEWER)
OPINION_GIVERS = (roles.REVIEWER, roles.MANAGER)

# Once approved the pack is fixed: a change would disclose something nobody signed off.
LOCKED_STATUSES = frozenset({Status.APPROVED, Status.DISCLOSED, Status.CLOSED, Status.WITHDRAWN, Status.REFUSED})


def require_access_request(request: RightsRequest) -> None:
    if request.kind != RightKind.ACCESS.value:
        raise ApplicationError(
            f"{request.reference} is a {RightKind(request.kind).label.lower()} request: records are gathered and "
            "reviewed only for access requests."
        )


def require_editable(request: RightsRequest) -> None:
    """Refuse changes to the records of an access request once it is approved or finished."""
    require_access_request(request)
    if request.status in LOCKED_STATUSES:
        raise ApplicationError(
            f"{request.reference} is {Status(request.status).label.lower()}: its records and redactions can no "
            "longer be changed."
        )


def log_event(
    *, request: RightsRequest, action: str, detail: str, by: User | None, document: Document | None = None
) -> DisclosureEvent:
    return DisclosureEvent.objects.create(
        request=request, document=document, action=action, detail=detail, by=by, at=timezone.now()
    )


def unreview(document: Document, *, reason: str) -> bool:
    """A change to what a document discloses undoes its review; the caller saves. True if it was reviewed."""
    if document.reviewed_at is None:
        return False
    document.reviewed_at = None
    document.reviewed_by = None
    document.imported_reviewer = ""
    record_change(document, f"Review undone: {reason}")
    return True


def lock_document(document: Document) -> Document:
    """The document row, locked for this transaction, with its request."""
    return Document.objects.select_for_update(of=("self",)).select_related("request").get(pk=document.pk)
