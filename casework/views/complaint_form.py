"""The public complaint form (DPA 2018 s.164A(2): a form that can be completed electronically).

GOV.UK question pages, one question each, answers kept in the session until the check-answers page
submits them; then a confirmation page with the reference. No login: anyone may complain.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from casework.forms.complaints import QUESTIONS
from casework.models import ComplaintAbout, ReplyBy
from casework.services.complaints import ComplaintDetails, complaint_submit_online
from rights import ApplicationError

ANSWERS_KEY = "casework_complaint_answers"
DONE_KEY = "casework_complaint_done"
ORDER = list(QUESTIONS)


def _answers(request: HttpRequest) -> dict[str, Any]:
    answers = request.session.get(ANSWERS_KEY)
    return answers if isinstance(answers, dict) else {}


def _next(slug: str, answers: dict[str, Any]) -> str:
    """The first unanswered question after this one, else the check-answers page."""
    for later in ORDER[ORDER.index(slug) + 1 :]:
        if later not in answers:
            return reverse("casework:complaint_question", args=[later])
    return reverse("casework:complaint_check")


@login_not_required
@never_cache
@require_http_methods(["GET"])
def complaint_start(request: HttpRequest) -> HttpResponse:
    return render(request, "casework/public/start.html", {"first": ORDER[0]})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def complaint_question(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in QUESTIONS:
        raise Http404("No such question")
    form_class, title = QUESTIONS[slug]
    answers = _answers(request)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            answers[slug] = {key: value for key, value in form.cleaned_data.items() if isinstance(value, str)}
            request.session[ANSWERS_KEY] = answers
            return redirect(_next(slug, answers))
        status = 400
    else:
        form = form_class(initial=answers.get(slug, {}))
        status = 200
    index = ORDER.index(slug)
    back = (
        reverse("casework:complaint_question", args=[ORDER[index - 1]])
        if index
        else reverse("casework:complaint_start")
    )
    return render(
        request,
        "casework/public/question.html",
        {"form": form, "title": title, "back": back, "step": index + 1, "steps": len(ORDER)},
        status=status,
    )


def _details(answers: dict[str, Any]) -> ComplaintDetails:
    merged: dict[str, str] = {}
    for slug in ORDER:
        merged.update(answers.get(slug, {}))
    return ComplaintDetails(
        complainant_name=merged.get("complainant_name", ""),
        on_behalf_of=merged.get("on_behalf_of", ""),
        about=merged.get("about", ComplaintAbout.OTHER),
        request_reference=merged.get("request_reference", "") if merged.get("about") == ComplaintAbout.REQUEST else "",
        what_went_wrong=merged.get("what_went_wrong", ""),
        what_they_want=merged.get("what_they_want", ""),
        reply_by=merged.get("reply_by", ReplyBy.EMAIL),
        email=merged.get("email", "") if merged.get("reply_by") == ReplyBy.EMAIL else "",
        phone=merged.get("phone", "") if merged.get("reply_by") == ReplyBy.PHONE else "",
        address=merged.get("address", "") if merged.get("reply_by") == ReplyBy.POST else "",
    )


def _rows(details: ComplaintDetails) -> list[tuple[str, str, str]]:
    """(question, answer, slug to change it) for the summary list."""
    reply = {ReplyBy.EMAIL: details.email, ReplyBy.PHONE: details.phone, ReplyBy.POST: details.address}
    return [
        ("Your name", details.complainant_name, "who"),
        ("Whose information", details.on_behalf_of or "Mine", "who"),
        ("About", ComplaintAbout(details.about).label, "about"),
        *([("Request reference", details.request_reference, "about")] if details.request_reference else []),
        ("What went wrong", details.what_went_wrong, "what-went-wrong"),
        ("What you would like", details.what_they_want or "Not given", "what-you-want"),
        ("How to reply", f"{ReplyBy(details.reply_by).label}: {reply[ReplyBy(details.reply_by)]}", "reply"),
    ]


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def complaint_check(request: HttpRequest) -> HttpResponse:
    answers = _answers(request)
    missing = [slug for slug in ORDER if slug not in answers]
    if missing:
        return redirect("casework:complaint_question", missing[0])
    details = _details(answers)
    error = ""
    if request.method == "POST":
        try:
            complaint = complaint_submit_online(details=details)
        except ApplicationError as refused:
            error = refused.message
        else:
            request.session.pop(ANSWERS_KEY, None)
            request.session[DONE_KEY] = complaint.reference
            return redirect("casework:complaint_done")
    return render(
        request, "casework/public/check.html", {"rows": _rows(details), "error": error}, status=400 if error else 200
    )


@login_not_required
@never_cache
@require_http_methods(["GET"])
def complaint_done(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(DONE_KEY)
    if not reference:
        return redirect("casework:complaint_start")
    return render(request, "casework/public/done.html", {"reference": reference})
