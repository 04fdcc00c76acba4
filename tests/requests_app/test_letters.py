"""Outgoing letters: every template renders to a PDF that says what the law requires, and is filed in the register."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pdfplumber
import pypdf
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import get_template

from requests_app.letters import LETTER_TEMPLATES, letter_template
from requests_app.models import ClockEvent, ClockEventKind, Letter, LetterDirection, RightsRequest
from requests_app.services import letters as letters_service
from requests_app.services.clock import deadline_for
from requests_app.services.letters import letter_generate, letter_log
from requests_app.services.requests import PersonDetails, request_create
from rights import RIGHTS, ApplicationError, Authority, RepresentativeRole, RightKind
from tests import factories
from tests.factories import caseworker, make_request, manager, reviewer, verify_identity

RECEIVED = dt.date(2026, 3, 2)
TODAY = dt.date(2026, 3, 4)
HOSTILE = '<img src="file:///etc/passwd">'
ICO = ("Information Commissioner", "0303 123 1113", "ico.org.uk", "remedy in court")

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    """What a reader sees, extracted by pdfplumber (WeasyPrint wrote it), whitespace folded."""
    with pdfplumber.open(io.BytesIO(data)) as doc:
        return " ".join(" ".join((page.extract_text() or "").split()) for page in doc.pages)


def fold(text: str) -> str:
    return " ".join(text.split())


def letter_text(letter: Letter) -> str:
    with letter.file.open("rb") as handle:
        return text_of(handle.read())


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def make(kind: RightKind = RightKind.ACCESS, **kwargs: Any) -> RightsRequest:
    """A parent asking for a child's records, as the Manager logs it."""
    defaults: dict[str, Any] = {
        "requester_name": "Sam Example",
        "role": RepresentativeRole.PARENT,
        "authority": Authority.PARENTAL_RESPONSIBILITY,
        "subject_dob": dt.date(2015, 5, 1),
    }
    defaults.update(kwargs)
    return make_request(kind=kind, received=RECEIVED, today=TODAY, **defaults)


# For each template: the kind of request it is for, the caller's context, and sentences it must print.
CASES: dict[str, tuple[RightKind, dict[str, Any], tuple[str, ...]]] = {
    # Identity and authority not yet seen: no date is promised (UK GDPR Art 12A).
    "acknowledgement": (
        RightKind.ACCESS,
        {},
        ("does not start until the day we receive", "What happens next", "How to contact us"),
    ),
    "identity_request": (
        RightKind.ACCESS,
        {},
        ("Proof of your identity", "passport", "Proof that you may act for Alex Example", "UK GDPR Article 12A"),
    ),
    "clarification_request": (
        RightKind.ACCESS,
        {"clarification_question": "Which years of records do you want: 2019 to 2021, or all of them?"},
        (
            "Which years of records do you want: 2019 to 2021, or all of them?",
            "The clock is stopped from the date of this letter until we receive your answer",
        ),
    ),
    "extension_notice": (
        RightKind.ACCESS,
        {"extension_reason": "Records from six agencies, some of them on paper."},
        ("Records from six agencies, some of them on paper.", "UK GDPR Article 12A"),
    ),
    "refusal": (
        RightKind.ACCESS,
        {
            "refusal_ground": "manifestly_excessive",
            "decision_reasons": "This is the sixth identical request this month.",
        },
        ("manifestly excessive (UK GDPR Article 12(5))", "This is the sixth identical request this month.", *ICO),
    ),
    "outcome_rectification": (
        RightKind.RECTIFICATION,
        {"decision_reasons": "The date of birth was corrected to 1 May 2015."},
        ("We have corrected the information", "The date of birth was corrected to 1 May 2015.", "Article 19", *ICO),
    ),
    "outcome_erasure": (
        RightKind.ERASURE,
        {"decision_reasons": "The duplicate referral record was erased."},
        ("We have erased the information", "The duplicate referral record was erased.", *ICO),
    ),
    "outcome_restriction": (
        RightKind.RESTRICTION,
        {"decision_reasons": "The accuracy of the record is contested."},
        (
            "We have restricted the processing",
            "We will tell you before the restriction is lifted",
            "Article 18(2)",
            *ICO,
        ),
    ),
    "restriction_lift_notice": (
        RightKind.RESTRICTION,
        {"lift_date": "2026-03-20", "reason": "The accuracy check is finished."},
        ("We will lift it on Friday 20 March 2026", "The accuracy check is finished.", "Article 18(3)", *ICO),
    ),
    "outcome_objection": (
        RightKind.OBJECTION,
        {"decision_reasons": "The 2024 learning review stops using the data."},
        ("We have upheld your objection", "We have stopped using the information", *ICO),
    ),
    "outcome_portability": (
        RightKind.PORTABILITY,
        {},
        (RIGHTS[RightKind.PORTABILITY].public_task_explanation, "right of access (UK GDPR Article 15)", *ICO),
    ),
    "outcome_automated_decision": (
        RightKind.AUTOMATED_DECISION_MAKING,
        {},
        (RIGHTS[RightKind.AUTOMATED_DECISION_MAKING].public_task_explanation, *ICO),
    ),
    "outcome_inform": (
        RightKind.INFORM,
        {},
        (
            RIGHTS[RightKind.INFORM].public_task_explanation,
            "Who we are",
            "UK GDPR Article 6(1)(e)",
            "Where it comes from",
            "How long we keep it",
            "Your rights",
            *ICO,
        ),
    ),
    "closure": (RightKind.ACCESS, {}, ("We have closed your request", *ICO)),
    # UK GDPR Art 12(5)(a) and 12A: the ground, the amount and how it is worked out, the month from payment.
    "fee_request": (
        RightKind.ACCESS,
        {"fee_basis": "manifestly_excessive", "fee_amount": "£25.00", "fee_reason": "Two hours at £12.50."},
        ("Article 12(5)(a)", "£25.00", "Two hours at £12.50.", "starts on the day the fee reaches us", *ICO),
    ),
    # UK GDPR Art 19: the recipients named to a requester who asks (here none: nothing was shared).
    "recipients_list": (
        RightKind.ERASURE,
        {"recipients_asked_on": "2026-03-03"},
        ("On 3 March 2026 you asked us", "erasure of the information", "UK GDPR Article 19", "no one to tell"),
    ),
}


