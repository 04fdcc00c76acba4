"""Putting the partnership's own data in: reviews, submissions, records and people, and agency returns.

Thin views: a form parses, one service writes, the page redirects. Reviews and imports are a Manager's;
submissions and records a Manager's or a caseworker's; the neither-confirm-nor-deny flag a Manager's.
Opening a review or a record writes a HoldingView row, as opening a request does.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import roles
from reviews import access, selectors
from reviews.forms import (
    AgencyForm,
    ImportUploadForm,
    NcndForm,
    ReviewEditForm,
    ReviewForm,
    SubjectRecordEditForm,
    SubjectRecordForm,
    SubmissionForm,
)
from reviews.models import ImportStatus, Review
from reviews.services import (
    agency_create,
    holding_view_record,
    record_set_ncnd,
    review_create,
    review_update,
    subject_record_create,
    subject_record_update,
    submission_create,
)
from reviews.services.returns import COLUMNS, REQUIRED, holdings_import_confirm, holdings_import_upload
from rights import ApplicationError


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _require_manager(request: HttpRequest) -> User:
    user = _user(request)
    if not roles.is_manager(user):
        raise PermissionDenied
    return user


def _require_worker(request: HttpRequest) -> User:
    user = _user(request)
    if not roles.can_work(user):
        raise PermissionDenied
    return user


# Reviews ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def review_new(request: HttpRequest) -> HttpResponse:
    user = _require_manager(request)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            review = review_create(by=user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"{review.reference} recorded.")
            return redirect("reviews:review_holdings", pk=review.pk)
    return render(request, "reviews/entry_form.html", {"form": form, "title": "Record a review or audit"})


@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.review_get_for_user(user=request.user, pk=pk)
    user = _user(request)
    form = ReviewEditForm(
        request.POST if request.method == "POST" else None, initial={"title": review.title, "started": review.started}
    )
    if request.method == "POST" and form.is_valid():
        try:
            review_update(review=review, by=user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"{review.reference} changed.")
            return redirect("reviews:review_holdings", pk=review.pk)
    return render(request, "reviews/entry_form.html", {"form": form, "title": f"Change {review.reference}"})


@require_GET
def review_holdings(request: HttpRequest, pk: int) -> HttpResponse:
    """The review's submissions and records, and its history; the view is recorded."""
    review = access.review_get_for_user(user=request.user, pk=pk)
    holding_view_record(user=_user(request), review=review)
    context = {
        "review": review,
        "submissions": selectors.review_submissions(review),
        "history": selectors.change_history(review),
    }
    return render(request, "reviews/review_holdings.html", context)


@require_http_methods(["GET", "POST"])
def agency_new(request: HttpRequest) -> HttpResponse:
    user = _require_manager(request)
    form = AgencyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = agency_create(by=user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"{agency.name} added.")
            back = request.GET.get("review", "")
            return (
                redirect("reviews:submission_new", pk=int(back)) if back.isdigit() else redirect("reviews:review_list")
            )
    return render(request, "reviews/entry_form.html", {"form": form, "title": "Add a partner agency"})


# Submissions and records ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def submission_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_worker(request)
    review = get_object_or_404(Review, pk=pk)
    form = SubmissionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            submission = submission_create(by=user, review=review, **form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, "Submission recorded.")
            return redirect("reviews:submission_detail", pk=submission.pk)
    return render(
        request,
        "reviews/entry_form.html",
        {"form": form, "title": f"Record a submission to {review.reference}", "agency_link": review.pk},
    )


@require_GET
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = access.submission_get_for_user(user=request.user, pk=pk)
    context = {
        "submission": submission,
        "records": selectors.submission_records(submission),
        "history": selectors.change_history(submission),
    }
    return render(request, "reviews/submission_detail.html", context)


