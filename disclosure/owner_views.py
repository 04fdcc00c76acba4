"""An agency's data owner checks the redactions of its own records: open the link, enter the one-time code sent
to the data owner's address, see the agency's records as they will be disclosed, agree or ask for changes.

No login (exempt from LoginRequiredMiddleware), no staff navigation. The token is looked up by its hash; the
code opens the records for this browser session only, for half an hour. Only documents of the link's own
agency and request are ever shown. Every code, view and answer is logged. The staff pages (ask, pass over)
are at the end.
"""

from __future__ import annotations

import contextlib
import io
import time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from PIL import ImageDraw

from core import roles
from core.forms import GovukForm
from core.text import day_text
from disclosure import selectors
from disclosure.extract import REVIEW_DPI, page_image
from disclosure.models import Agency, OwnerReview
from disclosure.owner_selectors import agency_documents
from disclosure.portal_views import CodeForm, _masked, _page, _private, _visitor
from disclosure.services import owner_reviews as services
from disclosure.services.delivery import CODE_MINUTES
from disclosure.views import _form_page, _overview_url, _rr, _rr_in_full, _user
from requests_app.models import CodeChannel
from requests_app.viewing import records_view
from rights import ApplicationError

UNLOCKED_KEY = "disclosure_owner_review_unlocked_{}"
UNLOCK_SECONDS = 30 * 60


