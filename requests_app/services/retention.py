"""Retention of closed rights requests: legal holds, the daily list of what is due, and destruction (Art 5(1)(e)).

A closed request is kept for REQUEST_RETENTION_DAYS after it closed, then destroyed on a Manager's
confirmation: the request, its letters, evidence, clock, steps, views, notices and people (unless
another request still names them), every history row of them, the higher layers' records through
requests_app.retention_registry, and the request's subject searches. One anonymous RequestStatistic row
is left, and a certificate of what went, when, by whom and how. Files go only after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from core import roles
from core.audit import record_change
from core.retention import due_list_refresh, retention_days_setting
from core.roles import require_role
from core.text import day_text
from requests_app.models import (
    FINISHED_STATUSES,
    ClockEvent,
    ClockEventKind,
    Evidence,
    Fee,
    Letter,
    Message,
    Notice,
    OneTimeCode,
    Person,
    RequestDestructionCertificate,
    RequestRetentionDue,
    RequestStatistic,
    RequestView,
    RestrictedDataUse,
    RightsRequest,
    StatusLink,
    StatusPageEvent,
    SubmittedDocument,
    TransitionEvent,
)
from requests_app.retention_registry import delete_with_history, retention_parts, stored_files
from rights import ApplicationError, RightKind
from rights.retention import answered_on_time, request_destruction_due, request_is_due

logger = logging.getLogger(__name__)
DEFAULT_RETENTION_DAYS = 2190  # six years after closure: a common local-government schedule


def request_set_legal_hold(
    *, request_id: int, by: User | None, hold: bool, reason: str, expected_version: int | None = None
) -> RightsRequest:
    """Place or lift a legal hold on a request, with the reason (Manager only): a held request is never destroyed.

    UK GDPR Art 17(3)(e) and Art 5(1)(e): kept for as long as a complaint, claim or inquiry needs it.
    """
    from requests_app.services.locking import request_lock

    require_role(by, roles.MANAGER, action="place or lift a legal hold")
    reason = reason.strip()
    if not reason:
        raise ApplicationError(
            "Say why the request is on legal hold." if hold else "Say why the legal hold is lifted.",
            field="legal_hold_reason",
        )
    with transaction.atomic():
        locked = request_lock(request_id, by=by, expected_version=expected_version)
        if locked.legal_hold == hold:
            raise ApplicationError(
                "The request is already on legal hold." if hold else "The request is not on legal hold."
            )
        locked.legal_hold = hold
        locked.legal_hold_reason = reason  # lifted: why it was lifted; the history keeps every reason whole
        locked.version += 1
        change = f"Legal hold placed: {reason}" if hold else f"Legal hold lifted: {reason}"
        record_change(locked, change, by=by)
        locked.save()
    return locked


def _manager(by: User | None, *, action: str) -> User:
    """Destruction is a Manager's confirmation: never the command line (its certificate names who confirmed)."""
    if by is None or not roles.is_manager(by):
        raise ApplicationError(f"Only a manager can {action}.")
    return by


