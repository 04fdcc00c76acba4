"""Erasure on request (Art 17) and the wipe shared with retention's destruction."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.audit import record_change
from reviews.access import require_manager
from reviews.holds import current_holds
from reviews.models import (
    AgencySubmission,
    CertificateKind,
    Correction,
    DataShare,
    DataSubjectRecord,
    DestructionCertificate,
    HeldCategory,
    NameKey,
    RecipientNotification,
    RecordStatus,
    Restriction,
    Review,
    SubjectSearchHit,
)
from reviews.search import name_tokens
from reviews.services.common import _for, _lock_held
from reviews.services.effects import _notify_recipients
from rights import ApplicationError
from rights.effects import Effect, ErasureExemption, ErasureMethod

ERASED_HIT_REASON = "Details removed when the record was erased or destroyed."
ERASED_CORRECTION_REASON = "Removed when the record was erased or destroyed."
ERASED_NOTE = ERASED_CORRECTION_REASON  # free text written about the person: restriction reasons, purposes, notes
NAME_REMOVED = "[name removed]"
_WORDS = re.compile(r"[\w'\u2019]+")
_POSSESSIVE = re.compile(r"['\u2019]s$", re.IGNORECASE)


# Erasure (Art 17) and destruction ---------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureCounts:
    category_entries: int
    history_rows_cleared: int


def record_wipe(record: DataSubjectRecord, *, method: ErasureMethod, reason: str) -> ErasureCounts:
    """Remove a locked record's personal data, from the live rows and from their change history.

    The caller holds the lock and has done every check. History rows stay (who changed what, when,
    why) but lose their values: a destroyed record's old name must not survive in its history.
    Historical tables are not themselves tracked, so updating them in bulk loses nothing.
    """
    now = timezone.now()
    cleared = _scrub_free_text(record, reason=reason)
    held = list(HeldCategory.objects.filter(record=record))
    for entry in held:
        if method is ErasureMethod.DESTROY:
            record_change(entry, reason)
            entry.delete()
        else:
            entry.value = ""
            record_change(entry, reason)
            entry.save()
    cleared += HeldCategory.history.model.objects.filter(record_id=record.pk).exclude(value="").update(value="")
    NameKey.objects.filter(record=record).delete()
    placeholder = "[destroyed]" if method is ErasureMethod.DESTROY else "[anonymised]"
    record.full_name = placeholder
    record.previous_names = ""
    record.date_of_birth = None
    record.address = ""
    record.postcode = ""
    record.title = ""  # free text; the agency's reference stays, so a re-import cannot bring the record back
    record.ncnd_reason = ""
    record.status = RecordStatus.DESTROYED if method is ErasureMethod.DESTROY else RecordStatus.ANONYMISED
    record.erased_at = now
    record_change(record, reason)
    record.save()
    cleared += (
        DataSubjectRecord.history.model.objects.filter(id=record.pk)
        .exclude(
            full_name=placeholder,
            previous_names="",
            date_of_birth=None,
            address="",
            postcode="",
            title="",
            ncnd_reason="",
        )
        .update(
            full_name=placeholder,
            previous_names="",
            date_of_birth=None,
            address="",
            postcode="",
            title="",
            ncnd_reason="",
        )
    )
    for correction in Correction.objects.filter(record=record):
        correction.old_value = correction.new_value = ""
        correction.reason = ERASED_CORRECTION_REASON  # its wording may repeat the values
        record_change(correction, reason)
        correction.save()
    cleared += (
        Correction.history.model.objects.filter(record_id=record.pk)
        .exclude(old_value="", new_value="", reason=ERASED_CORRECTION_REASON)
        .update(old_value="", new_value="", reason=ERASED_CORRECTION_REASON)
    )
    for hit in SubjectSearchHit.objects.filter(record=record):
        hit.reasons = ERASED_HIT_REASON
        record_change(hit, reason)
        hit.save()
    cleared += (
        SubjectSearchHit.history.model.objects.filter(record_id=record.pk)
        .exclude(reasons=ERASED_HIT_REASON)
        .update(reasons=ERASED_HIT_REASON)
    )
    return ErasureCounts(category_entries=len(held), history_rows_cleared=cleared)


def names_removed(text: str, tokens: frozenset[str]) -> str:
    """The text with every word of the person's names (any case, accents or possessive) replaced."""

    def replace(match: re.Match[str]) -> str:
        word = _POSSESSIVE.sub("", match.group())
        return NAME_REMOVED if set(name_tokens(word)) & tokens else match.group()

    return _WORDS.sub(replace, text) if tokens else text