class AnswerForm(GovukForm):
    answer = forms.ChoiceField(
        label="Do you agree with how your records will be disclosed?",
        choices=[("agree", "Yes, I agree with the redactions"), ("changes", "No, I ask for changes")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you agree with the redactions."},
    )
    reason = forms.CharField(
        label="What should change, and why",
        required=False,
        help_text="Needed if you ask for changes: which record, what should be redacted or shown, and why.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    name = forms.CharField(label="Your name", max_length=200, error_messages={"required": "Enter your name."})


def _unlocked(request: HttpRequest, review_id: int) -> bool:
    opened = request.session.get(UNLOCKED_KEY.format(review_id))
    return isinstance(opened, int | float) and 0 <= time.time() - opened <= UNLOCK_SECONDS


def _closed(request: HttpRequest, review: OwnerReview | None) -> HttpResponse:
    state = "unknown" if review is None else ("locked" if review.locked_at else "expired")
    if review is not None and review.revoked_at is not None:
        state = "withdrawn"
    elif review is not None and review.status != "asked":
        state = "answered"
    return _page(request, "owner_review/closed.html", {"state": state}, status=404 if review is None else 403)


def _code_page(
    request: HttpRequest, review: OwnerReview, token: str, form: CodeForm, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "token": token,
        "agency": review.agency,
        "sent_to": _masked(CodeChannel.EMAIL, review.sent_to),
        "minutes": CODE_MINUTES,
    }
    return _page(request, "owner_review/code.html", context, status=status)


def _records_page(
    request: HttpRequest, review: OwnerReview, token: str, form: AnswerForm, status: int = 200
) -> HttpResponse:
    documents = []
    for document in agency_documents(review.request, review.agency_id):
        redactions = list(document.redactions.all())
        documents.append(
            {
                "document": document,
                "segments": selectors.text_segments(document.text, redactions) if document.text else [],
                "redactions": redactions,
                "pages": list(range(1, document.page_count + 1)) if document.has_pages else [],
                "ncnd": selectors.document_is_ncnd(document),
            }
        )
    context = {"review": review, "token": token, "documents": documents, "form": form}
    return _page(request, "owner_review/records.html", context, status=status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def owner_review(request: HttpRequest, token: str) -> HttpResponse:
    """The code first; then the agency's own records and the answer."""
    review = services.owner_review_by_token(token)
    if review is None or not review.is_open(timezone.now()):
        return _closed(request, review)
    visitor = _visitor(request)
    if not _unlocked(request, review.pk):
        if request.method == "GET":
            with contextlib.suppress(ApplicationError):  # one went less than a minute ago: the page says so
                services.owner_code_send(review_id=review.pk, visitor=visitor)
            return _code_page(request, review, token, CodeForm())
        if request.POST.get("resend"):
            form = CodeForm()
            try:
                services.owner_code_send(review_id=review.pk, visitor=visitor)
            except ApplicationError as error:
                form.add_error(None, error.message)
                return _code_page(request, review, token, form, status=429)
            return redirect("disclosure:owner_review", token)
        form = CodeForm(request.POST)
        if not form.is_valid():
            return _code_page(request, review, token, form, status=400)
        outcome = services.owner_code_check(review_id=review.pk, code=form.cleaned_data["code"], visitor=visitor)
        if outcome == "wrong":
            form.add_error("code", "The code is not right.")
            return _code_page(request, review, token, form, status=400)
        if outcome == "no_code":
            form.add_error(
                "code", "That code has expired, been used, or been entered wrongly too often. Ask for a new one."
            )
            return _code_page(request, review, token, form, status=400)
        if outcome != "ok":
            return _closed(request, OwnerReview.objects.get(pk=review.pk))
        request.session.cycle_key()
        request.session[UNLOCKED_KEY.format(review.pk)] = time.time()
        return redirect("disclosure:owner_review", token)

    if request.method == "GET":
        if not services.owner_review_viewed(review_id=review.pk, visitor=visitor):
            return _closed(request, review)
        return _records_page(request, review, token, AnswerForm())
    answer_form = AnswerForm(request.POST)
    if answer_form.is_valid():
        try:
            services.owner_review_answer(
                review_id=review.pk,
                agrees=answer_form.cleaned_data["answer"] == "agree",
                reason=answer_form.cleaned_data.get("reason") or "",
                name=answer_form.cleaned_data["name"],
                visitor=visitor,
            )
        except ApplicationError as error:
            answer_form.add_application_error(error)
        else:
            request.session.pop(UNLOCKED_KEY.format(review.pk), None)
            answered = OwnerReview.objects.select_related("agency").get(pk=review.pk)
            return _page(request, "owner_review/thanks.html", {"review": answered})
    return _records_page(request, review, token, answer_form, status=400)


@login_not_required
@never_cache
@require_GET
def owner_review_page(request: HttpRequest, token: str, document_id: int, number: int) -> HttpResponse:
    """A page of one of the agency's own records, with its redactions drawn black and labelled as in the pack."""
    review = services.owner_review_by_token(token)
    if review is None or not review.is_open(timezone.now()) or not _unlocked(request, review.pk):
        raise Http404("No such page.")
    document = agency_documents(review.request, review.agency_id).filter(pk=document_id).first()
    if document is None or not document.has_pages or not document.original or not 1 <= number <= document.page_count:
        raise Http404("No such page.")  # another agency's record, or another request's, is simply not there
    if not services.owner_review_viewed(
        review_id=review.pk, visitor=_visitor(request), detail=f"{document.title}, page {number}", page=True
    ):
        raise Http404("No such page.")
    with document.original.open("rb") as source:
        data = source.read()
    image = page_image(data, is_pdf=document.media_type == "application/pdf", number=number, dpi=REVIEW_DPI)
    info = document.page(number)
    scale = (REVIEW_DPI / 72) if info is None else image.width / float(info["width"])
    draw = ImageDraw.Draw(image)
    for box, redaction in selectors.boxes_on_page(document, number):
        corners = (box.x0 * scale, box.top * scale, box.x1 * scale, box.bottom * scale)
        draw.rectangle(corners, fill=(0, 0, 0))
        draw.text((corners[0] + 3, corners[1] + 2), redaction.exemption_code, fill=(255, 255, 255))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG")
    return _private(HttpResponse(out.getvalue(), content_type="image/png"))


# ---------------------------------------------------------------------------------------------------------------------
# Staff: ask an agency, pass one over


class RevokeForm(GovukForm):
    reason = forms.CharField(
        label="Why the link is revoked",
        help_text="For example: sent to the wrong address.",
        max_length=2000,
        error_messages={"required": "Say why the link is revoked."},
    )


@records_view
@require_POST
def owner_review_revoke(request: HttpRequest, pk: int, review_id: int) -> HttpResponse:
    rr = _rr_in_full(request, pk)  # a professional reviewer: no such request here
    review = OwnerReview.objects.select_related("agency").filter(pk=review_id, request=rr).first()
    if review is None:
        raise Http404("No such agency review.")
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(f"{_overview_url(rr)}#owner-reviews")
    try:
        services.owner_review_revoke(by=_user(request), review=review, reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{review.agency.name}'s link has been revoked: ask it again to send a new one to the right address.",
        )
    return redirect(f"{_overview_url(rr)}#owner-reviews")


class WaiveForm(GovukForm):
    reason = forms.CharField(
        label="Why the pack can be signed off without the agency's answer",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Say why the pack can be signed off without the agency's answer."},
    )


@records_view
@require_POST
def owner_review_ask(request: HttpRequest, pk: int, agency_id: int) -> HttpResponse:
    rr = _rr(request, pk)
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise Http404("No such agency.")
    try:
        services.owner_review_ask(by=_user(request), request=rr, agency=agency)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{agency.name}'s data owner has been sent a link to check its redactions.")
    return redirect(f"{_overview_url(rr)}#owner-reviews")


@records_view
@require_http_methods(["GET", "POST"])
def owner_review_waive(request: HttpRequest, pk: int, review_id: int) -> HttpResponse:
    rr = _rr(request, pk)
    if not roles.is_manager(_user(request)):
        raise PermissionDenied
    review = OwnerReview.objects.select_related("agency").filter(pk=review_id, request=rr).first()
    if review is None:
        raise Http404("No such agency review.")
    form = WaiveForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            services.owner_review_waive(by=_user(request), review=review, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"Recorded: the pack may be signed off without {review.agency.name}'s answer.")
            return redirect(f"{_overview_url(rr)}#owner-reviews")
    return _form_page(
        request,
        rr,
        form,
        heading=f"Sign off without {review.agency.name}'s answer",
        submit="Record the decision",
        intro=f"{review.agency.name} was asked on {day_text(review.asked_on)} to answer by {day_text(review.due_on)}. "
        "Once that day has passed, the pack may be signed off without its answer; say why.",
    )


@require_GET
def late_sign_offs(request: HttpRequest) -> HttpResponse:
    """The Manager's list: which agencies are late answering about their redactions, on which requests."""
    if not roles.is_manager(request.user):
        raise PermissionDenied("Only the Manager sees the agencies late with their sign-off.")
    today = timezone.localdate()
    return render(
        request,
        "owner_review/late.html",
        {"agencies": selectors.late_owner_reviews(today=today), "today": today, "now": timezone.now()},
    )
