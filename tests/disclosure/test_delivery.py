"""Delivery of a verified pack: the portal link (hashed token, expiry, tries, revocation, logging) and the post
(a second person checks the address); the first delivery records the disclosure and files the covering letter."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone

from disclosure.models import (
    DataArea,
    DisclosureEvent,
    Dispatch,
    DispatchStatus,
    OpinionConclusion,
    Pack,
    PackStatus,
    PortalAccess,
    PortalEvent,
    PortalLink,
)
from disclosure.services.delivery import (
    PortalVisitor,
    dispatch_cancel,
    dispatch_check_address,
    dispatch_prepare,
    dispatch_send,
    portal_download,
    portal_link_create,
    portal_link_record_posted,
    portal_link_revoke,
    portal_unlock,
    token_hash,
)
from disclosure.services.documents import DocumentDetails, document_add_text, document_mark_reviewed
from disclosure.services.packs import pack_request
from disclosure.services.redaction import redaction_add_span
from disclosure.services.review import OpinionDetails, serious_harm_opinion_record
from requests_app.models import Letter, LetterDirection, Person, RightsRequest, Status, TransitionEvent
from rights import ApplicationError
from tests.factories import (
    PACK_SUBJECT_DOB,
    caseworker,
    celery_eager,
    pack_case,
    sent_portal_link,
    sign_in,
    take_steps,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 16)
VISITOR = PortalVisitor(ip_address="203.0.113.7", user_agent="Mozilla/5.0 (iPhone) Safari")


@pytest.fixture
def pack(staff: dict[str, User], django_capture_on_commit_callbacks) -> Pack:  # type: ignore[no-untyped-def]
    request = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY)
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        made = pack_request(request=request, by=staff["caseworker"], today=TODAY)
    made.refresh_from_db()
    assert made.status == PackStatus.VERIFIED, made.failure_reason
    return made


VERIFIED_ADDRESS = "1 High Street\nStockport SK1 1AA"  # as the checker reads it off the evidence scan


def check_address(dispatch: Dispatch, by: User) -> Dispatch:
    """The second person's check, as the dispatch page asks for it: the evidence records no address as text."""
    return dispatch_check_address(dispatch=dispatch, by=by, typed_address=VERIFIED_ADDRESS)


# The portal ---------------------------------------------------------------------------------------


def test_a_portal_link_releases_the_pack_discloses_the_request_and_files_the_cover_letter(
    staff: dict[str, User], pack: Pack
) -> None:
    link, token = portal_link_create(pack=pack, by=staff["caseworker"], today=TODAY)
    assert len(token) >= 43  # secrets.token_urlsafe(32)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in link.token_hash
    assert not PortalLink.objects.filter(token_hash=token).exists()
    # Made is not sent: the pack stays with us, and the link does not work yet.
    pack.refresh_from_db()
    assert pack.status == PackStatus.VERIFIED and link.state(timezone.now()) == "unsent"
    assert RightsRequest.objects.get(pk=pack.request_id).status == Status.APPROVED
    assert (
        portal_unlock(
            token=token, reference=pack.request.reference, date_of_birth=PACK_SUBJECT_DOB, visitor=VISITOR
        ).state
        == "unsent"
    )
    posted = portal_link_record_posted(link=link, by=staff["manager"], today=TODAY)
    assert posted.sent_how == "post" and posted.sent_by == staff["manager"] and posted.sent_at is not None
    pack.refresh_from_db()
    assert pack.status == PackStatus.RELEASED and pack.released_by == staff["manager"]
    request = RightsRequest.objects.get(pk=pack.request_id)
    assert request.status == Status.DISCLOSED
    assert TransitionEvent.objects.filter(request=request, transition="disclose").exists()
    letter = pack.cover_letter
    assert letter is not None and letter.direction == LetterDirection.OUT and letter.addressee == "Sam Example"
    cover = letter.file.read()
    assert letter.sha256 == hashlib.sha256(cover).hexdigest()
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(cover)).pages)
    assert "Dear Sam Example" in text and "0303 123 1113" in text and "Alex Example" in text
    assert pack.history.filter(status=PackStatus.RELEASED).exists()