def test_the_catalogue_has_every_template_engineer_a_calls_and_each_has_a_file() -> None:
    assert (
        set(LETTER_TEMPLATES)
        == set(CASES)
        == {
            "acknowledgement",
            "identity_request",
            "fee_request",
            "clarification_request",
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
            "recipients_list",
        }
    )
    for spec in LETTER_TEMPLATES.values():
        assert get_template(spec.template_path)
        assert spec.must_contain


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_template_renders_a_letter_that_says_what_it_must(name: str) -> None:
    kind, context, sentences = CASES[name]
    request = make(kind)
    by = caseworker()

    letter = letter_generate(request=request, template=name, by=by, context=context, today=TODAY)

    text = letter_text(letter)
    org = settings.ORGANISATION
    for expected in (
        request.reference,
        org["name"],
        org["contact_role"],
        "OFFICIAL-SENSITIVE",
        "Sam Example",
        "1 High Street",
        "4 March 2026",
        "Page 1 of",
        *sentences,
    ):
        assert fold(expected) in text, f"{name}: {expected!r} missing"
    if LETTER_TEMPLATES[name].complaint_rights:
        assert "right to complain to the Information Commissioner" in text
    # Signed by a role, never a person: no member of staff is named.
    assert by.get_full_name() not in text and by.username not in text


def test_the_acknowledgement_gives_the_due_date_and_how_it_was_worked_out() -> None:
    request = make(requester_name=None, role=RepresentativeRole.SELF, authority=None)
    request = verify_identity(request, by=caseworker(), on=RECEIVED)  # identity came with the request
    deadline = deadline_for(request, today=TODAY)

    text = letter_text(letter_generate(request=request, template="acknowledgement", by=None, today=TODAY))

    assert f"We must respond by {long_date(deadline.due)}" in text
    assert deadline.due == dt.date(2026, 4, 2)
    for reason in deadline.reasons:
        assert fold(reason) in text
    assert "right of access (UK GDPR Article 15)" in text
    assert "All records held about me" in text
    assert "on behalf of" not in text


def test_the_extension_notice_gives_the_old_and_new_dates() -> None:
    request = make()
    text = letter_text(
        letter_generate(
            request=request,
            template="extension_notice",
            by=manager(),
            context={"extension_reason": "Complex."},
            today=TODAY,
        )
    )
    assert "We were due to respond by Thursday 2 April 2026" in text
    assert "We will now respond by Tuesday 2 June 2026 at the latest" in text


