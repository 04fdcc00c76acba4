"""Easy-read versions of the letters a requester gets (UK GDPR Art 12(1): clear and plain language, in particular
for a child): used where easy read was asked for, never otherwise; the ICO complaint rights stay on a refusal."""

from __future__ import annotations

import re
from typing import Any

import pytest

from requests_app.letters import LETTER_TEMPLATES
from requests_app.models import RightsRequest
from requests_app.services.letters import EASY_READ_TEMPLATES, letter_generate
from rights import RIGHTS, RepresentativeRole, RightKind
from tests.factories import manager
from tests.requests_app.test_letters import ICO, TODAY, letter_text, make

pytestmark = pytest.mark.django_db

# template: (kind of request, context, what only the easy-read version says, what the standard one says instead)
EASY: dict[str, tuple[RightKind, dict[str, Any], tuple[str, ...], str]] = {
    "identity_request": (
        RightKind.ACCESS,
        {},
        ("We need to check who you are", "Send copies. Do not send the real documents."),
        "Please send copies, not original documents.",
    ),
    "extension_notice": (
        RightKind.ACCESS,
        {"extension_reason": "Records from six agencies, some of them on paper."},
        ("We need more time", "Now we will answer by 2 June 2026", "Records from six agencies, some of them on paper."),
        "We will now respond by Tuesday 2 June 2026 at the latest",
    ),
    "refusal": (
        RightKind.ACCESS,
        {"refusal_ground": "manifestly_excessive", "decision_reasons": "This is the sixth identical request."},
        ("We have said no to your request", "This is the sixth identical request.", *ICO),
        "We have decided to refuse it.",
    ),
    "clarification_request": (
        RightKind.ACCESS,
        {"clarification_question": "Which years of records do you want?"},
        (
            "Please tell us more about your request",
            "Which years of records do you want?",
            "The clock for our answer stops",
        ),
        "The clock is stopped from the date of this letter",
    ),
    "fee_request": (
        RightKind.ACCESS,
        {"fee_basis": "manifestly_excessive", "fee_amount": "£25.00", "fee_reason": "Two hours at £12.50."},
        (
            "We need a fee before we can help",
            "£25.00",
            "Two hours at £12.50.",
            "The month starts on the day the fee",
            *ICO,
        ),
        "We will deal with your request once we receive the fee",
    ),
    "outcome_rectification": (
        RightKind.RECTIFICATION,
        {"decision_reasons": "The date of birth was corrected to 1 May 2015."},
        (
            "We have corrected the information",
            "The date of birth was corrected to 1 May 2015.",
            "We are telling them about the correction",
            *ICO,
        ),
        "We have considered your request for rectification",
    ),
    "outcome_erasure": (
        RightKind.ERASURE,
        {"decision_reasons": "The duplicate referral record was erased."},
        ("We have deleted the information", "The duplicate referral record was erased.", *ICO),
        "We have considered your request for erasure",
    ),
    "outcome_restriction": (
        RightKind.RESTRICTION,
        {"decision_reasons": "The accuracy of the record is contested."},
        (
            "We have stopped using the information for now",
            "We will tell you before we end the restriction",
            "we need it for a legal claim",
            *ICO,
        ),
        "We will tell you before the restriction is lifted",
    ),
    "restriction_lift_notice": (
        RightKind.RESTRICTION,
        {"lift_date": "2026-03-20", "reason": "The accuracy check is finished."},
        (
            "We will start using the information again",
            "We will end it on 20 March 2026",
            "The accuracy check is finished.",
            *ICO,
        ),
        "We will lift it on Friday 20 March 2026",
    ),
    "outcome_objection": (
        RightKind.OBJECTION,
        {"decision_reasons": "The 2024 learning review stops using the data."},
        (
            "We have stopped using the information in the way you said no to",
            "The 2024 learning review stops using the data.",
            *ICO,
        ),
        "We have upheld your objection",
    ),
    "outcome_portability": (
        RightKind.PORTABILITY,
        {},
        (
            RIGHTS[RightKind.PORTABILITY].public_task_explanation,
            "You can still ask for a copy of the information",
            *ICO,
        ),
        "How this right applies to the partnership",
    ),
    "outcome_automated_decision": (
        RightKind.AUTOMATED_DECISION_MAKING,
        {},
        (RIGHTS[RightKind.AUTOMATED_DECISION_MAKING].public_task_explanation, "decisions made by a computer", *ICO),
        "How this right applies to the partnership",
    ),
    "outcome_inform": (
        RightKind.INFORM,
        {},
        (
            RIGHTS[RightKind.INFORM].public_task_explanation,
            "Who we are",
            "UK GDPR Article 6(1)(e)",
            "Where it comes from, and who sees it",
            "How long we keep it",
            "Your rights",
            *ICO,
        ),
        "Our lawful basis is the performance of a task in the public interest",
    ),
    "closure": (
        RightKind.ACCESS,
        {},
        ("We have closed your request", "Please keep this letter", *ICO),
        "Please keep this letter for your records",
    ),
}
# The law's references each standard letter prints ("Article 12A", "Article 18(2)", "section 11"...).
LEGAL_REFERENCE = re.compile(r"(?:Articles? \d+[A-Z]?(?:\(\d+\))?(?:\([a-z]\))?|section \d+)")


