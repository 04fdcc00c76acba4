"""Importing an agency return (CSV or XLSX): one row per record and the person it is about.

All or nothing: every row is checked first, against the file and against what is held; on any error
nothing is written and each error is one line, `row N, column NAME: what is wrong`. Then, in one
transaction, agencies and reviews the return names that are not held are created, records are
created or (when their values changed) updated with history, and each new record's person is
matched to one already held (reviews.matching) or recorded as new; a doubtful match is reported
and gets a new person. A dry run does the same work and rolls it back, so its figures are exact.
The same service serves the command, the import page's preview, and the Celery task (with progress).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.audit import record_change
from core.tasks import task_send_on_commit
from reviews.access import require_manager
from reviews.matching import Identity, SubjectIndex
from reviews.models import (
    AgencyKind,
    AgencySubmission,
    Category,
    DataSubject,
    DataSubjectRecord,
    HeldCategory,
    HoldingsImport,
    ImportStatus,
    NameKey,
    RecordStatus,
    Restriction,
    Review,
    ReviewType,
    SourceAgency,
    SubmissionType,
)
from reviews.search import name_keys, postcode_of
from reviews.spreadsheets import FileRefused, read_table
from reviews.subjects import person_restrictions
from rights import ApplicationError

# The file's words for the models' own names.
REVIEW_KINDS = {
    "practice_review": ReviewType.CSPR,
    "section_11_audit": ReviewType.SECTION_11,
    "multi_agency_audit": ReviewType.MULTI_AGENCY_AUDIT,
    "learning_review": ReviewType.LEARNING_REVIEW,
}
SUBMISSION_KINDS = {
    "statistics": SubmissionType.STATISTICAL,
    "performance": SubmissionType.PERFORMANCE,
    "reflection": SubmissionType.REFLECTION,
    "self_assessment": SubmissionType.SELF_ASSESSMENT,
}
CATEGORIES = {c.value: c for c in Category}  # the seed's list in snake case: the model's own values

REQUIRED = (
    "review",
    "review_kind",
    "review_title",
    "agency",
    "submission",
    "record",
    "record_title",
    "record_date",
    "name",
)
OPTIONAL = ("previous_names", "date_of_birth", "address", "categories")
COLUMNS = REQUIRED + OPTIONAL
PROGRESS_EVERY = 500
NEW_AGENCY_OWNER = "Data protection officer (to be confirmed)"

# A new agency's kind, from words in its name; "other" when none fits (a Manager can change it).
_AGENCY_WORDS = (
    (AgencyKind.POLICE, ("police", "constabulary")),
    (AgencyKind.CHILDRENS_SOCIAL_CARE, ("social care", "social services", "children's services", "childrens services")),
    (AgencyKind.HEALTH, ("nhs", "health", "hospital", "clinical", "icb", "gp ", "foundation trust")),
    (AgencyKind.EDUCATION, ("school", "education", "college", "academy", "nursery")),
)


class ImportRefused(Exception):
    """The return was not imported: one line per error, nothing written."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Row:
    number: int
    review: str
    review_kind: str
    review_title: str
    agency: str
    submission: str
    record: str
    record_title: str
    record_date: dt.date
    name: str
    previous_names: tuple[str, ...]
    date_of_birth: dt.date | None
    address: str
    categories: tuple[str, ...]

    @property
    def record_key(self) -> tuple[str, str]:
        return (self.agency.casefold(), self.record.casefold())


@dataclass(frozen=True)
class Change:
    """One row's effect, for the preview and the page's report."""

    row: int
    agency: str
    record: str
    action: str  # new, updated, unchanged
    fields: tuple[str, ...] = ()


@dataclass
class ImportResult:
    dry_run: bool
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    people: int = 0
    reviews: int = 0
    new_reviews: list[str] = field(default_factory=list)
    new_agencies: list[str] = field(default_factory=list)
    doubtful: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        return (
            f"{verb} {self.new} new, {self.updated} updated, {self.unchanged} unchanged records "
            f"about {self.people} people in {self.reviews} reviews"
        )

    @property
    def lines(self) -> list[str]:
        """What the command prints on standard output, the summary last."""
        would = "would create" if self.dry_run else "created"
        return [
            *(f"{would} agency: {name}" for name in self.new_agencies),
            *(f"{would} review: {reference}" for reference in self.new_reviews),
            *self.doubtful,
            self.summary,
        ]