def test_the_extension_notice_reads_an_extension_already_on_the_clock() -> None:
    """The transition service records the clock event first, then asks for the letter."""
    request = make()
    ClockEvent.objects.create(request=request, event=ClockEventKind.EXTENDED, date=TODAY, reason="Complex.")
    text = letter_text(
        letter_generate(
            request=request,
            template="extension_notice",
            by=manager(),
            context={"extension_reason": "Complex."},
            today=TODAY,
        )
    )
    assert "We were due to respond by Thursday 2 April 2026" in text
    assert "We will now respond by Tuesday 2 June 2026 at the latest" in text


def test_an_extension_after_the_first_month_is_refused() -> None:
    request = make()
    with pytest.raises(ApplicationError, match="first month"):
        letter_generate(
            request=request,
            template="extension_notice",
            by=manager(),
            context={"extension_reason": "Complex."},
            today=dt.date(2026, 4, 10),
        )
    assert not Letter.objects.filter(template="extension_notice").exists()


def test_the_identity_request_asks_a_teenager_for_their_own_agreement() -> None:
    request = make(subject_dob=dt.date(2011, 1, 1))  # 15 on the letter date
    text = letter_text(letter_generate(request=request, template="identity_request", by=None, today=TODAY))
    assert "The written agreement of Alex Example" in text
    assert "full birth certificate" in text

    young = make(subject_dob=dt.date(2019, 1, 1))
    assert "written agreement" not in letter_text(
        letter_generate(request=young, template="identity_request", by=None, today=TODAY)
    )


def _agreement_needed(dob: dt.date) -> bool:
    request = make(subject_dob=dob)  # received on 2 March 2026, the letter dated 4 March
    values = letters_service.letter_context(
        request=request, spec=letter_template("identity_request"), context={}, today=TODAY
    )
    return bool(values["child_agreement_needed"])


@pytest.mark.parametrize(
    ("dob", "needed"),
    [
        (dt.date(2008, 3, 3), True),  # 17 when the request arrived, 18 by the letter: still a child's request
        (dt.date(2008, 3, 2), False),  # 18 on the day the request arrived: an adult, not a child agreeing
        (dt.date(2013, 3, 3), False),  # 12 when it arrived, 13 by the letter: under the consent age
        (dt.date(2013, 3, 2), True),  # 13 on the day it arrived
    ],
)
def test_the_childs_age_is_taken_on_the_date_of_the_request_not_the_letter(dob: dt.date, needed: bool) -> None:
    assert _agreement_needed(dob) is needed


def test_a_refusal_without_reasons_is_refused_unless_giving_them_would_cause_harm() -> None:
    request = make()
    with pytest.raises(ApplicationError, match="reasons"):
        letter_generate(
            request=request, template="refusal", by=manager(), context={"refusal_ground": "manifestly_unfounded"}
        )
    letter = letter_generate(
        request=request,
        template="refusal",
        by=manager(),
        context={"refusal_ground": "manifestly_unfounded", "reasons_withheld": "yes"},
        today=TODAY,
    )
    text = letter_text(letter)
    assert "giving them would itself be likely to cause harm" in text
    assert "0303 123 1113" in text


def test_a_refusal_needs_a_known_ground() -> None:
    request = make()
    with pytest.raises(ApplicationError, match="ground"):
        letter_generate(request=request, template="refusal", by=None, context={"decision_reasons": "Because."})
    with pytest.raises(ApplicationError, match="not a refusal ground"):
        letter_generate(
            request=request, template="refusal", by=None, context={"refusal_ground": "bored", "decision_reasons": "x"}
        )


@pytest.mark.parametrize(
    ("kind", "template", "context", "sentences"),
    [
        (
            RightKind.RECTIFICATION,
            "outcome_rectification",
            {"refusal_ground": "data_accurate", "decision_reasons": "The record matches the school's own."},
            ("we have not changed the information", "supplementary statement", "consider that it is accurate"),
        ),
        (
            RightKind.ERASURE,
            "outcome_erasure",
            {"refusal_ground": "public_task", "decision_reasons": "The review is still running."},
            ("we cannot erase the information", "Article 17(3)", "UK GDPR Article 17(3)(b)"),
        ),
        (
            RightKind.OBJECTION,
            "outcome_objection",
            {"refusal_ground": "compelling_grounds", "decision_reasons": "The statutory review must go on."},
            (
                "we will continue to use the information",
                "compelling legitimate grounds",
                "The statutory review must go on.",
            ),
        ),
    ],
)
def test_outcomes_that_go_against_the_requester_give_reasons_and_the_right_to_complain(
    kind: RightKind, template: str, context: dict[str, str], sentences: tuple[str, ...]
) -> None:
    letter = letter_generate(request=make(kind), template=template, by=manager(), context=context, today=TODAY)
    text = letter_text(letter)
    for expected in (*sentences, *ICO, context["decision_reasons"]):
        assert expected in text
    assert letter.summary.endswith(("(refused)", "(rejected)"))


