"""Importing a legacy register of past requests (CSV or XLSX) as cases, one row per request, all or nothing.

Each row becomes a case file (docs/case-format.md) and goes through the case importer, so every
request reaches its status through its kind's state machine, its statutory dates are computed by
the statute, and its steps are stamped on the register's dates (`status_dates`), so the reports
count them when they happened. Every row is checked first; on any error nothing is written and each
error is one line, `row N, column NAME: what is wrong`. A reference already held refuses the whole
file: a register is imported once, and skipping rows would hide a row that differs from what is held.
A dry run does the whole import and rolls it back, so what it reports is exact.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from requests_app.casefile.importer import case_import
from requests_app.casefile.plan import ENDING_STATUSES, PlanError, Wanted, plan, statuses_of
from requests_app.casefile.schema import FORMAT, CaseFileError, case_validate
from requests_app.models import Channel, RefusalGround, Status
from requests_app.services.requests import REFERENCE_PATTERN
from reviews.spreadsheets import FileRefused, read_table
from rights import RIGHTS, Authority, RepresentativeRole, RightKind
from rights.people import may_act_for

REQUIRED = ("reference", "kind", "received", "subject_name", "status")
OPTIONAL = (
    "subject_date_of_birth",
    "subject_address",
    "requester_name",
    "requester_address",
    "requester_role",
    "requester_authority",
    "channel",
    "summary",
    "identity_verified",
    "verified_by",
    "answered",
    "closed",
    "refusal_ground",
    "outcome",
)
COLUMNS = REQUIRED + OPTIONAL
EVIDENCE_NOTE = "verified in the legacy register"
DEFAULT_REASONS = "As recorded in the legacy register."
# Statuses a register row cannot bring: waiting for a clarification needs the question and its day.
NOT_FROM_A_REGISTER = frozenset({Status.AWAITING_CLARIFICATION.value})
BEFORE_IDENTITY = frozenset({Status.RECEIVED.value, Status.AWAITING_IDENTITY.value})
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+)?$")

# Where the case file's fields sit in the register, for the error lines.
PATH_COLUMNS = {
    "reference": "reference",
    "kind": "kind",
    "received": "received",
    "channel": "channel",
    "summary": "summary",
    "status": "status",
    "status_reason": "outcome",
    "decision.refusal_ground": "refusal_ground",
    "decision.reasons": "outcome",
    "subject.name": "subject_name",
    "subject.date_of_birth": "subject_date_of_birth",
    "subject.address": "subject_address",
    "requester": "requester_name",
    "requester.name": "requester_name",
    "requester.address": "requester_address",
    "representative": "requester_role",
    "representative.role": "requester_role",
    "representative.authority": "requester_authority",
    "status_dates.answered": "answered",
    "status_dates.closed": "closed",
    "evidence.seen_by": "verified_by",
    "evidence.seen_on": "identity_verified",
    "clock": "identity_verified",
    "clock.date": "identity_verified",
}


class RegisterRefused(Exception):
    """The register was not imported: one line per error, nothing written."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class RegisterRow:
    number: int
    reference: str
    kind: str
    status: str
    case: dict[str, Any]