Progress = Callable[[int, int], None]


def _date(text: str, *, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD") from None
    if day > today:
        raise ValueError(f"{day.isoformat()} is in the future")
    return day


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _check_headers(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    allowed = ", ".join(COLUMNS)
    errors: list[str] = []
    position: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = header.strip().casefold()
        if not name:
            errors.append(f"row 1, column {index + 1}: a column with no header; the columns allowed are {allowed}")
        elif name not in COLUMNS:
            errors.append(f"row 1, column {header.strip()}: unknown column; the columns allowed are {allowed}")
        elif name in position:
            errors.append(f"row 1, column {name}: the column appears twice")
        else:
            position[name] = index
    for name in REQUIRED:
        if name not in position:
            errors.append(f"row 1, column {name}: required column missing; the columns allowed are {allowed}")
    return position, errors


_LIMITS = {"review": 30, "review_title": 200, "agency": 200, "record": 100, "record_title": 200, "name": 200}


def _parse_row(
    number: int, cells: list[str], position: dict[str, int], *, today: dt.date
) -> tuple[Row | None, list[str]]:
    errors: list[str] = []

    def error(column: str, what: str) -> None:
        errors.append(f"row {number}, column {column}: {what}")

    if len(cells) > len(position) and any(cells[len(position) :]):
        error(str(len(position) + 1), "a value in a column with no header")
    values = {name: (cells[i].strip() if i < len(cells) else "") for name, i in position.items()}
    for name in REQUIRED:
        if not values.get(name):
            error(name, "empty; a value is required")
    for name, limit in _LIMITS.items():
        if len(values.get(name, "")) > limit:
            error(name, f"longer than {limit} characters")
    kind = values.get("review_kind", "")
    if kind and kind.casefold() not in REVIEW_KINDS:
        error("review_kind", f"{kind!r} is not one of {', '.join(REVIEW_KINDS)}")
    submission = values.get("submission", "")
    if submission and submission.casefold() not in SUBMISSION_KINDS:
        error("submission", f"{submission!r} is not one of {', '.join(SUBMISSION_KINDS)}")
    dates: dict[str, dt.date | None] = {}
    for name in ("record_date", "date_of_birth"):
        dates[name] = None
        if values.get(name):
            try:
                dates[name] = _date(values[name], today=today)
            except ValueError as problem:
                error(name, str(problem))
    categories = tuple(dict.fromkeys(c.casefold() for c in _split(values.get("categories", ""))))
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown:
        error(
            "categories",
            f"{', '.join(repr(c) for c in unknown)} {'is' if len(unknown) == 1 else 'are'} not a category; "
            f"the categories are {', '.join(CATEGORIES)}",
        )
    if errors:
        return None, errors
    record_date = dates["record_date"] or today  # required: an empty value was an error above
    return (
        Row(
            number=number,
            review=values["review"],
            review_kind=REVIEW_KINDS[kind.casefold()].value,
            review_title=values["review_title"],
            agency=" ".join(values["agency"].split()),
            submission=SUBMISSION_KINDS[submission.casefold()].value,
            record=values["record"],
            record_title=values["record_title"],
            record_date=record_date,
            name=" ".join(values["name"].split()),
            previous_names=_split(values.get("previous_names", "")),
            date_of_birth=dates["date_of_birth"],
            address=values.get("address", ""),
            categories=categories,
        ),
        [],
    )


def _stamp(obj: object, reason: str, by: User | None) -> None:
    """The history reason and acting user of the next save (simple_history reads both from the instance)."""
    record_change(obj, reason)
    if by is not None:
        obj._history_user = by  # type: ignore[attr-defined]


def _agency_kind(name: str) -> str:
    text = f"{name.casefold()} "
    for kind, words in _AGENCY_WORDS:
        if any(word in text for word in words):
            return kind.value
    return AgencyKind.OTHER.value


@dataclass
class _Held:
    """What is held that the return's rows refer to: fetched in a few queries."""

    reviews: dict[str, Review]
    agencies: dict[str, SourceAgency]
    records: dict[tuple[str, str], DataSubjectRecord]


def _load_held(rows: list[Row]) -> _Held:
    reviews = {r.reference: r for r in Review.objects.filter(reference__in={row.review for row in rows})}
    wanted = {row.agency.casefold() for row in rows}
    agencies = {a.name.casefold(): a for a in SourceAgency.objects.all() if a.name.casefold() in wanted}
    records: dict[tuple[str, str], DataSubjectRecord] = {}
    if agencies:
        references = {row.record for row in rows}
        for record in (
            DataSubjectRecord.objects.filter(
                submission__agency__in=list(agencies.values()), agency_reference__in=references
            )
            .select_related("submission__agency", "submission__review")
            .prefetch_related("categories")
        ):
            records[(record.submission.agency.name.casefold(), record.agency_reference.casefold())] = record
    return _Held(reviews, agencies, records)


def _check_against_held(rows: list[Row], held: _Held) -> list[str]:
    errors: list[str] = []
    first_seen: dict[tuple[str, str], int] = {}
    review_seen: dict[str, Row] = {}
    restrictions = Restriction.objects.filter(lifted_at__isnull=True).exists()
    for row in rows:
        where = f"row {row.number}, column"
        if row.record_key in first_seen:
            errors.append(
                f"{where} record: {row.agency}'s record {row.record} is also on row {first_seen[row.record_key]}"
            )
        first_seen.setdefault(row.record_key, row.number)
        earlier = review_seen.setdefault(row.review, row)
        if earlier.review_kind != row.review_kind:
            errors.append(f"{where} review_kind: review {row.review} is given another kind on row {earlier.number}")
        review = held.reviews.get(row.review)
        if review is not None:
            if review.review_type != row.review_kind:
                held_word = next(k for k, v in REVIEW_KINDS.items() if v == review.review_type)
                errors.append(f"{where} review_kind: review {row.review} is held as a {held_word}")
            if review.agency_data_destroyed_at is not None:
                errors.append(f"{where} review: the agency data of review {row.review} has been destroyed")
        record = held.records.get(row.record_key)
        if record is not None and record.status != RecordStatus.ACTIVE:
            errors.append(
                f"{where} record: {row.agency}'s record {row.record} was {record.get_status_display().lower()} "
                f"({record.reference}); an erased record is not brought back"
            )
        if restrictions:
            active = (
                person_restrictions(record=record)
                if record is not None and record.status == RecordStatus.ACTIVE
                else person_restrictions(names=[row.name, *row.previous_names], date_of_birth=row.date_of_birth)
            )
            if active:
                errors.append(
                    f"{where} name: the person is restricted ({active[0].restriction.restriction_basis.info.article}, "
                    f"on {active[0].record_reference}): their data cannot be used for anything new until it is lifted"
                )
    return errors


def holdings_import(
    *,
    file_name: str,
    data: bytes,
    dry_run: bool = False,
    by: User | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Check an agency return and import it (or, with dry_run, say what it would do); ImportRefused on any error."""
    if by is not None:
        require_manager(by, action="import an agency return")
    today = today or timezone.localdate()
    try:
        table = read_table(file_name, data)
    except FileRefused as refused:
        raise ImportRefused([refused.message]) from None
    position, errors = _check_headers(table.headers)
    if errors:
        raise ImportRefused(errors)
    rows: list[Row] = []
    for number, cells in table.rows:
        row, row_errors = _parse_row(number, cells, position, today=today)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    if errors:
        raise ImportRefused(errors)
    held = _load_held(rows)
    errors = _check_against_held(rows, held)
    if errors:
        raise ImportRefused(errors)
    result = ImportResult(dry_run=dry_run)
    plan = _plan(rows, held, result, progress=progress)
    with transaction.atomic():
        _write(plan, held, result, by=by, reason=f"Imported from {PurePath(file_name).name}", today=today)
        if dry_run:
            transaction.set_rollback(True)
    if progress is not None:
        progress(len(rows), len(rows))
    return result


@dataclass
class _Plan:
    rows: list[Row]
    new: list[tuple[Row, int]]  # a row and its person: a DataSubject pk, or a negative key for a new person
    updates: list[tuple[Row, DataSubjectRecord, list[str]]]
    new_people: int
    unlinked: list[DataSubjectRecord]  # held records with no person yet (entered before people were kept)


def _plan(rows: list[Row], held: _Held, result: ImportResult, *, progress: Progress | None) -> _Plan:
    """Decide each row's effect and match people, writing nothing (so progress can be shown as it goes)."""
    index = SubjectIndex.held()
    plan = _Plan(rows=rows, new=[], updates=[], new_people=0, unlinked=[])
    people: set[int] = set()
    total = len(rows)
    for done, row in enumerate(rows, start=1):
        record = held.records.get(row.record_key)
        if record is None:
            match = index.match([row.name, *row.previous_names], row.date_of_birth)
            if match.subject is None:
                plan.new_people += 1
                subject_key = -plan.new_people
                if match.doubtful:
                    result.doubtful.append(
                        f"row {row.number}: doubtful match with {'; '.join(match.doubtful)}: recorded as a new person"
                    )
            else:
                subject_key = match.subject
            index.add(Identity(subject_key, f"row {row.number}", (row.name, *row.previous_names), row.date_of_birth))
            people.add(subject_key)
            plan.new.append((row, subject_key))
            result.new += 1
            result.changes.append(Change(row.number, row.agency, row.record, "new"))
        else:
            if record.subject_id is None:
                plan.new_people += 1
                people.add(-plan.new_people)
                plan.unlinked.append(record)
            else:
                people.add(record.subject_id)
            changed = _differences(record, row)
            if changed:
                plan.updates.append((row, record, changed))
                result.updated += 1
                result.changes.append(Change(row.number, row.agency, row.record, "updated", tuple(changed)))
            else:
                result.unchanged += 1
                result.changes.append(Change(row.number, row.agency, row.record, "unchanged"))
        if progress is not None and done % PROGRESS_EVERY == 0 and done < total:
            progress(done, total)
    result.people = len(people)
    result.reviews = len({row.review for row in rows})
    return plan


def _write(plan: _Plan, held: _Held, result: ImportResult, *, by: User | None, reason: str, today: dt.date) -> None:
    """Create what the plan needs and write its records: one transaction, the caller's."""
    rows = plan.rows
    for row in rows:
        if row.agency.casefold() not in held.agencies:
            agency = SourceAgency(name=row.agency, kind=_agency_kind(row.agency), data_owner=NEW_AGENCY_OWNER)
            _stamp(agency, reason, by)
            agency.full_clean()
            agency.save()
            held.agencies[row.agency.casefold()] = agency
            result.new_agencies.append(f"{agency.name} ({agency.get_kind_display().lower()})")
    started: dict[str, dt.date] = {}
    for row in rows:
        started[row.review] = min(started.get(row.review, row.record_date), row.record_date)
    for row in rows:
        if row.review not in held.reviews:
            review = Review(
                reference=row.review, review_type=row.review_kind, title=row.review_title, started=started[row.review]
            )
            _stamp(review, reason, by)
            review.full_clean()
            review.save()
            held.reviews[row.review] = review
            result.new_reviews.append(f"{review.reference} ({review.get_review_type_display()})")
    # One open submission per review, agency and kind.
    submissions: dict[tuple[int, int, str], AgencySubmission] = {}
    for submission in AgencySubmission.objects.filter(
        review__in=list(held.reviews.values()), destroyed_at__isnull=True
    ).order_by("pk"):
        submissions.setdefault((submission.review_id, submission.agency_id, submission.submission_type), submission)

    def submission_for(row: Row) -> AgencySubmission:
        review, agency = held.reviews[row.review], held.agencies[row.agency.casefold()]
        key = (review.pk, agency.pk, row.submission)
        if key not in submissions:
            submission = AgencySubmission(
                review=review,
                agency=agency,
                submission_type=row.submission,
                title=f"{SubmissionType(row.submission).label} from {agency.name}",
                received_on=today,
            )
            _stamp(submission, reason, by)
            submission.save()
            submissions[key] = submission
        return submissions[key]

    for record in plan.unlinked:
        subject = DataSubject()
        _stamp(subject, reason, by)
        subject.save()
        record.subject = subject
        _stamp(record, f"{reason}: linked to a person", by)
        record.save()
    for row, record, changed in plan.updates:
        _update(record, row, submission_for(row), changed, reason=reason, by=by)
    subjects = bulk_create_with_history(
        [DataSubject() for _ in range(plan.new_people - len(plan.unlinked))],
        DataSubject,
        batch_size=500,
        default_user=by,
        default_change_reason=reason,
    )
    new_subject = dict(zip(sorted({k for _, k in plan.new if k < 0}, reverse=True), subjects, strict=True))
    records = [
        DataSubjectRecord(submission=submission_for(row), subject=new_subject.get(key), **_record_values(row))
        if key < 0
        else DataSubjectRecord(submission=submission_for(row), subject_id=key, **_record_values(row))
        for row, key in plan.new
    ]
    _create_records([row for row, _ in plan.new], records, by=by, reason=reason)


def _record_values(row: Row) -> dict[str, object]:
    return {
        "agency_reference": row.record,
        "title": row.record_title,
        "record_date": row.record_date,
        "full_name": row.name,
        "previous_names": "\n".join(row.previous_names),
        "date_of_birth": row.date_of_birth,
        "address": row.address,
        "postcode": postcode_of(row.address),
    }


def _categories_of(row: Row) -> list[str]:
    """The categories listed, with name (and date of birth and address when given) always held."""
    wanted = set(row.categories) | {Category.NAME.value}
    if row.date_of_birth is not None:
        wanted.add(Category.DATE_OF_BIRTH.value)
    if row.address:
        wanted.add(Category.ADDRESS.value)
    return [c for c in Category.values if c in wanted]


def _create_records(rows: list[Row], records: list[DataSubjectRecord], *, by: User | None, reason: str) -> None:
    """New records with their history, categories and search keys, in batches (no per-row queries)."""
    if not records:
        return
    records = bulk_create_with_history(
        records, DataSubjectRecord, batch_size=500, default_user=by, default_change_reason=reason
    )
    categories = [
        HeldCategory(record=record, category=category, value="")
        for row, record in zip(rows, records, strict=True)
        for category in _categories_of(row)
    ]
    bulk_create_with_history(categories, HeldCategory, batch_size=1000, default_user=by, default_change_reason=reason)
    keys = [
        NameKey(record=record, key=key)
        for row, record in zip(rows, records, strict=True)
        for key in sorted(name_keys([row.name, *row.previous_names]))
    ]
    NameKey.objects.bulk_create(keys, batch_size=1000)


def _differences(record: DataSubjectRecord, row: Row) -> list[str]:
    """The names of the fields in which a held record differs from its row."""
    changed = [
        name for name, value in _record_values(row).items() if name != "postcode" and getattr(record, name) != value
    ]
    submission = record.submission
    if (submission.review.reference, submission.agency.name.casefold(), submission.submission_type) != (
        row.review,
        row.agency.casefold(),
        row.submission,
    ):
        changed.append("submission")
    if set(_categories_of(row)) != {c.category for c in record.categories.all()}:
        changed.append("categories")
    return changed


def _update(
    record: DataSubjectRecord,
    row: Row,
    submission: AgencySubmission,
    changed: list[str],
    *,
    reason: str,
    by: User | None,
) -> None:
    """Bring a held record in line with its row, saved with history."""
    for name, value in _record_values(row).items():
        setattr(record, name, value)
    record.submission = submission
    _stamp(record, f"{reason}: {', '.join(changed)} changed", by)
    record.full_clean()
    record.save()
    wanted = _categories_of(row)
    held_categories = {c.category: c for c in record.categories.all()}
    for category, entry in held_categories.items():
        if category not in wanted:
            _stamp(entry, f"{reason}: no longer in the agency's return", by)
            entry.delete()
    for category in wanted:
        if category not in held_categories:
            entry = HeldCategory(record=record, category=category, value="")
            _stamp(entry, reason, by)
            entry.save()
    if {"full_name", "previous_names"} & set(changed):
        NameKey.objects.filter(record=record).delete()
        NameKey.objects.bulk_create(
            [
                NameKey(record=record, key=key)
                for key in sorted(name_keys([record.full_name, *record.previous_name_list]))
            ]
        )


def rows_in(file_name: str, data: bytes) -> int:
    """How many rows of data the file has (0 when it cannot be read): for a progress bar's total."""
    try:
        return len(read_table(file_name, data).rows)
    except FileRefused:
        return 0


# The import page: upload, check (a dry run, in Celery), confirm, run (in Celery, with progress) ------------

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PREVIEW_ROWS = 200  # the changes listed on the preview page; the counts cover every row


def holdings_import_upload(*, by: User, file_name: str, data: bytes) -> HoldingsImport:
    """Keep an uploaded return and queue its check; the page shows the preview when the check is done."""
    require_manager(by, action="import an agency return")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApplicationError(
            f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: split the return.", field="file"
        )
    upload = HoldingsImport(
        file_name=PurePath(file_name).name[:200],
        content=data,
        rows_total=rows_in(file_name, data),
        uploaded_by=by,
    )
    upload.save()
    task_send_on_commit("reviews.tasks.holdings_import_check_task", upload.pk)
    return upload


def holdings_import_check(*, import_id: int) -> HoldingsImport:
    """The dry run behind the preview: what would change, or every error (the file is then dropped)."""
    upload = HoldingsImport.objects.get(pk=import_id)
    if upload.status != ImportStatus.CHECKING:
        return upload  # checked already: a task delivered twice does nothing
    try:
        result = holdings_import(
            file_name=upload.file_name,
            data=bytes(upload.content),
            dry_run=True,
            progress=lambda done, total: _progress(upload.pk, done, total),
        )
    except ImportRefused as refused:
        upload.status = ImportStatus.INVALID
        upload.errors = "\n".join(refused.lines)
        upload.content = b""
    else:
        upload.status = ImportStatus.UPLOADED
        upload.preview = _preview(result)
        upload.summary = result.summary
    upload.rows_done = 0
    upload.save()
    return upload


def holdings_import_confirm(*, upload: HoldingsImport, by: User) -> HoldingsImport:
    """A Manager confirms a checked import: it is queued to run in the background."""
    require_manager(by, action="import an agency return")
    with transaction.atomic():
        locked = HoldingsImport.objects.select_for_update().get(pk=upload.pk)
        if locked.status != ImportStatus.UPLOADED:
            raise ApplicationError(f"This import is {locked.get_status_display().lower()}: it cannot be confirmed.")
        locked.status = ImportStatus.QUEUED
        locked.confirmed_by = by
        locked.rows_done = 0
        locked.save()
        task_send_on_commit("reviews.tasks.holdings_import_run_task", locked.pk)
    return locked


def holdings_import_run(*, import_id: int) -> HoldingsImport:
    """Run a confirmed import (idempotent: the import itself is), reporting progress; the file is then dropped."""
    with transaction.atomic():
        upload = HoldingsImport.objects.select_for_update().get(pk=import_id)
        if upload.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return upload
        upload.status = ImportStatus.RUNNING
        upload.save(update_fields=["status"])
    try:
        result = holdings_import(
            file_name=upload.file_name,
            data=bytes(upload.content),
            by=upload.confirmed_by,
            progress=lambda done, total: _progress(upload.pk, done, total),
        )
    except ImportRefused as refused:  # what is held changed since the check
        upload.status = ImportStatus.FAILED
        upload.errors = "\n".join(refused.lines)
    except ApplicationError as error:  # the confirming user is no longer a Manager
        upload.status = ImportStatus.FAILED
        upload.errors = error.message
    else:
        upload.status = ImportStatus.DONE
        upload.preview = _preview(result)
        upload.summary = result.summary
        upload.rows_done = upload.rows_total
    upload.content = b""
    upload.finished_at = timezone.now()
    upload.save()
    return upload


def _progress(import_id: int, done: int, total: int) -> None:
    """Progress of a check or a run, written outside the import's transaction so the page sees it."""
    HoldingsImport.objects.filter(pk=import_id).update(rows_done=done, rows_total=total)


def _preview(result: ImportResult) -> dict[str, object]:
    return {
        "lines": result.lines,
        "new": result.new,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "changes": [
            {"row": c.row, "agency": c.agency, "record": c.record, "action": c.action, "fields": list(c.fields)}
            for c in result.changes
            if c.action != "unchanged"
        ][:PREVIEW_ROWS],
    }


UPLOAD_KEEP_DAYS = 7


def holdings_imports_purge(*, now: dt.datetime | None = None) -> int:
    """Empty the files of uploads never confirmed after UPLOAD_KEEP_DAYS (they hold names); returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=UPLOAD_KEEP_DAYS)
    stale = HoldingsImport.objects.filter(uploaded_at__lt=cutoff).exclude(content=b"")
    count = 0
    for upload in stale.only("pk", "status"):
        upload.content = b""
        upload.preview = {}
        if upload.status == ImportStatus.UPLOADED:
            upload.status = ImportStatus.FAILED
            upload.errors = f"Not confirmed within {UPLOAD_KEEP_DAYS} days: the file was deleted. Upload it again."
        upload.save(update_fields=["content", "preview", "status", "errors"])
        count += 1
    return count