def test_a_link_expires_after_28_days_by_default_and_the_setting_changes_it(
    staff: dict[str, User], pack: Pack, settings
) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    link, _ = sent_portal_link(pack=pack, by=staff["caseworker"], now=now, today=TODAY)
    assert link.expires_at == now + dt.timedelta(days=28)
    settings.PORTAL_LINK_DAYS = 7
    second, _ = sent_portal_link(pack=pack, by=staff["manager"], now=now, today=TODAY)
    assert second.expires_at == now + dt.timedelta(days=7)
    assert (
        Letter.objects.filter(
            request_id=pack.request_id, direction=LetterDirection.OUT, summary__startswith="Disclosure covering"
        ).count()
        == 1
    )


def test_the_right_reference_and_date_of_birth_unlock_and_every_try_is_logged(
    staff: dict[str, User], pack: Pack
) -> None:
    link, token = sent_portal_link(pack=pack, by=staff["caseworker"], today=TODAY)
    wrong = portal_unlock(
        token=token, reference=pack.request.reference, date_of_birth=dt.date(2000, 1, 1), visitor=VISITOR
    )
    assert (wrong.state, wrong.tries_left) == ("wrong", 4)
    right = portal_unlock(
        token=token, reference=f" {pack.request.reference.lower()} ", date_of_birth=PACK_SUBJECT_DOB, visitor=VISITOR
    )
    assert right.ok
    events = list(PortalAccess.objects.filter(link=link).values_list("event", "ip_address", "user_agent"))
    assert events == [
        (PortalEvent.WRONG_DETAILS, "203.0.113.7", VISITOR.user_agent),
        (PortalEvent.UNLOCKED, "203.0.113.7", VISITOR.user_agent),
    ]


def test_five_wrong_tries_lock_the_link_for_good(staff: dict[str, User], pack: Pack) -> None:
    link, token = sent_portal_link(pack=pack, by=staff["caseworker"], today=TODAY)
    reference = pack.request.reference
    outcomes = [
        portal_unlock(token=token, reference=reference, date_of_birth=dt.date(2001, 1, n), visitor=VISITOR).state
        for n in range(1, 6)
    ]
    assert outcomes == ["wrong", "wrong", "wrong", "wrong", "locked"]
    link.refresh_from_db()
    assert link.failed_attempts == 5 and link.locked_at is not None
    after = portal_unlock(token=token, reference=reference, date_of_birth=PACK_SUBJECT_DOB, visitor=VISITOR)
    assert after.state == "locked"  # even the right answer
    assert portal_download(link_id=link.pk, visitor=VISITOR).state == "locked"
    assert PortalAccess.objects.filter(link=link, event=PortalEvent.LOCKED).count() == 1


def test_a_wrong_reference_with_the_right_date_of_birth_counts_as_wrong(staff: dict[str, User], pack: Pack) -> None:
    _, token = sent_portal_link(pack=pack, by=staff["caseworker"], today=TODAY)
    assert (
        portal_unlock(token=token, reference="RR-2026-9999", date_of_birth=PACK_SUBJECT_DOB, visitor=VISITOR).state
        == "wrong"
    )


def test_an_expired_link_refuses(staff: dict[str, User], pack: Pack) -> None:
    now = timezone.now()
    _, token = sent_portal_link(pack=pack, by=staff["caseworker"], now=now, today=TODAY)
    later = now + dt.timedelta(days=28, seconds=1)
    outcome = portal_unlock(
        token=token, reference=pack.request.reference, date_of_birth=PACK_SUBJECT_DOB, visitor=VISITOR, now=later
    )
    assert outcome.state == "expired"
    just_before = now + dt.timedelta(days=27, hours=23)
    assert portal_unlock(
        token=token, reference=pack.request.reference, date_of_birth=PACK_SUBJECT_DOB, visitor=VISITOR, now=just_before
    ).ok


