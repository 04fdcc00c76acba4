"""What a case file may say, checked field by field; every error names its field. Nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from core import roles
from core.json_values import json_type
from requests_app.casefile.keys import CORE_KEYS
from requests_app.casefile.plan import (
    ENDING_STATUSES,
    PlanError,
    PlannedStep,
    StepDates,
    Wanted,
    plan,
    responded_statuses,
)
from requests_app.casefile.reader import Reader, show
from requests_app.casefile.sections import registered_sections
from requests_app.models import (
    Channel,
    EvidenceKind,
    FeeStatus,
    LetterDirection,
    LetterMethod,
    RefusalGround,
    RightsRequest,
    Status,
)
from requests_app.selectors import working_calendar
from requests_app.services.evidence import ActingDetails
from requests_app.services.requests import REFERENCE_PATTERN, PersonDetails, validate_representation
from rights import (
    ApplicationError,
    Authority,
    Clarification,
    Competence,
    DeadlineError,
    ExtensionGround,
    FeeBasis,
    RepresentativeRole,
    RightKind,
    clarification_stops_clock,
    due_date,
    fee_refusal,
)
from rights.people import (
    ADULT_AGE,
    AffairsArea,
    BestInterests,
    EvidenceDocument,
    ParentalResponsibilityBasis,
    PowerKind,
    age_on,
)

FORMAT = "rights-desk-case/1"

REQUIRED_KEYS = ("format", "reference", "kind", "received", "subject")
PERSON_KEYS = ("name", "previous_names", "date_of_birth", "address", "previous_addresses", "email", "phone")
LETTER_KEYS = ("direction", "date", "method", "addressee", "summary", "template")
EVIDENCE_KEYS = ("kind", "description", "seen_on", "seen_by", "competence")
DECISION_KEYS = ("refusal_ground", "reasons", "supplementary_statement")
FEE_KEYS = ("basis", "amount_pence", "reason", "asked_on", "letter", "status", "settled_on", "settled_reason")
STARTER_EVENTS = ("identity_received", "authority_received", "fee_received")
CLOCK_EVENTS = (*STARTER_EVENTS, "clarification", "extended")
CLOCK_KEYS: dict[str, tuple[str, ...]] = {
    **{name: ("event", "date", "reason", "letter") for name in STARTER_EVENTS},
    "clarification": ("event", "asked", "answered", "reason", "letter", "answered_reason", "answered_letter", "why"),
    "extended": ("event", "date", "reason", "letter"),
}
# Where a service's ApplicationError.field sits in the case file.
SERVICE_FIELDS = {
    "representative_role": "representative.role",
    "authority": "representative.authority",
    "requester": "requester",
    "reference": "reference",
    "received": "received",
    "assigned_to": "assigned_to",
    "full_name": "subject.name",
    "restricted_reason": "restricted.reason",
    "refusal_ground": "decision.refusal_ground",
    "decision_reasons": "decision.reasons",
    "supplementary_statement": "decision.supplementary_statement",
    "clarification_question": "clock",
    "reason": "status_reason",
    "pr_basis": "representative.parental_responsibility.basis",
    "pr_evidence": "representative.parental_responsibility.evidence",
    "deputy_order_covers": "representative.deputy_order_covers",
    "power_kind": "representative.power_of_attorney.kind",
    "power_registered_on": "representative.power_of_attorney.registered_on",
    "power_made_on": "representative.power_of_attorney.made_on",
    "affairs": "representative.affairs",
    "decided_on": "representative.best_interests.decided_on",
    "decision": "representative.best_interests.decision",
}
REPRESENTATIVE_KEYS = (
    "role",
    "authority",
    "parental_responsibility",
    "deputy_order_covers",
    "power_of_attorney",
    "affairs",
    "best_interests",
)


class CaseFileError(ApplicationError):
    """The case file was refused; every error starts with the field it concerns. Nothing was written."""

    def __init__(self, errors: list[str] | tuple[str, ...]) -> None:
        self.errors = tuple(errors)
        first_field = self.errors[0].split(":", 1)[0] if self.errors else None
        super().__init__("; ".join(self.errors), field=first_field)


@dataclass(frozen=True)
class LetterEntry:
    direction: str
    date: dt.date
    method: str
    summary: str
    addressee: str = ""
    template: str = ""


@dataclass(frozen=True)
class ClockEntry:
    """One entry of "clock": a starter, an extension, or a clarification (asked; answered unless still open)."""

    event: str
    date: dt.date
    path: str
    answered: dt.date | None = None
    reason: str = ""
    letter: int | None = None
    answered_reason: str = ""
    answered_letter: int | None = None
    why: str = ""  # a clarification's reason for asking (optional; never asked on a blanket basis, the ICO)


@dataclass(frozen=True)
class EvidenceEntry:
    kind: str
    description: str
    seen_on: dt.date
    seen_by: str | None
    competence: str | None = None


@dataclass(frozen=True)
class FeeEntry:
    """One entry of "fees": a fee asked for (UK GDPR Art 12(5)(a), 15(3)), and whether it was paid or waived."""

    basis: str
    amount_pence: int
    reason: str
    asked_on: dt.date
    status: str
    settled_on: dt.date | None = None
    settled_reason: str = ""
    letter: int | None = None


@dataclass(frozen=True)
class BestInterestsEntry:
    decision: BestInterests
    reasons: str
    decided_on: dt.date


@dataclass(frozen=True)
class Case:
    """A case file that passed every check, ready to be written."""

    reference: str
    kind: RightKind
    received: dt.date
    channel: str
    summary: str
    subject: PersonDetails
    requester: PersonDetails | None
    role: RepresentativeRole
    authority: Authority | None
    assigned_to: str | None
    restricted_reason: str | None
    evidence: tuple[EvidenceEntry, ...]
    letters: tuple[LetterEntry, ...]
    clock: tuple[ClockEntry, ...]
    wanted: Wanted
    steps: tuple[PlannedStep, ...]
    sections: dict[str, Any] = field(default_factory=dict)
    folder: Path = Path()
    complex: bool = False  # complex, or one of numerous requests (UK GDPR Art 12A); optional, default false
    # The Art 12A ground in full (optional; "complex": true alone still means the complexity ground):
    # {"ground": "complex" | "numerous", "reason": "...", "numerous_with": ["RR-2026-0001", ...]}
    extension_ground: str = ""
    complex_reason: str = ""
    numerous_with: tuple[str, ...] = ()
    step_dates: StepDates | None = None  # "status_dates": steps stamped on those days, not at the import
    fees: tuple[FeeEntry, ...] = ()  # "fees": written as records of the past (no letters, no clock events)
    # "representative" keys added with issue 14 (optional, so older files stay valid): the basis, the decision.
    acting: ActingDetails = field(default_factory=ActingDetails)
    best_interests: BestInterestsEntry | None = None


def _person(reader: Reader, value: Any, path: str, received: dt.date | None) -> PersonDetails | None:
    data = reader.obj(value, path, allowed=PERSON_KEYS, required=("name",))
    if data is None:
        return None
    name = reader.text(data.get("name"), f"{path}.name", required=True, max_length=200)
    born = reader.date(data.get("date_of_birth"), f"{path}.date_of_birth")
    if born is not None and received is not None and born > received:
        reader.error(f"{path}.date_of_birth", f"{born.isoformat()} is after the request was received")
    previous: list[str] = []
    for index, item in enumerate(reader.array(data.get("previous_names"), f"{path}.previous_names")):
        where = f"{path}.previous_names[{index}]"
        if item is None:
            reader.error(where, "must be a string, not null")
            continue
        item_name = reader.text(item, where, required=True, max_length=200)
        if "\n" in item_name or "\r" in item_name:
            reader.error(where, "must be one name on one line")
        elif item_name:
            previous.append(item_name)
    previous_addresses: list[str] = []
    for index, item in enumerate(reader.array(data.get("previous_addresses"), f"{path}.previous_addresses")):
        where = f"{path}.previous_addresses[{index}]"
        if item is None:
            reader.error(where, "must be a string, not null")
            continue
        address = reader.text(item, where, required=True)
        if "\n" in address or "\r" in address:
            reader.error(where, "must be one address on one line (its parts separated by commas)")
        elif address:
            previous_addresses.append(address)
    email = reader.text(data.get("email"), f"{path}.email", max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            reader.error(f"{path}.email", f"{show(email)} is not an email address")
    return PersonDetails(
        full_name=name,
        date_of_birth=born,
        address=reader.text(data.get("address"), f"{path}.address"),
        email=email,
        phone=reader.text(data.get("phone"), f"{path}.phone", max_length=40),
        previous_names="\n".join(previous),
        previous_addresses="\n".join(previous_addresses),
    )


def _representation(
    reader: Reader, root: dict[str, Any], subject: PersonDetails | None, received: dt.date | None
) -> tuple[PersonDetails | None, RepresentativeRole, Authority | None]:
    errors_before = len(reader.errors)
    requester = _person(reader, root["requester"], "requester", received) if root.get("requester") is not None else None
    role = RepresentativeRole.SELF
    authority: Authority | None = None
    if root.get("representative") is not None:
        representative = reader.obj(
            root["representative"], "representative", allowed=REPRESENTATIVE_KEYS, required=("role",)
        )
        if representative is not None:
            role_value = reader.choice(representative.get("role"), "representative.role", RepresentativeRole)
            authority_value = reader.choice(representative.get("authority"), "representative.authority", Authority)
            role = RepresentativeRole(role_value) if role_value else RepresentativeRole.SELF
            authority = Authority(authority_value) if authority_value else None
    elif requester is not None:
        reader.error("representative", "is required when a requester is given (their role and authority)")
    if len(reader.errors) == errors_before:
        try:
            validate_representation(role=role, requester=requester, authority=authority)
        except ApplicationError as error:
            reader.error(SERVICE_FIELDS.get(error.field or "", "representative"), error.message)
    if authority is Authority.PARENTAL_RESPONSIBILITY and subject is not None and received is not None:
        # Children Act 1989 s3, s105: parental responsibility is for a child, and ends at 18.
        if subject.date_of_birth is None:
            reader.error("subject.date_of_birth", "is required when a parent acts under parental responsibility")
        elif subject.date_of_birth <= received and age_on(subject.date_of_birth, received) >= ADULT_AGE:
            reader.error(
                "representative.authority",
                f"parental responsibility ends at {ADULT_AGE}; the data subject was "
                f"{age_on(subject.date_of_birth, received)} when the request was received",
            )
    return requester, role, authority


def _acting(
    reader: Reader, root: dict[str, Any], received: dt.date | None
) -> tuple[ActingDetails, BestInterestsEntry | None]:
    """The basis the representative acts on and the best-interests decision, when the file records them.

    Which facts fit which authority, and whether they let the representative act, the evidence service and the
    steps' guards check when the case is written (rights.people.acting_power_refusal).
    """
    data = root.get("representative")
    if not isinstance(data, dict):
        return ActingDetails(), None
    path = "representative"
    parental = (
        reader.obj(
            data.get("parental_responsibility"),
            f"{path}.parental_responsibility",
            allowed=("basis", "evidence", "adopted_since"),
            required=("basis", "evidence"),
        )
        if data.get("parental_responsibility") is not None
        else None
    )
    basis: ParentalResponsibilityBasis | None = None
    documents: set[EvidenceDocument] = set()
    adopted = False
    if parental is not None:
        where = f"{path}.parental_responsibility"
        chosen = reader.choice(parental.get("basis"), f"{where}.basis", ParentalResponsibilityBasis)
        basis = ParentalResponsibilityBasis(chosen) if chosen else None
        for index, item in enumerate(reader.array(parental.get("evidence"), f"{where}.evidence")):
            document = reader.choice(item, f"{where}.evidence[{index}]", EvidenceDocument)
            if document:
                documents.add(EvidenceDocument(document))
        adopted = bool(reader.flag(parental.get("adopted_since"), f"{where}.adopted_since"))
    covers: set[AffairsArea] = set()
    for index, item in enumerate(reader.array(data.get("deputy_order_covers"), f"{path}.deputy_order_covers")):
        area = reader.choice(item, f"{path}.deputy_order_covers[{index}]", AffairsArea)
        if area:
            covers.add(AffairsArea(area))
    power = (
        reader.obj(
            data.get("power_of_attorney"),
            f"{path}.power_of_attorney",
            allowed=("kind", "made_on", "registered_on", "donor_lacks_capacity"),
            required=("kind",),
        )
        if data.get("power_of_attorney") is not None
        else None
    )
    kind: PowerKind | None = None
    made_on = registered_on = None
    lacks = False
    if power is not None:
        where = f"{path}.power_of_attorney"
        chosen = reader.choice(power.get("kind"), f"{where}.kind", PowerKind)
        kind = PowerKind(chosen) if chosen else None
        made_on = reader.date(power.get("made_on"), f"{where}.made_on")
        registered_on = reader.date(power.get("registered_on"), f"{where}.registered_on")
        lacks = bool(reader.flag(power.get("donor_lacks_capacity"), f"{where}.donor_lacks_capacity"))
    affairs = reader.choice(data.get("affairs"), f"{path}.affairs", AffairsArea)
    acting = ActingDetails(
        pr_basis=basis,
        pr_evidence=frozenset(documents),
        child_adopted_since=adopted,
        affairs=AffairsArea(affairs) if affairs else None,
        deputy_order_covers=frozenset(covers),
        power_kind=kind,
        power_registered_on=registered_on,
        power_made_on=made_on,
        donor_lacks_capacity=lacks,
    )
    best: BestInterestsEntry | None = None
    if data.get("best_interests") is not None:
        where = f"{path}.best_interests"
        decided = reader.obj(
            data["best_interests"],
            where,
            allowed=("decision", "reasons", "decided_on"),
            required=("decision", "reasons", "decided_on"),
        )
        if decided is not None:
            decision = reader.choice(decided.get("decision"), f"{where}.decision", BestInterests)
            reasons = reader.text(decided.get("reasons"), f"{where}.reasons", required=True)
            decided_on = reader.date(decided.get("decided_on"), f"{where}.decided_on")
            if decided_on is not None and received is not None and decided_on < received:
                reader.error(f"{where}.decided_on", f"{decided_on.isoformat()} is before the request was received")
            if decision and reasons and decided_on is not None:
                best = BestInterestsEntry(BestInterests(decision), reasons, decided_on)
    return acting, best


def _evidence(reader: Reader, value: Any, received: dt.date | None, role: RepresentativeRole) -> list[EvidenceEntry]:
    entries: list[EvidenceEntry] = []
    for index, item in enumerate(reader.array(value, "evidence")):
        path = f"evidence[{index}]"
        data = reader.obj(item, path, allowed=EVIDENCE_KEYS, required=("kind", "description", "seen_on"))
        if data is None:
            continue
        kind = reader.choice(data.get("kind"), f"{path}.kind", EvidenceKind.values)
        description = reader.text(data.get("description"), f"{path}.description", required=True)
        seen_on = reader.date(data.get("seen_on"), f"{path}.seen_on")
        seen_by = reader.text(data.get("seen_by"), f"{path}.seen_by", max_length=150) or None
        competence = reader.choice(data.get("competence"), f"{path}.competence", Competence)
        if seen_on is not None and received is not None and seen_on < received:
            reader.error(f"{path}.seen_on", f"{seen_on.isoformat()} is before the request was received")
        if competence is not None and kind != EvidenceKind.COMPETENCE:
            reader.error(f"{path}.competence", "is given only with kind competence")
        if kind in (EvidenceKind.AUTHORITY, EvidenceKind.CHILD_CONSENT) and role is RepresentativeRole.SELF:
            reader.error(f"{path}.kind", f"{kind}: the data subject is asking for themselves, so none is needed")
        if kind is not None and seen_on is not None:
            entries.append(EvidenceEntry(kind, description, seen_on, seen_by, competence))
    return entries


def _decision(reader: Reader, value: Any) -> tuple[str, str, str]:
    if value is None:
        return "", "", ""
    data = reader.obj(value, "decision", allowed=DECISION_KEYS)
    if data is None:
        return "", "", ""
    ground = reader.choice(data.get("refusal_ground"), "decision.refusal_ground", RefusalGround.values) or ""
    reasons = reader.text(data.get("reasons"), "decision.reasons")
    statement = reader.text(data.get("supplementary_statement"), "decision.supplementary_statement")
    return ground, reasons, statement


def _letters(reader: Reader, value: Any) -> list[LetterEntry]:
    entries: list[LetterEntry] = []
    for index, item in enumerate(reader.array(value, "letters")):
        path = f"letters[{index}]"
        data = reader.obj(item, path, allowed=LETTER_KEYS, required=("direction", "date", "summary"))
        if data is None:
            continue
        direction = reader.choice(data.get("direction"), f"{path}.direction", LetterDirection.values)
        day = reader.date(data.get("date"), f"{path}.date")
        method = reader.choice(data.get("method"), f"{path}.method", LetterMethod.values) or LetterMethod.POST.value
        summary = reader.text(data.get("summary"), f"{path}.summary", required=True)
        addressee = reader.text(data.get("addressee"), f"{path}.addressee", max_length=200)
        template = reader.text(data.get("template"), f"{path}.template", max_length=60)
        if direction is not None and day is not None:
            entries.append(LetterEntry(direction, day, method, summary, addressee, template))
    return entries


def _clock(reader: Reader, value: Any, received: dt.date | None, letter_count: int) -> list[ClockEntry]:
    entries: list[ClockEntry] = []
    extension_at: str | None = None
    for index, item in enumerate(reader.array(value, "clock")):
        path = f"clock[{index}]"
        if not isinstance(item, dict):
            reader.error(path, f"must be an object, not {json_type(item)}")
            continue
        if item.get("event") is None:
            reader.error(f"{path}.event", f"is required (one of {', '.join(CLOCK_EVENTS)})")
            continue
        event = reader.choice(item.get("event"), f"{path}.event", CLOCK_EVENTS)
        if event is None:
            continue
        date_key = "asked" if event == "clarification" else "date"
        required = (date_key, "reason") if event == "extended" else (date_key,)
        data = reader.obj(item, path, allowed=CLOCK_KEYS[event], required=required)
        if data is None:
            continue
        day = reader.date(data.get(date_key), f"{path}.{date_key}")
        answered = reader.date(data.get("answered"), f"{path}.answered") if event == "clarification" else None
        reason = reader.text(data.get("reason"), f"{path}.reason", required=event == "extended")
        letter = reader.index(data.get("letter"), f"{path}.letter", letter_count)
        answered_reason = reader.text(data.get("answered_reason"), f"{path}.answered_reason")
        answered_letter = reader.index(data.get("answered_letter"), f"{path}.answered_letter", letter_count)
        why = reader.text(data.get("why"), f"{path}.why")
        if (answered_reason or answered_letter is not None) and answered is None:
            reader.error(f"{path}.answered", "is required with answered_reason or answered_letter")
        if day is None:
            continue
        if received is not None and day < received:
            reader.error(
                f"{path}.{date_key}", f"{day.isoformat()} is before the request was received ({received.isoformat()})"
            )
            continue
        if answered is not None and answered < day:
            reader.error(f"{path}.answered", f"{answered.isoformat()} is before asked {day.isoformat()}")
            continue
        if event == "extended":
            if extension_at is not None:
                reader.error(path, f"the request is already extended at {extension_at}; it can be extended only once")
                continue
            extension_at = path
        entries.append(ClockEntry(event, day, path, answered, reason, letter, answered_reason, answered_letter, why))

    # UK GDPR Art 12A, ICO "stopping the clock": one clarification at a time; the periods cannot overlap.
    clarifications = sorted((e for e in entries if e.event == "clarification"), key=lambda e: e.date)
    for earlier, later in pairwise(clarifications):
        if earlier.answered is None:
            reader.error(
                f"{later.path}.asked",
                f"{later.date.isoformat()} is after the clarification at {earlier.path}, which is still open "
                "(only the last clarification can be unanswered)",
            )
        elif later.date < earlier.answered:  # asked again on the day of the answer is legitimate
            reader.error(
                f"{later.path}.asked",
                f"{later.date.isoformat()} overlaps the clarification at {earlier.path} "
                f"({earlier.date.isoformat()} to {earlier.answered.isoformat()})",
            )
    return entries


def _fees(
    reader: Reader,
    value: Any,
    *,
    kind: str | None,
    received: dt.date | None,
    clock: list[ClockEntry],
    letter_count: int,
) -> list[FeeEntry]:
    """Each fee asked for, with its ground and amount checked against the law (UK GDPR Art 12(5)(a), 15(3)).

    A paid fee needs the clock's fee_received event on the day it arrived: the month runs from it (Art 12A).
    """
    entries: list[FeeEntry] = []
    places: list[int] = []  # each entry's position in the file, for its errors
    for index, item in enumerate(reader.array(value, "fees")):
        path = f"fees[{index}]"
        data = reader.obj(
            item, path, allowed=FEE_KEYS, required=("basis", "amount_pence", "reason", "asked_on", "status")
        )
        if data is None:
            continue
        errors_before = len(reader.errors)
        basis = reader.choice(data.get("basis"), f"{path}.basis", FeeBasis)
        amount = data.get("amount_pence")
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
            reader.error(f"{path}.amount_pence", f"{show(amount)} is not a whole number of pence")
            amount = None
        elif isinstance(amount, int) and amount <= 0:
            reader.error(f"{path}.amount_pence", f"{amount} is not a sum of money above nothing")
            amount = None
        reason = reader.text(data.get("reason"), f"{path}.reason", required=True)
        asked_on = reader.date(data.get("asked_on"), f"{path}.asked_on")
        letter = reader.index(data.get("letter"), f"{path}.letter", letter_count)
        status = reader.choice(data.get("status"), f"{path}.status", FeeStatus.values)
        settled_on = reader.date(data.get("settled_on"), f"{path}.settled_on")
        settled_reason = reader.text(data.get("settled_reason"), f"{path}.settled_reason")
        if status is not None and status != FeeStatus.ASKED and data.get("settled_on") is None:
            reader.error(f"{path}.settled_on", f"is required for a fee that is {status} (the day it was {status})")
        if status == FeeStatus.ASKED and (data.get("settled_on") is not None or settled_reason):
            reader.error(f"{path}.settled_on", "is given only for a fee that is paid or waived")
        if asked_on is not None and received is not None and asked_on < received:
            reader.error(
                f"{path}.asked_on",
                f"{asked_on.isoformat()} is before the request was received ({received.isoformat()})",
            )
        if asked_on is not None and settled_on is not None and settled_on < asked_on:
            reader.error(
                f"{path}.settled_on",
                f"{settled_on.isoformat()} is before the fee was asked for ({asked_on.isoformat()})",
            )
        if len(reader.errors) > errors_before or None in (basis, amount, asked_on, status):
            continue
        assert basis is not None and isinstance(amount, int) and asked_on is not None and status is not None  # noqa: S101
        if kind is not None:
            # A record of the past: whether a copy had been given before is not known here, so Art 15(3) is not re-checked.
            refusal = fee_refusal(
                kind=RightKind(kind), basis=basis, pence=amount, reason=reason, earlier_copy_given=True
            )
            if refusal:
                field_name = "amount_pence" if "£" in refusal else "basis"
                reader.error(f"{path}.{field_name}", refusal)
                continue
        if status == FeeStatus.PAID and settled_on is not None:
            paid_days = {e.date for e in clock if e.event == "fee_received"}
            if settled_on not in paid_days:
                reader.error(
                    f"{path}.settled_on",
                    f"{settled_on.isoformat()}: the clock has no fee_received event that day "
                    "(the month runs from the day the fee arrived: add it to clock)",
                )
                continue
        if status == FeeStatus.ASKED:
            reader.error(
                f"{path}.status",
                "asked: a fee still awaited cannot be imported (a request awaiting its fee is not imported yet); "
                "import the case once the fee is paid or waived",
            )
            continue
        entries.append(FeeEntry(basis, amount, reason, asked_on, status, settled_on, settled_reason, letter))
        places.append(index)
    # One fee at a time: the fee steps ask for one only when none is awaited (the request waits for it).
    ordered = sorted(zip(places, entries, strict=True), key=lambda pair: pair[1].asked_on)
    for (_, earlier), (later_index, later) in pairwise(ordered):
        if earlier.settled_on is not None and later.asked_on < earlier.settled_on:
            reader.error(
                f"fees[{later_index}].asked_on",
                f"{later.asked_on.isoformat()} is before the fee asked on {earlier.asked_on.isoformat()} was "
                f"{earlier.status} ({earlier.settled_on.isoformat()}): one fee is asked for at a time",
            )
    return entries


def _open_clarification(clock: list[ClockEntry]) -> ClockEntry | None:
    clarifications = sorted((e for e in clock if e.event == "clarification"), key=lambda e: e.date)
    if clarifications and clarifications[-1].answered is None:
        return clarifications[-1]
    return None


def case_validate(data: Any, *, folder: Path, today: dt.date | None = None) -> Case:
    """Check every field of a parsed case file; raise CaseFileError naming each bad field. Writes nothing.

    The file's own errors are all collected first; the checks against the database (the reference
    is free, the named users exist and have the right role) and the statute's calendar run once the
    file itself is sound.
    """
    today = today or timezone.localdate()
    reader = Reader(today)
    sections = {section.key: section for section in registered_sections()}
    if not isinstance(data, dict):
        raise CaseFileError([f"case: must be an object, not {json_type(data)}"])
    root = reader.obj(data, "", allowed=(*CORE_KEYS, *sections), required=REQUIRED_KEYS)
    assert root is not None  # noqa: S101 - checked just above

    if root.get("format") is not None and root.get("format") != FORMAT:
        reader.error("format", f"{show(root.get('format'))} is not {FORMAT!r}")
    reference = reader.text(root.get("reference"), "reference", required=True)
    if reference and not REFERENCE_PATTERN.match(reference):
        reader.error("reference", f"{show(reference)} is not a reference like RR-2026-0042")
    kind = reader.choice(root.get("kind"), "kind", RightKind)
    received = reader.date(root.get("received"), "received")
    channel = reader.choice(root.get("channel"), "channel", Channel.values) or Channel.LETTER.value
    summary = reader.text(root.get("summary"), "summary")
    status = reader.choice(root.get("status"), "status", Status.values) or Status.RECEIVED.value
    paused_from = reader.choice(root.get("paused_from"), "paused_from", Status.values) or ""
    status_reason = reader.text(root.get("status_reason"), "status_reason")
    ground, reasons, statement = _decision(reader, root.get("decision"))
    processing_restricted = reader.flag(root.get("processing_restricted"), "processing_restricted")
    is_complex = bool(reader.flag(root.get("complex"), "complex"))
    extension_ground, complex_reason, numerous_with = _extension_ground(reader, root.get("extension_ground"))
    if extension_ground and not is_complex:
        reader.error("extension_ground", 'needs "complex": true (the ground is what makes the request complex)')
    assigned_to = reader.text(root.get("assigned_to"), "assigned_to", max_length=150) or None
    restricted_reason: str | None = None
    if root.get("restricted") is not None:
        restricted = reader.obj(root["restricted"], "restricted", allowed=("reason",), required=("reason",))
        if restricted is not None:
            restricted_reason = reader.text(
                restricted.get("reason"), "restricted.reason", required=True, max_length=200
            )

    subject = _person(reader, root["subject"], "subject", received) if root.get("subject") is not None else None
    requester, role, authority = _representation(reader, root, subject, received)
    acting, best_interests = _acting(reader, root, received)
    if best_interests is not None and role is RepresentativeRole.SELF:
        reader.error(
            "representative.best_interests", "is for a representative, not a data subject asking for themselves"
        )
    evidence = _evidence(reader, root.get("evidence"), received, role)
    letters = _letters(reader, root.get("letters"))
    letter_count = len(root["letters"]) if isinstance(root.get("letters"), list) else 0
    clock = _clock(reader, root.get("clock"), received, letter_count)
    fees = _fees(reader, root.get("fees"), kind=kind, received=received, clock=clock, letter_count=letter_count)

    open_clarification = _open_clarification(clock)
    if status == Status.AWAITING_CLARIFICATION and open_clarification is None:
        reader.error("status", "awaiting_clarification needs an open clarification (one without answered) in clock")
    if open_clarification is not None and status not in (Status.AWAITING_CLARIFICATION, Status.WITHDRAWN):
        reader.error(
            f"{open_clarification.path}.answered",
            f"is required unless the status is awaiting_clarification (the request is {status})",
        )

    steps: list[PlannedStep] = []
    wanted = Wanted(
        status=status,
        refusal_ground=ground,
        decision_reasons=reasons,
        supplementary_statement=statement,
        processing_restricted=processing_restricted,
        status_reason=status_reason,
        paused_from=paused_from,
        clarification_question=open_clarification.reason if open_clarification else "",
        clarification_reason=open_clarification.why if open_clarification else "",
    )
    planned = False
    if kind is not None:
        try:
            steps = plan(kind, wanted)
            planned = True
        except PlanError as error:
            reader.error(error.field, error.message)

    step_dates = _status_dates(
        reader,
        root.get("status_dates"),
        received=received,
        clock=clock,
        steps=steps,
        kind=kind if planned else None,
        status=status,
    )

    section_values: dict[str, Any] = {}
    for key, section in sections.items():
        if key in root:
            section_values[key] = root[key]
            reader.errors.extend(section.validate(root[key], folder))

    if reader.errors:
        raise CaseFileError(reader.errors)
    assert subject is not None and received is not None and kind is not None  # noqa: S101 - no errors, so all read

    _check_clock(reader, clock, received, today, kind=RightKind(kind))
    _check_database(reader, reference=reference, assigned_to=assigned_to, evidence=evidence)
    if reader.errors:
        raise CaseFileError(reader.errors)

    return Case(
        reference=reference,
        kind=RightKind(kind),
        received=received,
        channel=channel,
        summary=summary,
        subject=subject,
        requester=requester,
        role=role,
        authority=authority,
        assigned_to=assigned_to,
        restricted_reason=restricted_reason,
        evidence=tuple(evidence),
        letters=tuple(letters),
        clock=tuple(clock),
        wanted=wanted,
        steps=tuple(steps),
        sections=section_values,
        folder=folder,
        complex=is_complex,
        extension_ground=extension_ground,
        complex_reason=complex_reason,
        numerous_with=numerous_with,
        step_dates=step_dates,
        fees=tuple(fees),
        acting=acting,
        best_interests=best_interests,
    )


def _status_dates(
    reader: Reader,
    value: Any,
    *,
    received: dt.date | None,
    clock: list[ClockEntry],
    steps: list[PlannedStep],
    kind: str | None,
    status: str,
) -> StepDates | None:
    """When the steps to the status were taken: `answered` (the first response) and `closed` (closed or withdrawn)."""
    if value is None:
        return None
    data = reader.obj(value, "status_dates", allowed=("answered", "closed"))
    if data is None or received is None or kind is None:
        return None
    answered = reader.date(data.get("answered"), "status_dates.answered")
    closed = reader.date(data.get("closed"), "status_dates.closed")
    responded = responded_statuses(kind)
    label = Status(status).label.lower()
    if answered is not None and not any(step.target in responded for step in steps):
        reader.error("status_dates.answered", f"a request that is {label} was not answered on the way")
    if status in ENDING_STATUSES and closed is None:
        reader.error("status_dates.closed", f"is required for a request that is {label}")
    if closed is not None and status not in ENDING_STATUSES:
        reader.error("status_dates.closed", f"is given only for a closed or withdrawn request (this one is {label})")
    for name, day in (("answered", answered), ("closed", closed)):
        if day is not None and day < received:
            reader.error(
                f"status_dates.{name}",
                f"{day.isoformat()} is before the request was received ({received.isoformat()})",
            )
    if answered is not None and closed is not None and closed < answered:
        reader.error("status_dates.closed", f"{closed.isoformat()} is before it was answered ({answered.isoformat()})")
    starters = [entry.date for entry in clock if entry.event in STARTER_EVENTS]
    started = max([received, *starters])
    ends = [day for day in (answered, closed) if day is not None]
    return StepDates(started=min([started, *ends]), answered=answered, closed=closed)


def _extension_ground(reader: Reader, value: Any) -> tuple[str, str, tuple[str, ...]]:
    """The Art 12A ground: complex, or one of numerous requests (and the references of the others)."""
    if value is None:
        return "", "", ()
    data = reader.obj(value, "extension_ground", allowed=("ground", "reason", "numerous_with"), required=("ground",))
    if data is None:
        return "", "", ()
    ground = reader.choice(data.get("ground"), "extension_ground.ground", [g.value for g in ExtensionGround]) or ""
    reason = reader.text(data.get("reason"), "extension_ground.reason")
    others: list[str] = []
    for index, item in enumerate(reader.array(data.get("numerous_with"), "extension_ground.numerous_with")):
        reference = reader.text(item, f"extension_ground.numerous_with[{index}]", required=True, max_length=20)
        if reference:
            others.append(reference)
    if ground == ExtensionGround.NUMEROUS and not others:
        reader.error("extension_ground.numerous_with", "names the other requests from the same person (Art 12A)")
    if ground == ExtensionGround.COMPLEX and others:
        reader.error("extension_ground.numerous_with", 'is only for the ground "numerous"')
    return ground, reason, tuple(others)


def _check_clock(
    reader: Reader, clock: list[ClockEntry], received: dt.date, today: dt.date, *, kind: RightKind
) -> None:
    """The statute's own consistency check, with the real calendar (UK GDPR Art 12A)."""
    starters = [e.date for e in clock if e.event in STARTER_EVENTS]
    extension = next((e for e in clock if e.event == "extended"), None)
    try:
        due_date(
            received=received,
            started=max(starters) if starters else None,
            clarifications=[
                Clarification(e.date, e.answered or max(e.date, today)) for e in clock if e.event == "clarification"
            ],
            extended=extension is not None,
            extension_notified=extension.date if extension else None,
            calendar=working_calendar(),
            clock_stops_for_clarification=clarification_stops_clock(kind),
        )
    except DeadlineError as error:
        where = f"{extension.path}.date" if extension is not None and "extension" in str(error) else "clock"
        reader.error(where, str(error))


