"""Check before a step that changes a record goes ahead: a GOV.UK summary of what will happen, then "Confirm and …".

One mechanism for every such step (the request's steps, sending a pack): the view asks `confirmed(request)`, and
until the person confirms it renders `confirmation_page` with the summary. What they entered is carried as hidden
fields, so nothing is kept between the two pages, and the version their form carries still catches a record
someone else changed meanwhile. Nothing is done on the way to the summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

CONFIRM_FIELD = "confirmed"  # posted with the summary's "Confirm and …" button
CHANGE_FIELD = "change"  # posted with "Change your answers": back to the form, answers kept
NOT_CARRIED = frozenset({"csrfmiddlewaretoken", CONFIRM_FIELD, CHANGE_FIELD})


@dataclass(frozen=True)
class SummaryRow:
    key: str
    value: str


@dataclass(frozen=True)
class Confirmation:
    """The confirmation page: what will happen, in rows, and the button that makes it happen."""

    heading: str
    rows: Sequence[SummaryRow]
    button: str  # "Confirm and …"
    caption: str = ""
    warning: str = ""  # shown as GOV.UK warning text, e.g. that it cannot be undone
    back_url: str = ""  # "Cancel": where nothing has changed
    change: bool = False  # offer "Change your answers" (a step with a form)
    ending: bool = False  # a warning button: the step ends or turns down a request


def confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "yes"


def changing(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(CHANGE_FIELD) == "yes"


def carried(data: QueryDict) -> list[tuple[str, str]]:
    """The posted answers, every value of every field, to be posted again with the confirmation."""
    return [(key, value) for key in data for value in data.getlist(key) if key not in NOT_CARRIED]


def confirmation_page(
    request: HttpRequest, confirmation: Confirmation, *, data: QueryDict | None = None, **context: object
) -> HttpResponse:
    """The summary, posting the answers (`data`, else what was posted) back to the same address with the
    confirmation (or to change them)."""
    answers = data if data is not None else request.POST
    return render(
        request,
        "includes/confirm_page.html",
        {"confirmation": confirmation, "carried": carried(answers), **context},
    )
