"""Notices to staff: written once, emailed once, marked read, and superseded when they stop applying.

Written once: rows go in with INSERT ... ON CONFLICT DO NOTHING (SQLite: INSERT OR IGNORE) against
the unique constraint on what a notice is about, so of two sweeps (or two workers) exactly one
writes each notice; each sweep then emails every notice still unsent that still applies, whichever
run wrote it (a sweep that failed half-way is made good by the next). Emailed
once: the email task locks unsent rows (skipping rows another worker holds, on PostgreSQL) and
stamps `emailed_at` in the same transaction. Field changes are recorded with history through
simple-history's bulk helpers (never queryset.update()).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from core.audit import record_change
from core.tasks import task_send_on_commit
from core.text import day_text
from requests_app.models import (
    CLOCK_KINDS,
    DUE_DATE_KINDS,
    FINISHED_STATUSES,
    RESPONDED_STATUSES,
    WAITING_ON_REQUESTER,
    Notice,
    NoticeKind,
    RightsRequest,
)
from requests_app.selectors.notices import current_notices_q
from rights import ApplicationError

logger = logging.getLogger(__name__)

EMAIL_BATCH_SIZE = 500


class NoticeEmailError(ConnectionError):
    """Some notice emails could not be sent; the task retries the ones still unsent."""


class NoticeDraft(NamedTuple):
    """A notice to write, if it has not been written before (sorted, it is the insert order: no deadlocks).

    A tuple, so that tens of thousands of them hash and sort at C speed.
    """

    request_id: int
    kind: str
    threshold: int
    recipient_id: int
    due_date: dt.date
    about: str
    message: str


class WrittenNotice(NamedTuple):
    """A notice this call wrote: enough to count it (rows stay in the database, not in memory)."""

    pk: int
    request_id: int
    kind: str
    threshold: int
    about: str


# Columns written by notices_insert; the rest (the stamps) start empty.
INSERT_FIELDS = ("request", "kind", "threshold", "recipient", "due_date", "about", "message", "run", "created_at")
INSERT_ROWS = 1000  # rows per INSERT statement (SQLite takes fewer: at most 999 parameters)


def notices_insert(*, drafts: Iterable[NoticeDraft], run: uuid.UUID, reason: str) -> list[WrittenNotice]:
    """Write the drafts not already written, with a history record each; returns those this call wrote.

    Rows go in as INSERT ... ON CONFLICT DO NOTHING built from tuples (model instances, for
    thousands of rows, cost more than the database does): on PostgreSQL one statement over unnest()
    of one array per column, elsewhere multi-row VALUES of up to a thousand rows (SQLite 3.24 or
    later takes ON CONFLICT too). Then one INSERT ... SELECT of their history records and one
    SELECT of what was written.
    """
    ordered = sorted(set(drafts))
    if not ordered:
        return []
    now = timezone.now()
    meta = Notice._meta
    history_meta = Notice.history.model._meta
    quote = connection.ops.quote_name
    concrete = {f.name: f for f in meta.concrete_fields}
    fields = [concrete[name] for name in INSERT_FIELDS]
    due_field = concrete["due_date"]
    run_value = concrete["run"].get_db_prep_save(run, connection)
    now_value = concrete["created_at"].get_db_prep_save(now, connection)
    rows = [
        (
            d.request_id,
            d.kind,
            d.threshold,
            d.recipient_id,
            due_field.get_db_prep_save(d.due_date, connection),
            d.about,
            d.message,
            run_value,
            now_value,
        )
        for d in ordered
    ]
    # Identifiers come from the model's own metadata, never from input; every value is a parameter.
    columns = ", ".join(quote(f.column) for f in fields)
    placeholder = f"({', '.join(['%s'] * len(fields))})"
    per_statement = max(1, min(INSERT_ROWS, (connection.features.max_query_params or 65535) // len(fields)))
    copied = [f.column for f in meta.concrete_fields]
    history = (
        f"INSERT INTO {quote(history_meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(c) for c in copied)}, {quote('history_date')}, {quote('history_change_reason')}, "
        f"{quote('history_type')}) "
        f"SELECT {', '.join(quote(c) for c in copied)}, %s, %s, '+' FROM {quote(meta.db_table)} "
        f"WHERE {quote('run')} = %s AND {quote('id')} > %s"
    )
    with transaction.atomic():
        before: int = Notice.objects.filter(run=run).aggregate(last=Max("pk"))["last"] or 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One statement, one array per column: no query text that grows with the rows to parse.
                arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
                cursor.execute(
                    f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT * FROM unnest({arrays}) "  # noqa: S608
                    "ON CONFLICT DO NOTHING",  # the unique constraint picks one winner; the loser's row is not written
                    [list(column) for column in zip(*rows, strict=True)],
                )
            else:
                for start in range(0, len(rows), per_statement):
                    chunk = rows[start : start + per_statement]
                    cursor.execute(
                        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
                        f"{', '.join([placeholder] * len(chunk))} "
                        "ON CONFLICT DO NOTHING",
                        [value for row in chunk for value in row],
                    )
            cursor.execute(
                history,
                [
                    {f.name: f for f in history_meta.concrete_fields}["history_date"].get_db_prep_save(now, connection),
                    reason[:100],
                    run_value,
                    before,
                ],
            )
        written = [
            WrittenNotice(*row)
            for row in Notice.objects.filter(run=run, pk__gt=before)
            .order_by("pk")
            .values_list("pk", "request_id", "kind", "threshold", "about")
        ]
    return written


# Obsolete notices


def notice_is_obsolete(notice: Notice, request: RightsRequest) -> bool:
    """A notice stops applying when its request closes, its due date moves, the response is given (a
    reminder, escalation or extension prompt), or (a closure flag) it stops waiting."""
    if request.status in FINISHED_STATUSES:
        return True
    if notice.kind in CLOCK_KINDS and request.status in RESPONDED_STATUSES:
        return True
    if notice.kind == NoticeKind.EXTENSION_PROMPT and not request.is_complex:
        return True  # the prompt is for a complex request (Art 12A); no longer marked so, it lapses
    if notice.kind in DUE_DATE_KINDS and notice.due_date != request.due_date:
        return True
    return notice.kind == NoticeKind.CLOSURE_FLAG and request.status not in WAITING_ON_REQUESTER


def notices_clear_obsolete(*, request: RightsRequest, by: User | None = None) -> int:
    """Bring the request's notices in step with it, with history; returns how many were superseded.

    A notice that no longer applies is marked superseded. A reminder, escalation or extension
    prompt superseded because the due date moved is current again when the due date moves back (a
    bank holiday added, then removed): the unique key would refuse a new one for that date, so
    without this the reminder would be hidden for good. To be called in the same transaction as
    anything that moves the due date, answers, closes or withdraws the request.
    """
    now = timezone.now()
    notices = list(
        Notice.objects.filter(request_id=request.pk).filter(
            Q(superseded_at__isnull=True) | Q(kind__in=[k.value for k in CLOCK_KINDS], due_date=request.due_date)
        )
    )
    stale = [n for n in notices if n.superseded_at is None and notice_is_obsolete(n, request)]
    revived = [n for n in notices if n.superseded_at is not None and not notice_is_obsolete(n, request)]
    for notice in stale:
        notice.superseded_at = now
    if stale:
        if request.status in FINISHED_STATUSES:
            reason = "Superseded: request finished"
        elif request.status in RESPONDED_STATUSES:
            reason = "Superseded: the response has been given"
        else:
            reason = f"Superseded: due date now {day_text(request.due_date)}"
        bulk_update_with_history(stale, Notice, ["superseded_at"], default_user=by, default_change_reason=reason)
    for notice in revived:
        notice.superseded_at = None
    if revived:
        bulk_update_with_history(
            revived,
            Notice,
            ["superseded_at"],
            default_user=by,
            default_change_reason=f"Current again: due date back to {day_text(request.due_date)}",
        )
    return len(stale)


# Reading them


def notice_mark_read(*, notice_id: int, user: User) -> Notice:
    """Mark one of the user's own notices read (idempotent)."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().filter(pk=notice_id, recipient_id=user.pk).first()
        if notice is None:
            raise ApplicationError("There is no such notice for you.", field="notice")
        if notice.read_at is None:
            notice.read_at = timezone.now()
            record_change(notice, "Read", by=user)
            notice.save(update_fields=["read_at"])
    return notice


