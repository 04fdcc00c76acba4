"""The public front door: the online request form (GOV.UK question pages, one thing per page, a check-your-answers
page and a confirmation page) and the requester's status page.

No login (login_not_required), no staff navigation, no JavaScript needed. The answers live in the session, never
in URLs, until the request is submitted; nothing is created before then, and a refusal keeps them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.addresses import client_address
from core.forms import GovukForm
from core.text import day_text
from requests_app.forms.online import (
    AUTHORITY_LABELS,
    FORMAT_LABELS,
    NOT_SURE,
    RIGHT_LABELS,
    ROLE_LABELS,
    AboutForm,
    AuthorityForm,
    CodeForm,
    DetailsForm,
    EmailForm,
    ReplyForm,
    RightForm,
    SubmitForm,
    WhoForm,
    YouForm,
)
from requests_app.models import FormatNeed, RejectionReason, ReplyMethod, StatusLink
from requests_app.selectors.status_page import request_status_for_requester
from requests_app.services.online import (
    CODE_MINUTES,
    DOCUMENT_FIELDS,
    USER_AGENT_LENGTH,
    DocumentUpload,
    OnlineRequest,
    Visitor,
    email_confirmation_check,
    email_confirmation_send,
    limit,
    online_rejection_record,
    online_request_submit,
    status_code_check,
    status_code_send,
    status_link_by_token,
    status_page_viewed,
)
from requests_app.services.requests import PersonDetails
from rights import ApplicationError, Authority, RepresentativeRole, RightKind

ANSWERS = "online_request"
DONE = "online_request_done"
STATUS_OPEN = "status_page_open_{}"
STATUS_SECONDS = 30 * 60  # a right code opens the status page for half an hour in this browser

Answers = dict[str, Any]
ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


def _visitor(request: HttpRequest) -> Visitor:
    return Visitor(
        ip_address=client_address(request), user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_LENGTH]
    )


def _private(response: ResponseT) -> ResponseT:
    """Not cached or indexed; a status link's token never sent on as a referrer."""
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return _private(render(request, template, context, status=status))


def _answers(request: HttpRequest) -> Answers:
    answers = request.session.get(ANSWERS)
    return answers if isinstance(answers, dict) else {}


def _save(request: HttpRequest, answers: Answers) -> None:
    request.session[ANSWERS] = answers
    request.session.modified = True


def _myself(answers: Answers) -> bool:
    return answers.get("role") == RepresentativeRole.SELF.value


# The questions, in order: each page's form, whether it is asked, and how its answers are kept.


@dataclass(frozen=True)
class Question:
    slug: str
    title: Callable[[Answers], str]
    form: Callable[[Answers, Any], GovukForm]
    keys: tuple[str, ...]
    applies: Callable[[Answers], bool] = lambda answers: True


def _about_title(answers: Answers) -> str:
    return "Your details" if _myself(answers) else "About the person the information is about"


QUESTIONS: tuple[Question, ...] = (
    Question("who", lambda a: "Who is asking?", lambda a, data: WhoForm(data), ("role",)),
    Question(
        "authority",
        lambda a: "What lets you ask for them?",
        lambda a, data: AuthorityForm(data, role=RepresentativeRole(a["role"])),
        ("authority", "relationship"),
        applies=lambda a: not _myself(a),
    ),
    Question(
        "you",
        lambda a: "Your details",
        lambda a, data: YouForm(data, prefix="requester"),
        ("requester",),
        applies=lambda a: not _myself(a),
    ),
    Question("about", _about_title, lambda a, data: AboutForm(data, myself=_myself(a), prefix="subject"), ("subject",)),
    Question("right", lambda a: "What do you want us to do?", lambda a, data: RightForm(data), ("kind",)),
    Question("details", lambda a: "Tell us what you want", lambda a, data: DetailsForm(data), ("summary",)),
    Question("reply", lambda a: "How we send you our letters", lambda a, data: ReplyForm(data), ("reply_by",)),
    Question("email", lambda a: "Your email address", lambda a, data: EmailForm(data), ("email", "confirmed")),
)
BY_SLUG = {question.slug: question for question in QUESTIONS}


def _answered(question: Question, answers: Answers) -> bool:
    if question.slug == "email":
        return bool(answers.get("email")) and answers.get("confirmed") is True
    return all(key in answers for key in question.keys)


def _first_missing(answers: Answers) -> Question | None:
    for question in QUESTIONS:
        if question.applies(answers) and not _answered(question, answers):
            return question
    return None


def _url(slug: str) -> str:
    return reverse("online:question", args=[slug])


def _next_url(answers: Answers) -> str:
    missing = _first_missing(answers)
    return _url(missing.slug) if missing else reverse("online:check")


