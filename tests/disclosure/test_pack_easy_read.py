"""The pack's covering letter in easy read where the requester asked for it (UK GDPR Art 12(1)), with the same
legal content: the Art 15 answer, what was taken out and under which law, and the complaint rights."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.contrib.auth.models import User

from disclosure.pack import render
from disclosure.pack.build import build_inputs
from disclosure.pack.inputs import _canonical
from rights import Authority, RepresentativeRole
from tests.disclosure.conftest import TODAY
from tests.factories import make_request

pytestmark = pytest.mark.django_db

ICO = ("Information Commissioner's Office", "0303 123 1113", "ico.org.uk/make-a-complaint", "remedy through the courts")


def _cover_text(easy_read: bool, staff: dict[str, User]) -> tuple[str, bool, str]:
    request = make_request(
        received=TODAY,
        today=TODAY,
        requester_name="Sam Example",
        role=RepresentativeRole.PARENT,
        authority=Authority.PARENTAL_RESPONSIBILITY,
        assigned_to=staff["caseworker"],
    )
    if easy_read:
        request.format_needs = "easy_read"
        request.save(update_fields=["format_needs"])
    inputs = build_inputs(request, preview=True, letter_date=TODAY)
    data = render.render_cover_letter(inputs, pages_total=None)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(data)).pages))
    return text, inputs.easy_read, _canonical(inputs)


def test_easy_read_was_asked_for_and_the_cover_letter_keeps_the_law(staff: dict[str, User]) -> None:
    text, easy, canonical = _cover_text(True, staff)
    assert easy and '"easy_read":true' in canonical  # part of the pack's fingerprint
    assert "This is an easy read letter" in text and "The information about Alex Example" in text
    assert "Article 15 of the UK General Data Protection Regulation" in text
    assert "Data Protection Act 2018" in text and "black box" in text
    for words in ICO:
        assert words in text
    assert "How the partnership uses personal information, and your rights" in text  # the Art 15(1) section


def test_without_easy_read_the_standard_cover_letter_and_fingerprint(staff: dict[str, User]) -> None:
    text, easy, canonical = _cover_text(False, staff)
    assert not easy and "easy_read" not in canonical  # packs made before keep their fingerprint
    assert "easy read" not in text
    assert "This is our response under Article 15" in text