def notices_mark_all_read(*, user: User, notice_ids: Sequence[int] | None = None) -> int:
    """Mark the user's unread notices read (all of them, or those listed); returns how many."""
    now = timezone.now()
    with transaction.atomic():
        unread = Notice.objects.select_for_update().filter(recipient_id=user.pk, read_at__isnull=True)
        if notice_ids is not None:
            unread = unread.filter(pk__in=list(notice_ids))
        notices = list(unread)
        for notice in notices:
            notice.read_at = now
        if notices:
            bulk_update_with_history(notices, Notice, ["read_at"], default_user=user, default_change_reason="Read")
    return len(notices)


# Email


def _email_for(recipient: User, notices: list[Notice]) -> EmailMessage:
    """One email per person per batch: the references and what is due, never a name from the case."""
    context = {
        "recipient": recipient,
        "notices": notices,
        "site_url": settings.SITE_URL.rstrip("/"),
        "list_path": reverse("notices"),
        "organisation": settings.ORGANISATION,
    }
    subject = " ".join(render_to_string("email/notices_subject.txt", context).split())
    body = render_to_string("email/notices_body.txt", context)
    return EmailMessage(subject=subject, body=body, to=[recipient.email])


def notices_email(
    *, run: uuid.UUID | None = None, notice_ids: Sequence[int] | None = None, pending: bool = False
) -> int:
    """Email the unsent notices of a sweep run (or those listed, or every one still pending), each once.

    Returns how many were emailed. `pending` takes every unsent notice that still applies, whichever
    run wrote it: a sweep that failed after writing some batches is made good by the next one.
    Rows are locked while their email goes, and rows another worker holds are skipped (PostgreSQL;
    SQLite runs one writer at a time). A recipient with no email address sees the notice in the
    workspace only. If a send fails the others still go, and NoticeEmailError asks the task to retry.
    """
    if run is None and notice_ids is None and not pending:
        raise ValueError("Say which notices to email: a sweep run, a list of ids, or every pending one.")
    cursor = 0
    emailed = 0
    failed = 0
    mailer = get_connection()
    while True:
        with transaction.atomic():
            batch = Notice.objects.filter(emailed_at__isnull=True, pk__gt=cursor)
            if run is not None:
                batch = batch.filter(run=run)
            if notice_ids is not None:
                batch = batch.filter(pk__in=list(notice_ids))
            if pending:
                # Only rows that can go: the others (no email address, someone who has left) stay in the workspace.
                batch = batch.filter(current_notices_q(), recipient__is_active=True).exclude(recipient__email="")
            notices = list(
                batch.select_related("recipient", "request")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:EMAIL_BATCH_SIZE]
            )
            if not notices:
                break
            cursor = notices[-1].pk
            by_recipient: dict[int, list[Notice]] = defaultdict(list)
            for notice in notices:
                usable = notice.recipient.email and notice.recipient.is_active
                if usable and notice.superseded_at is None and not notice_is_obsolete(notice, notice.request):
                    by_recipient[notice.recipient_id].append(notice)
            sent: list[Notice] = []
            now = timezone.now()
            for items in by_recipient.values():
                try:
                    mailer.send_messages([_email_for(items[0].recipient, items)])
                except (smtplib.SMTPException, OSError):
                    logger.exception("Could not email %d notice(s) to user %s", len(items), items[0].recipient_id)
                    failed += len(items)
                    continue
                for notice in items:
                    notice.emailed_at = now
                sent.extend(items)
            if sent:
                bulk_update_with_history(sent, Notice, ["emailed_at"], default_change_reason="Emailed")
            emailed += len(sent)
    if failed:
        raise NoticeEmailError(f"{failed} notice email(s) could not be sent; {emailed} were.")
    return emailed


def notices_email_queue(*, run: uuid.UUID | None = None) -> None:
    """Email the run's notices (run=None: every pending notice) once the transaction that wrote them has committed."""
    if run is None:
        task_send_on_commit("requests_app.tasks.notices_email_task", pending=True)
    else:
        task_send_on_commit("requests_app.tasks.notices_email_task", run=str(run))