def _back_url(question: Question, answers: Answers) -> str:
    earlier = [q for q in QUESTIONS[: QUESTIONS.index(question)] if q.applies(answers)]
    return _url(earlier[-1].slug) if earlier else reverse("online:start")


def _initial(question: Question, answers: Answers) -> dict[str, Any]:
    """What the form shows when the question is asked again (from check your answers)."""
    if question.slug in {"you", "about"}:
        person = answers.get("requester" if question.slug == "you" else "subject") or {}
        prefix = "requester" if question.slug == "you" else "subject"
        values = dict(person)
        if values.get("date_of_birth"):
            values["date_of_birth"] = dt.date.fromisoformat(values["date_of_birth"])
        return {f"{prefix}-{key}": value for key, value in values.items()}
    if question.slug == "authority":
        return {"authority": answers.get("authority") or NOT_SURE, "relationship": answers.get("relationship", "")}
    if question.slug == "reply":
        return {
            "reply_by": answers.get("reply_by"),
            "format_needs": answers.get("format_needs", []),
            "format_needs_detail": answers.get("format_needs_detail", ""),
        }
    return {key: answers[key] for key in question.keys if key in answers}


def _keep(question: Question, answers: Answers, data: dict[str, Any]) -> None:
    if question.slug in {"you", "about"}:
        data = {**data}
        if data.get("date_of_birth"):
            data["date_of_birth"] = data["date_of_birth"].isoformat()
        answers["requester" if question.slug == "you" else "subject"] = data
    elif question.slug == "who":
        if answers.get("role") != data["role"]:  # another role: its authority question is asked afresh
            answers.pop("authority", None)
            answers.pop("relationship", None)
        answers["role"] = data["role"]
        if data["role"] == RepresentativeRole.SELF.value:
            answers.pop("requester", None)
    elif question.slug == "authority":
        answers["authority"] = "" if data["authority"] == NOT_SURE else data["authority"]
        answers["relationship"] = data.get("relationship", "").strip()
    elif question.slug == "reply":
        answers.update(
            reply_by=data["reply_by"],
            format_needs=list(data.get("format_needs") or []),
            format_needs_detail=data.get("format_needs_detail", "").strip(),
        )
    else:
        for key in question.keys:
            if key in data:
                answers[key] = data[key]


def _question_page(
    request: HttpRequest, question: Question, answers: Answers, form: GovukForm, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "question": question,
        "title": question.title(answers),
        "myself": _myself(answers),
        "back": _back_url(question, answers),
    }
    return _page(request, "online/question.html", context, status=status)


def _honeypot_caught(request: HttpRequest, form: GovukForm, step: str) -> HttpResponse | None:
    """A bot filled the field people cannot see: counted, and told plainly (a person who did so can call us)."""
    if not str(form.data.get("website", "")).strip():
        return None
    online_rejection_record(step=step, reason=RejectionReason.HONEYPOT, visitor=_visitor(request))
    return _page(request, "online/refused.html", {}, status=400)


@login_not_required
@never_cache
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return _page(request, "online/start.html", {"rights": RIGHT_LABELS.values()})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def question_view(request: HttpRequest, slug: str) -> HttpResponse:
    question = BY_SLUG.get(slug)
    if question is None:
        raise Http404
    answers = _answers(request)
    if not question.applies(answers):
        return redirect(_next_url(answers))
    missing = _first_missing(answers)
    if missing is not None and QUESTIONS.index(missing) < QUESTIONS.index(question):
        return redirect(_url(missing.slug))
    if request.method == "GET":
        form = question.form(answers, None)
        form.initial = _initial(question, answers)
        return _question_page(request, question, answers, form)
    form = question.form(answers, request.POST)
    caught = _honeypot_caught(request, form, step=slug)
    if caught is not None:
        return caught
    if not form.is_valid():
        return _question_page(request, question, answers, form, status=400)
    if question.slug == "email":
        return _email_given(request, question, answers, form)
    _keep(question, answers, form.cleaned_data)
    _save(request, answers)
    return redirect(_next_url(answers))