def _scrub_free_text(record: DataSubjectRecord, *, reason: str) -> int:
    """Free text written about the person goes with the record, live and in history; returns history rows cleared.

    Restriction reasons, share purposes and decision notes are about this record alone, so they are
    replaced whole. The submission's title and summary are about others too, and why a recipient was
    not told is the record of a decision, so only this person's names leave them. Called before the
    identity fields are emptied (it needs the names).
    """
    cleared: int = 0
    for restriction in Restriction.objects.filter(record=record):
        restriction.reason = ERASED_NOTE
        restriction.lift_reason = ERASED_NOTE if restriction.lift_reason else ""
        record_change(restriction, reason)
        restriction.save()
    past_restrictions = Restriction.history.model.objects.filter(record_id=record.pk)
    cleared += past_restrictions.exclude(reason=ERASED_NOTE).update(reason=ERASED_NOTE)
    cleared += (
        past_restrictions.exclude(lift_reason="").exclude(lift_reason=ERASED_NOTE).update(lift_reason=ERASED_NOTE)
    )
    for share in DataShare.objects.filter(record=record):
        share.purpose = ERASED_NOTE
        record_change(share, reason)
        share.save()
    cleared += (
        DataShare.history.model.objects.filter(record_id=record.pk)
        .exclude(purpose=ERASED_NOTE)
        .update(purpose=ERASED_NOTE)
    )
    for hit in SubjectSearchHit.objects.filter(record=record).exclude(decision_note=""):
        hit.decision_note = ERASED_NOTE
        record_change(hit, reason)
        hit.save()
    cleared += (
        SubjectSearchHit.history.model.objects.filter(record_id=record.pk)
        .exclude(decision_note="")
        .exclude(decision_note=ERASED_NOTE)
        .update(decision_note=ERASED_NOTE)
    )
    tokens = frozenset(
        token
        for name in (record.full_name, *record.previous_name_list)
        for token in name_tokens(name)
        if len(token) > 1
    )
    # Why a recipient was not told (Art 19) stays as the accountability record of that decision, without the names.
    for notice in RecipientNotification.objects.filter(record=record).exclude(not_required_reason=""):
        scrubbed = names_removed(notice.not_required_reason, tokens)
        if scrubbed != notice.not_required_reason:
            notice.not_required_reason = scrubbed
            record_change(notice, reason)
            notice.save()
    for past_notice in RecipientNotification.history.model.objects.filter(record_id=record.pk).exclude(
        not_required_reason=""
    ):
        scrubbed = names_removed(past_notice.not_required_reason, tokens)
        if scrubbed != past_notice.not_required_reason:
            past_notice.not_required_reason = scrubbed
            past_notice.save(update_fields=["not_required_reason"])
            cleared += 1
    submission = AgencySubmission.objects.select_for_update().get(pk=record.submission_id)
    title, summary = names_removed(submission.title, tokens), names_removed(submission.summary, tokens)
    if (title, summary) != (submission.title, submission.summary):
        submission.title, submission.summary = title, summary
        record_change(submission, reason)
        submission.save()
    for past in AgencySubmission.history.model.objects.filter(id=submission.pk):
        title, summary = names_removed(past.title, tokens), names_removed(past.summary, tokens)
        if (title, summary) != (past.title, past.summary):
            past.title, past.summary = title, summary
            past.save(update_fields=["title", "summary"])
            cleared += 1
    return cleared