def _easy_read(request: RightsRequest) -> None:
    request.format_needs = "easy_read"
    request.save(update_fields=["format_needs"])


def test_every_easy_read_template_is_tested_here() -> None:
    assert set(EASY) | {"acknowledgement"} == EASY_READ_TEMPLATES


@pytest.mark.parametrize("template", sorted(EASY))
def test_a_requester_who_asked_for_easy_read_gets_the_easy_read_letter(template: str) -> None:
    kind, context, easy_words, standard_words = EASY[template]
    asked = make(kind)
    _easy_read(asked)
    text = letter_text(letter_generate(request=asked, template=template, by=manager(), context=context, today=TODAY))
    assert "This is an easy read letter" in text
    for words in easy_words:
        assert words in text, (words, text)
    assert asked.reference in text
    assert standard_words not in text


@pytest.mark.parametrize("template", sorted(EASY))
def test_a_requester_who_did_not_ask_gets_the_standard_letter(template: str) -> None:
    kind, context, _, standard_words = EASY[template]
    text = letter_text(
        letter_generate(request=make(kind), template=template, by=manager(), context=context, today=TODAY)
    )
    assert "easy read" not in text
    assert standard_words in text


@pytest.mark.parametrize("template", sorted(EASY))
def test_the_easy_read_letter_carries_the_law_the_standard_one_does(template: str) -> None:
    """The same legal content: every reference to the law the standard letter makes, and the complaint rights."""
    kind, context, _, _ = EASY[template]
    standard = letter_text(
        letter_generate(request=make(kind), template=template, by=manager(), context=context, today=TODAY)
    )
    asked = make(kind)
    _easy_read(asked)
    easy = letter_text(letter_generate(request=asked, template=template, by=manager(), context=context, today=TODAY))
    references = set(LEGAL_REFERENCE.findall(standard))
    assert references, standard
    for reference in references:
        assert reference in easy, (reference, easy)
    if LETTER_TEMPLATES[template].complaint_rights:
        for words in ICO:
            assert words in easy


def test_a_child_of_13_asking_for_themselves_gets_easy_read_outcomes() -> None:
    """No format asked for, but the letter goes to a child of the consent age or over (Art 12(1))."""
    child = make(
        RightKind.ERASURE,
        requester_name=None,
        role=RepresentativeRole.SELF,
        authority=None,
        subject_dob=TODAY.replace(year=TODAY.year - 14),
    )
    text = letter_text(
        letter_generate(
            request=child,
            template="outcome_erasure",
            by=manager(),
            context={"decision_reasons": "The duplicate referral record was erased."},
            today=TODAY,
        )
    )
    assert "This is an easy read letter" in text and "We have deleted the information" in text