def _check_database(reader: Reader, *, reference: str, assigned_to: str | None, evidence: list[EvidenceEntry]) -> None:
    if RightsRequest.objects.filter(reference=reference).exists():
        reader.error("reference", f"a request with reference {reference} already exists")
    users = get_user_model().objects
    if assigned_to is not None:
        user = users.filter(username=assigned_to).first()
        if user is None:
            reader.error("assigned_to", f"there is no user called {show(assigned_to)}")
        elif not (roles.is_caseworker(user) or roles.is_manager(user)):
            reader.error("assigned_to", f"{assigned_to} is not a caseworker or the Manager")
    for index, entry in enumerate(evidence):
        if entry.seen_by is None:
            continue  # the importing user saw it; checked when the import knows who that is
        seer = users.filter(username=entry.seen_by).first()
        path = f"evidence[{index}].seen_by"
        if seer is None:
            reader.error(path, f"there is no user called {show(entry.seen_by)}")
        elif entry.kind == EvidenceKind.COMPETENCE and not (roles.is_reviewer(seer) or roles.is_manager(seer)):
            # Seed notice: the professional in charge of the child's care judges capacity.
            reader.error(path, f"{entry.seen_by} is not a professional reviewer or the Manager")
        elif entry.kind != EvidenceKind.COMPETENCE and not (roles.is_caseworker(seer) or roles.is_manager(seer)):
            reader.error(path, f"{entry.seen_by} is not a caseworker or the Manager")