def test_a_refused_erasure_must_name_an_article_17_3_exemption() -> None:
    with pytest.raises(ApplicationError, match=r"17\(3\)"):
        letter_generate(
            request=make(RightKind.ERASURE),
            template="outcome_erasure",
            by=manager(),
            context={"outcome": "refused", "decision_reasons": "We would rather keep it."},
        )


def test_an_outcome_letter_must_say_what_was_done() -> None:
    with pytest.raises(ApplicationError, match="must say"):
        letter_generate(request=make(RightKind.RECTIFICATION), template="outcome_rectification", by=None, context={})


def test_an_ended_restriction_is_mentioned() -> None:
    text = letter_text(
        letter_generate(
            request=make(RightKind.RECTIFICATION),
            template="outcome_rectification",
            by=None,
            context={"decision_reasons": "Corrected.", "restriction_ends": True},
            today=TODAY,
        )
    )
    assert "that restriction comes to an end" in text


def test_a_lift_notice_without_a_date_gives_the_earliest_date_and_never_a_past_one() -> None:
    request = make(RightKind.RESTRICTION)
    text = letter_text(
        letter_generate(request=request, template="restriction_lift_notice", by=manager(), context={}, today=TODAY)
    )
    assert "We will lift it no sooner than Wednesday 18 March 2026" in text
    with pytest.raises(ApplicationError, match="before the restriction is lifted"):
        letter_generate(
            request=request,
            template="restriction_lift_notice",
            by=manager(),
            context={"lift_date": "2026-03-01"},
            today=TODAY,
        )
    with pytest.raises(ApplicationError, match="not a date"):
        letter_generate(
            request=request, template="restriction_lift_notice", by=manager(), context={"lift_date": "soon"}
        )


def test_the_portability_answer_prints_the_statutes_explanation_once() -> None:
    explanation = RIGHTS[RightKind.PORTABILITY].public_task_explanation
    text = letter_text(
        letter_generate(
            request=make(RightKind.PORTABILITY),
            template="outcome_portability",
            by=None,
            context={"decision_reasons": f"{explanation}\n\nWe have sent the access form."},
            today=TODAY,
        )
    )
    assert text.count(fold(explanation)) == 1
    assert "We have sent the access form." in text


# Escaping, privacy and the register


def test_hostile_names_print_as_text_and_load_nothing() -> None:
    request = make(requester_name=f"{HOSTILE} <script>alert(1)</script>", subject_name=f"Alex {HOSTILE}")
    letter = letter_generate(request=request, template="acknowledgement", by=None, today=TODAY)

    with letter.file.open("rb") as handle:
        data = handle.read()
    text = text_of(data)
    assert f"Dear {HOSTILE} <script>alert(1)</script>," in text
    assert f"on behalf of Alex {HOSTILE}" in text
    assert sum(len(page.images) for page in pypdf.PdfReader(io.BytesIO(data)).pages) == 0
    assert letter.addressee == f"{HOSTILE} <script>alert(1)</script>"


def test_the_letter_is_filed_in_the_register_with_its_sha256() -> None:
    request = make()
    by = caseworker()

    letter = letter_generate(request=request, template="acknowledgement", by=by, method="email", today=TODAY)

    letter.refresh_from_db()
    with letter.file.open("rb") as handle:
        data = handle.read()
    assert letter.sha256 == hashlib.sha256(data).hexdigest()
    assert data.startswith(b"%PDF-")
    assert (letter.direction, letter.date, letter.method) == (LetterDirection.OUT, TODAY, "email")
    assert (letter.template, letter.summary, letter.addressee) == ("acknowledgement", "Acknowledgement", "Sam Example")
    assert letter.created_by == by and letter.request == request
    name = Path(letter.file.name).name
    assert name.startswith(f"{request.reference}-acknowledgement-20260304") and name.endswith(".pdf")
    assert "Sam" not in letter.file.name and "Alex" not in letter.file.name
    assert Path(letter.file.path).is_relative_to(Path(settings.MEDIA_ROOT))
    assert letter.history.count() == 1
    assert letter.history.get().history_user == by


