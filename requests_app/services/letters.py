"""The letters register: outgoing letters rendered from templates to PDF, and any letter logged by hand.

Every generated letter is filed in the register with its PDF and SHA-256 in one transaction. Letters
say nothing about anyone but the addressee and the data subject, and are signed by a role, never a person.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from html import unescape
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import File
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags

from core import roles
from core.audit import record_change
from core.files import file_store, files_removed_on_rollback
from core.pdf import pdf_sha256, render_pdf
from core.roles import require_role
from core.text import address_lines, day_text
from requests_app import guards
from requests_app import letters as catalogue
from requests_app.letters import LetterTemplate, letter_template
from requests_app.models import (
    ClockEvent,
    ClockEventKind,
    EvidenceKind,
    FormatNeed,
    Letter,
    LetterDirection,
    LetterMethod,
    RefusalGround,
    ReplyMethod,
    RightsRequest,
    Status,
)
from requests_app.selectors.subject_holdings import recipients_for_letter
from requests_app.services.clock import deadline_for
from requests_app.services.messages import message_send
from requests_app.uploads import UploadKind, check_scan
from rights import (
    RIGHTS,
    ApplicationError,
    Authority,
    Competence,
    Deadline,
    DeadlineError,
    FeeBasis,
    RightKind,
    age_on,
    clarification_stops_clock,
    extension_ground_statement,
)
from rights.people import ADULT_AGE

# Plain-English statement of each ground, with its article.
GROUND_TEXT: dict[str, str] = {
    RefusalGround.MANIFESTLY_UNFOUNDED: "We consider your request to be manifestly unfounded (UK GDPR Article 12(5)).",
    RefusalGround.MANIFESTLY_EXCESSIVE: "We consider your request to be manifestly excessive (UK GDPR Article 12(5)).",
    RefusalGround.PUBLIC_TASK: (
        "The information is needed for the partnership to carry out its public task of safeguarding children "
        "(UK GDPR Article 17(3)(b))."
    ),
    RefusalGround.LEGAL_CLAIMS: (
        "The information is needed to establish, exercise or defend legal claims (UK GDPR Article 17(3)(e))."
    ),
    RefusalGround.DATA_ACCURATE: "We have checked the information and consider that it is accurate (UK GDPR Article 16).",
    RefusalGround.COMPELLING_GROUNDS: (
        "The partnership has compelling legitimate grounds for continuing to use the information which override "
        "the interests, rights and freedoms of the person it is about (UK GDPR Article 21(1))."
    ),
    RefusalGround.CONDITIONS_NOT_MET: (
        "None of the conditions in which the law gives a right to restrict the use of information applies here "
        "(UK GDPR Article 18(1))."
    ),
}
# Art 17(3): the only grounds on which this partnership refuses erasure.
ERASURE_EXEMPTIONS = frozenset({RefusalGround.PUBLIC_TASK.value, RefusalGround.LEGAL_CLAIMS.value})

# ICO right of access guidance, "what identity documents": one with a photo, one showing the address.
IDENTITY_DOCUMENTS = (
    "one document with your photograph: a passport, a photocard driving licence, or a national identity card;",
    "and one document showing your name and current address, dated in the last three months: "
    "a council tax bill, a utility bill, or a bank or building society statement.",
)
AUTHORITY_DOCUMENTS: dict[str, str] = {
    Authority.PARENTAL_RESPONSIBILITY: (
        "a copy of the child's full birth certificate naming you as a parent, or of a court order or parental "
        "responsibility agreement giving you parental responsibility"
    ),
    Authority.WRITTEN_CONSENT: "a letter signed and dated by {subject} saying that they agree to you acting for them",
    Authority.COURT_ORDER: "a copy of the Court of Protection order appointing you as deputy",
    Authority.LASTING_POWER_OF_ATTORNEY: (
        "a copy of the registered lasting power of attorney, showing the Office of the Public Guardian's stamp"
    ),
}
ANY_AUTHORITY = (
    "a document showing that you may act for {subject}: for example their signed and dated consent, a birth "
    "certificate or court order showing parental responsibility, a deputyship order, or a registered lasting "
    "power of attorney"
)

WHAT_HAPPENS_NEXT: dict[str, str] = {
    RightKind.ACCESS: (
        "We will ask the partner agencies for the records they hold, review them, and send you a copy of the "
        "information you are entitled to, with an explanation of anything we have had to withhold."
    ),
    RightKind.RECTIFICATION: (
        "We will check the information you say is inaccurate or incomplete with the agency that provided it, "
        "and write to tell you what we have corrected, or why we have not."
    ),
    RightKind.ERASURE: (
        "We will consider whether the information can be erased, and write to tell you what we have erased, "
        "or why the law requires us to keep it."
    ),
    RightKind.RESTRICTION: (
        "We will consider your request to restrict how the information is used, and write to tell you the outcome. "
        "If a restriction is put in place we will tell you before it is lifted."
    ),
    RightKind.PORTABILITY: "We will write to explain how this right applies to the information the partnership holds.",
    RightKind.OBJECTION: (
        "We will consider your objection, and write to tell you whether we have stopped using the information, "
        "or the compelling legitimate grounds we have for continuing."
    ),
    RightKind.AUTOMATED_DECISION_MAKING: (
        "We will write to explain how decisions are made about the information the partnership holds."
    ),
    RightKind.INFORM: "We will send you the partnership's privacy information.",
}
TRUE_STRINGS = frozenset({"1", "true", "yes", "on"})
# Our policy, not the statute's: Art 18(3) says only "before"; two weeks lets the requester answer.
DEFAULT_LIFT_NOTICE_DAYS = 14


def _text(context: Mapping[str, Any], key: str, fallback: str = "") -> str:
    value = context.get(key)
    text = "" if value is None else str(value)
    return text.strip() or fallback.strip()


def _flag(context: Mapping[str, Any], key: str) -> bool:
    value = context.get(key)
    return value is True or (isinstance(value, str) and value.strip().lower() in TRUE_STRINGS)


def _date(context: Mapping[str, Any], key: str, label: str) -> dt.date | None:
    value = context.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ApplicationError(f"The {label} {value!r} is not a date like 2026-03-31.", field=key) from None


def _acting_outstanding(request: RightsRequest) -> bool:
    """Identity, a representative's authority or a child's consent is still to arrive (the month waits for it)."""
    if not request.is_open or request.has_responded:
        return False
    checks = (guards.identity_verified, guards.authority_verified, guards.child_consent_given)
    return any(check(request) for check in checks)


def _proof_sent(request: RightsRequest) -> dict[str, bool]:
    """Proof the requester sent with an online request, not yet checked: the letter does not ask for it again."""
    sent = set(request.submitted_documents.values_list("kind", flat=True))
    return {
        "identity_sent": EvidenceKind.IDENTITY.value in sent,
        "authority_sent": EvidenceKind.AUTHORITY.value in sent,
    }


def _deadline(request: RightsRequest, *, today: dt.date) -> Deadline:
    try:
        return deadline_for(request, events=list(request.clock_events.all()), today=today)
    except DeadlineError as error:
        raise ApplicationError(f"The clock events do not fit together: {error}.") from None


def _outcome(spec: LetterTemplate, request: RightsRequest, context: Mapping[str, Any]) -> str:
    """Which of the letter's two outcomes applies: given by the caller, else read from the decision recorded."""
    given = _text(context, catalogue.OUTCOME)
    if given:
        if given not in spec.outcomes:
            raise ApplicationError(
                f"The outcome of a {spec.title.lower()} letter is one of: {', '.join(spec.outcomes)}.",
                field=catalogue.OUTCOME,
            )
        return given
    against = bool(_text(context, catalogue.REFUSAL_GROUND, request.refusal_ground)) or request.status in {
        Status.REFUSED,
        Status.REJECTED,
    }
    return spec.outcomes[1] if against else spec.outcomes[0]