def holds_blocking(record_ids: Iterable[int], review_ids: Iterable[int], *, ignore_reference: str = "") -> list[str]:
    """Plain-words reasons why open requests still need any of these records or reviews."""
    records, reviews = set(record_ids), set(review_ids)
    reasons: list[str] = []
    for hold in current_holds(ignore_reference=ignore_reference):
        needed = len(hold.record_ids & records)
        if needed or hold.review_ids & reviews:
            what = f"{needed} record{'s' if needed != 1 else ''}" if needed else "the review"
            undecided = len(hold.pending_record_ids & records)
            if undecided:
                what += f" ({undecided} search hit{'s' if undecided != 1 else ''} not yet confirmed or rejected)"
            reasons.append(f"open request {hold.request_reference} still needs {what}")
    return reasons


@dataclass(frozen=True)
class Erased:
    certificate: DestructionCertificate
    notifications: list[RecipientNotification]


def subject_erase(
    *,
    record: DataSubjectRecord,
    by: User,
    method: ErasureMethod,
    reason: str,
    request_reference: str = "",
    exemption: ErasureExemption | None = None,
) -> Erased:
    """Erase a person's record where no exemption applies (Art 17), with a certificate and Art 19 notices.

    The caller passes the decision on Art 17(3): an exemption refuses the erasure with its article.
    A legal hold on the review, or another open request that still needs the record, refuses it too.
    """
    require_manager(by, action="erase held data")
    if exemption is not None:
        raise ApplicationError(
            f"Not erased: {exemption.explanation} ({exemption.article}). Tell the person why, and of their right to complain."
        )
    if not reason.strip():
        raise ApplicationError("Say why the record is being erased.", field="reason")
    with transaction.atomic():
        # Review before record, the same order as retention's destruction, so the two never deadlock.
        review_id = AgencySubmission.objects.filter(pk=record.submission_id).values_list("review_id", flat=True).get()
        review = Review.objects.select_for_update().get(pk=review_id)
        locked = _lock_held(record)
        if review.legal_hold:
            raise ApplicationError(
                f"Not erased: {review.reference} is on legal hold ({review.legal_hold_reason}); nothing in it can be "
                "erased until the hold is lifted (UK GDPR Art 17(3)(e))."
            )
        blocking = holds_blocking([locked.pk], [review.pk], ignore_reference=request_reference)
        if blocking:
            raise ApplicationError(f"Not erased: {'; '.join(blocking)}.")
        notifications = _notify_recipients(
            record=locked,
            effect=Effect.ERASURE,
            detail=f"The record was {'destroyed' if method is ErasureMethod.DESTROY else 'anonymised'} on request (Art 17).",
            request_reference=request_reference,
        )
        counts = record_wipe(locked, method=method, reason=f"Erased on request (Art 17){_for(request_reference)}")
        certificate = DestructionCertificate(
            kind=CertificateKind.ERASURE,
            method=method.value,
            what=(
                f"Data subject record {locked.reference} in {review.reference} ({locked.submission.get_submission_type_display()} "
                f"from {locked.submission.agency.name}): {counts.category_entries} category entries."
            ),
            how=_how(method, counts.history_rows_cleared),
            review=review,
            record=locked,
            request_reference=request_reference,
            records=1,
            category_entries=counts.category_entries,
            history_rows_cleared=counts.history_rows_cleared,
            destroyed_at=timezone.now(),
            destroyed_by=by,
            destroyed_by_name=by.get_username(),
        )
        record_change(certificate, "Certificate issued")
        certificate.save()
    return Erased(certificate, notifications)


def _how(method: ErasureMethod, history_rows: int) -> str:
    if method is ErasureMethod.DESTROY:
        done = "Personal data deleted from the database (held categories removed, identity fields emptied)"
    else:
        done = "Identifying data removed from the database (identity fields and category contents emptied; which categories were held is kept for statistics)"
    done += (
        "; notes written about the person (restriction reasons, share purposes, decision notes) emptied and their "
        "names removed from the submission's title and summary"
    )
    return (
        f"{done}; {history_rows} earlier versions in the change history cleared of their values; "
        "search index entries deleted; only the record reference remains."
    )
