"""What a requester's status page shows: their own request's stage in plain words, the due date, what we wait
for from them, and the letters we sent them. Never a name, a note or a document of anyone else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from requests_app.letters import LETTER_TEMPLATES
from requests_app.message_templates import MESSAGE_TEMPLATES
from requests_app.models import FINISHED_STATUSES, Letter, LetterDirection, RightsRequest, Status

# The stage in words a 13-year-old can follow.
PLAIN_STAGES: dict[str, str] = {
    Status.RECEIVED: "We have your request and will start on it soon.",
    Status.AWAITING_IDENTITY: "We are waiting for something from you before we can start (see below).",
    Status.AWAITING_CLARIFICATION: "We have asked you to tell us more about what you want (see below).",
    Status.IN_PROGRESS: "We are working on your request.",
    Status.GATHERING_RECORDS: "We are finding the information.",
    Status.IN_REVIEW: "We are checking the information before we send it.",
    Status.AWAITING_SIGN_OFF: "We are checking the information before we send it.",
    Status.APPROVED: "Your answer is nearly ready to send.",
    Status.ASSESSING: "We are looking at what you asked us to do.",
}
ANSWERED = "We have answered your request. Our letters to you are listed below."
CLOSED = "Your request is finished."
WITHDRAWN = "Your request was withdrawn."

WAITING_FOR: dict[str, str] = {
    Status.AWAITING_IDENTITY: "Proof of who you are, or that you may ask for this person. Our letter says what to send.",
    Status.AWAITING_CLARIFICATION: "More detail about what you want. Our letter says what we need to know.",
}


@dataclass(frozen=True)
class SentLetter:
    date: dt.date
    title: str
    how: str


@dataclass(frozen=True)
class RequestStatus:
    reference: str
    right: str
    received: dt.date
    stage: str
    due_date: dt.date | None
    extended_because: str
    waiting_for: str
    letters: list[SentLetter]


def _title(template: str) -> str:
    if template in LETTER_TEMPLATES:
        return LETTER_TEMPLATES[template].title
    if template in MESSAGE_TEMPLATES:
        return MESSAGE_TEMPLATES[template].title
    return "Letter"


def _stage(status: str) -> str:
    if status in PLAIN_STAGES:
        return PLAIN_STAGES[status]
    if status == Status.WITHDRAWN:
        return WITHDRAWN
    if status == Status.CLOSED:
        return CLOSED
    return ANSWERED


def request_status_for_requester(request: RightsRequest) -> RequestStatus:
    """The request as its requester may see it. Letters are named by their kind, never by staff's summaries."""
    letters = [
        SentLetter(
            date=letter.date,
            title=_title(letter.template),
            how=letter.get_method_display(),
        )
        for letter in Letter.objects.filter(request=request, direction=LetterDirection.OUT)
        .exclude(template__in=["status_code", "portal_code"])  # codes are not letters
        .order_by("date", "pk")
    ]
    open_ = request.status not in FINISHED_STATUSES and request.status in PLAIN_STAGES
    ground = request.extension_ground
    return RequestStatus(
        reference=request.reference,
        right=request.right.label,
        received=request.received,
        stage=_stage(request.status),
        due_date=request.due_date if open_ and request.status not in WAITING_FOR else None,
        extended_because=(request.get_extension_ground_display() if request.extended and ground else ""),
        waiting_for=WAITING_FOR.get(request.status, ""),
        letters=letters,
    )
