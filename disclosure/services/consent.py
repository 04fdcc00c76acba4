"""Asking a third party for consent to disclose their information (DPA 2018 Sch 2 Pt 3 para 16(1)(a)).

The letter says what would be disclosed about them, to whom in general terms, why, how to answer and by when;
it is emailed by the service or drawn to PDF for the post, and filed. The daily sweep sends one chaser once the
date to answer by has passed (a lock and `chased_on` make a second run send nothing). The answer (consent,
refusal, or no answer once the time is up) is filed with its letter and sets where consent stands; the para 16
judgement, with its reasonableness factors where there is no consent, is then made again on the third party's page.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.audit import record_change
from core.roles import require_role
from core.text import day_text
from disclosure.models import Consent, ConsentAnswerLink, ConsentMethod, ConsentRequest, ThirdParty
from disclosure.services.common import LOCKED_STATUSES, REVIEWERS, log_event, require_editable
from disclosure.services.delivery import token_hash
from requests_app.letters import LetterTemplate
from requests_app.models import FINISHED_STATUSES, LetterDirection, LetterMethod
from requests_app.selectors import working_calendar
from requests_app.services.letters import letter_log
from requests_app.services.messages import message_send
from requests_app.services.outside_letters import OutsideAddressee, outside_letter_send
from requests_app.sweep_registry import SweepContext, register_sweep_part
from rights import ApplicationError
from rights.owners import ConsentAnswer, consent_chaser_due, consent_reply_due, no_answer_refusal

logger = logging.getLogger(__name__)

CONSENT_LETTER = LetterTemplate(
    "third_party_consent",
    "A request for your consent",
    (
        "what would be disclosed about them",
        "to whom, in general terms (never the requester's name)",
        "why, how to answer and by when",
    ),
)
CONSENT_CHASER = LetterTemplate(
    "third_party_consent_chaser",
    "A request for your consent: reminder",
    ("the first letter's date and what it asked", "a reminder of how to answer"),
)
DEFAULT_REPLY_WORKING_DAYS = 10
SWEEP_PART = "disclosure.third_party_chasers"


def reply_working_days() -> int:
    return int(getattr(settings, "THIRD_PARTY_REPLY_WORKING_DAYS", DEFAULT_REPLY_WORKING_DAYS))


def _addressee(party: ThirdParty) -> OutsideAddressee:
    return OutsideAddressee(name=party.name, email=party.contact_email, address=party.contact_address)


def _letter_context(consent: ConsentRequest) -> Mapping[str, Any]:
    return {
        "what_disclosed": consent.what_disclosed,
        "why": consent.why,
        "sent_on": consent.sent_on,
        "due_on": consent.due_on,
    }


def consent_request_send(
    *,
    by: User | None,
    third_party: ThirdParty,
    method: str,
    what_disclosed: str,
    why: str,
    email: str = "",
    address: str = "",
    today: dt.date | None = None,
) -> ConsentRequest:
    """Ask the third party for consent, by email or a letter to post; their contact details are kept with them."""
    require_role(by, *REVIEWERS, action="ask a third party for consent")
    today = today or timezone.localdate()
    if method not in ConsentMethod.values:
        raise ApplicationError("Choose how the letter goes.", field="method")
    if not what_disclosed.strip():
        raise ApplicationError("Say what would be disclosed about them.", field="what_disclosed")
    if not why.strip():
        raise ApplicationError("Say why, in general terms.", field="why")
    email, address = email.strip(), address.strip()
    if method == ConsentMethod.EMAIL:
        if not email:
            raise ApplicationError("Enter their email address.", field="email")
        try:
            validate_email(email)
        except Exception:
            raise ApplicationError(f"{email!r} is not an email address.", field="email") from None
    elif not address:
        raise ApplicationError("Enter their postal address.", field="address")
    with transaction.atomic():
        party = ThirdParty.objects.select_for_update(of=("self",)).select_related("request").get(pk=third_party.pk)
        require_editable(party.request)
        if ConsentRequest.objects.filter(third_party=party, answer="").exists():
            raise ApplicationError(f"{party.name} has already been asked and has not answered yet.")
        party.contact_email = email or party.contact_email
        party.contact_address = address or party.contact_address
        consent = ConsentRequest(
            third_party=party,
            method=method,
            sent_to=email if method == ConsentMethod.EMAIL else address,
            what_disclosed=what_disclosed.strip(),
            why=why.strip(),
            sent_on=today,
            due_on=consent_reply_due(today, reply_working_days(), working_calendar()),
            sent_by=by,
        )
        sent = outside_letter_send(
            spec=CONSENT_LETTER,
            request=party.request,
            to=_addressee(party),
            by_email=method == ConsentMethod.EMAIL,
            today=today,
            context=_letter_context(consent),
            summary=f"Consent asked of a third party ({party.name}), to answer by {day_text(consent.due_on)}.",
            by=by,
        )
        consent.letter = sent.letter
        consent.full_clean()
        record_change(consent, "Sent")
        consent.save()
        if method == ConsentMethod.EMAIL:
            consent_link_issue(consent=consent, by=by, now=timezone.now())
        if party.consent != Consent.ASKED and party.reasonable_to_disclose:
            party.reasonable_to_disclose = ""  # a new fact for the para 16 judgement: it is made again
            party.decided_by = None
            party.decided_at = None
        party.consent = Consent.ASKED
        party.consent_asked_on = today
        party.consent_answered_on = None
        party.full_clean()
        record_change(party, "Consent asked")
        party.save()
        log_event(
            request=party.request,
            action="consent_asked",
            detail=f"Consent asked of {party.name} by {consent.get_method_display().lower()}, "
            f"to answer by {day_text(consent.due_on)}.",
            by=by,
        )
    return consent


def consent_chaser_send(*, consent_id: int, today: dt.date, by: User | None = None) -> ConsentRequest | None:
    """Send the one chaser for a request for consent that is past its date and unanswered; None if not due."""
    with transaction.atomic():
        consent = (
            ConsentRequest.objects.select_for_update(of=("self",))
            .select_related("third_party__request")
            .filter(pk=consent_id)
            .first()
        )
        if consent is None or not consent_chaser_due(
            due_on=consent.due_on, answered=consent.is_answered, chased=consent.chased_on is not None, today=today
        ):
            return None
        party = consent.third_party
        if party.request.status in FINISHED_STATUSES | LOCKED_STATUSES:
            return None
        sent = outside_letter_send(
            spec=CONSENT_CHASER,
            request=party.request,
            to=_addressee(party),
            by_email=consent.method == ConsentMethod.EMAIL,
            today=today,
            context=_letter_context(consent),
            summary=f"Reminder to a third party ({party.name}) asked for consent on {day_text(consent.sent_on)}.",
            by=by,
        )
        consent.chased_on = today
        consent.chaser_letter = sent.letter
        record_change(consent, "Chased")
        consent.save()
        log_event(
            request=party.request,
            action="consent_chased",
            detail=f"Reminder sent to {party.name}, asked for consent on {day_text(consent.sent_on)}.",
            by=by,
        )
    return consent


def consent_chasers_sweep(context: SweepContext) -> Mapping[str, int]:
    """The sweep part: every unanswered, unchased request for consent past its date, in batches by primary key."""
    sent = 0
    cursor = 0
    while True:
        ids = list(
            ConsentRequest.objects.filter(pk__gt=cursor, answer="", chased_on__isnull=True, due_on__lt=context.today)
            .order_by("pk")
            .values_list("pk", flat=True)[: context.batch_size]
        )
        if not ids:
            break
        cursor = ids[-1]
        for consent_id in ids:
            try:
                sent += consent_chaser_send(consent_id=consent_id, today=context.today) is not None
            except ApplicationError as error:
                logger.warning("Consent request %s not chased: %s", consent_id, error)
    return {"consent chasers": sent}


def register() -> None:
    """Called from DisclosureConfig.ready()."""
    register_sweep_part(SWEEP_PART, consent_chasers_sweep, counts=("consent chasers",))


# Answering online (disclosure.services.consent_links holds the link's codes and the answer) --------------

DEFAULT_ANSWER_LINK_DAYS = 30


def consent_link_days() -> int:
    """How long an answer link works (setting CONSENT_ANSWER_LINK_DAYS)."""
    return int(getattr(settings, "CONSENT_ANSWER_LINK_DAYS", DEFAULT_ANSWER_LINK_DAYS))


def consent_answer_url(token: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('disclosure:consent_answer_open', args=[token])}"


def consent_link_issue(*, consent: ConsentRequest, by: User | None, now: dt.datetime) -> ConsentAnswerLink:
    """Email the third party a link to answer online (the caller's transaction; the request went by email)."""
    token = secrets.token_urlsafe(32)
    party = consent.third_party
    link = ConsentAnswerLink(
        consent=consent,
        token_hash=token_hash(token),
        sent_to=consent.sent_to,
        expires_at=now + dt.timedelta(days=max(consent_link_days(), 1)),
        created_by=by,
        created_at=now,
    )
    link.full_clean()
    record_change(link, "Created")
    link.save()
    link.message = message_send(
        to=link.sent_to,
        template="consent_answer_link",
        context={
            "reference": party.request.reference,
            "name": party.name,
            "link": consent_answer_url(token),
            "expires": day_text(timezone.localtime(link.expires_at).date()),
            "due": day_text(consent.due_on),
        },
        letter=consent.letter,
        by=by,
        purpose=f"consent_answer_link:{consent.pk}",
    )
    record_change(link, "Email queued")
    link.save()
    return link


CONSENT_FOR_ANSWER = {
    ConsentAnswer.CONSENT: Consent.GIVEN,
    ConsentAnswer.REFUSAL: Consent.REFUSED,
    ConsentAnswer.NO_ANSWER: Consent.ASKED,  # asked and unanswered: a para 16(3)(c) fact for the judgement
}


def consent_answer_record(
    *,
    by: User | None,
    consent: ConsentRequest,
    answer: str,
    answered_on: dt.date,
    note: str = "",
    file: File[Any] | None = None,
    today: dt.date | None = None,
) -> ConsentRequest:
    """File the third party's answer with its letter, and set where consent stands (para 16(1)(a), (3)(c), (e))."""
    require_role(by, *REVIEWERS, action="record a third party's answer")
    today = today or timezone.localdate()
    if answer not in ConsentAnswer._value2member_map_:
        raise ApplicationError("Choose the answer.", field="answer")
    given = ConsentAnswer(answer)
    if answered_on > today:
        raise ApplicationError("The date of the answer cannot be in the future.", field="answered_on")
    with transaction.atomic():
        locked = (
            ConsentRequest.objects.select_for_update(of=("self",))
            .select_related("third_party__request")
            .get(pk=consent.pk)
        )
        party = ThirdParty.objects.select_for_update(of=("self",)).get(pk=locked.third_party_id)
        request = locked.third_party.request
        require_editable(request)
        if locked.is_answered:
            raise ApplicationError("The answer is already recorded.")
        if answered_on < locked.sent_on:
            raise ApplicationError("The answer cannot come before the letter was sent.", field="answered_on")
        if given == ConsentAnswer.NO_ANSWER:
            refusal = no_answer_refusal(due_on=locked.due_on, today=today)
            if refusal:
                raise ApplicationError(refusal, field="answer")
        else:
            if file is None and not note.strip():
                raise ApplicationError("File their answer: attach its scan or copy its words.", field="file")
            locked.answer_letter = letter_log(
                request=request,
                by=by,
                direction=LetterDirection.IN,
                date=answered_on,
                method=LetterMethod.EMAIL if locked.method == ConsentMethod.EMAIL else LetterMethod.POST,
                addressee=party.name,
                summary=f"Answer from a third party ({party.name}) to the request for consent: {given.value}. "
                + note.strip(),
                file=file,
                today=today,
            )
        locked.answer = given.value
        locked.answered_on = answered_on
        locked.answer_note = note.strip()
        locked.answer_recorded_by = by
        record_change(locked, f"Answer: {given.value}")
        locked.save()
        consent_now = CONSENT_FOR_ANSWER[given]
        if party.consent != consent_now or given == ConsentAnswer.NO_ANSWER:
            party.reasonable_to_disclose = ""  # the judgement is made again on the answer
            party.decided_by = None
            party.decided_at = None
        party.consent = consent_now
        party.consent_answered_on = answered_on if given != ConsentAnswer.NO_ANSWER else None
        words = {
            ConsentAnswer.CONSENT: "Consent given",
            ConsentAnswer.REFUSAL: "Consent refused",
            ConsentAnswer.NO_ANSWER: "No answer",
        }[given]
        line = f"{words} (asked {day_text(locked.sent_on)}, due {day_text(locked.due_on)}"
        line += f", chased {day_text(locked.chased_on)})" if locked.chased_on else ")"
        party.consent_reason = "\n".join(
            x for x in (party.consent_reason, line + (f": {note.strip()}" if note.strip() else ".")) if x
        )
        party.full_clean()
        record_change(party, words)
        party.save()
        log_event(request=request, action="consent_answered", detail=f"{party.name}: {words.lower()}.", by=by)
    return locked