def _ground(context: Mapping[str, Any], request: RightsRequest, *, required: bool) -> str:
    ground = _text(context, catalogue.REFUSAL_GROUND, request.refusal_ground)
    if ground and ground not in GROUND_TEXT:
        raise ApplicationError(f"{ground!r} is not a refusal ground.", field=catalogue.REFUSAL_GROUND)
    if required and not ground:
        raise ApplicationError("Choose the ground on which the request is refused.", field=catalogue.REFUSAL_GROUND)
    return ground


def _needs_child_agreement(request: RightsRequest) -> bool:
    """A child of the consent age or over agrees to someone else seeing their records (the seed notice's policy).

    As in the guards: the child's age on the date of the request, not on the date of the letter.
    """
    dob = request.subject.date_of_birth
    on = request.received
    if request.requester_id is None or dob is None or dob > on or request.child_consented_on:
        return False
    if request.child_competence == Competence.NOT_COMPETENT:
        return False
    age = age_on(dob, on)
    competent = request.child_competence == Competence.COMPETENT or age >= settings.CHILD_CONSENT_AGE
    return competent and age < ADULT_AGE


def _identity_needs(request: RightsRequest, context: Mapping[str, Any]) -> dict[str, Any]:
    subject = request.subject.full_name
    authority_needed = request.requester_id is not None and request.authority_verified_at is None
    # Identity is asked for unless it is verified and only the authority is missing.
    identity_needed = request.identity_verified_at is None or not authority_needed
    authority_text = AUTHORITY_DOCUMENTS.get(request.authority, ANY_AUTHORITY).format(subject=subject)
    return {
        "identity_needed": identity_needed,
        "authority_needed": authority_needed,
        "identity_documents": IDENTITY_DOCUMENTS,
        "authority_document": authority_text,
        "child_agreement_needed": _needs_child_agreement(request),
        "documents_needed": _text(context, catalogue.DOCUMENTS_NEEDED),
    }


