"""Letters the service sends itself by email, and the large-print rendering."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from requests_app.models import Letter, LetterMethod, Message, MessageStatus, RightsRequest
from requests_app.services.letters import letter_generate
from rights import ApplicationError, Authority, RepresentativeRole
from tests.conftest import LoopbackMailbox
from tests.factories import caseworker, make_request

pytestmark = pytest.mark.django_db


def _parent_request(email: str = "sam@example.org") -> RightsRequest:
    request = make_request(
        requester_name="Sam Example", role=RepresentativeRole.PARENT, authority=Authority.PARENTAL_RESPONSIBILITY
    )
    assert request.requester is not None
    request.requester.email = email
    request.requester.save()
    RightsRequest.objects.filter(pk=request.pk).update(reply_by="email")  # as the online form records it
    return RightsRequest.objects.select_related("subject", "requester").get(pk=request.pk)


def test_a_letter_by_email_arrives_with_its_words_and_is_filed_once(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    request = _parent_request()
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_generate(
            request=request, template="acknowledgement", by=caseworker(), method=LetterMethod.EMAIL
        )
    message = Message.objects.get(letter=letter)
    assert message.status == MessageStatus.SENT and message.to == "sam@example.org"
    assert Letter.objects.filter(request=request).count() == 1  # the letter itself, not a second row
    (body,) = smtp_server.bodies_to("sam@example.org")
    assert "Dear Sam Example," in body and request.reference in body and "What happens next" in body
    assert "<p>" not in body and "{" not in body
    assert smtp_server.messages[0]["Subject"] == f"Acknowledgement: your request {request.reference}"
    assert not smtp_server.messages[0].is_multipart()  # no attachment


def test_a_letter_by_email_needs_an_address() -> None:
    request = _parent_request(email="")
    with pytest.raises(ApplicationError, match="no email address"):
        letter_generate(request=request, template="acknowledgement", by=caseworker())
    assert not Letter.objects.filter(request=request).exists()


def test_a_requester_who_chose_post_is_sent_nothing(django_capture_on_commit_callbacks) -> None:
    request = _parent_request()
    RightsRequest.objects.filter(pk=request.pk).update(reply_by="post")
    request.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_generate(request=request, template="acknowledgement", by=caseworker(), method="email")
    assert letter.method == "email" and not Message.objects.exists()  # logged as sent by hand, as before


def _sizes(letter: Letter) -> set[float]:
    with letter.file.open("rb") as handle, pdfplumber.open(io.BytesIO(handle.read())) as pdf:
        return {round(char["size"]) for page in pdf.pages for char in page.chars}


def test_a_large_print_need_renders_every_letter_in_16pt_or_more() -> None:
    request = _parent_request()
    ordinary = letter_generate(request=request, template="acknowledgement", by=caseworker())
    assert min(_sizes(ordinary)) < 12
    RightsRequest.objects.filter(pk=request.pk).update(format_needs="large_print")  # test set-up only
    request.refresh_from_db()
    large = letter_generate(request=request, template="acknowledgement", by=caseworker())
    assert min(_sizes(large)) >= 16


def test_the_request_page_shows_each_sending_and_its_outcome(
    settings, client, django_capture_on_commit_callbacks
) -> None:
    from django.urls import reverse

    from tests.factories import sign_in

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    settings.MESSAGE_MAX_ATTEMPTS = 2
    request = _parent_request()
    RightsRequest.objects.filter(pk=request.pk).update(format_needs="large_print,easy_read")
    worker = caseworker()
    with django_capture_on_commit_callbacks(execute=True):
        letter_generate(request=request, template="acknowledgement", by=worker, method=LetterMethod.EMAIL)
    sign_in(client, worker)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "Failed" in page and "email to sam@example.org" in page and "attempt 2: given up" in page
    assert "By email to sam@example.org" in page and "Large print, Easy read" in page


def test_a_child_of_13_or_over_asking_for_themselves_gets_the_easy_read_acknowledgement() -> None:
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    teenager = make_request(subject_name="Alex Example", subject_dob=today.replace(year=today.year - 14))
    letter = letter_generate(request=teenager, template="acknowledgement", by=caseworker())
    with letter.file.open("rb") as handle, pdfplumber.open(io.BytesIO(handle.read())) as pdf:
        text = " ".join((page.extract_text() or "") for page in pdf.pages)
    assert "easy read letter" in text and "We have your request" in text and teenager.reference in text
    adult = make_request(subject_name="Chris Adult", subject_dob=dt.date(1980, 1, 1))
    standard = letter_generate(request=adult, template="acknowledgement", by=caseworker())
    with standard.file.open("rb") as handle, pdfplumber.open(io.BytesIO(handle.read())) as pdf:
        assert "easy read" not in " ".join((page.extract_text() or "") for page in pdf.pages)
