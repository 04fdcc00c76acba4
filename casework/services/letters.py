"""Letters about complaints and breaches: rendered to PDF through the shared letter layout, then filed.

Sending is separate (casework.services.sending): the service emails a filed letter to a person who chose
email, or staff post it and record that they did.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from django.conf import settings
from django.template.loader import render_to_string

from core.pdf import render_pdf
from core.text import address_lines
from requests_app.services.letters import letter_text


class RenderedLetter(NamedTuple):
    pdf: bytes
    text: str  # its words as plain text, for an email


TEMPLATES = {
    "complaint_acknowledgement": ("letters/complaint_acknowledgement.html", "We have received your complaint"),
    "complaint_progress": ("letters/complaint_progress.html", "An update on your complaint"),
    "complaint_outcome": ("letters/complaint_outcome.html", "The outcome of your complaint"),
    "breach_recall": ("letters/breach_recall.html", "Information sent to you in error"),
    "breach_affected": ("letters/breach_affected.html", "Your information was sent to the wrong person"),
}


def letter_pdf(
    *,
    template: str,
    reference: str,
    addressee_name: str,
    address: str,
    today: dt.date,
    context: dict[str, Any],
    complaint_rights: bool = True,
) -> RenderedLetter:
    """Render one letter (autoescaped; nothing marked safe) to a tagged PDF titled with the reference only."""
    path, title = TEMPLATES[template]
    values = {
        "letter": {"title": title, "complaint_rights": complaint_rights},
        "organisation": settings.ORGANISATION,
        "reference": reference,
        "addressee_name": addressee_name,
        "addressee_lines": address_lines(address),
        "letter_date": today,
        **context,
    }
    html = render_to_string(path, values)
    pdf = render_pdf(html, title=f"{title} - {reference}", document_date=today)
    return RenderedLetter(pdf=pdf, text=letter_text(html))