# What the recipients were told of, in the data subject's letter (UK GDPR Art 19 names Art 16, 17(1) and 18).
CHANGE_WORDS: dict[str, str] = {
    RightKind.RECTIFICATION.value: "correction of the information",
    RightKind.ERASURE.value: "erasure of the information",
    RightKind.RESTRICTION.value: "restriction of the use of the information",
    RightKind.OBJECTION.value: "stop to the use of the information",
}


def letter_context(
    *, request: RightsRequest, spec: LetterTemplate, context: Mapping[str, Any], today: dt.date
) -> dict[str, Any]:
    """Everything a template prints: the request's own facts plus the caller's strings, checked."""
    for key in spec.required_context:
        if key == catalogue.REFUSAL_GROUND:
            continue  # may come from the request itself; checked below
        if not _text(context, key):
            raise ApplicationError(f"A {spec.title.lower()} letter needs {key.replace('_', ' ')}.", field=key)
    right = RIGHTS[request.right]
    addressee = request.addressee
    values: dict[str, Any] = {
        "letter": spec,
        "organisation": settings.ORGANISATION,
        "reference": request.reference,
        "letter_date": today,
        "received": request.received,
        "kind": request.kind,
        "kind_label": right.title,
        "kind_article": right.article,
        "public_task_explanation": right.public_task_explanation,
        "addressee_name": addressee.full_name,
        "addressee_lines": address_lines(addressee.address),
        "subject_name": request.subject.full_name,
        "on_behalf": request.requester_id is not None,
        "request_summary": request.summary,
        "decision_reasons": _text(context, catalogue.DECISION_REASONS, request.decision_reasons),
        # UK GDPR Art 18(3): a restriction held while the request was checked ends with this decision.
        "restriction_ends": _flag(context, catalogue.RESTRICTION_ENDS),
        # The subject search found nothing held about the data subject, so the decision changed nothing.
        "nothing_held": _flag(context, catalogue.NOTHING_HELD),
        "restriction_replaced": _flag(context, catalogue.RESTRICTION_REPLACED),
    }
    explanation = right.public_task_explanation
    if spec.name in {"outcome_portability", "outcome_automated_decision", "outcome_inform"}:
        # The answer step may have stored the statute's explanation as the reasons: print it once.
        values["decision_reasons"] = values["decision_reasons"].removeprefix(explanation).strip()
    name = spec.name
    if name == "acknowledgement":
        deadline = _deadline(request, today=today)
        values.update(
            due_date=deadline.due,
            deadline_reasons=deadline.reasons,
            # UK GDPR Art 12A: while identity, authority or consent is outstanding the month has not started,
            # so the letter promises no date (whatever the status: it may still be "received").
            awaiting_identity=request.status == Status.AWAITING_IDENTITY or _acting_outstanding(request),
            what_happens_next=WHAT_HAPPENS_NEXT[request.right],
            **_proof_sent(request),
        )
    elif name == "identity_request":
        values.update(_identity_needs(request, context))
    elif name == "clarification_request":
        # UK GDPR Art 12A: only an access request's clock stops; another kind's letter gives the date that still holds.
        values["clock_stops"] = clarification_stops_clock(request.right)
        if not values["clock_stops"]:
            values["due_date"] = _deadline(request, today=today).due
        values.update(
            clarification_question=_text(context, catalogue.CLARIFICATION_QUESTION),
            clarification_reason=_text(
                context,
                catalogue.CLARIFICATION_REASON,
                "The partnership holds a large amount of information from several partner agencies, and your "
                "answer will let us find the information you want.",
            ),
        )
    elif name == "extension_notice":
        values.update(_extension(request, context, today))
    elif name == "fee_request":
        basis = _text(context, catalogue.FEE_BASIS)
        if basis not in {b.value for b in FeeBasis}:
            raise ApplicationError(f"{basis!r} is not a ground for a fee.", field=catalogue.FEE_BASIS)
        values.update(
            fee_statement=FeeBasis(basis).statement,
            fee_amount=_text(context, catalogue.FEE_AMOUNT),
            fee_reason=_text(context, catalogue.FEE_REASON),
            # UK GDPR Art 12A: the relevant time is the latest of receipt, identity or authority, and the fee paid.
            acting_outstanding=_acting_outstanding(request),
        )
    elif name == "refusal":
        ground = _ground(context, request, required=True)
        withheld = _flag(context, catalogue.REASONS_WITHHELD)
        if not withheld and not values["decision_reasons"]:
            raise ApplicationError(
                "Give the reasons for the refusal, or record that giving them would itself cause harm.",
                field=catalogue.DECISION_REASONS,
            )
        values.update(ground_text=GROUND_TEXT[ground], reasons_withheld=withheld)
    elif spec.outcomes:
        values.update(_decision(spec, request, context, values["decision_reasons"]))
        if name == "outcome_erasure":
            values.update(
                certificate_reference=_text(context, catalogue.CERTIFICATE_REFERENCE),
                erasure_done=_text(context, catalogue.ERASURE_DONE, "erased"),
                records_erased=_text(context, catalogue.RECORDS_ERASED),
            )
    elif name == "outcome_restriction":
        values["restriction_scope"] = _text(context, catalogue.RESTRICTION_SCOPE)
        values["decision_reasons"] = _text(context, catalogue.DECISION_REASONS, _text(context, catalogue.REASON))
        if request.right is RightKind.RESTRICTION and not values["decision_reasons"]:
            values["decision_reasons"] = request.decision_reasons.strip()
    elif name == "restriction_lift_notice":
        # Never the request's own reasons: those say why the restriction was put in place.
        values["decision_reasons"] = _text(context, catalogue.DECISION_REASONS, _text(context, catalogue.REASON))
        values.update(_lift_date(context, today))
    elif name == "recipients_list":
        values.update(
            asked_on=_date(context, catalogue.RECIPIENTS_ASKED_ON, "day the recipients were asked for"),
            recipients=recipients_for_letter(request),
            change=CHANGE_WORDS.get(request.kind, "change"),
        )
    elif name == "closure":
        values["closure_note"] = _text(context, catalogue.CLOSURE_NOTE)
        values["withdrawn"] = request.status == Status.WITHDRAWN
    return values


