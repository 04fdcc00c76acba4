"""Staff workspace views: thin, each parses input, calls one service or selector, and renders.

Every object comes through requests_app.access; a request the user may not open is a 404, as if it
did not exist. Every form that changes a request carries the version the user saw, so that when
someone else changed it meanwhile the user is told and their input is shown again, not lost.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseServerError, QueryDict
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core import roles
from core.confirm import Confirmation, SummaryRow, changing, confirmation_page, confirmed
from core.locking import check_version
from core.text import day_text
from requests_app import selectors
from requests_app.access import (
    evidence_get_for_user,
    letter_get_for_user,
    request_get_for_user,
    submitted_document_get_for_user,
)
from requests_app.desk_parts import desk_panels
from requests_app.forms import (
    NEW_PERSON,
    REQUESTER_FIELDS,
    SUBJECT_FIELDS,
    AssignForm,
    BestInterestsForm,
    ComplexForm,
    EvidenceForm,
    FeeForm,
    LetterForm,
    ReferralForm,
    RequestCreateForm,
    RequestFilterForm,
    RestrictForm,
    TransitionForm,
)
from requests_app.models import EvidenceKind, Letter, Person, RightsRequest, Status
from requests_app.selectors.related import people_matching, related_requests
from requests_app.selectors.status_links import status_link_state
from requests_app.services import evidence as evidence_services
from requests_app.services import letters as letter_services
from requests_app.services import transitions as transition_services
from requests_app.services.clock import deadline_for
from requests_app.services.online import may_manage_status_links
from requests_app.services.referrals import referral_close, referral_make
from requests_app.services.request_views import request_view_record
from requests_app.services.requests import (
    IncomingLetter,
    PersonDetails,
    numerous_candidates,
    request_assign,
    request_create,
    request_set_complex,
    request_set_restricted,
)
from requests_app.services.transitions import StepOutcome, TransitionOption
from requests_app.viewing import records_view, records_view_itself
from rights import (
    ApplicationError,
    Authority,
    Competence,
    DeadlineError,
    ExtensionGround,
    RepresentativeRole,
    RightKind,
)
from rights.people import CHILD_ABUSE_DATA_TEXT, BestInterests

PAGE_SIZE = 25
# Steps that end or turn down a request: shown as warning buttons, never as the page's main action.
ENDING_STEPS = frozenset({"withdraw", "refuse", "decline", "reject"})
# Steps of an access request taken from the disclosure app's check-your-answers page, after a summary of the pack.
CHECKED_STEPS = frozenset({"submit_for_sign_off", "approve"})


def _user(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware guarantees one on every page but the login page)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST (even an empty one, so that it is validated), else None for an unbound form."""
    return request.POST if request.method == "POST" else None


def _files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def _today() -> dt.date:
    return timezone.localdate()


def _with_current_version(data: QueryDict, rights_request: RightsRequest) -> QueryDict:
    """The user's input again, with the version as it is now, so they can resubmit after reading the change."""
    copy = data.copy()
    copy["version"] = str(rights_request.version)
    return copy


def _check_url(rights_request: RightsRequest) -> str | None:
    """The check-your-answers page before sign-off, for an access request, if the disclosure app provides it."""
    if rights_request.kind != RightKind.ACCESS.value:
        return None
    try:
        return reverse("disclosure:check", args=[rights_request.pk])
    except NoReverseMatch:
        return None


def _disclosure_url(pk: int) -> str | None:
    """The disclosure pages of a request, if that app provides them (linked by URL name only; never imported)."""
    try:
        return reverse("disclosure:request", args=[pk])
    except NoReverseMatch:
        return None


# Dashboard and list


@require_http_methods(["GET", "HEAD"])
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "requests_app/dashboard.html",
        {
            "desk": selectors.dashboard_for(user, _today()),
            "panels": desk_panels(user, _today()),
            "has_role": roles.is_team_member(user),
            "is_manager": roles.is_manager(user),
            "is_caseworker": roles.is_caseworker(user),
        },
    )


