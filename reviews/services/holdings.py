"""Setting up holdings (reviews, agencies, submissions, people) and the guard on every new use (Art 18(2), Art 21(1))."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.audit import record_change
from reviews.access import require_manager, require_worker
from reviews.matching import SubjectIndex
from reviews.models import (
    AgencyKind,
    AgencySubmission,
    Category,
    DataShare,
    DataSubject,
    DataSubjectRecord,
    HeldCategory,
    HoldingView,
    NameKey,
    RecordStatus,
    Review,
    ReviewStatus,
    ReviewType,
    SourceAgency,
    SubmissionType,
)
from reviews.search import name_keys, postcode_of
from reviews.services.common import _fmt, _lock_held
from reviews.subjects import PersonRestriction, person_restrictions
from rights import ApplicationError

# Setting up holdings --------------------------------------------------------------------------------


def review_create(
    *, by: User, reference: str, review_type: str, title: str, started: dt.date, today: dt.date | None = None
) -> Review:
    """Record a review or audit the partnership has started."""
    require_manager(by, action="record a review or audit")
    today = today or timezone.localdate()
    if review_type not in ReviewType.values:
        raise ApplicationError(f"{review_type!r} is not one of the partnership's processes.", field="review_type")
    if started > today:
        raise ApplicationError("A review cannot start in the future.", field="started")
    if Review.objects.filter(reference=reference.strip()).exists():
        raise ApplicationError(f"A review with reference {reference.strip()} already exists.", field="reference")
    review = Review(reference=reference.strip(), review_type=review_type, title=title.strip(), started=started)
    review.full_clean()
    record_change(review, "Review recorded")
    review.save()
    return review


def review_conclude(*, review: Review, by: User, concluded: dt.date, today: dt.date | None = None) -> Review:
    """Mark a review concluded: its agency data's retention now runs (UK GDPR Art 5(1)(e))."""
    require_manager(by, action="conclude a review")
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if locked.status == ReviewStatus.CONCLUDED:
            raise ApplicationError(f"{locked.reference} concluded on {_fmt(locked.concluded or today)} already.")
        if concluded < locked.started or concluded > today:
            raise ApplicationError(
                f"The conclusion date must be between the start ({_fmt(locked.started)}) and today.", field="concluded"
            )
        locked.status = ReviewStatus.CONCLUDED
        locked.concluded = concluded
        record_change(locked, f"Concluded on {concluded.isoformat()}")
        locked.save()
    return locked


def review_set_legal_hold(*, review: Review, by: User, hold: bool, reason: str = "") -> Review:
    """Place or lift a legal hold: while held, nothing of the review is destroyed or erased (Art 17(3)(e))."""
    require_manager(by, action="place or lift a legal hold")
    if hold and not reason.strip():
        raise ApplicationError("Say why the review is on legal hold.", field="legal_hold_reason")
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if locked.legal_hold == hold:
            raise ApplicationError(f"{locked.reference} is {'already' if hold else 'not'} on legal hold.")
        locked.legal_hold = hold
        locked.legal_hold_reason = reason.strip() if hold else ""
        record_change(
            locked, "Legal hold placed" if hold else f"Legal hold lifted: {reason.strip() or 'no reason given'}"
        )
        locked.save()
    return locked


def agency_create(*, by: User, name: str, kind: str, data_owner: str, contact_email: str = "") -> SourceAgency:
    require_manager(by, action="add a partner agency")
    if kind not in AgencyKind.values:
        raise ApplicationError(f"{kind!r} is not a kind of agency.", field="kind")
    agency = SourceAgency(
        name=name.strip(), kind=kind, data_owner=data_owner.strip(), contact_email=contact_email.strip()
    )
    agency.full_clean()
    record_change(agency, "Agency added")
    agency.save()
    return agency


def submission_create(
    *,
    by: User,
    review: Review,
    agency: SourceAgency,
    submission_type: str,
    title: str,
    received_on: dt.date,
    summary: str = "",
) -> AgencySubmission:
    """Record what an agency supplied to a review."""
    require_worker(by, action="record an agency submission")
    if review.agency_data_destroyed_at is not None:
        raise ApplicationError(
            f"The agency data of {review.reference} has been destroyed: it takes no new submissions."
        )
    if submission_type not in SubmissionType.values:
        raise ApplicationError(f"{submission_type!r} is not a kind of submission.", field="submission_type")
    submission = AgencySubmission(
        review=review,
        agency=agency,
        submission_type=submission_type,
        title=title.strip(),
        received_on=received_on,
        summary=summary.strip(),
    )
    submission.full_clean()
    record_change(submission, "Submission recorded")
    submission.save()
    return submission


def _reindex(record: DataSubjectRecord) -> None:
    """Rebuild the record's search keys (derived, untracked data: bulk writes are fine here)."""
    NameKey.objects.filter(record=record).delete()
    if record.status == RecordStatus.ACTIVE:
        keys = name_keys([record.full_name, *record.previous_name_list])
        NameKey.objects.bulk_create([NameKey(record=record, key=key) for key in sorted(keys)])


