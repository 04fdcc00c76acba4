"""Sending complaint and breach letters: emailed by the service to a person who chose email, else posted.

A filed letter to someone who asked to hear from us by email goes through
`requests_app.services.messages.message_send` (filed as a Message, sent by Celery once the filing
commits, retried on failure); when that email has gone, the message's sent-hook marks the letter sent.
Any other letter is printed and posted by staff, who record that they posted it: then it is sent.
A letter whose email bounced or was given up may still be posted.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from casework.models import BreachEvent, BreachLetter, ComplaintEvent, ComplaintLetter, LetterSentHow
from casework.services.common import STAFF, require
from core.audit import record_change
from requests_app.models import Message, MessageStatus
from requests_app.services.messages import message_send, message_sent_hook
from rights import ApplicationError

COMPLAINT_PURPOSE = "complaint_letter"
BREACH_PURPOSE = "breach_letter"
# Email states in which the letter is on its way or gone: posting it too would send it twice.
EMAIL_UNDER_WAY = frozenset({MessageStatus.QUEUED, MessageStatus.SENT})


def letter_email(
    *, letter: ComplaintLetter | BreachLetter, to: str, reference: str, title: str, text: str, by: User | None
) -> Message:
    """Queue the filed letter's words by email (call inside the transaction that files it)."""
    is_complaint = isinstance(letter, ComplaintLetter)
    message = message_send(
        to=to,
        template=COMPLAINT_PURPOSE if is_complaint else BREACH_PURPOSE,
        context={"reference": reference, "letter_title": title, "letter_text": text},
        by=by,
        purpose=f"{COMPLAINT_PURPOSE if is_complaint else BREACH_PURPOSE}:{letter.pk}",
    )
    letter.message = message
    record_change(letter, reason=f"Email queued to {to}", by=by)
    letter.save()
    return message


def _mark_sent(
    letter: ComplaintLetter | BreachLetter, *, how: str, by: User | None, at: dt.datetime
) -> ComplaintLetter | BreachLetter:
    model = type(letter)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=letter.pk)
        if locked.sent_at is not None:
            return locked  # already sent: a second report of it changes nothing
        if how == LetterSentHow.POST and locked.message_id is not None:
            email = Message.objects.get(pk=locked.message_id)
            if email.status in EMAIL_UNDER_WAY:
                raise ApplicationError("This letter is being emailed by the service: it must not be posted as well.")
        locked.sent_at = at
        locked.sent_how = how
        locked.sent_by = by
        record_change(locked, reason=LetterSentHow(how).label, by=by)
        locked.save()
        detail = f"{locked.get_kind_display()} letter {LetterSentHow(how).label.lower()}"
        if isinstance(locked, ComplaintLetter):
            ComplaintEvent.objects.create(complaint=locked.complaint, action="letter_sent", by=by, detail=detail)
        else:
            detail += f" to {locked.addressee}"
            BreachEvent.objects.create(breach=locked.breach, action="letter_sent", by=by, detail=detail)
    return locked


def complaint_letter_mark_sent(
    *, letter: ComplaintLetter, by: User | None, at: dt.datetime, how: str = LetterSentHow.EMAIL
) -> ComplaintLetter:
    """A filed complaint letter has gone (idempotent: a second call keeps the first time)."""
    sent = _mark_sent(letter, how=how, by=by, at=at)
    assert isinstance(sent, ComplaintLetter)  # noqa: S101 - same model in, same model out
    return sent


def breach_letter_mark_sent(
    *, letter: BreachLetter, by: User | None, at: dt.datetime, how: str = LetterSentHow.EMAIL
) -> BreachLetter:
    """A filed breach letter has gone (idempotent)."""
    sent = _mark_sent(letter, how=how, by=by, at=at)
    assert isinstance(sent, BreachLetter)  # noqa: S101 - same model in, same model out
    return sent


def letter_record_posted(
    *, letter: ComplaintLetter | BreachLetter, by: User, now: dt.datetime | None = None
) -> ComplaintLetter | BreachLetter:
    """Staff printed and posted the letter: it is sent now, by them."""
    require(by, STAFF, action="record letters as posted")
    if letter.sent_at is not None:
        raise ApplicationError("This letter has already been sent.")
    return _mark_sent(letter, how=LetterSentHow.POST, by=by, at=now or timezone.now())


def complaint_letter_email_sent(message: Message) -> None:
    """The sent-hook for a complaint letter's email: the letter went when the email did."""
    letter = ComplaintLetter.objects.get(pk=int(message.purpose.split(":", 1)[1]))
    complaint_letter_mark_sent(letter=letter, by=message.created_by, at=message.sent_at or timezone.now())


def breach_letter_email_sent(message: Message) -> None:
    """The sent-hook for a breach letter's email."""
    letter = BreachLetter.objects.get(pk=int(message.purpose.split(":", 1)[1]))
    breach_letter_mark_sent(letter=letter, by=message.created_by, at=message.sent_at or timezone.now())


def register_hooks() -> None:
    """Called at start-up (CaseworkConfig.ready): what follows a letter's email once it has gone."""
    message_sent_hook(COMPLAINT_PURPOSE, complaint_letter_email_sent)
    message_sent_hook(BREACH_PURPOSE, breach_letter_email_sent)