@require_http_methods(["GET", "POST"])
def record_new(request: HttpRequest, pk: int) -> HttpResponse:
    submission = access.submission_get_for_user(user=request.user, pk=pk)
    form = SubjectRecordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = subject_record_create(
                by=_user(request),
                submission=submission,
                full_name=data["full_name"],
                previous_names=form.previous_name_list,
                date_of_birth=data["date_of_birth"],
                address=data["address"],
                categories=dict.fromkeys(data["categories"], ""),
            )
            if data["agency_reference"] or data["title"] or data["record_date"]:
                record = subject_record_update(
                    record=record,
                    by=_user(request),
                    full_name=record.full_name,
                    previous_names=record.previous_name_list,
                    date_of_birth=record.date_of_birth,
                    address=record.address,
                    categories=[*data["categories"], *record.categories.values_list("category", flat=True)],
                    reason="The agency's reference and date, entered with the record",
                    agency_reference=data["agency_reference"],
                    title=data["title"],
                    record_date=data["record_date"],
                )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"{record.reference} recorded.")
            return redirect("reviews:record_detail", pk=record.pk)
    return render(
        request, "reviews/record_form.html", {"form": form, "title": f"Record a person in {submission.title}"}
    )


@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A record, its categories and its history with who and why; the view is recorded."""
    record = access.record_get_for_user(user=request.user, pk=pk)
    user = _user(request)
    holding_view_record(user=user, record=record)
    context = {
        "record": record,
        "categories": list(record.categories.all()),
        "history": selectors.change_history(record),
        "ncnd_form": NcndForm(initial={"ncnd": "lift" if record.ncnd else "set"}) if roles.is_manager(user) else None,
    }
    return render(request, "reviews/record_detail.html", context)


@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.record_get_for_user(user=request.user, pk=pk)
    initial = {
        "agency_reference": record.agency_reference,
        "title": record.title,
        "record_date": record.record_date,
        "full_name": record.full_name,
        "previous_names": record.previous_names,
        "date_of_birth": record.date_of_birth,
        "address": record.address,
        "categories": list(record.categories.values_list("category", flat=True)),
    }
    form = SubjectRecordEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subject_record_update(
                record=record,
                by=_user(request),
                full_name=data["full_name"],
                previous_names=form.previous_name_list,
                date_of_birth=data["date_of_birth"],
                address=data["address"],
                categories=data["categories"],
                reason=data["reason"],
                agency_reference=data["agency_reference"],
                title=data["title"],
                record_date=data["record_date"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"{record.reference} changed.")
            return redirect("reviews:record_detail", pk=record.pk)
    return render(request, "reviews/record_form.html", {"form": form, "title": f"Change {record.reference}"})


@require_POST
def record_ncnd(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.record_get_for_user(user=request.user, pk=pk)
    user = _require_manager(request)
    form = NcndForm(request.POST)
    if form.is_valid():
        try:
            record_set_ncnd(
                record=record, by=user, ncnd=form.cleaned_data["ncnd"] == "set", reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{record.reference} saved.")
    else:
        messages.error(request, "Choose whether to flag or lift, and say why.")
    return redirect("reviews:record_detail", pk=record.pk)


# Importing an agency return ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    user = _require_manager(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = holdings_import_upload(by=user, file_name=upload.name, data=upload.read())
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            return redirect("reviews:import_detail", pk=created.pk)
    context = {"form": form, "columns": COLUMNS, "required": REQUIRED, "imports": selectors.imports_recent()}
    return render(request, "reviews/import_upload.html", context)


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The check's progress, then the preview to confirm, then the run's progress and its result."""
    upload = access.import_get_for_user(user=request.user, pk=pk)
    working = upload.status in (ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.RUNNING)
    context = {"upload": upload, "working": working, "errors": upload.errors.splitlines()}
    return render(request, "reviews/import_detail.html", context)


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    upload = access.import_get_for_user(user=request.user, pk=pk)
    try:
        holdings_import_confirm(upload=upload, by=_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("reviews:import_detail", pk=upload.pk)