def test_the_pdf_metadata_names_the_reference_not_the_people() -> None:
    request = make()
    letter = letter_generate(request=request, template="acknowledgement", by=caseworker(), today=TODAY)
    with letter.file.open("rb") as handle:
        info = dict(pypdf.PdfReader(handle).metadata or {})
    assert info["/Title"] == f"Acknowledgement - {request.reference}"
    assert "/Author" not in info
    assert not any(name in str(value) for value in info.values() for name in ("Sam", "Alex", "caseworker"))


def test_the_same_letter_on_the_same_day_gives_the_same_bytes() -> None:
    request = make()
    first = letter_generate(request=request, template="closure", by=None, today=TODAY)
    second = letter_generate(request=request, template="closure", by=None, today=TODAY)
    assert first.sha256 == second.sha256
    assert first.file.name != second.file.name  # both kept: the register is append-only


def test_an_unknown_template_is_refused_and_nothing_is_filed() -> None:
    request = make()
    with pytest.raises(ApplicationError, match="no letter template called 'apology'"):
        letter_generate(request=request, template="apology", by=None)
    with pytest.raises(ApplicationError, match="no letter template"):
        letter_generate(request=request, template="../../base", by=None)
    assert not request.letters.filter(direction=LetterDirection.OUT).exists()
    assert not Path(settings.MEDIA_ROOT, "letters").exists()


def test_a_letter_for_another_kind_of_request_is_refused() -> None:
    with pytest.raises(ApplicationError, match="only for"):
        letter_generate(request=make(RightKind.ACCESS), template="outcome_erasure", by=None, context={})


def test_a_missing_required_context_is_refused() -> None:
    with pytest.raises(ApplicationError, match="clarification question"):
        letter_generate(
            request=make(), template="clarification_request", by=None, context={"clarification_question": " "}
        )


def test_only_managers_and_caseworkers_send_letters() -> None:
    request = make()
    with pytest.raises(ApplicationError, match="manager or caseworker"):
        letter_generate(request=request, template="acknowledgement", by=reviewer())
    assert letter_generate(request=request, template="acknowledgement", by=manager(), today=TODAY).pk


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ApplicationError, match="way of sending"):
        letter_generate(request=make(), template="acknowledgement", by=None, method="pigeon")


def test_a_failed_save_leaves_no_file_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    request = make()

    def broken_clean(self: Letter, *args: Any, **kwargs: Any) -> None:
        raise ApplicationError("Database said no.")

    monkeypatch.setattr(Letter, "full_clean", broken_clean)
    with pytest.raises(ApplicationError):
        letter_generate(request=request, template="acknowledgement", by=None, today=TODAY)
    letters_dir = Path(settings.MEDIA_ROOT, "letters")
    assert not letters_dir.exists() or not any(p.is_file() for p in letters_dir.rglob("*"))
    assert not request.letters.filter(direction=LetterDirection.OUT).exists()


def test_logging_a_request_with_an_acknowledgement_files_the_letter() -> None:
    request = request_create(
        by=manager(),
        kind=RightKind.ACCESS,
        received=RECEIVED,
        subject=PersonDetails(full_name="Alex Example", address="1 High Street\nStockport\nSK1 1AA"),
        acknowledge=True,
        today=TODAY,
    )
    letter = request.letters.get(direction=LetterDirection.OUT)
    assert letter.template == "acknowledgement"
    assert "Dear Alex Example," in letter_text(letter)


# Letters logged by hand


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet>Hidden sheet: Jane Doe</worksheet>")
    return out.getvalue()


PDF_SCAN = factories.scan_bytes("pdf")
PNG_SCAN = factories.scan_bytes("png")


def log(request: RightsRequest, file: SimpleUploadedFile | None = None, **kwargs: Any) -> Letter:
    values: dict[str, Any] = {
        "by": caseworker(),
        "direction": "in",
        "date": TODAY,
        "method": "post",
        "addressee": "Sam Example",
        "summary": "Signed consent from Alex",
        "file": file,
        "today": TODAY,
    }
    values.update(kwargs)
    return letter_log(request=request, **values)


