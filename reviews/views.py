"""Holdings pages: thin views that parse input, call one service or selector, and render or redirect."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import roles
from reviews import access, selectors
from reviews.forms import (
    ConcludeForm,
    DestroyForm,
    HitDecisionForm,
    LegalHoldForm,
    SearchScopeForm,
    SubjectSearchForm,
)
from reviews.models import Review, SubjectSearchHit
from reviews.retention import due_items, retention_days
from reviews.search import SearchCriteria
from reviews.services import (
    SearchScope,
    review_conclude,
    review_set_legal_hold,
    search_hit_decide,
    search_run_create,
    search_run_record_scope,
)
from reviews.services.retention import review_destroy_agency_data
from rights import ApplicationError


def _user(request: HttpRequest) -> User:
    """The signed-in staff user (LoginRequiredMiddleware keeps anonymous users out)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


@require_GET
def what_we_hold(request: HttpRequest) -> HttpResponse:
    if not roles.is_team_member(request.user):
        raise PermissionDenied
    held = selectors.what_we_hold(today=timezone.localdate(), retention_days=retention_days())
    return render(request, "reviews/what_we_hold.html", {"held": held})


@require_http_methods(["GET", "POST"])
def subject_search(request: HttpRequest) -> HttpResponse:
    if not roles.can_work(request.user):
        raise PermissionDenied
    reference = request.GET.get("request", "").strip()
    initial: dict[str, object] = {"request_reference": reference}
    details = access.subject_details(request.user, reference) if request.method == "GET" else None
    if details is not None:  # filled from the request the user may open; never from the URL
        name, previous, born, address = details
        initial.update(name=name, previous_names="\n".join(previous), address=address)
        if born is not None:
            initial.update(dob_day=born.day, dob_month=born.month, dob_year=born.year)
    form = SubjectSearchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        criteria = SearchCriteria(
            name=form.cleaned_data["name"],
            previous_names=form.previous_name_list,
            date_of_birth=form.cleaned_data["date_of_birth"],
            address=form.cleaned_data["address"],
        )
        try:
            run = search_run_create(
                by=_user(request),
                criteria=criteria,
                request_reference=form.cleaned_data["request_reference"],
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("reviews:search_run", pk=run.pk)
    return render(
        request,
        "reviews/search.html",
        {"form": form, "runs": selectors.search_runs_recent(hidden=access.hidden_references(request.user))},
    )


@require_http_methods(["GET", "POST"])
def search_run(request: HttpRequest, pk: int) -> HttpResponse:
    """The kept search, its hits, and (for a request's search) the form that records its scope (Art 15(1A))."""
    run = access.search_run_get_for_user(user=request.user, pk=pk)
    initial = {
        "holdings_and_agencies": run.holdings_and_agencies,
        "date_from": run.date_from,
        "date_to": run.date_to,
        "exclusions": run.exclusions,
        "cap_reason": run.cap_reason,
    }
    form = SearchScopeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            search_run_record_scope(
                run=run,
                by=_user(request),
                scope=SearchScope(
                    holdings_and_agencies=form.cleaned_data["holdings_and_agencies"],
                    exclusions=form.cleaned_data["exclusions"],
                    cap_reason=form.cleaned_data["cap_reason"],
                    date_from=form.cleaned_data["date_from"],
                    date_to=form.cleaned_data["date_to"],
                ),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, "The search's scope is recorded.")
            return redirect("reviews:search_run", pk=run.pk)
    context = {"run": run, "hits": selectors.search_run_hits(run), "scope_form": form}
    return render(request, "reviews/search_run.html", context)


@require_POST
def hit_decide(request: HttpRequest, pk: int, hit_pk: int) -> HttpResponse:
    run = access.search_run_get_for_user(user=request.user, pk=pk)
    hit = get_object_or_404(SubjectSearchHit, pk=hit_pk, run=run)
    form = HitDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose confirm or reject.")
        return redirect("reviews:search_run", pk=run.pk)
    try:
        search_hit_decide(
            hit=hit, by=_user(request), decision=form.cleaned_data["decision"], note=form.cleaned_data["note"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Hit {hit.rank} {form.cleaned_data['decision']}.")
    return redirect("reviews:search_run", pk=run.pk)


@require_GET
def retention(request: HttpRequest) -> HttpResponse:
    if not roles.can_work(request.user):
        raise PermissionDenied
    try:
        items = due_items(today=timezone.localdate())
    except ApplicationError as error:
        messages.error(request, error.message)
        items = []
    context = {"items": items, "is_manager": roles.is_manager(request.user), "retention_days": retention_days()}
    return render(request, "reviews/retention.html", context)


@require_POST
def review_destroy(request: HttpRequest, pk: int) -> HttpResponse:
    if not roles.is_manager(request.user):
        raise PermissionDenied
    review = get_object_or_404(Review, pk=pk)
    try:
        certificate = review_destroy_agency_data(review=review, by=_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Agency data of {review.reference} destroyed: certificate {certificate.reference}.")
    return redirect("reviews:retention")


# A review's pages (Manager only) -------------------------------------------------------------------------


def _fmt(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    if not roles.is_manager(request.user):
        raise PermissionDenied
    return render(request, "reviews/review_list.html", {"reviews": selectors.reviews_for_manager()})


def _review_page(
    request: HttpRequest,
    review: Review,
    *,
    hold_form: LegalHoldForm | None = None,
    conclude_form: ConcludeForm | None = None,
) -> HttpResponse:
    """The review's page, with any form that came back with errors (bad input changes nothing)."""
    context = {
        "overview": selectors.review_overview(review=review),
        "hold_form": hold_form or LegalHoldForm(initial={"hold": "lift" if review.legal_hold else "place"}),
        "conclude_form": conclude_form or ConcludeForm(),
    }
    return render(request, "reviews/review_detail.html", context)


@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, access.review_get_for_user(user=request.user, pk=pk))


@require_POST
def review_legal_hold(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.review_get_for_user(user=request.user, pk=pk)
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        try:
            review = review_set_legal_hold(
                review=review,
                by=_user(request),
                hold=form.cleaned_data["hold"] == "place",
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            form.add_application_error(error, field_map={"legal_hold_reason": "reason"})
        else:
            messages.success(
                request,
                f"{review.reference} is on legal hold: nothing of it will be destroyed until the hold is lifted."
                if review.legal_hold
                else f"The legal hold on {review.reference} is lifted.",
            )
            return redirect("reviews:review_detail", pk=review.pk)
    return _review_page(request, review, hold_form=form)


@require_POST
def review_conclude_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.review_get_for_user(user=request.user, pk=pk)
    form = ConcludeForm(request.POST)
    if form.is_valid():
        try:
            review = review_conclude(review=review, by=_user(request), concluded=form.cleaned_data["concluded"])
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            due = selectors.review_overview(review=review).due_on
            messages.success(
                request,
                f"{review.reference} concluded on {_fmt(form.cleaned_data['concluded'])}: its agency data is now due "
                f"for destruction{f' on {_fmt(due)}' if due else ''}.",
            )
            return redirect("reviews:review_detail", pk=review.pk)
    return _review_page(request, review, conclude_form=form)


@require_http_methods(["GET", "POST"])
def review_destroy_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.review_get_for_user(user=request.user, pk=pk)
    form = DestroyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            certificate = review_destroy_agency_data(review=review, by=_user(request))
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request, f"Agency data of {review.reference} destroyed: certificate {certificate.reference}."
            )
            return redirect("reviews:review_detail", pk=review.pk)
    overview = selectors.review_overview(review=review)
    return render(request, "reviews/review_destroy.html", {"overview": overview, "form": form})