@require_http_methods(["GET", "HEAD"])
def request_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = _today()
    assignees = selectors.assignable_users(including=user)
    form = RequestFilterForm(request.GET or None, assignees=assignees)
    filters = selectors.RequestFilters()
    if not form.is_bound:
        requests = selectors.request_list(user, filters)
    elif form.is_valid():
        filters = form.filters(today=today)
        requests = selectors.request_list(user, filters)
    else:
        requests = RightsRequest.objects.none()  # no results until the filters are fixed
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    is_manager = roles.is_manager(user)
    return render(
        request,
        "requests_app/request_list.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.queue_rows(list(page.object_list), today),
            "query": query.urlencode(),
            "sort_links": selectors.sort_links(query, filters),
            "saved_views": selectors.saved_views_for(user),
            "assignees": assignees if is_manager else (),
            "today": today,
            "is_manager": is_manager,
            "filtered": bool(request.GET and any(v for k, v in request.GET.items() if k != "page")),
        },
    )


# One request


@records_view_itself
@require_http_methods(["GET", "HEAD"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    today = _today()
    page = selectors.request_page(user, pk)
    rights_request = page.request
    this_view = request_view_record(request=rights_request, user=user)
    deadline, deadline_error = None, ""
    try:
        deadline = deadline_for(rights_request, events=page.clock_events, today=today)
    except DeadlineError as error:
        deadline_error = f"The clock events do not fit together: {error}."
    options = transition_services.available_transitions(request=rights_request, user=user, today=today)
    return render(
        request,
        "requests_app/request_detail.html",
        {
            "page": page,
            "rr": rights_request,
            "deadline": deadline,
            "deadline_error": deadline_error,
            "allowed": [option for option in options if option.allowed],
            "main_step": next((o.name for o in options if o.allowed and o.name not in ENDING_STEPS), None),
            "ending_steps": ENDING_STEPS,
            "blocked": [option for option in options if not option.allowed],
            "today": today,
            "overdue": rights_request.is_overdue(today),
            "days_left": max((rights_request.due_date - today).days, 0),
            "days_overdue": max((today - rights_request.due_date).days, 0),
            "is_manager": roles.is_manager(user),
            "is_worker": roles.is_manager(user) or roles.is_caseworker(user),
            "disclosure_url": _disclosure_url(rights_request.pk),
            "check_url": _check_url(rights_request),
            "checked_steps": CHECKED_STEPS,
            "recent_views": [this_view, *page.recent_views][: selectors.RECENT_VIEWS_SHOWN],
            "related": None if roles.reviews_only(user) else related_requests(request=rights_request, user=user),
            "status_link": None if roles.reviews_only(user) else status_link_state(rights_request, timezone.now()),
            "may_manage_status_link": may_manage_status_links(user, rights_request),
        },
    )


def _option(rights_request: RightsRequest, user: User, name: str, today: dt.date) -> TransitionOption | None:
    for option in transition_services.available_transitions(request=rights_request, user=user, today=today):
        if option.name == name:
            return option
    return None


def _step_form(option: TransitionOption, rights_request: RightsRequest, data: QueryDict | None) -> TransitionForm:
    return TransitionForm(
        data,
        needs=option.needs,
        required=option.required,
        grounds=option.grounds,
        letters=selectors.incoming_letters(rights_request) if "incoming_letter" in option.needs else (),
        initial={"version": rights_request.version},
    )


def _answer_text(field: Any, value: str) -> str:
    """An answer as the person chose it: a choice's label, a date in words, else the text itself."""
    choices = dict((str(key), label) for key, label in getattr(field, "choices", ()) or ())
    if value in choices:
        return str(choices[value])
    try:
        return day_text(dt.date.fromisoformat(value))
    except ValueError:
        return value


def _step_confirmation(
    rights_request: RightsRequest, option: TransitionOption, outcome: StepOutcome, form: TransitionForm, today: dt.date
) -> Confirmation:
    """What the step will do, for the confirmation page: status, who is told and by what letter, the due date."""
    if outcome.to_status and outcome.to_status != outcome.from_status:
        status = f"From {outcome.from_status} to {outcome.to_status}"
    else:
        status = f"Stays {outcome.from_status}"
    rows = [SummaryRow("Status", status)]
    if outcome.letter_title:
        rows.append(SummaryRow("Who is told", outcome.told))
        rows.append(
            SummaryRow("Letter", f"{outcome.letter_title}, dated {day_text(today)}, filed in the letters register")
        )
    else:
        rows.append(SummaryRow("Who is told", "No one outside the team: no letter is sent"))
    if outcome.due_after is None:
        due = (
            f"The clock stops from {day_text(today)} until the requester answers; the due date "
            f"({day_text(outcome.due_before)}) then moves on by the days it waited"
        )
    elif outcome.due_after != outcome.due_before:
        due = f"Moves from {day_text(outcome.due_before)} to {day_text(outcome.due_after)}"
    else:
        due = f"Stays {day_text(outcome.due_before)}"
    rows.append(SummaryRow("Due date", due))
    for name, value in outcome.inputs.items():
        field = form.fields.get(name)
        if field is not None:
            label = str(field.label or name).removesuffix(" (optional)")
            rows.append(SummaryRow(label, _answer_text(field, value)))
    warning = ""
    if outcome.ends:
        warning = f"This ends the request: no step leads on from “{outcome.to_status}”, so it cannot be undone."
    elif outcome.letter_title:
        warning = "The letter is made and filed as soon as you confirm: it cannot be taken back."
    label = option.label[:1].lower() + option.label[1:]
    return Confirmation(
        heading=option.label,
        caption=f"{rights_request.reference}: {rights_request.subject.full_name}",
        rows=rows,
        button=f"Confirm and {label}",
        warning=warning,
        back_url=reverse("request_detail", args=[rights_request.pk]),
        change=bool(option.needs),
        ending=option.name in ENDING_STEPS,
    )


def _blocked(option: TransitionOption) -> ApplicationError:
    return ApplicationError(
        f"You cannot {option.label[:1].lower() + option.label[1:]} yet: {' '.join(option.blockers)}"
    )


@records_view
@require_http_methods(["GET", "POST"])
def request_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One step of the request's state machine: a page asking for what it needs (GET), a summary of what it will do
    (core.confirm; straight away for a step that needs nothing), and taking it once confirmed (POST)."""
    user = _user(request)
    today = _today()
    rights_request = request_get_for_user(user=user, pk=pk)  # 404 for a request they may not open
    option = _option(rights_request, user, name, today)
    if option is None:
        refusal = transition_services.step_refusal(request=rights_request, user=user, name=name)
        if refusal is None:
            raise Http404("No such step.")
        context = {"rr": rights_request, "refusal": refusal}
        return render(request, "requests_app/step_refused.html", context, status=refusal.status)
    data: QueryDict | None = request.POST if request.method == "POST" else None
    if data is None and not option.needs and option.allowed:
        data = QueryDict(f"version={rights_request.version}")  # nothing to ask: the summary at once
    form = _step_form(option, rights_request, data)
    if data is not None and not changing(request) and form.is_valid():
        try:
            if not option.allowed:
                raise _blocked(option)
            check_version(rights_request, form.cleaned_data["version"])  # the summary is of the request as it is
            if not confirmed(request):
                outcome = transition_services.step_outcome(
                    request=rights_request, user=user, name=name, data=form.data_for_service, today=today
                )
                confirmation = _step_confirmation(rights_request, option, outcome, form, today)
                return confirmation_page(request, confirmation, data=data, rr=rights_request)
            transition_services.request_transition(
                request_id=rights_request.pk,
                user=user,
                transition=name,
                expected_version=form.cleaned_data["version"],
                data=form.data_for_service,
                today=today,
            )
        except ApplicationError as error:
            # Show the refusal with the user's input kept; the version is brought up to date so they can resubmit.
            rights_request = request_get_for_user(user=user, pk=pk)
            option = _option(rights_request, user, name, today) or option
            form = _step_form(option, rights_request, _with_current_version(data, rights_request))
            form.is_valid()
            form.add_application_error(error)
        else:
            messages.success(request, f"Done: {option.label.lower()}.")
            return redirect("request_detail", pk=rights_request.pk)
    related = related_requests(request=rights_request, user=user) if "fee_reason" in option.needs else None
    context = {"rr": rights_request, "option": option, "form": form, "related": related}
    return render(request, "requests_app/step_form.html", context)


# Logging a request, letters and evidence


def _person(data: dict[str, Any], fields: dict[str, str]) -> PersonDetails:
    """The person's details from the form's prefixed fields (e.g. subject_name -> full_name)."""
    values = {attribute: data.get(name) for name, attribute in fields.items()}
    return PersonDetails(
        full_name=values.get("full_name") or "",
        date_of_birth=values.get("date_of_birth"),
        address=values.get("address") or "",
        email=values.get("email") or "",
        phone=values.get("phone") or "",
        previous_names=values.get("previous_names") or "",
        previous_addresses=values.get("previous_addresses") or "",
    )


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """Log a new request from the letter (or email, call, visit) that brought it: Managers only."""
    user = _user(request)
    if not roles.is_manager(user):
        raise PermissionDenied
    form = RequestCreateForm(_posted(request), assignees=selectors.assignable_users())
    matches: dict[str, list[Person]] = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role = RepresentativeRole(data["representative_role"])
        channel = data["channel"]
        method = {"letter": data.get("letter_method") or "post", "email": "email", "in_person": "hand"}.get(channel)
        subject = _person(data, SUBJECT_FIELDS)
        requester = None if role is RepresentativeRole.SELF else _person(data, REQUESTER_FIELDS)
        linked: dict[str, int | None] = {}
        for field, details in (("subject_person", subject), ("requester_person", requester)):
            if details is None:
                continue
            matches[field], linked[field], problem = _link_choice(data.get(field) or "", details)
            if problem:
                form.add_error(field, problem)
        created = None
        try:
            if not form.errors:
                created = request_create(
                    by=user,
                    kind=RightKind(data["kind"]),
                    received=data["received"],
                    channel=channel,
                    summary=data["summary"],
                    subject=subject,
                    requester=requester,
                    subject_person_id=linked.get("subject_person"),
                    requester_person_id=linked.get("requester_person"),
                    role=role,
                    authority=Authority(data["authority"]) if data.get("authority") else None,
                    assigned_to=data.get("assigned_to"),
                    incoming_letter=IncomingLetter(date=data["received"], method=method, summary=data["summary"])
                    if method
                    else None,
                    acknowledge=bool(data.get("acknowledge")),
                    today=_today(),
                    reply_by=data.get("reply_by") or "post",
                    code_by=data.get("code_by") or "",
                    format_needs=data.get("format_needs") or (),
                    format_needs_detail=data.get("format_needs_detail") or "",
                )
        except ApplicationError as error:
            form.add_application_error(error, field_map={"full_name": "subject_name", "requester": "requester_name"})
        if created is not None:
            messages.success(request, f"Request {created.reference} logged. It is due by {day_text(created.due_date)}.")
            return redirect("request_detail", pk=created.pk)
    return render(request, "requests_app/request_form.html", {"form": form, "matches": matches})


def _link_choice(chosen: str, details: PersonDetails) -> tuple[list[Person], int | None, str]:
    """People on record who match (Art 12(5), Recital 63: a repeat is seen), the one chosen, and what to fix."""
    found = people_matching(
        full_name=details.full_name,
        date_of_birth=details.date_of_birth,
        email=details.email,
        phone=details.phone,
        previous_names=details.previous_names,
    )
    chosen = chosen.strip()
    if not found or chosen == NEW_PERSON:
        return found, None, ""
    if chosen.isdigit() and int(chosen) in {person.pk for person in found}:
        return found, int(chosen), ""
    return found, None, "Choose one of the people already on record who match, or a new person"


@records_view
@require_http_methods(["GET", "POST"])
def letter_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a letter in or out in the register, with its scan."""
    user = _user(request)
    rights_request = request_get_for_user(user=user, pk=pk)
    form = LetterForm(
        _posted(request),
        _files(request),
        initial={"version": rights_request.version, "addressee": rights_request.addressee.full_name},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            letter_services.letter_log(
                request=rights_request,
                by=user,
                direction=data["direction"],
                date=data["date"],
                method=data["method"],
                addressee=data["addressee"],
                summary=data["summary"],
                file=data.get("file"),
            )
        except ApplicationError as error:
            form.add_application_error(error)
            if request.FILES.get("file") and error.field != "file":
                form.add_error("file", "Select the scan again: files are not kept when something needs fixing")
        else:
            messages.success(request, "The letter is logged in the register.")
            return redirect("request_detail", pk=rights_request.pk)
    return render(request, "requests_app/letter_form.html", {"rr": rights_request, "form": form})


@records_view
@require_http_methods(["GET", "POST"])
def evidence_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record identity or authority evidence: what was seen, by whom, when."""
    user = _user(request)
    rights_request = request_get_for_user(user=user, pk=pk)
    letters = selectors.incoming_letters(rights_request)
    # Until identity has been asked for, evidence came with the request: it arrived that day, and the clock stays.
    came_with_request = rights_request.status == Status.RECEIVED
    form = EvidenceForm(
        _posted(request),
        _files(request),
        letters=letters,
        request_received=rights_request.received,
        role=rights_request.role,
        authority=rights_request.authority,
        initial={
            "version": rights_request.version,
            "seen_on": _today(),
            "received_on": rights_request.received if came_with_request else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evidence_services.evidence_record(
                request_id=rights_request.pk,
                by=user,
                kind=EvidenceKind(data["kind"]),
                description=data["description"],
                seen_on=data["seen_on"],
                received_on=data.get("received_on"),
                scan=data.get("scan"),
                competence=Competence(data["competence"]) if data.get("competence") else None,
                authority=Authority(data["authority"]) if data.get("authority") else None,
                acting=form.acting_details(),
                letter=_chosen(letters, data.get("incoming_letter")),
                expected_version=data["version"],
                today=_today(),
            )
        except ApplicationError as error:
            rights_request = request_get_for_user(user=user, pk=pk)
            form = EvidenceForm(
                _with_current_version(request.POST, rights_request),
                letters=letters,
                request_received=rights_request.received,
                role=rights_request.role,
                authority=rights_request.authority,
            )
            form.is_valid()
            form.add_application_error(error, field_map={"letter": "incoming_letter"})
            if request.FILES.get("scan"):
                form.add_error("scan", "Select the scan again: files are not kept when something needs fixing")
        else:
            messages.success(request, "The evidence is recorded.")
            return redirect("request_detail", pk=rights_request.pk)
    context = {"rr": rights_request, "form": form, "submitted": selectors.submitted_documents(rights_request)}
    return render(request, "requests_app/evidence_form.html", context)


@records_view
@require_http_methods(["GET", "POST"])
def best_interests_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record whether disclosure to the representative is in the data subject's best interests (DPA 2018 Sch 3 Pt 5
    para 21: child abuse data is withheld from a parent or deputy unless it is)."""
    user = _user(request)
    rights_request = request_get_for_user(user=user, pk=pk)
    form = BestInterestsForm(
        _posted(request),
        initial={
            "version": rights_request.version,
            "decided_on": _today(),
            "decision": rights_request.best_interests or None,
            "reasons": rights_request.best_interests_reasons,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evidence_services.best_interests_record(
                request_id=rights_request.pk,
                by=user,
                decision=BestInterests(data["decision"]),
                reasons=data["reasons"],
                decided_on=data["decided_on"],
                expected_version=data["version"],
                today=_today(),
            )
        except ApplicationError as error:
            rights_request = request_get_for_user(user=user, pk=pk)
            form = BestInterestsForm(_with_current_version(request.POST, rights_request))
            form.is_valid()
            form.add_application_error(error)
        else:
            messages.success(request, "The best-interests decision is recorded.")
            return redirect("request_detail", pk=rights_request.pk)
    return render(
        request,
        "requests_app/best_interests_form.html",
        {"rr": rights_request, "form": form, "statute": CHILD_ABUSE_DATA_TEXT},
    )


def _chosen(letters: list[Letter], value: str | None) -> Letter | None:
    """The letter picked from the choices the form offered (the service checks it again)."""
    return next((letter for letter in letters if str(letter.pk) == value), None) if value else None


@records_view
@require_http_methods(["GET", "POST"])
def fee_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a fee received: the month runs from the day it arrived (UK GDPR Art 12A)."""
    user = _user(request)
    rights_request = request_get_for_user(user=user, pk=pk)
    letters = selectors.incoming_letters(rights_request)
    form = FeeForm(_posted(request), letters=letters, initial={"version": rights_request.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evidence_services.fee_received_record(
                request_id=rights_request.pk,
                by=user,
                received_on=data["received_on"],
                reason=data["reason"],
                letter=_chosen(letters, data.get("incoming_letter")),
                expected_version=data["version"],
                today=_today(),
            )
        except ApplicationError as error:
            rights_request = request_get_for_user(user=user, pk=pk)
            form = FeeForm(_with_current_version(request.POST, rights_request), letters=letters)
            form.is_valid()
            form.add_application_error(error, field_map={"date": "received_on", "letter": "incoming_letter"})
        else:
            due = RightsRequest.objects.get(pk=rights_request.pk).due_date
            messages.success(request, f"The fee is recorded. The request is now due by {due.day} {due:%B %Y}.")
            return redirect("request_detail", pk=rights_request.pk)
    return render(request, "requests_app/fee_form.html", {"rr": rights_request, "form": form})


@records_view
@require_http_methods(["GET", "POST"])
def request_complex_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a request complex, or one of numerous requests, or not (a caseworker or the Manager), with the reason."""
    user = _user(request)
    rights_request = request_get_for_user(user=user, pk=pk)  # 404 before 403: existence never leaks
    if not (roles.is_manager(user) or roles.is_caseworker(user)):
        raise PermissionDenied
    candidates = numerous_candidates(rights_request)
    initial = {
        "version": rights_request.version,
        "is_complex": "no" if rights_request.is_complex else "yes",
        "numerous_with": [str(pk) for pk in rights_request.numerous_with.values_list("pk", flat=True)],
        "reason": "",
    }
    form = ComplexForm(_posted(request), initial=initial, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["is_complex"]
        is_complex = choice in {"yes", "numerous"}
        try:
            request_set_complex(
                request_id=rights_request.pk,
                by=user,
                is_complex=is_complex,
                ground=ExtensionGround.NUMEROUS.value if choice == "numerous" else ExtensionGround.COMPLEX.value,
                numerous_with=[int(pk) for pk in form.cleaned_data["numerous_with"]] if choice == "numerous" else [],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as error:
            rights_request = request_get_for_user(user=user, pk=pk)
            form = ComplexForm(_with_current_version(request.POST, rights_request), candidates=candidates)
            form.is_valid()
            form.add_application_error(error, field_map={"complex_reason": "reason"})
        else:
            messages.success(
                request,
                f"{rights_request.reference} is marked as one of numerous requests."
                if choice == "numerous"
                else f"{rights_request.reference} is marked complex."
                if is_complex
                else f"{rights_request.reference} is no longer marked complex.",
            )
            return redirect("request_detail", pk=rights_request.pk)
    return render(request, "requests_app/complex_form.html", {"rr": rights_request, "form": form})


# Manager's controls


def _manager_request(request: HttpRequest, pk: int) -> tuple[User, RightsRequest]:
    """The request (404 if it may not be opened), then the Manager check (403): existence never leaks."""
    user = _user(request)
    rights_request = request_get_for_user(user=user, pk=pk)
    if not roles.is_manager(user):
        raise PermissionDenied
    return user, rights_request


@records_view
@require_http_methods(["GET", "POST"])
def request_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, rights_request = _manager_request(request, pk)
    assignees = selectors.assignable_users()
    form = AssignForm(
        _posted(request),
        assignees=assignees,
        initial={"version": rights_request.version, "assigned_to": rights_request.assigned_to_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            check_version(rights_request, form.cleaned_data["version"])
        except ApplicationError as conflict:
            form = AssignForm(_with_current_version(request.POST, rights_request), assignees=assignees)
            form.is_valid()
            form.add_application_error(conflict)
        else:
            if form.cleaned_data["assigned_to"] == rights_request.assigned_to:
                messages.info(request, "Nothing changed: it was already assigned that way.")
                return redirect("request_detail", pk=rights_request.pk)
            try:
                request_assign(
                    request=rights_request,
                    by=user,
                    assignee=form.cleaned_data["assigned_to"],
                    expected_version=form.cleaned_data["version"],
                )
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                assignee = form.cleaned_data["assigned_to"]
                who = (assignee.get_full_name() or assignee.get_username()) if assignee else "nobody"
                messages.success(request, f"{rights_request.reference} is assigned to {who}.")
                return redirect("request_detail", pk=rights_request.pk)
    return render(request, "requests_app/assign_form.html", {"rr": rights_request, "form": form})


@records_view
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer the request to a professional reviewer for an opinion: until it is closed, they may open it."""
    user = _user(request)
    rights_request = request_get_for_user(user=user, pk=pk)  # 404 before 403: existence never leaks
    if not roles.can_work(user):
        raise PermissionDenied
    form = ReferralForm(_posted(request), reviewers=selectors.professional_reviewers())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = referral_make(
                request=rights_request, by=user, reviewer=data["reviewer"], kind=data["kind"], question=data["question"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            who = referral.reviewer.get_full_name() or referral.reviewer.get_username()
            messages.success(request, f"{rights_request.reference} is referred to {who}.")
            return redirect("request_detail", pk=rights_request.pk)
    return render(request, "requests_app/referral_form.html", {"rr": rights_request, "form": form})


@require_http_methods(["POST"])
def referral_close_view(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    """Close a referral (staff, or the reviewer when they are done): the reviewer no longer sees the request."""
    user = _user(request)
    rights_request = request_get_for_user(user=user, pk=pk)
    referral = selectors.referral_get(rights_request, referral_pk)
    if not (roles.can_work(user) or referral.reviewer_id == user.pk):
        raise Http404("No such referral.")
    try:
        referral_close(referral=referral, by=user, reason=request.POST.get("reason", "") or "Closed")
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("request_detail", pk=rights_request.pk)
    who = referral.reviewer.get_full_name() or referral.reviewer.get_username()
    messages.success(request, f"The referral to {who} is closed.")
    if referral.reviewer_id == user.pk and not roles.can_work(user):
        return redirect("dashboard")  # the request is no longer theirs to open
    return redirect("request_detail", pk=rights_request.pk)


@records_view
@require_http_methods(["GET", "POST"])
def request_restrict_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, rights_request = _manager_request(request, pk)
    form = RestrictForm(
        _posted(request),
        initial={
            "version": rights_request.version,
            "restricted": "yes" if rights_request.is_restricted else "no",
            "reason": rights_request.restricted_reason,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            check_version(rights_request, form.cleaned_data["version"])
        except ApplicationError as conflict:
            form = RestrictForm(_with_current_version(request.POST, rights_request))
            form.is_valid()
            form.add_application_error(conflict)
        else:
            restricted = form.cleaned_data["restricted"] == "yes"
            reason = form.cleaned_data["reason"].strip() if restricted else ""
            if (restricted, reason) == (rights_request.is_restricted, rights_request.restricted_reason):
                messages.info(request, "Nothing changed.")
                return redirect("request_detail", pk=rights_request.pk)
            try:
                request_set_restricted(
                    request=rights_request,
                    by=user,
                    restricted=restricted,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ApplicationError as error:
                form.add_application_error(error, field_map={"restricted_reason": "reason"})
            else:
                messages.success(
                    request,
                    f"{rights_request.reference} is restricted."
                    if restricted
                    else f"{rights_request.reference} is open to the team.",
                )
                return redirect("request_detail", pk=rights_request.pk)
    return render(request, "requests_app/restrict_form.html", {"rr": rights_request, "form": form})


# Files: letters and evidence scans


def _attachment(file: FieldFile, filename: str) -> FileResponse:
    if not file:
        raise Http404("No file.")
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("No file.") from None
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@records_view_itself
@require_http_methods(["GET", "HEAD"])
def letter_file(request: HttpRequest, pk: int) -> FileResponse:
    user = _user(request)
    letter = letter_get_for_user(user=user, pk=pk)
    request_view_record(request=letter.request, user=user)
    suffix = Path(letter.file.name or "").suffix.lower()
    return _attachment(letter.file, f"{letter.request.reference}-letter-{letter.pk}{suffix}")


@records_view_itself
@require_http_methods(["GET", "HEAD"])
def evidence_scan(request: HttpRequest, pk: int) -> FileResponse:
    user = _user(request)
    evidence = evidence_get_for_user(user=user, pk=pk)
    request_view_record(request=evidence.request, user=user)
    suffix = Path(evidence.scan.name or "").suffix.lower()
    return _attachment(evidence.scan, f"{evidence.request.reference}-evidence-{evidence.pk}{suffix}")


@records_view_itself
@require_http_methods(["GET", "HEAD"])
def submitted_document_file(request: HttpRequest, pk: int) -> FileResponse:
    """Proof sent with an online request, for the caseworker checking identity or authority (the view is recorded)."""
    user = _user(request)
    document = submitted_document_get_for_user(user=user, pk=pk)
    request_view_record(request=document.request, user=user)
    suffix = Path(document.file.name or "").suffix.lower()
    return _attachment(document.file, f"{document.request.reference}-{document.kind}-sent-{document.pk}{suffix}")


# Error pages: plain, and the same for everyone, so they leak nothing


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponse(loader.render_to_string("errors/403.html"), status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponse(loader.render_to_string("errors/404.html"), status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return HttpResponseServerError(loader.render_to_string("errors/500.html"))
