"""The requester's status page: the emailed link, then a one-time code to the same address, before anything shows;
then the stage in plain words, the due date and the letters sent, never anything of anyone else."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from requests_app.models import OneTimeCode, RightsRequest, StatusLink, StatusPageEvent
from tests.conftest import LoopbackMailbox
from tests.requests_app.test_online_requests import PARENT, answer_up_to_email, code_in, confirm_email

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def made(smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks) -> tuple[RightsRequest, str]:  # type: ignore[no-untyped-def]
    """An online request, and the status link as it arrived by email."""
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        answer_up_to_email(client)
    confirm_email(client, smtp_server)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/ask/check-your-answers/", {"website": ""})
    request = RightsRequest.objects.get()
    found = [re.search(r"(/ask/status/[^/\s]+/)", body) for body in smtp_server.bodies_to(PARENT)]
    (path,) = [match.group(1) for match in found if match]
    return request, path


def test_nothing_shows_before_the_code_then_the_status_does(
    made: tuple[RightsRequest, str], smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    request, path = made
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert token not in StatusLink.objects.get().token_hash
    sent = StatusLink.objects.get().message
    assert sent is not None and token not in sent.body  # masked on record
    client = Client()
    first = client.get(path)
    assert first.status_code == 200
    assert request.reference not in first.content.decode() and "p•" in first.content.decode()
    assert "no-store" in first["Cache-Control"] and first["X-Robots-Tag"] == "noindex, nofollow"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response["Location"] == path + "code/"
    code = code_in(smtp_server.bodies_to(PARENT)[-1])
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(path + "code/", {"code": wrong})
    assert response.status_code == 400 and "2 more tries" in response.content.decode()
    assert client.get(path).status_code == 200 and request.reference not in client.get(path).content.decode()
    assert client.post(path + "code/", {"code": code})["Location"] == path
    page = client.get(path).content.decode()
    assert request.reference in page
    assert "We have your request" in page and f"{request.due_date:%-d %B %Y}" in page
    assert "Acknowledgement" in page or "acknowledg" in page.lower()
    assert "Robin" not in page and "school nurse" not in page  # no names, no case content
    kinds = list(StatusPageEvent.objects.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds[:3] == ["code_sent", "wrong_code", "code_accepted"] and "viewed" in kinds
    # A used code does not open it again in another browser.
    other = Client()
    assert other.post(path + "code/", {"code": code}).status_code == 400


def test_a_wrong_or_expired_link_shows_nothing(made: tuple[RightsRequest, str]) -> None:
    _, path = made
    client = Client()
    assert client.get("/ask/status/not-a-token/").status_code == 404
    StatusLink.objects.update(expires_at=timezone.now())
    assert client.get(path).status_code == 404


def test_an_expired_code_does_not_open_the_page(
    made: tuple[RightsRequest, str], smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    _, path = made
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)
    code = code_in(smtp_server.bodies_to(PARENT)[-1])
    OneTimeCode.objects.filter(status_link__isnull=False).update(expires_at=timezone.now())
    assert client.post(path + "code/", {"code": code}).status_code == 400


def test_codes_per_link_are_limited(  # type: ignore[no-untyped-def]
    settings, made: tuple[RightsRequest, str], django_capture_on_commit_callbacks
) -> None:
    settings.STATUS_CODES_PER_LINK_PER_HOUR = 1
    _, path = made
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path).status_code == 302
        assert client.post(path).status_code == 429