@dataclass
class RegisterResult:
    dry_run: bool
    rows: list[RegisterRow] = field(default_factory=list)
    due: dict[str, dt.date] = field(default_factory=dict)  # reference -> due date, as computed

    @property
    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        counts = Counter(row.kind for row in self.rows)
        parts = ", ".join(f"{counts[kind.value]} {kind.value}" for kind in RightKind if counts[kind.value])
        noun = "request" if len(self.rows) == 1 else "requests"
        return f"{verb} {len(self.rows)} {noun}" + (f" ({parts})" if parts else "")

    @property
    def lines(self) -> list[str]:
        """What the command prints: with --dry-run one line per row first; the summary always last."""
        details = (
            [
                f"row {row.number}: {row.reference} {row.kind}, {row.status}, due {self.due[row.reference].isoformat()}"
                for row in self.rows
            ]
            if self.dry_run
            else []
        )
        return [*details, self.summary]


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def _word(text: str) -> str:
    """A value as the file's words are written: lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


def _day(text: str, *, today: dt.date) -> dt.date:
    """A date as ISO (YYYY-MM-DD, also with a time from a spreadsheet cell) or as DD/MM/YYYY."""
    iso = ISO_DATE.match(text)
    uk = UK_DATE.match(text)
    try:
        if iso:
            day = dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif uk:
            day = dt.date(int(uk[3]), int(uk[2]), int(uk[1]))
        else:
            raise ValueError(f"{text!r} is not a date: write it as YYYY-MM-DD or DD/MM/YYYY")
    except ValueError as error:
        if "not a date" in str(error):
            raise
        raise ValueError(f"{text!r} is not a real date") from None
    if day > today:
        raise ValueError(f"{day.isoformat()} is in the future")
    return day


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


def _column_of(path: str) -> str:
    plain = re.sub(r"\[\d+\]", "", path)
    return PATH_COLUMNS.get(plain, PATH_COLUMNS.get(plain.split(".", 1)[0], "status"))


def _case_lines(number: int, error: CaseFileError) -> list[str]:
    """One line per column: two fields of the case can come from one column (identity_verified)."""
    lines: dict[str, str] = {}
    for item in error.errors:
        path, _, message = item.partition(": ")
        column = _column_of(path)
        lines.setdefault(column, f"row {number}, column {column}: {' '.join(message.split())}")
    return list(lines.values())


def _choice(values: dict[str, str], name: str, allowed: list[str], error: Any) -> str:
    text = values.get(name, "")
    if not text:
        return ""
    word = _word(text)
    if word not in allowed:
        error(name, f"{text!r} is not one of {', '.join(allowed)}")
        return ""
    return word


def _needs_child_consent(case: dict[str, Any], received: dt.date, born: dt.date | None) -> bool:
    """A child able to decide must have consented before anyone else acts for them (rights.people)."""
    role = case.get("representative", {}).get("role")
    if role is None:
        return False
    authority = case["representative"].get("authority")
    decision = may_act_for(
        role=RepresentativeRole(role),
        authority=Authority(authority) if authority else None,
        authority_verified=True,
        subject_date_of_birth=born,
        request_date=received,
        consent_age=settings.CHILD_CONSENT_AGE,
    )
    return decision.child_consent_needed


def _parse_row(
    number: int, cells: list[str], position: dict[str, int], *, today: dt.date, verified_by: str
) -> tuple[RegisterRow | None, list[str]]:
    errors: list[str] = []

    def error(column: str, what: str) -> None:
        errors.append(f"row {number}, column {column}: {what}")

    if len(cells) > len(position) and any(cells[len(position) :]):
        error(str(len(position) + 1), "a value in a column with no header")
    values = {name: (cells[i].strip() if i < len(cells) else "") for name, i in position.items()}
    for name in REQUIRED:
        if not values.get(name):
            error(name, "empty; a value is required")
    reference = values.get("reference", "").upper()
    if reference and not REFERENCE_PATTERN.match(reference):
        error("reference", f"{values['reference']!r} is not a reference like RR-2019-0042")
    kind = _choice(values, "kind", [k.value for k in RightKind], error)
    channel = _choice(values, "channel", list(Channel.values), error)
    ground = _choice(values, "refusal_ground", list(RefusalGround.values), error)
    role = _choice(
        values, "requester_role", [r.value for r in RepresentativeRole if r is not RepresentativeRole.SELF], error
    )
    authority = _choice(values, "requester_authority", [a.value for a in Authority], error)
    status = ""
    if kind and values.get("status"):
        allowed = [s for s in statuses_of(kind) if s not in NOT_FROM_A_REGISTER]
        status = _choice(values, "status", allowed, error)
    dates: dict[str, dt.date | None] = {}
    for name in ("received", "subject_date_of_birth", "identity_verified", "answered", "closed"):
        dates[name] = None
        if values.get(name):
            try:
                dates[name] = _day(values[name], today=today)
            except ValueError as problem:
                error(name, str(problem))
    received = dates["received"]
    requester = values.get("requester_name", "")
    if not requester:
        for name in ("requester_address", "requester_role", "requester_authority"):
            if values.get(name):
                error(name, "is given only with requester_name (left empty when the data subject asked)")
    elif not role and not values.get("requester_role"):
        error("requester_role", "required with requester_name: one of parent, solicitor, deputy, attorney, other")
    if status in (Status.REFUSED, Status.REJECTED) and not ground:
        error("refusal_ground", f"required for a request that is {status} (one of {', '.join(RefusalGround.values)})")
    if status in BEFORE_IDENTITY and dates["identity_verified"] is not None:
        error("identity_verified", f"a request that is {status} has not had identity verified")
    for name in ("verified_by",):
        if values.get(name) and status in BEFORE_IDENTITY:
            error(name, f"a request that is {status} has not had identity verified")
    if errors or received is None or not kind or not status:
        return None, errors

    case: dict[str, Any] = {
        "format": FORMAT,
        "reference": reference,
        "kind": kind,
        "received": received.isoformat(),
        "status": status,
        "subject": {"name": " ".join(values["subject_name"].split())},
    }
    if channel:
        case["channel"] = channel
    if values.get("summary"):
        case["summary"] = values["summary"]
    born = dates["subject_date_of_birth"]
    if born is not None:
        case["subject"]["date_of_birth"] = born.isoformat()
    if values.get("subject_address"):
        case["subject"]["address"] = values["subject_address"]
    if requester:
        case["requester"] = {"name": " ".join(requester.split())}
        if values.get("requester_address"):
            case["requester"]["address"] = values["requester_address"]
        case["representative"] = {"role": role or RepresentativeRole.OTHER.value}
        if authority:
            case["representative"]["authority"] = authority

    if status not in BEFORE_IDENTITY and not (status == Status.WITHDRAWN and dates["identity_verified"] is None):
        seen_by = values.get("verified_by") or verified_by
        if not seen_by:
            error(
                "verified_by",
                "required for a request past awaiting identity (the username of the caseworker or Manager who "
                "checked it), or give --verified-by",
            )
            return None, errors
        seen_on = (dates["identity_verified"] or received).isoformat()
        evidence = [{"kind": "identity", "description": EVIDENCE_NOTE, "seen_on": seen_on, "seen_by": seen_by}]
        if requester:
            evidence.append({"kind": "authority", "description": EVIDENCE_NOTE, "seen_on": seen_on, "seen_by": seen_by})
            if _needs_child_consent(case, received, born):
                evidence.append(
                    {"kind": "child_consent", "description": EVIDENCE_NOTE, "seen_on": seen_on, "seen_by": seen_by}
                )
        case["evidence"] = evidence
    if dates["identity_verified"] is not None:
        case["clock"] = [{"event": "identity_received", "date": dates["identity_verified"].isoformat()}]

    status_dates = {name: day.isoformat() for name in ("answered", "closed") if (day := dates[name]) is not None}
    if status in ENDING_STATUSES and "closed" not in status_dates:
        error("closed", f"required for a request that is {status} (the day it was {status})")
    if status_dates:
        case["status_dates"] = status_dates
    outcome = values.get("outcome", "")
    if ground:
        case["decision"] = {"refusal_ground": ground}
    _place_outcome(case, kind, status, ground, outcome, error)
    if errors:
        return None, errors
    return RegisterRow(number, reference, kind, status, case), []


def _place_outcome(case: dict[str, Any], kind: str, status: str, ground: str, outcome: str, error: Any) -> None:
    """The register's outcome notes go where the steps record them: the decision's reasons, or the closing reason."""
    try:
        steps = plan(kind, Wanted(status=status, refusal_ground=ground, decision_reasons=outcome or DEFAULT_REASONS))
    except PlanError:
        return  # the case's own check reports why the status cannot be reached
    if any("decision_reasons" in step.data for step in steps):
        reasons = outcome or DEFAULT_REASONS
        if any(step.name == "answer" for step in steps):
            # The answer step puts the statute's explanation first (plan._answer_extra takes it off again).
            explanation = RIGHTS[RightKind(kind)].public_task_explanation
            reasons = f"{explanation}\n\n{outcome}" if outcome else explanation
        case.setdefault("decision", {})["reasons"] = reasons
    elif outcome:
        if steps and steps[-1].target in ENDING_STATUSES:
            case["status_reason"] = outcome
        else:
            error("outcome", f"a request that is {status} has no outcome to note yet")


def register_read(
    *, file_name: str, data: bytes, today: dt.date | None = None, verified_by: str = ""
) -> list[RegisterRow]:
    """Every row checked, as a case file and against what is held; RegisterRefused with every error line."""
    today = today or timezone.localdate()
    try:
        table = read_table(file_name, data)
    except FileRefused as refused:
        raise RegisterRefused([refused.message]) from None
    position, errors = _check_headers(table.headers)
    if errors:
        raise RegisterRefused(errors)
    rows: list[RegisterRow] = []
    seen: dict[str, int] = {}
    folder = Path.cwd()
    for number, cells in table.rows:
        row, row_errors = _parse_row(number, cells, position, today=today, verified_by=verified_by)
        errors.extend(row_errors)
        if row is None:
            continue
        if row.reference in seen:
            errors.append(f"row {number}, column reference: {row.reference} is also on row {seen[row.reference]}")
            continue
        seen[row.reference] = number
        try:
            case_validate(row.case, folder=folder, today=today)
        except CaseFileError as refused:
            errors.extend(_case_lines(number, refused))
            continue
        rows.append(row)
    if errors:
        raise RegisterRefused(errors)
    return rows


def register_import(
    *, file_name: str, data: bytes, dry_run: bool = False, today: dt.date | None = None, verified_by: str = ""
) -> RegisterResult:
    """Check the whole register, then import every row in one transaction (rolled back for a dry run)."""
    today = today or timezone.localdate()
    rows = register_read(file_name=file_name, data=data, today=today, verified_by=verified_by)
    result = RegisterResult(dry_run=dry_run, rows=rows)
    folder = Path(PurePath(file_name).parent or ".").resolve()
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    request = case_import(data=row.case, folder=folder, by=None, today=today)
                except CaseFileError as refused:
                    raise RegisterRefused(_case_lines(row.number, refused)) from None
                result.due[row.reference] = request.due_date
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result