def subject_record_create(
    *,
    by: User,
    submission: AgencySubmission,
    full_name: str,
    previous_names: Sequence[str] = (),
    date_of_birth: dt.date | None = None,
    address: str = "",
    categories: Mapping[str, str] | None = None,
) -> DataSubjectRecord:
    """Record a person a submission is about, with the categories held about them."""
    require_worker(by, action="record who a submission is about")
    if submission.destroyed_at is not None:
        raise ApplicationError("That submission has been destroyed.")
    categories = dict(categories or {})
    unknown = sorted(set(categories) - set(Category.values))
    if unknown:
        raise ApplicationError(f"Unknown categories: {', '.join(unknown)}.", field="categories")
    categories.setdefault(Category.NAME, "")
    if date_of_birth is not None:
        categories.setdefault(Category.DATE_OF_BIRTH, "")
    if address.strip():
        categories.setdefault(Category.ADDRESS, "")
    with transaction.atomic():
        _refuse_restricted_person(full_name.strip(), [full_name, *previous_names], date_of_birth)
        match = SubjectIndex.around([full_name, *previous_names], date_of_birth).match(
            [full_name, *previous_names], date_of_birth
        )
        if match.subject is None:  # a doubtful match gets a new person too: never a guess
            subject = DataSubject()
            record_change(subject, "Recorded from an agency submission")
            subject.save()
        else:
            subject = DataSubject.objects.get(pk=match.subject)
        record = DataSubjectRecord(
            submission=submission,
            subject=subject,
            full_name=full_name.strip(),
            previous_names="\n".join(n.strip() for n in previous_names if n.strip()),
            date_of_birth=date_of_birth,
            address=address.strip(),
            postcode=postcode_of(address),
        )
        record.full_clean()
        record_change(record, "Recorded from an agency submission")
        record.save()
        for key in Category.values:
            if key in categories:
                held = HeldCategory(record=record, category=key, value=categories[key].strip())
                record_change(held, "Recorded from an agency submission")
                held.save()
        _reindex(record)
    return record


# Restriction and new uses ----------------------------------------------------------------------------


def _restricted_message(who: str, restricted: PersonRestriction) -> str:
    """The basis, its article, since when and for which request, in plain words."""
    first = restricted.restriction
    info = first.restriction_basis.info
    request = f" for request {first.request_reference}" if first.request_reference else ""
    return (
        f"{who} is restricted: {info.title.lower()} ({info.article}), "
        f"since {_fmt(timezone.localtime(first.placed_at).date())}{request}."
    )


def assert_usable(subject_record: DataSubjectRecord) -> None:
    """Refuse, in plain words, any export or new use of an erased or restricted person (Art 18(2), Art 21(1)).

    A restriction follows the person: one placed on any record of theirs (same name and date of
    birth, or confirmed for the same request) refuses this record too.
    """
    record = subject_record
    if record.status != RecordStatus.ACTIVE:
        when = f" on {_fmt(timezone.localtime(record.erased_at).date())}" if record.erased_at else ""
        raise ApplicationError(
            f"Record {record.reference} was {record.get_status_display().lower()}{when}: nothing is left to use."
        )
    active = person_restrictions(record=record)
    if active:
        first = active[0]
        where = (
            ""
            if not first.link
            else f" The restriction was placed on {first.record_reference}, a record of the same person "
            f"({first.link}): it applies to the person, not to one record."
        )
        raise ApplicationError(
            f"{_restricted_message(f'{record.full_name} ({record.reference})', first)}{where} The record is kept, "
            "but it cannot be exported or used for anything new until the restriction is lifted."
        )


def _refuse_restricted_person(full_name: str, names: Sequence[str], date_of_birth: dt.date | None) -> None:
    """Recording a restricted person anew is a new use (Art 18(2), Art 21(1)): refused until lifted."""
    active = person_restrictions(names=names, date_of_birth=date_of_birth)
    if active:
        first = active[0]
        who = f"Not recorded: {full_name} is the same person as {first.record_reference} ({first.link}), which"
        raise ApplicationError(
            f"{_restricted_message(who, first)} Their data cannot be used for anything new until the restriction "
            "is lifted."
        )


