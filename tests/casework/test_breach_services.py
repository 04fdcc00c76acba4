"""Breach services (UK GDPR Arts 33-34): recording with containment at once, each decision, and each refusal."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from pypdf import PdfReader

from casework.models import Breach, BreachEvent, BreachLetter
from casework.services import breaches as services
from disclosure.models import Pack, PortalLink
from requests_app.models import RightsRequest
from rights import ApplicationError
from tests.factories import make_request

pytestmark = pytest.mark.django_db

FOUND = dt.datetime(2026, 7, 31, 9, 0, tzinfo=dt.UTC)


def facts(**overrides: object) -> services.BreachFacts:
    values: dict[str, object] = {
        "cause": "wrong_recipient",
        "what_happened": "The pack was emailed to the father instead of the mother.",
        "discovered_at": FOUND,
        "data_involved": "Social care records about a child, including the mother's address.",
        "people_affected": 2,
        "children_affected": 1,
        "special_category": True,
        "recipient": "The child's father",
    }
    values.update(overrides)
    return services.BreachFacts(**values)  # type: ignore[arg-type]


def pack_with_links(request: RightsRequest, *, count: int = 2) -> Pack:
    pack = Pack.objects.create(request=request, status="released")
    for n in range(count):
        PortalLink.objects.create(
            pack=pack,
            token_hash=hashlib.sha256(f"token-{pack.pk}-{n}".encode()).hexdigest(),
            expires_at=timezone.now() + dt.timedelta(days=28),
        )
    return pack


def test_recording_a_disclosure_in_error_revokes_the_packs_links_at_once(worker: User) -> None:
    rights_request = make_request(received=dt.date(2026, 7, 1))
    pack = pack_with_links(rights_request, count=3)
    other = pack_with_links(rights_request, count=1)
    breach = services.breach_record(by=worker, facts=facts(), pack=pack, now=FOUND + dt.timedelta(minutes=5))
    assert breach.request == rights_request
    assert not PortalLink.objects.filter(pack=pack, revoked_at__isnull=True).exists()
    assert all(f"Breach {breach.reference}" in link.revoked_reason for link in PortalLink.objects.filter(pack=pack))
    assert PortalLink.objects.filter(pack=other, revoked_at__isnull=True).count() == 1  # only that pack
    assert breach.links_revoked_at is not None
    assert BreachEvent.objects.filter(breach=breach, action="links_revoked").exists()


def test_a_breach_not_about_disclosure_leaves_links_alone(worker: User) -> None:
    pack = pack_with_links(make_request(received=dt.date(2026, 7, 1)))
    services.breach_record(by=worker, facts=facts(cause="lost_or_stolen"), pack=pack, now=FOUND)
    assert PortalLink.objects.filter(pack=pack, revoked_at__isnull=True).count() == 2


def test_a_breach_on_its_own(worker: User) -> None:
    breach = services.breach_record(by=worker, facts=facts(cause="other"), now=FOUND)
    assert breach.reference == "BR-2026-0001" and breach.request is None and breach.pack is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cause": "nonsense"}, "cause"),
        ({"what_happened": " "}, "what_happened"),
        ({"data_involved": ""}, "data_involved"),
        ({"discovered_at": FOUND + dt.timedelta(days=1)}, "discovered_at"),
        ({"occurred_at": FOUND + dt.timedelta(hours=1)}, "occurred_at"),
        ({"children_affected": 5}, "children_affected"),
    ],
)
def test_bad_facts_are_refused_and_nothing_changes(worker: User, overrides: dict[str, object], field: str) -> None:
    pack = pack_with_links(make_request(received=dt.date(2026, 7, 1)))
    with pytest.raises(ApplicationError) as refused:
        services.breach_record(by=worker, facts=facts(**overrides), pack=pack, now=FOUND)
    assert refused.value.field == field
    assert not Breach.objects.exists()
    assert PortalLink.objects.filter(pack=pack, revoked_at__isnull=True).count() == 2


def test_a_reviewer_cannot_record_a_breach(outsider: User) -> None:
    with pytest.raises(ApplicationError):
        services.breach_record(by=outsider, facts=facts(), now=FOUND)


def test_containment_recall_and_confirmation(worker: User) -> None:
    breach = services.breach_record(by=worker, facts=facts(), now=FOUND)
    recalled = services.breach_record_recall(
        breach=breach,
        by=worker,
        on=dt.date(2026, 7, 31),
        details="Rang and wrote asking him to delete it.",
        addressee="Mr J Example",
        address="3 Low Street, Stockport",
    )
    letter = BreachLetter.objects.get(breach=breach, kind="recall")
    text = "".join(page.extract_text() for page in PdfReader(letter.file.open("rb")).pages)
    assert "not meant for you" in text
    with pytest.raises(ApplicationError):
        services.breach_record_confirmation(breach=recalled, by=worker, on=dt.date(2026, 7, 30), confirmation="deleted")
    confirmed = services.breach_record_confirmation(
        breach=recalled, by=worker, on=dt.date(2026, 8, 1), confirmation="deleted"
    )
    assert confirmed.contained


def test_not_reporting_a_risky_breach_is_refused_and_reasons_are_needed(boss: User) -> None:
    breach = services.breach_record(by=boss, facts=facts(), now=FOUND)
    with pytest.raises(ApplicationError, match="Assess"):
        services.breach_decide_report(breach=breach, by=boss, report=False, reasons="Small.")
    services.breach_assess(breach=breach, by=boss, risk="risk", reasons="Address of the mother disclosed.")
    with pytest.raises(ApplicationError, match="must be reported"):
        services.breach_decide_report(breach=breach, by=boss, report=False, reasons="Small.")
    with pytest.raises(ApplicationError, match="reasons"):
        services.breach_decide_report(breach=breach, by=boss, report=True, reasons=" ")
    decided = services.breach_decide_report(breach=breach, by=boss, report=True, reasons="Risk to the mother.")
    assert decided.report_to_ico is True


def test_not_reporting_an_unlikely_risk_is_recorded_with_reasons(boss: User) -> None:
    breach = services.breach_record(by=boss, facts=facts(cause="wrong_enclosure"), now=FOUND)
    services.breach_assess(breach=breach, by=boss, risk="unlikely", reasons="Sent to a colleague bound by confidence.")
    decided = services.breach_decide_report(
        breach=breach,
        by=boss,
        report=False,
        reasons="Unlikely to result in a risk (Art 33(1)); documented (Art 33(5)).",
    )
    assert decided.report_to_ico is False
    assert "33(5)" in decided.report_decision_reasons
    assert decided.history.filter(history_change_reason="Reporting decided").exists()


def test_a_late_report_needs_reasons_for_the_delay(boss: User) -> None:
    breach = services.breach_record(by=boss, facts=facts(), now=FOUND)
    services.breach_assess(breach=breach, by=boss, risk="high", reasons="Child's social care records.")
    services.breach_decide_report(breach=breach, by=boss, report=True, reasons="High risk.")
    late = FOUND + dt.timedelta(hours=73)
    with pytest.raises(ApplicationError, match="72 hours"):
        services.breach_record_report(breach=breach, by=boss, reported_at=late, reference="ICO-1")
    reported = services.breach_record_report(
        breach=breach, by=boss, reported_at=late, reference="ICO-1", late_reasons="The Manager was on leave."
    )
    assert reported.ico_reference == "ICO-1"
    in_time = services.breach_record(by=boss, facts=facts(), now=FOUND)
    services.breach_assess(breach=in_time, by=boss, risk="risk", reasons="x")
    services.breach_decide_report(breach=in_time, by=boss, report=True, reasons="x")
    ok = services.breach_record_report(
        breach=in_time, by=boss, reported_at=FOUND + dt.timedelta(hours=72), reference="ICO-2"
    )
    assert ok.late_reasons == ""


def test_high_risk_people_are_told_in_a_clear_letter_then_close(boss: User, worker: User) -> None:
    breach = services.breach_record(by=worker, facts=facts(), now=FOUND)
    services.breach_assess(breach=breach, by=boss, risk="high", reasons="The mother's new address could be found.")
    with pytest.raises(ApplicationError, match="34\\(3\\)"):
        services.breach_decide_tell(breach=breach, by=boss, tell=False, reasons="We would rather not.")
    with pytest.raises(ApplicationError, match="Only a manager"):
        services.breach_decide_tell(breach=breach, by=worker, tell=True, reasons="High risk.")
    services.breach_decide_tell(breach=breach, by=boss, tell=True, reasons="High risk (Art 34(1)).")
    letter = services.breach_letter_affected(
        breach=breach,
        by=boss,
        addressee="Ms A Example",
        address="1 High Street, Stockport",
        what_we_did="We asked the recipient to delete it and he confirmed he has.",
        what_you_can_do="Tell us if you are worried for your safety; we can help with a safety plan.",
    )
    text = "".join(page.extract_text() for page in PdfReader(letter.file.open("rb")).pages)
    assert "sent to the wrong person" in text and "What we have done" in text
    breach.refresh_from_db()
    assert breach.people_told_on is not None
    with pytest.raises(ApplicationError, match="decision on reporting"):
        services.breach_close(breach=breach, by=boss, lessons="Check the address twice.")
    services.breach_decide_report(breach=breach, by=boss, report=True, reasons="High risk.")
    with pytest.raises(ApplicationError, match="ICO's reference"):
        services.breach_close(breach=breach, by=boss, lessons="Check the address twice.")
    services.breach_record_report(breach=breach, by=boss, reported_at=FOUND + dt.timedelta(hours=5), reference="ICO-9")
    closed = services.breach_close(breach=breach, by=boss, lessons="Check the address twice.")
    assert not closed.is_open
    with pytest.raises(ApplicationError, match="closed"):
        services.breach_assess(breach=closed, by=boss, risk="risk", reasons="x")


def test_links_made_after_recording_are_revoked_from_the_breach_page(worker: User) -> None:
    rights_request = make_request(received=dt.date(2026, 7, 1))
    pack = pack_with_links(rights_request, count=1)
    breach = services.breach_record(by=worker, facts=facts(), pack=pack, now=FOUND)
    PortalLink.objects.create(pack=pack, token_hash="f" * 64, expires_at=timezone.now() + dt.timedelta(days=1))
    assert services.breach_revoke_links(breach=breach, by=worker) == 1
    assert not PortalLink.objects.filter(pack=pack, revoked_at__isnull=True).exists()
    lone = services.breach_record(by=worker, facts=facts(), now=FOUND)
    with pytest.raises(ApplicationError, match="not about a pack"):
        services.breach_revoke_links(breach=lone, by=worker)


def test_a_pack_of_another_request_is_refused(worker: User) -> None:
    pack = pack_with_links(make_request(received=dt.date(2026, 7, 1)))
    other = make_request(received=dt.date(2026, 7, 2), subject_name="Someone Else")
    with pytest.raises(ApplicationError, match="another request"):
        services.breach_record(by=worker, facts=facts(), pack=pack, request=other, now=FOUND)
    assert PortalLink.objects.filter(pack=pack, revoked_at__isnull=True).count() == 2
