"""Easy-read versions of the letters a requester gets (UK GDPR Art 12(1): clear and plain language, in particular
for a child): used where easy read was asked for, never otherwise; the ICO complaint rights stay on a refusal."""

from __future__ import annotations

from typing import Any

import pytest

from requests_app.models import RightsRequest
from requests_app.services.letters import EASY_READ_TEMPLATES, letter_generate
from tests.factories import manager
from tests.requests_app.test_letters import ICO, TODAY, letter_text, make

pytestmark = pytest.mark.django_db

# template: (context, what only the easy-read version says, what the standard one says instead)
EASY: dict[str, tuple[dict[str, Any], tuple[str, ...], str]] = {
    "identity_request": (
        {},
        ("We need to check who you are", "Send copies. Do not send the real documents."),
        "Please send copies, not original documents.",
    ),
    "extension_notice": (
        {"extension_reason": "Records from six agencies, some of them on paper."},
        ("We need more time", "Now we will answer by 2 June 2026", "Records from six agencies, some of them on paper."),
        "We will now respond by Tuesday 2 June 2026 at the latest",
    ),
    "refusal": (
        {"refusal_ground": "manifestly_excessive", "decision_reasons": "This is the sixth identical request."},
        ("We have said no to your request", "This is the sixth identical request.", *ICO),
        "We have decided to refuse it.",
    ),
}


def _easy_read(request: RightsRequest) -> None:
    request.format_needs = "easy_read"
    request.save(update_fields=["format_needs"])


def test_every_easy_read_template_is_tested_here() -> None:
    assert set(EASY) | {"acknowledgement"} == EASY_READ_TEMPLATES


@pytest.mark.parametrize("template", sorted(EASY))
def test_a_requester_who_asked_for_easy_read_gets_the_easy_read_letter(template: str) -> None:
    context, easy_words, standard_words = EASY[template]
    asked = make()
    _easy_read(asked)
    text = letter_text(letter_generate(request=asked, template=template, by=manager(), context=context, today=TODAY))
    assert "This is an easy read letter" in text
    for words in easy_words:
        assert words in text, (words, text)
    assert asked.reference in text
    assert standard_words not in text


@pytest.mark.parametrize("template", sorted(EASY))
def test_a_requester_who_did_not_ask_gets_the_standard_letter(template: str) -> None:
    context, _, standard_words = EASY[template]
    text = letter_text(letter_generate(request=make(), template=template, by=manager(), context=context, today=TODAY))
    assert "easy read" not in text
    assert standard_words in text