def _email_given(request: HttpRequest, question: Question, answers: Answers, form: GovukForm) -> HttpResponse:
    email = form.cleaned_data["email"].strip()
    if answers.get("confirmed") is True and answers.get("email", "").lower() == email.lower():
        return redirect(_next_url(answers))
    try:
        code = email_confirmation_send(email=email, visitor=_visitor(request))
    except ApplicationError as error:
        form.add_application_error(error)
        return _question_page(request, question, answers, form, status=429)
    answers.update(email=email, code_id=code.pk, confirmed=False)
    _save(request, answers)
    return redirect("online:email_code")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def email_code(request: HttpRequest) -> HttpResponse:
    """The email address is confirmed by the code we sent to it before the request can be sent."""
    answers = _answers(request)
    if not answers.get("email") or not answers.get("code_id"):
        return redirect(_url("email"))
    context: dict[str, Any] = {"email": answers["email"], "minutes": CODE_MINUTES, "back": _url("email")}
    if request.method == "GET":
        return _page(request, "online/email_code.html", {**context, "form": CodeForm()})
    if request.POST.get("resend"):
        try:
            code = email_confirmation_send(email=answers["email"], visitor=_visitor(request))
        except ApplicationError as error:
            context.update(form=CodeForm(), problem=error.message)
            return _page(request, "online/email_code.html", context, status=429)
        answers.update(code_id=code.pk, confirmed=False)
        _save(request, answers)
        return redirect("online:email_code")
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _page(request, "online/email_code.html", {**context, "form": form}, status=400)
    outcome = email_confirmation_check(
        code_id=int(answers["code_id"]),
        email=answers["email"],
        code=form.cleaned_data["code"],
        visitor=_visitor(request),
    )
    if not outcome.ok:
        if outcome.state == "wrong":
            tries = "try" if outcome.tries_left == 1 else "tries"
            form.add_error("code", f"The code is not right. You have {outcome.tries_left} more {tries}.")
        else:
            form.add_error(
                "code", "That code has expired, been used, or been entered wrongly too often. Get a new code."
            )
        return _page(request, "online/email_code.html", {**context, "form": form}, status=400)
    answers["confirmed"] = True
    _save(request, answers)
    return redirect(_next_url(answers))


def _person(values: dict[str, Any] | None) -> PersonDetails | None:
    if not values:
        return None
    dob = values.get("date_of_birth")
    return PersonDetails(
        full_name=str(values.get("full_name", "")),
        date_of_birth=dt.date.fromisoformat(dob) if dob else None,
        address=str(values.get("address", "")),
        phone=str(values.get("phone", "")),
        previous_names=str(values.get("previous_names", "")),
    )


def _online_request(answers: Answers) -> OnlineRequest:
    role = RepresentativeRole(answers["role"])
    subject = _person(answers["subject"])
    if subject is None:  # pragma: no cover - _first_missing asks the about page first
        raise ApplicationError("Tell us about the person the information is about.")
    return OnlineRequest(
        role=role,
        kind=RightKind(answers["kind"]),
        subject=subject,
        requester=None if role is RepresentativeRole.SELF else _person(answers.get("requester")),
        authority=Authority(answers["authority"]) if answers.get("authority") else None,
        relationship=answers.get("relationship", ""),
        summary=answers["summary"],
        email=answers["email"],
        reply_by=answers["reply_by"],
        format_needs=tuple(answers.get("format_needs", [])),
        format_needs_detail=answers.get("format_needs_detail", ""),
    )


def _summary_rows(answers: Answers) -> list[tuple[str, str, str]]:
    """Check your answers: (question, answer, the page to change it)."""
    myself = _myself(answers)
    rows = [("Who is asking", ROLE_LABELS[RepresentativeRole(answers["role"])], "who")]
    if not myself:
        authority = answers.get("authority")
        rows.append(
            ("What lets you ask", AUTHORITY_LABELS[Authority(authority)] if authority else "Not sure", "authority")
        )
        if answers.get("relationship"):
            rows.append(("How you know them", answers["relationship"], "authority"))
        requester = answers["requester"]
        rows.append(("Your name", requester["full_name"], "you"))
        rows.append(("Your address", requester["address"], "you"))
        if requester.get("phone"):
            rows.append(("Your phone number", requester["phone"], "you"))
    subject = answers["subject"]
    who = "Your" if myself else "Their"
    rows.append((f"{who} name", subject["full_name"], "about"))
    if subject.get("previous_names"):
        rows.append((f"{who} other names", subject["previous_names"], "about"))
    rows.append((f"{who} date of birth", f"{day_text(dt.date.fromisoformat(subject['date_of_birth']))}", "about"))
    rows.append((f"{who} address", subject["address"], "about"))
    rows.append(("What you want us to do", RIGHT_LABELS[RightKind(answers["kind"])], "right"))
    rows.append(("What you told us", answers["summary"], "details"))
    rows.append(("Our letters", "By email" if answers["reply_by"] == ReplyMethod.EMAIL else "By post", "reply"))
    needs = [FORMAT_LABELS[FormatNeed(need)] for need in answers.get("format_needs", [])]
    detail = answers.get("format_needs_detail", "")
    rows.append(("Other formats", ", ".join(needs) + (f" ({detail})" if detail else "") if needs else "None", "reply"))
    rows.append(("Email address", answers["email"], "email"))
    return rows


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    answers = _answers(request)
    missing = _first_missing(answers)
    if missing is not None:
        return redirect(_url(missing.slug))
    myself = _myself(answers)
    context: dict[str, Any] = {
        "rows": _summary_rows(answers),
        "back": _url("email"),
        "myself": myself,
        "max_files": limit("ONLINE_UPLOAD_MAX_FILES"),
        "max_mb": limit("ONLINE_UPLOAD_MAX_BYTES") // 1_048_576,
    }
    if request.method == "GET":
        return _page(request, "online/check.html", {**context, "form": SubmitForm(myself=myself)})
    form = SubmitForm(request.POST, request.FILES, myself=myself)
    caught = _honeypot_caught(request, form, step="submit")
    if caught is not None:
        return caught
    if not form.is_valid():
        return _page(request, "online/check.html", {**context, "form": _files_again(form)}, status=400)
    documents = [
        DocumentUpload(kind=kind, file=file)
        for kind, field in DOCUMENT_FIELDS.items()
        for file in form.cleaned_data.get(field) or []
    ]
    try:
        rights_request = online_request_submit(
            answers=_online_request(answers),
            confirmation_id=answers.get("code_id"),
            visitor=_visitor(request),
            documents=documents,
        )
    except ApplicationError as error:
        if error.field == "email_confirmation":  # spent or too old: confirm the address again
            answers["confirmed"] = False
            _save(request, answers)
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _page(request, "online/check.html", {**context, "form": _files_again(form)}, status=400)
    request.session.pop(ANSWERS, None)
    request.session[DONE] = {
        "reference": rights_request.reference,
        "email": answers["email"],
        "documents": len(documents),
    }
    return redirect("online:done")