def test_a_scanned_pdf_is_logged_with_its_sha256() -> None:
    request = make()
    letter = log(request, SimpleUploadedFile("Sam's consent.pdf", PDF_SCAN, content_type="application/pdf"))
    assert letter.sha256 == hashlib.sha256(PDF_SCAN).hexdigest()
    assert letter.file.name.endswith(".pdf") and "Sam" not in letter.file.name
    assert Path(letter.file.name).name.startswith(f"{request.reference}-in-20260304")
    assert (letter.direction, letter.summary, letter.template) == ("in", "Signed consent from Alex", "")


def test_the_content_not_the_name_decides_the_type() -> None:
    letter = log(make(), SimpleUploadedFile("scan.pdf", PNG_SCAN, content_type="application/pdf"))
    assert letter.file.name.endswith(".png")


def test_a_spreadsheet_renamed_to_pdf_is_refused() -> None:
    request = make()
    with pytest.raises(ApplicationError, match="not a PDF, PNG or JPEG") as refused:
        log(request, SimpleUploadedFile("letter.pdf", xlsx_bytes(), content_type="application/pdf"))
    assert refused.value.field == "file"
    assert not request.letters.filter(summary="Signed consent from Alex").exists()


def test_a_file_over_the_limit_is_refused(settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ApplicationError, match="larger than the limit"):
        log(make(), SimpleUploadedFile("big.pdf", PDF_SCAN + b"0" * 2048))


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ApplicationError, match="empty"):
        log(make(), SimpleUploadedFile("empty.pdf", b""))


def test_a_letter_without_a_scan_can_be_logged_but_not_in_the_future_or_without_a_summary() -> None:
    request = make()
    letter = log(request, direction="out", method="hand", summary="Handed over the pack")
    assert not letter.file and letter.sha256 == ""
    with pytest.raises(ApplicationError, match="future"):
        log(request, date=TODAY + dt.timedelta(days=1))
    with pytest.raises(ApplicationError, match="Summarise"):
        log(request, summary="  ")
    with pytest.raises(ApplicationError, match="came in or went out"):
        log(request, direction="sideways")


def test_only_managers_and_caseworkers_log_letters() -> None:
    with pytest.raises(ApplicationError, match="manager or caseworker"):
        log(make(), by=reviewer())


def test_person_names_never_reach_the_letter_file_name() -> None:
    """A belt-and-braces check across every generated letter of one request."""
    request = make(requester_name="Zebedee Quixote", subject_name="Xanthe Quixote")
    for name in ("acknowledgement", "identity_request", "closure"):
        letter_generate(request=request, template=name, by=None, today=TODAY)
    for letter in request.letters.all():
        assert "Quixote" not in letter.file.name


def test_letter_template_lookup_refuses_in_plain_words() -> None:
    assert letter_template("closure").title == "Closure of your request"
    with pytest.raises(ApplicationError) as refused:
        letter_template("nope")
    assert refused.value.field == "template"


def test_ground_texts_cover_every_refusal_ground() -> None:
    from requests_app.models import RefusalGround

    assert set(letters_service.GROUND_TEXT) == set(RefusalGround.values)


def test_a_refusal_step_through_the_state_machine_sends_the_real_letter() -> None:
    """Engineer A's transition service calls letter_generate with the step's inputs as context."""
    from tests.factories import STEP_INPUTS, take_steps

    boss = manager()
    request = take_steps(make(), "refuse", user=boss, today=TODAY)

    letter = request.letters.get(template="refusal")
    text = letter_text(letter)
    assert STEP_INPUTS["refuse"]["decision_reasons"] in text
    assert "manifestly excessive" in text and "0303 123 1113" in text
    assert letter.created_by == boss and letter.sha256


@pytest.mark.parametrize("on_behalf", [False, True])
def test_the_acknowledgement_promises_no_date_while_identity_or_authority_is_outstanding(on_behalf: bool) -> None:
    """UK GDPR Art 12A: the month runs from the relevant time, so no fixed date is given before it."""
    request = make() if on_behalf else make(requester_name=None, role=RepresentativeRole.SELF, authority=None)
    assert request.status == "received"  # not yet asked for: the letter must still not promise a date
    text = letter_text(letter_generate(request=request, template="acknowledgement", by=None, today=TODAY))
    assert "We must respond by" not in text
    assert "does not start until the day we receive" in text
    assert ("of your authority" in text) is on_behalf