def test_a_revoked_link_refuses_and_downloads_stop(staff: dict[str, User], pack: Pack) -> None:
    link, token = sent_portal_link(pack=pack, by=staff["caseworker"], today=TODAY)
    assert portal_download(link_id=link.pk, visitor=VISITOR).ok
    with pytest.raises(ApplicationError, match="Say why"):
        portal_link_revoke(link=link, by=staff["manager"], reason=" ")
    portal_link_revoke(link=link, by=staff["manager"], reason="Sent to the wrong email address")
    assert (
        portal_unlock(
            token=token, reference=pack.request.reference, date_of_birth=PACK_SUBJECT_DOB, visitor=VISITOR
        ).state
        == "revoked"
    )
    assert portal_download(link_id=link.pk, visitor=VISITOR).state == "revoked"
    assert list(PortalAccess.objects.filter(link=link).values_list("event", flat=True)) == [
        PortalEvent.DOWNLOADED,
        PortalEvent.REFUSED,
        PortalEvent.REFUSED,
    ]


def test_an_unknown_token_opens_nothing(pack: Pack) -> None:
    assert portal_unlock(token="not-a-token", reference="x", date_of_birth=None, visitor=VISITOR).state == "unknown"
    assert token_hash("a") != token_hash("b")


def test_no_portal_link_without_the_subjects_date_of_birth(staff: dict[str, User], pack: Pack) -> None:
    subject = Person.objects.get(pk=pack.request.subject_id)
    subject.date_of_birth = None
    subject.save()
    with pytest.raises(ApplicationError):
        portal_link_create(pack=pack, by=staff["caseworker"], today=TODAY)
    assert not PortalLink.objects.exists()


def test_a_pack_whose_file_was_altered_is_not_sent(staff: dict[str, User], pack: Pack) -> None:
    name = pack.file.name
    pack.file.storage.delete(name)
    pack.file.storage.save(name, ContentFile(b"%PDF-1.7 something else"))
    with pytest.raises(ApplicationError, match="not the one that was verified"):
        portal_link_create(pack=pack, by=staff["caseworker"], today=TODAY)


def test_a_pack_made_before_the_records_changed_is_not_sent(staff: dict[str, User], pack: Pack) -> None:
    requester = Person.objects.get(pk=pack.request.requester_id)
    requester.address = "99 Other Road, Manchester M1 1AA"
    requester.save()
    with pytest.raises(ApplicationError, match="changed since this pack was made"):
        portal_link_create(pack=pack, by=staff["caseworker"], today=TODAY)
    assert RightsRequest.objects.get(pk=pack.request_id).status == Status.APPROVED