def _lift_date(context: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """When the restriction ends: the date given, or no sooner than the notice period from today (Art 18(3))."""
    lift_date = _date(context, catalogue.LIFT_DATE, "date the restriction is lifted")
    if lift_date is not None:
        if lift_date <= today:
            raise ApplicationError(
                "The requester must be told before the restriction is lifted (Art 18(3)): give a date after today.",
                field=catalogue.LIFT_DATE,
            )
        return {"lift_date": lift_date, "lift_date_earliest": False}
    notice_days: int = getattr(settings, "RESTRICTION_LIFT_NOTICE_DAYS", DEFAULT_LIFT_NOTICE_DAYS)
    return {"lift_date": today + dt.timedelta(days=notice_days), "lift_date_earliest": True}


def _extension(request: RightsRequest, context: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """The new due date: the clock as it stands, with the extension (recorded or about to be) applied."""
    existing = list(request.clock_events.all())
    extra: list[ClockEvent] = []
    if not any(event.event == ClockEventKind.EXTENDED for event in existing):
        extra = [ClockEvent(request=request, event=ClockEventKind.EXTENDED, date=today)]
    try:
        original = deadline_for(
            request, events=[e for e in existing if e.event != ClockEventKind.EXTENDED], today=today
        )
        extended = deadline_for(request, events=existing + extra, today=today)
    except DeadlineError as error:
        # UK GDPR Art 12A: the extension must be notified within the first month.
        raise ApplicationError(f"The time limit cannot be extended now: {error}.", field="extension") from None
    new_due = _date(context, catalogue.NEW_DUE_DATE, "new due date") or extended.due
    if new_due > extended.due:
        raise ApplicationError(
            f"The new due date cannot be later than {day_text(extended.due)}, three months from the start.",
            field=catalogue.NEW_DUE_DATE,
        )
    return {
        "extension_reason": _text(context, catalogue.EXTENSION_REASON),
        # UK GDPR Art 12A: the notice states the reasons for the delay: the recorded ground, then the words.
        "extension_ground": request.extension_ground,
        "extension_ground_statement": extension_ground_statement(
            ground=request.extension_ground,
            reason=request.complex_reason,
            numerous_with=[other.reference for other in request.numerous_with.all()] if request.pk else [],
        )
        if request.extension_ground
        else "",
        "complex_reason": request.complex_reason,
        "original_due_date": original.due,
        "due_date": new_due,
    }


def _decision(spec: LetterTemplate, request: RightsRequest, context: Mapping[str, Any], reasons: str) -> dict[str, Any]:
    outcome = _outcome(spec, request, context)
    against = outcome == spec.outcomes[1]
    ground = _ground(context, request, required=False)
    if not reasons:
        what = "what was done" if not against else "the reasons for the decision"
        raise ApplicationError(f"A {spec.title.lower()} letter must say {what}.", field=catalogue.DECISION_REASONS)
    if spec.name == "outcome_erasure" and against and ground not in ERASURE_EXEMPTIONS:
        raise ApplicationError(
            "A refused erasure must name the Article 17(3) exemption: public task or legal claims.",
            field=catalogue.REFUSAL_GROUND,
        )
    return {"outcome": outcome, "against": against, "ground_text": GROUND_TEXT.get(ground, "") if against else ""}


def _store(letter: Letter, *, name: str, data: bytes) -> None:
    file_store(letter.file, name, data)  # removed again if the transaction fails
    letter.sha256 = pdf_sha256(data)


# Letters with an easy-read version (UK GDPR Art 12(1): clear and plain language, in particular for a child).
EASY_READ_TEMPLATES = frozenset(
    {
        "acknowledgement",
        "identity_request",
        "clarification_request",
        "fee_request",
        "extension_notice",
        "refusal",
        "outcome_rectification",
        "outcome_erasure",
        "outcome_restriction",
        "restriction_lift_notice",
        "outcome_objection",
        "outcome_portability",
        "outcome_automated_decision",
        "outcome_inform",
        "closure",
    }
)


def wants_easy_read(request: RightsRequest, *, today: dt.date) -> bool:
    """Easy read where it was asked for, or where the letter goes to a child of the consent age (13) or over."""
    if request.has_format_need(FormatNeed.EASY_READ):
        return True
    dob = request.subject.date_of_birth
    if request.requester_id is not None or dob is None or dob > today:
        return False
    consent_age: int = settings.CHILD_CONSENT_AGE
    return consent_age <= age_on(dob, today) < ADULT_AGE


def letter_generate(
    *,
    request: RightsRequest,
    template: str,
    by: User | None,
    method: str = LetterMethod.POST,
    context: dict[str, Any] | None = None,
    today: dt.date | None = None,
) -> Letter:
    """Render an outgoing letter to PDF from its template and file it in the register.

    Where the requester chose to be answered by email, the service also sends it (message_send), once this commits.
    """
    spec = letter_template(template)
    require_role(by, roles.MANAGER, roles.CASEWORKER, action="send letters")
    if method not in LetterMethod.values:
        raise ApplicationError(f"{method!r} is not a way of sending a letter.", field="method")
    if spec.kinds is not None and request.right not in spec.kinds:
        kinds = ", ".join(sorted(RIGHTS[kind].title.lower() for kind in spec.kinds))
        raise ApplicationError(f"A {spec.title.lower()} letter is only for: {kinds}.", field="template")
    today = today or timezone.localdate()
    email_to = request.addressee.email.strip()
    # The requester chose email: the service sends the letter itself (unless it goes by recorded delivery or hand).
    sends = request.reply_by == ReplyMethod.EMAIL and method in {LetterMethod.POST, LetterMethod.EMAIL}
    if sends:
        method = LetterMethod.EMAIL
    if sends and not email_to:
        raise ApplicationError(
            f"{request.addressee.full_name} has no email address recorded: add it, or send the letter by post.",
            field="method",
        )
    values = letter_context(request=request, spec=spec, context=context or {}, today=today)
    values["large_print"] = request.has_format_need(FormatNeed.LARGE_PRINT)
    summary = spec.title + (f" ({values['outcome']})" if values.get("outcome") else "")
    values["easy_read"] = spec.name in EASY_READ_TEMPLATES and wants_easy_read(request, today=today)
    path = f"letters/easy_read/{spec.name}.html" if values["easy_read"] else spec.template_path
    html = render_to_string(path, values)  # autoescaped: nothing here is marked safe
    pdf = render_pdf(html, title=f"{spec.title} - {request.reference}", document_date=today)

    letter = Letter(
        request=request,
        direction=LetterDirection.OUT,
        date=today,
        method=method,
        addressee=request.addressee.full_name,
        summary=summary,
        template=spec.name,
        created_by=by,
    )
    with files_removed_on_rollback(), transaction.atomic():
        _store(letter, name=f"{request.reference}-{spec.name}-{today:%Y%m%d}.pdf", data=pdf)
        letter.full_clean()
        record_change(letter, f"Generated: {spec.title}", by=by)
        letter.save()
        if sends:
            # The service sends it itself, to the address the requester gave; sent once this commits.
            message_send(
                to=email_to,
                template="letter",
                context={
                    "reference": request.reference,
                    "letter_title": spec.title,
                    "letter_text": letter_text(html),
                },
                letter=letter,
                request=request,
                by=by,
            )
    return letter


_BLOCK_END = re.compile(r"</(p|h1|h2|h3|li|dd|div|address|span)>|<br\s*/?>", re.I)


def letter_text(html: str) -> str:
    """A rendered letter's words as plain text for an email: its main part, a paragraph to a line."""
    main = re.search(r"<main>(.*)</main>", html, re.S | re.I)
    body = main.group(1) if main else html
    body = re.sub(r"<li[^>]*>", "- ", body, flags=re.I)
    text = unescape(strip_tags(_BLOCK_END.sub("\n", body)))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Content, not the name the file came with, decides what a scan is.
SCAN_TYPES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
)


def _checked_scan(file: File[Any]) -> tuple[bytes, str]:
    limit: int = settings.MAX_UPLOAD_BYTES
    size = file.size
    if size is not None and size > limit:
        raise ApplicationError(f"The file is larger than the limit of {limit // (1024 * 1024)} MB.", field="file")
    file.seek(0)
    data = file.read(limit + 1)
    if isinstance(data, str):
        raise ApplicationError("Upload the scan as a file.", field="file")
    if len(data) > limit:
        raise ApplicationError(f"The file is larger than the limit of {limit // (1024 * 1024)} MB.", field="file")
    if not data:
        raise ApplicationError("The file is empty.", field="file")
    if not data.startswith(tuple(magic for magic, _ in SCAN_TYPES)):
        raise ApplicationError(
            "The file is not a PDF, PNG or JPEG. Scan the letter to one of those; other formats, such as "
            "spreadsheets or word-processor files, can hide content and are not accepted.",
            field="file",
        )
    # The same content checks as a document upload: a damaged file, or a PDF that is also a web page, is refused.
    checked = check_scan(data, name=getattr(file, "name", "") or "", max_bytes=limit, field="file")
    return data, {UploadKind.PDF: ".pdf", UploadKind.PNG: ".png", UploadKind.JPEG: ".jpg"}[checked.kind]


def letter_log(
    *,
    request: RightsRequest,
    by: User | None,
    direction: str,
    date: dt.date,
    method: str,
    addressee: str,
    summary: str,
    file: File[Any] | None = None,
    today: dt.date | None = None,
) -> Letter:
    """Log a letter in or out by hand, with its scan if there is one (PDF, PNG or JPEG)."""
    require_role(by, roles.MANAGER, roles.CASEWORKER, action="log letters")
    today = today or timezone.localdate()
    if direction not in LetterDirection.values:
        raise ApplicationError("Say whether the letter came in or went out.", field="direction")
    if method not in LetterMethod.values:
        raise ApplicationError(f"{method!r} is not a way of sending a letter.", field="method")
    if date > today:
        raise ApplicationError("The date of the letter cannot be in the future.", field="date")
    if not summary.strip():
        raise ApplicationError("Summarise what the letter says.", field="summary")
    scan = _checked_scan(file) if file is not None else None

    letter = Letter(
        request=request,
        direction=direction,
        date=date,
        method=method,
        addressee=addressee.strip(),
        summary=summary.strip(),
        created_by=by,
    )
    with files_removed_on_rollback(), transaction.atomic():
        if scan is not None:
            data, extension = scan
            _store(letter, name=f"{request.reference}-{direction}-{date:%Y%m%d}{extension}", data=data)
        letter.full_clean()
        record_change(letter, f"Letter {direction} logged", by=by)
        letter.save()
    return letter
