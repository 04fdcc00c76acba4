"""Letters to people outside the partnership other than the requester (a third party asked for consent, an agency
told of a correction): drawn to PDF and filed in the letters register, and emailed by `message_send` when they
go by email, or printed and posted by a caseworker."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.template.loader import render_to_string

from core.audit import record_change
from core.files import file_store, files_removed_on_rollback
from core.text import address_lines
from requests_app.letters import LetterTemplate
from requests_app.models import Letter, LetterDirection, LetterMethod, Message, RightsRequest
from requests_app.services.letters import letter_text
from requests_app.services.messages import message_send


@dataclass(frozen=True)
class OutsideAddressee:
    """Who a letter goes to, and how: an email address (sent by the service), else a postal address."""

    name: str
    organisation: str = ""
    email: str = ""
    address: str = ""

    @property
    def lines(self) -> list[str]:
        lines = address_lines(self.address)
        return [self.organisation, *lines] if self.organisation else lines


@dataclass(frozen=True)
class OutsideLetter:
    letter: Letter
    message: Message | None


def outside_letter_html(
    *, spec: LetterTemplate, request: RightsRequest, to: OutsideAddressee, today: dt.date, context: Mapping[str, Any]
) -> str:
    """The letter as HTML (autoescaped: nothing here is marked safe)."""
    values = {
        **context,
        "letter": spec,
        "organisation": settings.ORGANISATION,
        "reference": request.reference,
        "letter_date": today,
        "addressee_name": to.name,
        "addressee_lines": to.lines,
    }
    return render_to_string(spec.template_path, values)


def outside_letter_send(
    *,
    spec: LetterTemplate,
    request: RightsRequest,
    to: OutsideAddressee,
    by_email: bool,
    today: dt.date,
    context: Mapping[str, Any],
    summary: str,
    by: User | None,
    purpose: str = "",
) -> OutsideLetter:
    """Draw the letter to PDF, file it, and email its words when it goes by email; the caller's transaction holds it."""
    from core.pdf import pdf_sha256, render_pdf  # WeasyPrint: loaded when a letter is drawn, not at start-up

    html = outside_letter_html(spec=spec, request=request, to=to, today=today, context=context)
    pdf = render_pdf(html, title=f"{spec.title} - {request.reference}", document_date=today)
    recipient = f"{to.name}, {to.organisation}" if to.organisation else to.name
    letter = Letter(
        request=request,
        direction=LetterDirection.OUT,
        date=today,
        method=LetterMethod.EMAIL if by_email else LetterMethod.POST,
        addressee=(f"{recipient} ({to.email})" if by_email else recipient)[:200],
        summary=summary if by_email else f"{summary} To be printed and posted.",
        template=spec.name,
        created_by=by,
    )
    with files_removed_on_rollback(), transaction.atomic():
        file_store(letter.file, f"{request.reference}-{spec.name}-{uuid.uuid4().hex[:8]}.pdf", pdf)
        letter.sha256 = pdf_sha256(pdf)
        letter.full_clean()
        record_change(letter, f"Generated: {spec.title}", by=by)
        letter.save()
        message = None
        if by_email:
            message = message_send(
                to=to.email,
                template="outside_letter",
                context={
                    "reference": request.reference,
                    "letter_title": spec.title,
                    "letter_text": letter_text(html),
                },
                letter=letter,
                by=by,
                purpose=purpose,
            )
    return OutsideLetter(letter, message)