def _files_again(form: SubmitForm) -> SubmitForm:
    """Files are never kept when the request is not sent: say so beside each file chosen."""
    for field in DOCUMENT_FIELDS.values():
        if field in form.fields and form.files.getlist(field) and field not in form.errors:
            form.add_error(field, "Choose the file again: files are not kept when the request is not sent")
    return form


@login_not_required
@never_cache
@require_GET
def done(request: HttpRequest) -> HttpResponse:
    sent = request.session.get(DONE)
    if not isinstance(sent, dict):
        return redirect("online:start")
    context = {"reference": sent["reference"], "email": sent["email"], "documents": sent.get("documents", 0)}
    return _page(request, "online/done.html", context)


# The requester's status page: the link we emailed them, then a one-time code to the same address.


def _status_open(request: HttpRequest, link: StatusLink) -> bool:
    opened = request.session.get(STATUS_OPEN.format(link.pk))
    return isinstance(opened, int | float) and 0 <= time.time() - opened <= STATUS_SECONDS


def _status_refused(request: HttpRequest) -> HttpResponse:
    return _page(request, "online/status_refused.html", {}, status=404)


def _masked(email: str) -> str:
    name, _, domain = email.partition("@")
    return f"{name[:1]}{'•' * max(len(name) - 1, 2)}@{domain}"


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the request's status once a code was given in this browser; else offer to send a code. POST: send it."""
    link = status_link_by_token(token)
    if link is None:
        return _status_refused(request)
    if request.method == "GET" and _status_open(request, link):
        status_page_viewed(link=link, visitor=_visitor(request))
        summary = request_status_for_requester(link.request)
        return _page(request, "online/status.html", {"status": summary})
    if request.method == "GET":
        return _page(request, "online/status_start.html", {"sent_to": _masked(link.to), "token": token})
    try:
        status_code_send(link=link, visitor=_visitor(request))
    except ApplicationError as error:
        context = {"sent_to": _masked(link.to), "token": token, "error": error.message}
        return _page(request, "online/status_start.html", context, status=429)
    return redirect("online:status_code", token)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def status_code(request: HttpRequest, token: str) -> HttpResponse:
    link = status_link_by_token(token)
    if link is None:
        return _status_refused(request)
    context: dict[str, Any] = {"sent_to": _masked(link.to), "token": token, "minutes": CODE_MINUTES}
    if request.method == "GET":
        return _page(request, "online/status_code.html", {**context, "form": CodeForm()})
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _page(request, "online/status_code.html", {**context, "form": form}, status=400)
    outcome = status_code_check(link=link, code=form.cleaned_data["code"], visitor=_visitor(request))
    if not outcome.ok:
        if outcome.state == "wrong":
            tries = "try" if outcome.tries_left == 1 else "tries"
            form.add_error("code", f"The code is not right. You have {outcome.tries_left} more {tries}.")
        else:
            form.add_error(
                "code", "That code has expired, been used, or been entered wrongly too often. Get a new code."
            )
        return _page(request, "online/status_code.html", {**context, "form": form}, status=400)
    request.session.cycle_key()
    request.session[STATUS_OPEN.format(link.pk)] = time.time()
    return redirect("online:status", token)