def retention_days() -> int:
    """The REQUEST_RETENTION_DAYS setting: days a closed request is kept after it closed."""
    return retention_days_setting("REQUEST_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


def closed_on(request: RightsRequest) -> dt.date | None:
    """The day the request closed (or was withdrawn), in Europe/London; None while it is open."""
    if request.is_open or request.closed_at is None:
        return None
    return timezone.localdate(request.closed_at)


@dataclass(frozen=True)
class DueRequest:
    """A closed request whose retention has ended, with what (if anything) stops its destruction now."""

    request: RightsRequest
    closed_on: dt.date
    due_on: dt.date
    blocked: tuple[str, ...]
    listed_on: dt.date | None = None

    @property
    def ready(self) -> bool:
        return not self.blocked


def _blocked(request: RightsRequest) -> tuple[str, ...]:
    if request.legal_hold:
        return (f"it is on legal hold ({request.legal_hold_reason})",)
    return ()


def requests_due(*, today: dt.date) -> list[DueRequest]:
    """Closed requests due for destruction by `today` (UK GDPR Art 5(1)(e)), oldest first: two queries."""
    days = retention_days()
    # Closed on or before today - days (local time): closed before the start of the day after it.
    latest = today - dt.timedelta(days=days)
    bound = dt.datetime.combine(latest + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_default_timezone())
    candidates = list(
        RightsRequest.objects.filter(status__in=[s.value for s in FINISHED_STATUSES], closed_at__lt=bound)
        .select_related("retention_due")
        .order_by("closed_at", "pk")
    )
    due: list[DueRequest] = []
    for request in candidates:
        closed = closed_on(request)
        if closed is None or not request_is_due(closed, days, today):
            continue
        listed = getattr(request, "retention_due", None)
        due.append(
            DueRequest(
                request=request,
                closed_on=closed,
                due_on=request_destruction_due(closed, days),
                blocked=_blocked(request),
                listed_on=listed.listed_on if listed is not None else None,
            )
        )
    return due


def request_retention_refresh(*, today: dt.date) -> list[RequestRetentionDue]:
    """The daily list: a RequestRetentionDue for each closed request now due, with what blocks it as of today."""
    return due_list_refresh(
        RequestRetentionDue,
        owner="request",
        items=[(item.request, item.due_on, "; ".join(item.blocked)) for item in requests_due(today=today)],
        today=today,
        reason="Daily retention listing",
    )


# Destruction ------------------------------------------------------------------------------------------------


def _month(day: dt.date | None) -> dt.date | None:
    return day.replace(day=1) if day is not None else None


def request_statistic_build(request: RightsRequest) -> RequestStatistic:
    """The request as anonymous figures (unsaved): what the reports count once it is gone. Two queries.

    The answer is its first move into a response state (requests_app.reporting.figures), on time when
    on or before its due date (Art 12(3)); only months are kept, never a day, a name or the reference.
    """
    from requests_app.reporting.figures import REFUSAL_STATUSES, RESPONSE_STATUSES  # reporting reads these models

    first = (
        TransitionEvent.objects.filter(request=request, to_status__in=sorted(RESPONSE_STATUSES))
        .order_by("at", "pk")
        .first()
    )
    answered = timezone.localdate(first.at) if first is not None else None
    extension = ClockEvent.objects.filter(request=request, event=ClockEventKind.EXTENDED).order_by("date", "pk").first()
    refused = first is not None and first.to_status in REFUSAL_STATUSES
    return RequestStatistic(
        kind=request.kind,
        channel=request.channel,
        representative_role=request.representative_role,
        received_month=request.received.replace(day=1),
        answered_month=_month(answered),
        closed_month=_month(closed_on(request)),
        outcome=first.to_status if first is not None else "",
        final_status=request.status,
        days_to_respond=(answered - request.received).days if answered is not None else None,
        on_time=answered_on_time(answered, request.due_date) if answered is not None else None,
        extended=extension is not None,
        extended_month=_month(extension.date) if extension is not None else None,
        refused=refused,
        refusal_ground=request.refusal_ground if refused else "",
    )


@dataclass
class _Tally:
    counts: dict[str, int] = field(default_factory=dict)
    history_rows: int = 0
    files: list[tuple[Storage, str]] = field(default_factory=list)
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def add(self, label: str, result: tuple[int, int]) -> None:
        rows, history = result
        if rows:
            self.counts[label] = self.counts.get(label, 0) + rows
        self.history_rows += history


def _delete_files(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:  # pragma: no cover - logged: the row is gone, so the file is an orphan to clear by hand
            logger.exception("Could not delete a destroyed request's file %s", name)


def _admin_log_purge(model: type[Model], ids: list[int]) -> int:
    """The admin's own log names what it changed (a person's name for a Person): it goes with the rows."""
    if not ids:
        return 0
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    deleted, _ = LogEntry.objects.filter(content_type=content_type, object_id__in=[str(pk) for pk in ids]).delete()
    return deleted


def request_destroy(*, request_id: int, by: User | None, today: dt.date | None = None) -> RequestDestructionCertificate:
    """Destroy a closed request at the end of its retention, on a Manager's confirmation, and certify it.

    In one transaction: the anonymous statistics row; the higher layers' parts (disclosure); notices,
    the retention listing, views, steps, clock events, evidence, letters and the request, each with
    every history row; the people no other request names; the request's subject searches (reviews);
    the certificate. Refused while open, before it is due, or on legal hold. Files go after the commit.
    """
    from reviews.services import search_runs_purge

    user = _manager(by, action="confirm the destruction of a closed request")
    today = today or timezone.localdate()
    with transaction.atomic():
        try:
            locked = RightsRequest.objects.select_for_update().get(pk=request_id)
        except RightsRequest.DoesNotExist:
            raise ApplicationError("There is no such request: it may already have been destroyed.") from None
        closed = closed_on(locked)
        if closed is None:
            raise ApplicationError(f"{locked.reference} is still open: only a closed request is destroyed.")
        due_on = request_destruction_due(closed, retention_days())
        if due_on > today:
            raise ApplicationError(f"{locked.reference} is not due for destruction until {day_text(due_on)}.")
        if locked.legal_hold:
            raise ApplicationError(
                f"Not destroyed: {locked.reference} is on legal hold ({locked.legal_hold_reason}). Lift the hold first."
            )
        reference, kind = locked.reference, locked.kind
        request_statistic_build(locked).save()

        tally = _Tally()
        for part in retention_parts():
            purged = part.purge(locked)
            for label, count in purged.counts.items():
                tally.counts[label] = tally.counts.get(label, 0) + count
            tally.history_rows += purged.history_rows
            tally.files.extend(purged.files)
            tally.after_commit.extend(purged.after_commit)

        letter_ids = list(Letter.objects.filter(request=locked).values_list("pk", flat=True))
        evidence_ids = list(Evidence.objects.filter(request=locked).values_list("pk", flat=True))
        tally.files.extend(stored_files(Letter, "file", letter_ids))
        tally.files.extend(stored_files(Evidence, "scan", evidence_ids))
        submitted_ids = list(SubmittedDocument.objects.filter(request=locked).values_list("pk", flat=True))
        tally.files.extend(stored_files(SubmittedDocument, "file", submitted_ids))
        tally.add("notices", delete_with_history(Notice.objects.filter(request=locked)))
        tally.add("retention listings", delete_with_history(RequestRetentionDue.objects.filter(request=locked)))
        tally.add("views", delete_with_history(RequestView.objects.filter(request=locked)))
        tally.add("steps", delete_with_history(TransitionEvent.objects.filter(request=locked)))
        tally.add("clock events", delete_with_history(ClockEvent.objects.filter(request=locked)))
        tally.add("evidence", delete_with_history(Evidence.objects.filter(request=locked)))
        tally.add("restricted data uses", delete_with_history(RestrictedDataUse.objects.filter(request=locked)))
        tally.add("fees", delete_with_history(Fee.objects.filter(request=locked)))  # before the letters they cite
        tally.add("proof sent online", delete_with_history(SubmittedDocument.objects.filter(request=locked)))
        tally.add("status page events", delete_with_history(StatusPageEvent.objects.filter(link__request=locked)))
        tally.add(
            "one-time codes",
            delete_with_history(OneTimeCode.objects.filter(Q(status_link__request=locked) | Q(request=locked))),
        )
        tally.add("status links", delete_with_history(StatusLink.objects.filter(request=locked)))
        tally.add("messages", delete_with_history(Message.objects.filter(request=locked)))
        tally.add("letters", delete_with_history(Letter.objects.filter(request=locked)))
        people = sorted({pk for pk in (locked.subject_id, locked.requester_id) if pk is not None})
        tally.add("requests", delete_with_history(RightsRequest.objects.filter(pk=locked.pk)))
        still_named = set(
            RightsRequest.objects.filter(Q(subject_id__in=people) | Q(requester_id__in=people)).values_list(
                "subject_id", "requester_id"
            )
        )
        kept = {pk for pair in still_named for pk in pair if pk in people}
        gone = [pk for pk in people if pk not in kept]
        tally.add("people", delete_with_history(Person.objects.filter(pk__in=gone)))
        admin_log = sum(
            _admin_log_purge(model, ids)
            for model, ids in (
                (RightsRequest, [locked.pk]),
                (Person, gone),
                (Letter, letter_ids),
                (Evidence, evidence_ids),
                (SubmittedDocument, submitted_ids),
            )
        )
        searches = search_runs_purge(request_reference=reference)
        if searches:
            tally.counts["subject searches"] = searches
        files = sorted(set(tally.files), key=lambda pair: pair[1])
        what = "; ".join(f"{count} {label}" for label, count in sorted(tally.counts.items()))
        certificate = RequestDestructionCertificate(
            request_reference=reference,
            kind=kind,
            closed_on=closed,
            due_on=due_on,
            what=f"Closed request {reference} ({RightKind(kind).label}, closed {day_text(closed)}): {what}.",
            how=(
                "Rows deleted from the database with every earlier version in their change history "
                f"({tally.history_rows} history rows); {len(files)} stored files deleted once the deletion was "
                f"committed; {admin_log} admin log entries deleted; {len(kept)} "
                f"{'person' if len(kept) == 1 else 'people'} kept because another request still names them. "
                "One row of anonymous statistics (no names, no reference, months only) is kept for the reports."
            ),
            counts=dict(sorted(tally.counts.items())),
            people_destroyed=len(gone),
            people_kept=len(kept),
            files_deleted=len(files),
            history_rows_deleted=tally.history_rows,
            destroyed_at=timezone.now(),
            destroyed_by=user,
            destroyed_by_name=user.get_username(),
        )
        record_change(certificate, "Certificate issued")
        certificate.save()
        transaction.on_commit(lambda: _delete_files(files))
        for clean_up in tally.after_commit:
            transaction.on_commit(clean_up)
    return certificate


@dataclass(frozen=True)
class DestroyedAll:
    certificates: list[RequestDestructionCertificate]
    refused: list[tuple[str, str]]  # (reference, why)


def requests_destroy_due(*, by: User | None, today: dt.date | None = None) -> DestroyedAll:
    """Destroy every closed request due today that nothing blocks, each in its own transaction; the rest say why."""
    _manager(by, action="confirm the destruction of closed requests")
    today = today or timezone.localdate()
    done: list[RequestDestructionCertificate] = []
    refused: list[tuple[str, str]] = []
    for item in requests_due(today=today):
        if item.blocked:
            refused.append((item.request.reference, "; ".join(item.blocked)))
            continue
        try:
            done.append(request_destroy(request_id=item.request.pk, by=by, today=today))
        except ApplicationError as error:
            refused.append((item.request.reference, error.message))
    return DestroyedAll(done, refused)