def subject_export(
    *,
    record: DataSubjectRecord,
    by: User,
    purpose: str,
    recipient: SourceAgency | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The record as data, for a use outside the review; a recipient agency is recorded (Art 19)."""
    require_worker(by, action="export held data")
    if not purpose.strip():
        raise ApplicationError("Say what the export is for.", field="purpose")
    with transaction.atomic():
        locked = DataSubjectRecord.objects.select_for_update().get(pk=record.pk)
        assert_usable(locked)
        if recipient is not None:
            share = DataShare(
                record=locked,
                agency=recipient,
                shared_on=today or timezone.localdate(),
                purpose=purpose.strip(),
                shared_by=by,
            )
            record_change(share, "Exported to an agency")
            share.save()
        held = locked.categories.order_by("category")
        return {
            "reference": locked.reference,
            "review": locked.submission.review.reference,
            "agency": locked.submission.agency.name,
            "full_name": locked.full_name,
            "previous_names": locked.previous_name_list,
            "date_of_birth": locked.date_of_birth.isoformat() if locked.date_of_birth else None,
            "address": locked.address,
            "categories": {h.category: h.value for h in held},
        }


def subject_add_to_review(*, record: DataSubjectRecord, submission: AgencySubmission, by: User) -> DataSubjectRecord:
    """A new use: the person's data carried into another review's submission; refused while restricted."""
    require_worker(by, action="add a person to a review")
    assert_usable(record)
    if submission.pk == record.submission_id:
        raise ApplicationError("The person is already in that submission.")
    held = {h.category: h.value for h in record.categories.all()}
    return subject_record_create(
        by=by,
        submission=submission,
        full_name=record.full_name,
        previous_names=record.previous_name_list,
        date_of_birth=record.date_of_birth,
        address=record.address,
        categories=held,
    )


def record_set_ncnd(*, record: DataSubjectRecord, by: User, ncnd: bool, reason: str) -> DataSubjectRecord:
    """A Manager flags a record neither-confirm-nor-deny, or lifts the flag, saying why.

    While flagged, the record is found by staff searches (marked [NCND]) but never appears in a letter,
    a pack, its Art 15 section, or a count shown outside (reviews.selectors leaves it out).
    """
    require_manager(by, action="flag a record neither-confirm-nor-deny")
    if not reason.strip():
        raise ApplicationError("Say why.", field="ncnd_reason")
    with transaction.atomic():
        locked = DataSubjectRecord.objects.select_for_update().get(pk=record.pk)
        if locked.ncnd == ncnd:
            raise ApplicationError(
                f"{locked.reference} is {'already' if ncnd else 'not'} flagged neither-confirm-nor-deny."
            )
        locked.ncnd = ncnd
        locked.ncnd_reason = reason.strip() if ncnd else ""
        record_change(locked, f"{'Flagged' if ncnd else 'Flag lifted'}: neither confirm nor deny ({reason.strip()})")
        locked.save()
    return locked


# Editing what was entered (data entry; a data subject's rectification goes through subject_rectify) --------


def review_update(*, review: Review, by: User, title: str, started: dt.date, reason: str) -> Review:
    """Change a review's title or start date, saying why (history keeps the old values)."""
    require_manager(by, action="change a review")
    if not reason.strip():
        raise ApplicationError("Say why the review is changed.", field="reason")
    if started > timezone.localdate():
        raise ApplicationError("A review cannot start in the future.", field="started")
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if locked.concluded and started > locked.concluded:
            raise ApplicationError("A review cannot start after it concluded.", field="started")
        locked.title = title.strip()
        locked.started = started
        locked.full_clean()
        record_change(locked, f"Changed: {reason.strip()}")
        locked.save()
    return locked


def subject_record_update(
    *,
    record: DataSubjectRecord,
    by: User,
    full_name: str,
    previous_names: Sequence[str],
    date_of_birth: dt.date | None,
    address: str,
    categories: Sequence[str],
    reason: str,
    agency_reference: str = "",
    title: str = "",
    record_date: dt.date | None = None,
) -> DataSubjectRecord:
    """Correct what was entered about a person in a submission, saying why; history keeps the old values."""
    require_worker(by, action="change a record")
    if not reason.strip():
        raise ApplicationError("Say why the record is changed.", field="reason")
    unknown = sorted(set(categories) - set(Category.values))
    if unknown:
        raise ApplicationError(f"Unknown categories: {', '.join(unknown)}.", field="categories")
    with transaction.atomic():
        locked = _lock_held(record)
        locked.full_name = full_name.strip()
        locked.previous_names = "\n".join(n.strip() for n in previous_names if n.strip())
        locked.date_of_birth = date_of_birth
        locked.address = address.strip()
        locked.postcode = postcode_of(address)
        locked.agency_reference = agency_reference.strip()
        locked.title = title.strip()
        locked.record_date = record_date
        locked.full_clean()
        record_change(locked, f"Changed: {reason.strip()}")
        locked.save()
        held = {h.category: h for h in locked.categories.all()}
        wanted = set(categories) | {Category.NAME.value}
        for key, entry in held.items():
            if key not in wanted:
                record_change(entry, f"Removed: {reason.strip()}")
                entry.delete()
        for key in Category.values:
            if key in wanted and key not in held:
                entry = HeldCategory(record=locked, category=key, value="")
                record_change(entry, f"Added: {reason.strip()}")
                entry.save()
        _reindex(locked)
    return locked


def holding_view_record(*, user: User, review: Review | None = None, record: DataSubjectRecord | None = None) -> None:
    """Write one HoldingView row (append-only; the caller has already checked access)."""
    HoldingView.objects.create(user=user, review=review, record=record)