def test_only_the_newest_pack_can_be_sent(
    staff: dict[str, User], pack: Pack, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        newer = pack_request(request=pack.request, by=staff["manager"], today=TODAY)
    with pytest.raises(ApplicationError, match="newer pack"):
        portal_link_create(pack=pack, by=staff["caseworker"], today=TODAY)
    portal_link_create(pack=Pack.objects.get(pk=newer.pk), by=staff["caseworker"], today=TODAY)


# The post -----------------------------------------------------------------------------------------


def test_posting_needs_a_second_person_to_check_the_address(staff: dict[str, User], pack: Pack) -> None:
    preparer = staff["caseworker"]  # who also made the pack
    dispatch = dispatch_prepare(pack=pack, by=preparer, method="recorded_delivery")
    assert dispatch.address.startswith("Sam Example\n1 High Street")
    with pytest.raises(ApplicationError, match="second person must check the address"):
        dispatch_send(dispatch=dispatch, by=preparer, tracking_number="AB123456789GB")
    with pytest.raises(ApplicationError, match="checked by a second person"):
        dispatch_check_address(dispatch=dispatch, by=preparer, confirmed=True)
    other = caseworker("caseworker2")
    with pytest.raises(ApplicationError, match="type the address shown on the identity or authority evidence"):
        dispatch_check_address(dispatch=dispatch, by=other, confirmed=True)
    checked = check_address(dispatch, other)
    assert checked.status == DispatchStatus.CHECKED and checked.checked_by == other
    assert checked.verified_address == VERIFIED_ADDRESS
    with pytest.raises(ApplicationError, match="tracking number"):
        dispatch_send(dispatch=checked, by=preparer)
    sent = dispatch_send(dispatch=checked, by=preparer, tracking_number="AB123456789GB", today=TODAY)
    assert sent.status == DispatchStatus.DISPATCHED and sent.tracking_number == "AB123456789GB"
    pack.refresh_from_db()
    assert pack.status == PackStatus.RELEASED
    assert pack.cover_letter is not None and pack.cover_letter.method == "recorded_delivery"
    assert RightsRequest.objects.get(pk=pack.request_id).status == Status.DISCLOSED
    assert Dispatch.history.filter(id=sent.pk, status=DispatchStatus.CHECKED).exists()


def test_the_pack_maker_cannot_be_the_second_person(staff: dict[str, User], pack: Pack) -> None:
    dispatch = dispatch_prepare(pack=pack, by=staff["manager"], method="post")
    with pytest.raises(ApplicationError, match="second person"):
        dispatch_check_address(dispatch=dispatch, by=staff["caseworker"], confirmed=True)  # made the pack
    assert Dispatch.objects.get(pk=dispatch.pk).status == DispatchStatus.PREPARED


def test_an_address_that_changed_since_the_pack_was_made_is_not_confirmed(staff: dict[str, User], pack: Pack) -> None:
    dispatch = dispatch_prepare(pack=pack, by=staff["manager"], method="post")
    requester = Person.objects.get(pk=pack.request.requester_id)
    requester.address = "2 New Street, Stockport SK2 2BB"
    requester.save()
    with pytest.raises(ApplicationError, match="changed since this pack was made"):
        check_address(dispatch, caseworker("caseworker2"))
    assert Dispatch.objects.get(pk=dispatch.pk).status == DispatchStatus.PREPARED


def test_ticking_confirmed_is_not_a_check_the_checker_types_the_address_from_the_evidence(
    staff: dict[str, User], pack: Pack
) -> None:
    dispatch = dispatch_prepare(pack=pack, by=staff["manager"], method="post")
    other = caseworker("caseworker2")
    with pytest.raises(ApplicationError) as caught:
        dispatch_check_address(dispatch=dispatch, by=other, confirmed=True)
    assert caught.value.field == "typed_address"
    assert Dispatch.objects.get(pk=dispatch.pk).status == DispatchStatus.PREPARED  # bad input changes nothing
    assert not DisclosureEvent.objects.filter(action__startswith="dispatch_check").exists()


@pytest.mark.parametrize(
    "typed",
    [
        "1 High Street\nStockport SK1 1AA",
        "1 high street, stockport, sk11aa",
        "  1 HIGH STREET.  STOCKPORT   SK1  1AA ",
        "1 High Street\r\nStockport\r\nSK1 1AA",
    ],
)
def test_the_typed_address_is_compared_ignoring_case_spaces_punctuation_and_postcode_spacing(
    staff: dict[str, User], pack: Pack, typed: str
) -> None:
    dispatch = dispatch_prepare(pack=pack, by=staff["manager"], method="post")
    checked = dispatch_check_address(dispatch=dispatch, by=caseworker("caseworker2"), typed_address=typed)
    assert checked.status == DispatchStatus.CHECKED and checked.verified_address == typed.strip()


@pytest.mark.parametrize(
    "typed", ["11 High Street, Stockport SK1 1AA", "1 High Street, Stockport SK1 1AB", "Stockport"]
)
def test_a_typed_address_that_does_not_match_stops_the_dispatch_and_records_who_and_why(
    staff: dict[str, User], pack: Pack, typed: str
) -> None:
    dispatch = dispatch_prepare(pack=pack, by=staff["manager"], method="recorded_delivery")
    other = caseworker("caseworker2")
    with pytest.raises(ApplicationError, match="does not match the address the checker typed from the evidence"):
        dispatch_check_address(dispatch=dispatch, by=other, typed_address=typed)
    stopped = Dispatch.objects.get(pk=dispatch.pk)
    assert stopped.status == DispatchStatus.ADDRESS_MISMATCH
    assert stopped.checked_by == other and stopped.verified_address == typed
    assert "does not match" in stopped.cancelled_reason
    event = DisclosureEvent.objects.get(action="dispatch_address_mismatch")
    assert event.by == other and typed in event.detail
    assert stopped.history.first().history_user == other
    with pytest.raises(ApplicationError, match="second person must check the address"):
        dispatch_send(dispatch=stopped, by=staff["manager"], tracking_number="AB123456789GB")
    with pytest.raises(ApplicationError, match="dispatch is stopped"):
        dispatch_check_address(dispatch=stopped, by=other, typed_address=VERIFIED_ADDRESS)
    assert Pack.objects.get(pk=pack.pk).status == PackStatus.VERIFIED
    # Once the address is put right, a new dispatch can be prepared.
    assert dispatch_prepare(pack=pack, by=staff["manager"], method="post").status == DispatchStatus.PREPARED


def test_an_address_recorded_on_the_evidence_is_shown_and_confirmed_against(
    staff: dict[str, User], pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the evidence records the address (a field requests_app may add), the checker confirms against that."""
    from requests_app.models import Evidence

    monkeypatch.setattr(Evidence, "address", "1 High Street, Stockport, SK1 1AA", raising=False)
    dispatch = dispatch_prepare(pack=pack, by=staff["manager"], method="post")
    other = caseworker("caseworker2")
    with pytest.raises(ApplicationError, match="Confirm that the address on the pack matches"):
        dispatch_check_address(dispatch=dispatch, by=other)
    checked = dispatch_check_address(dispatch=dispatch, by=other, confirmed=True)
    assert checked.status == DispatchStatus.CHECKED
    assert checked.verified_address == "1 High Street, Stockport, SK1 1AA"

    monkeypatch.setattr(Evidence, "address", "9 Other Road, Leeds LS1 1AA", raising=False)
    dispatch_cancel(dispatch=checked, by=staff["manager"], reason="Try again")
    second = dispatch_prepare(pack=pack, by=staff["manager"], method="post")
    with pytest.raises(ApplicationError, match="does not match the address recorded on the verified evidence"):
        dispatch_check_address(dispatch=second, by=other, confirmed=True, typed_address=VERIFIED_ADDRESS)
    assert Dispatch.objects.get(pk=second.pk).status == DispatchStatus.ADDRESS_MISMATCH


def test_without_identity_evidence_there_is_nothing_to_check_against(staff: dict[str, User], pack: Pack) -> None:
    from requests_app.models import Evidence

    dispatch = dispatch_prepare(pack=pack, by=staff["manager"], method="post")
    Evidence.objects.filter(request_id=pack.request_id).delete()
    with pytest.raises(ApplicationError, match="No identity or authority evidence"):
        check_address(dispatch, caseworker("caseworker2"))
    assert Dispatch.objects.get(pk=dispatch.pk).status == DispatchStatus.PREPARED


def test_the_checker_is_shown_the_evidence_and_not_the_packs_address(staff: dict[str, User], pack: Pack) -> None:
    from django.test import Client
    from django.urls import reverse

    dispatch = dispatch_prepare(pack=pack, by=staff["manager"], method="post")
    client = Client()
    sign_in(client, caseworker("caseworker2"))
    url = reverse("disclosure:pack", args=[pack.request_id, pack.pk])
    page = client.get(url).content.decode()
    assert "Identity: Passport ending 123" in page and "Authority to act: Birth certificate naming the parent" in page
    assert 'name="typed_address"' in page
    assert "Not shown to you until you have typed the address" in page and "Stockport SK1 1AA" not in page
    check = reverse("disclosure:dispatch_check", args=[pack.request_id, pack.pk, dispatch.pk])
    response = client.post(check, {"typed_address": "2 Low Street, Stockport SK1 1AA"})
    assert response.status_code == 302
    assert Dispatch.objects.get(pk=dispatch.pk).status == DispatchStatus.ADDRESS_MISMATCH
    assert "does not match" in client.get(url).content.decode()


def test_a_second_dispatch_waits_for_the_first(staff: dict[str, User], pack: Pack) -> None:
    first = dispatch_prepare(pack=pack, by=staff["manager"], method="post")
    with pytest.raises(ApplicationError, match="already waiting"):
        dispatch_prepare(pack=pack, by=staff["manager"], method="post")
    dispatch_cancel(dispatch=first, by=staff["manager"], reason="Printer jammed")
    assert dispatch_prepare(pack=pack, by=staff["manager"], method="hand").status == DispatchStatus.PREPARED


def test_a_preview_cannot_be_posted(staff: dict[str, User], pack: Pack, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        preview = pack_request(request=pack.request, by=staff["manager"], preview=True, today=TODAY)
    with pytest.raises(ApplicationError, match="never be sent"):
        dispatch_prepare(pack=Pack.objects.get(pk=preview.pk), by=staff["manager"], method="post")


# The serious-harm opinion is relied on when the pack goes, not when it was signed off --------------

LONDON = ZoneInfo("Europe/London")
FIVE_MONTHS_BEFORE = dt.date(2025, 10, 20)  # current on TODAY; its last day is 19 April 2026


def _opinion(on: dt.date) -> OpinionDetails:
    return OpinionDetails(
        professional_name="Dr A Patel",
        professional_role="Consultant paediatrician",
        opinion_date=on,
        opinion="Disclosing the mother's diagnosis would be likely to cause serious harm to the child.",
        conclusion=OpinionConclusion.WITHHOLD_IN_PART,
        area=DataArea.HEALTH,
    )


@pytest.fixture
def harm_pack(staff: dict[str, User], django_capture_on_commit_callbacks) -> Pack:  # type: ignore[no-untyped-def]
    """A pack signed off on TODAY on a serious-harm opinion given five months before."""
    worker = staff["caseworker"]
    request = pack_case(manager_user=staff["manager"], caseworker_user=worker, today=TODAY, approve=False)
    text = "Clinic letter. The mother's diagnosis is recorded here."
    doc = document_add_text(
        by=worker,
        request=request,
        details=DocumentDetails(title="Clinic letter", holds_health_data=True, harm_concern=True),
        text=text,
        today=TODAY,
    )
    start = text.index("The mother's")
    redaction_add_span(by=worker, document=doc, start=start, end=len(text), exemption="serious_harm_health")
    serious_harm_opinion_record(
        by=staff["reviewer"], request=request, details=_opinion(FIVE_MONTHS_BEFORE), today=TODAY
    )
    document_mark_reviewed(by=staff["reviewer"], document=doc)
    take_steps(request, "submit_for_sign_off", user=worker, today=TODAY)
    take_steps(request, "approve", user=staff["manager"], today=TODAY)
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        made = pack_request(request=request, by=worker, today=TODAY)
    made.refresh_from_db()
    assert made.status == PackStatus.VERIFIED, made.failure_reason
    return made


def test_a_pack_approved_on_a_five_month_old_opinion_is_not_sent_once_it_has_expired(
    staff: dict[str, User], harm_pack: Pack
) -> None:
    two_months_on = dt.datetime(2026, 5, 18, 10, 0, tzinfo=LONDON)
    with time_machine.travel(two_months_on, tick=False):
        with pytest.raises(ApplicationError, match=r"cannot be sent on 18 May 2026: .*only until 19 April 2026"):
            portal_link_create(pack=harm_pack, by=staff["caseworker"])
        with pytest.raises(ApplicationError, match="must be renewed"):
            dispatch_prepare(pack=harm_pack, by=staff["manager"], method="post")
        assert not PortalLink.objects.filter(pack=harm_pack).exists()
        assert not Dispatch.objects.filter(pack=harm_pack).exists()
        assert Pack.objects.get(pk=harm_pack.pk).status == PackStatus.VERIFIED
        assert RightsRequest.objects.get(pk=harm_pack.request_id).status == Status.APPROVED
        # The professional renews the opinion (possible after sign-off: it changes nothing in the pack).
        serious_harm_opinion_record(
            by=staff["reviewer"], request=harm_pack.request, details=_opinion(dt.date(2026, 5, 18))
        )
        sent_portal_link(pack=harm_pack, by=staff["caseworker"])
    assert Pack.objects.get(pk=harm_pack.pk).status == PackStatus.RELEASED
    assert RightsRequest.objects.get(pk=harm_pack.request_id).status == Status.DISCLOSED


def test_the_opinion_is_checked_again_on_the_day_the_pack_is_posted(staff: dict[str, User], harm_pack: Pack) -> None:
    with time_machine.travel(dt.datetime(2026, 4, 17, 10, 0, tzinfo=LONDON), tick=False):
        dispatch = dispatch_prepare(pack=harm_pack, by=staff["manager"], method="post")
        checked = check_address(dispatch, caseworker("caseworker2"))
    with (
        time_machine.travel(dt.datetime(2026, 4, 20, 10, 0, tzinfo=LONDON), tick=False),
        pytest.raises(ApplicationError, match="cannot be sent on 20 April 2026"),
    ):
        dispatch_send(dispatch=checked, by=staff["manager"])
    assert Dispatch.objects.get(pk=dispatch.pk).status == DispatchStatus.CHECKED
    assert Pack.objects.get(pk=harm_pack.pk).status == PackStatus.VERIFIED


def test_the_pack_page_says_before_sending_that_the_opinion_has_expired(
    staff: dict[str, User], harm_pack: Pack
) -> None:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    sign_in(client, staff["caseworker"])
    url = reverse("disclosure:pack", args=[harm_pack.request_id, harm_pack.pk])
    with time_machine.travel(dt.datetime(2026, 3, 17, 10, 0, tzinfo=LONDON), tick=False):
        assert "cannot be sent today" not in client.get(url).content.decode()
    with time_machine.travel(dt.datetime(2026, 5, 18, 10, 0, tzinfo=LONDON), tick=False):
        page = client.get(url).content.decode()
    assert "The pack cannot be sent today" in page and "only until 19 April 2026" in page
    assert reverse("disclosure:opinion_add", args=[harm_pack.request_id]) in page


def test_a_reopened_review_stops_the_signed_off_pack_going_out_until_it_is_signed_off_again(
    staff: dict[str, User], pack: Pack
) -> None:
    request = RightsRequest.objects.get(pk=pack.request_id)
    dispatch = check_address(dispatch_prepare(pack=pack, by=staff["caseworker"], method="post"), staff["manager"])
    with pytest.raises(ApplicationError, match="Manager"):  # the Manager alone withdraws a sign-off, and says why
        take_steps(request, "reopen_review", user=staff["caseworker"], today=TODAY)
    with pytest.raises(ApplicationError, match="Say why"):
        take_steps(request, "reopen_review", user=staff["manager"], today=TODAY, data={"reopen_review": {}})
    take_steps(request, "reopen_review", user=staff["manager"], today=TODAY)
    request.refresh_from_db()
    assert request.status == Status.IN_REVIEW
    event = TransitionEvent.objects.get(request=request, transition="reopen_review")
    assert "page 12" in event.reason and event.by == staff["manager"]
    with pytest.raises(ApplicationError, match="only a signed-off request's pack can be sent"):
        portal_link_create(pack=pack, by=staff["caseworker"], today=TODAY)
    with pytest.raises(ApplicationError, match="only a signed-off request's pack can be sent"):
        dispatch_send(dispatch=dispatch, by=staff["caseworker"], tracking_number="AB123456789GB", today=TODAY)
    pack.refresh_from_db()
    assert pack.status == PackStatus.VERIFIED and not PortalLink.objects.filter(pack=pack).exists()
