"""Disclosure pages: agencies and their returns, documents and their review, third parties, serious harm.

Thin views: each reaches the request through requests_app.access (Http404 for a request the user
may not open, and for anything not of that request), parses a form, calls one service, and
redirects; a refusal is shown beside the field it concerns.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from PIL import ImageDraw

from core import roles
from core.forms import GovukForm
from disclosure import access, progress_selectors, selectors
from disclosure.extract import REVIEW_DPI, page_image, review_dpi
from disclosure.forms import (
    AgencyAskForm,
    AgencyForm,
    AgencyReturnForm,
    DocumentAddForm,
    DocumentEditForm,
    NcndDocumentForm,
    NcndRedactionForm,
    OpinionForm,
    PhraseRedactionForm,
    RectangleRedactionForm,
    RemoveForm,
    SpanRedactionForm,
    ThirdPartyDecisionForm,
    ThirdPartyForm,
    WithholdForm,
)
from disclosure.models import AgencyKind, Document, ThirdParty
from disclosure.reading_views import review_context
from disclosure.services import documents as document_services
from disclosure.services import records as record_services
from disclosure.services import redaction as redaction_services
from disclosure.services import returns as return_services
from disclosure.services import review as review_services
from disclosure.services.common import OPINION_GIVERS
from requests_app.models import RightsRequest
from requests_app.services.transitions import available_transitions
from requests_app.viewing import records_view
from rights import ApplicationError, RightKind

# ---------------------------------------------------------------------------------------------------------------------
# Helpers


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def can_record_opinion(user: User) -> bool:
    """Who may record a serious-harm opinion: the roles serious_harm_opinion_record allows (Sch 3)."""
    return bool(roles.roles_of(user) & set(OPINION_GIVERS))


def _today() -> dt.date:
    return timezone.localdate()


def _rr(request: HttpRequest, pk: int) -> RightsRequest:
    """The request, if this user may open it (else Http404), with what every disclosure page heads with."""
    return access.request_get_for_user(
        user=_user(request), pk=pk, queryset=RightsRequest.objects.select_related("subject", "assigned_to")
    )


def _rr_in_full(request: HttpRequest, pk: int) -> RightsRequest:
    """The request for pages about all its records (agencies, adding documents): Http404 for a professional
    reviewer, who sees only the documents referred to them."""
    rr = _rr(request, pk)
    if roles.reviews_only(_user(request)):
        raise Http404("No such request.")
    return rr


def _document(request: HttpRequest, pk: int, document_id: int) -> tuple[RightsRequest, Document]:
    rr = _rr(request, pk)
    return rr, access.document_get_for_user(user=_user(request), pk=document_id, request_pk=rr.pk)


def _overview_url(rr: RightsRequest) -> str:
    return reverse("disclosure:request", args=[rr.pk])


def _document_url(document: Document, **query: Any) -> str:
    url = reverse("disclosure:document", args=[document.request_id, document.pk])
    if query:
        params = QueryDict(mutable=True)
        params.update({k: str(v) for k, v in query.items()})
        url = f"{url}?{params.urlencode()}"
    return url


def _agencies(request: HttpRequest) -> Any:
    return access.agencies_visible_to(_user(request))


def _form_page(
    request: HttpRequest, rr: RightsRequest, form: GovukForm, *, heading: str, submit: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "disclosure/form.html",
        {"rr": rr, "form": form, "heading": heading, "submit": submit, **extra},
        status=400 if form.is_bound and form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------------------------------
# The overview


@records_view
def request_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """Disclosure for one request: agencies asked, documents and their review, third parties, serious harm."""
    user = _user(request)
    rr = _rr(request, pk)
    referred_only = roles.reviews_only(user)
    overview = selectors.disclosure_overview(rr, today=_today(), referred_only=referred_only)
    show_tasks = rr.kind == RightKind.ACCESS.value and not referred_only
    return render(
        request,
        "disclosure/overview.html",
        {
            "rr": rr,
            "overview": overview,
            "task_list": progress_selectors.records_task_list(rr, overview, today=_today()) if show_tasks else None,
            "today": _today(),
            "is_manager": roles.is_manager(user),
            "can_give_opinion": can_record_opinion(user),
            "referred_only": roles.reviews_only(user),
        },
    )


# The steps a check-your-answers page leads to: the caseworker's, then the Manager's.
SIGN_OFF_STEPS = ("submit_for_sign_off", "approve")


@records_view
@require_http_methods(["GET", "HEAD"])
def sign_off_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers before sign-off: what the pack discloses and withholds and why, then the step's button."""
    user = _user(request)
    rr = _rr_in_full(request, pk)
    if rr.kind != RightKind.ACCESS.value:
        raise Http404("Only an access request has a disclosure pack to sign off.")
    today = _today()
    overview = selectors.disclosure_overview(rr, today=today)
    options = available_transitions(request=rr, user=user, today=today)
    step = next((o for name in SIGN_OFF_STEPS for o in options if o.name == name), None)
    return render(
        request,
        "disclosure/check.html",
        {
            "rr": rr,
            "summary": progress_selectors.sign_off_summary(rr, overview),
            "overview": overview,
            "step": step,
            "today": today,
        },
    )


# ---------------------------------------------------------------------------------------------------------------------
# Agencies


@records_view
@require_http_methods(["GET", "POST"])
def agency_new(request: HttpRequest, pk: int) -> HttpResponse:
    rr = _rr_in_full(request, pk)
    form = AgencyForm(request.POST or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            agency = record_services.agency_create(
                by=_user(request),
                name=data["name"],
                kind=data["kind"],
                data_owner=data["data_owner"],
                contact_email=data["contact_email"],
                contact_address=data["contact_address"],
                escalation_contact=data["escalation_contact"],
                escalation_email=data["escalation_email"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"{agency.name} added.")
            return redirect("disclosure:agency_ask", pk=rr.pk)
    return _form_page(request, rr, form, heading="Add an agency", submit="Add the agency")


@records_view
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: int, agency_id: int) -> HttpResponse:
    """An agency's details, reached from a request's page; an agency with no named data owner says so."""
    rr = _rr_in_full(request, pk)
    agency = access.agency_get_for_user(user=_user(request), pk=agency_id)
    initial = {
        "name": agency.name,
        "kind": agency.kind,
        "data_owner": agency.data_owner if agency.data_owner_named else "",
        "contact_email": agency.contact_email,
        "contact_address": agency.contact_address,
        "escalation_contact": agency.escalation_contact,
        "escalation_email": agency.escalation_email,
    }
    form = AgencyForm(request.POST or None, initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            record_services.agency_update(
                by=_user(request),
                agency=agency,
                name=data["name"],
                kind=data["kind"],
                data_owner=data["data_owner"],
                contact_email=data["contact_email"],
                contact_address=data["contact_address"],
                escalation_contact=data["escalation_contact"],
                escalation_email=data["escalation_email"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"{data['name']}'s details saved.")
            return redirect(_overview_url(rr))
    return _form_page(
        request,
        rr,
        form,
        heading=agency.name,
        submit="Save the agency's details",
        warning=None
        if agency.data_owner_named
        else f"{agency.name} has no named data owner yet: every agency needs one. Ask the agency who owns its "
        "records and enter them here.",
    )


def _ask_initial(request: HttpRequest) -> dict[str, Any]:
    """What a link (a confirmed source on the overview) fills in on the "ask an agency" form; only on a GET."""
    if request.method != "GET":
        return {}
    initial: dict[str, Any] = {}
    agency_id = request.GET.get("agency", "")
    if agency_id.isdigit():
        initial["agency"] = _agencies(request).filter(pk=int(agency_id)).first()
    for key, limit in (("new_agency", 200), ("new_agency_data_owner", 200), ("notes", 2000)):
        if request.GET.get(key):
            initial[key] = request.GET[key][:limit]
    if request.GET.get("new_agency_kind") in AgencyKind.values:
        initial["new_agency_kind"] = request.GET["new_agency_kind"]
    return initial


@records_view
@require_http_methods(["GET", "POST"])
def agency_ask(request: HttpRequest, pk: int) -> HttpResponse:
    rr = _rr_in_full(request, pk)
    user = _user(request)
    form = AgencyAskForm(request.POST or None, agencies=_agencies(request), initial=_ask_initial(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            agency = data["agency"] or record_services.agency_get_or_create_by_name(
                by=user,
                name=data["new_agency"],
                kind=data.get("new_agency_kind") or AgencyKind.OTHER,
                data_owner=data.get("new_agency_data_owner") or "",
            )
            asked = return_services.agency_ask(
                by=user,
                request=rr,
                agency=agency,
                requested_on=data.get("requested_on"),
                notes=data.get("notes") or "",
                scope=data.get("scope") or "",
                records_from=data.get("records_from"),
                records_to=data.get("records_to"),
                today=_today(),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            how = (
                "the records request was emailed to its data owner with a return link"
                if asked.agency.contact_email
                else "the records request letter is in the letters register to print and post"
            )
            messages.success(
                request,
                f"{asked.agency.name} asked for its records; due by {asked.due_on.day} {asked.due_on:%B %Y}: {how}.",
            )
            return redirect(_overview_url(rr))
    return _form_page(
        request,
        rr,
        form,
        heading="Ask an agency for its records",
        submit="Record the request",
        intro=f"The agency has {record_services.agency_return_working_days()} working days to return its records. "
        "The service sends its data owner the records request today: by email with a secure return link, or, "
        "with no data owner's email recorded, as a letter to post.",
        add_agency_url=reverse("disclosure:agency_new", args=[rr.pk]),
    )


@records_view
@require_http_methods(["GET", "POST"])
def agency_return(request: HttpRequest, pk: int, agency_request_id: int) -> HttpResponse:
    rr = _rr_in_full(request, pk)
    asked = access.agency_request_get_for_user(user=_user(request), pk=agency_request_id)
    if asked.request_id != rr.pk:
        raise Http404("No such agency request.")
    form = AgencyReturnForm(request.POST or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            record_services.agency_request_receive(
                by=_user(request),
                agency_request=asked,
                received_on=data["received_on"],
                nil_return=data["outcome"] == "nil_return",
                notes=data.get("notes") or "",
                today=_today(),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"{asked.agency.name}'s return recorded.")
            return redirect(_overview_url(rr))
    return _form_page(request, rr, form, heading=f"Record {asked.agency.name}'s return", submit="Record the return")


@require_POST
def agency_chase(request: HttpRequest, pk: int, agency_request_id: int) -> HttpResponse:
    rr = _rr_in_full(request, pk)
    asked = access.agency_request_get_for_user(user=_user(request), pk=agency_request_id)
    if asked.request_id != rr.pk:
        raise Http404("No such agency request.")
    try:
        record_services.agency_request_chase(by=_user(request), agency_request=asked, today=_today())
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{asked.agency.name} chased; the chaser is filed in the letters register.")
    return redirect(_overview_url(rr))


# ---------------------------------------------------------------------------------------------------------------------
# Documents


def _details(data: dict[str, Any]) -> document_services.DocumentDetails:
    return document_services.DocumentDetails(
        title=data["title"],
        agency=data.get("agency"),
        document_date=data.get("document_date"),
        holds_health_data=bool(data.get("holds_health_data")),
        holds_social_work_data=bool(data.get("holds_social_work_data")),
        holds_education_data=bool(data.get("holds_education_data")),
        harm_concern=bool(data.get("harm_concern")),
        subject_already_knows=bool(data.get("subject_already_knows")),
    )


@records_view
@require_http_methods(["GET", "POST"])
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    rr = _rr_in_full(request, pk)
    form = DocumentAddForm(request.POST or None, request.FILES or None, agencies=_agencies(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("file"):
                upload = data["file"]
                document = document_services.document_add_upload(
                    by=_user(request),
                    request=rr,
                    details=_details(data),
                    data=upload.read(),
                    name=upload.name or "",
                    today=_today(),
                )
            else:
                document = document_services.document_add_text(
                    by=_user(request), request=rr, details=_details(data), text=data["text"], today=_today()
                )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"“{document.title}” added ({document.get_source_kind_display().lower()}).")
            return redirect(_document_url(document))
    return _form_page(request, rr, form, heading="Add a document", submit="Add the document", multipart=True)


@records_view
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    rr, document = _document(request, pk, document_id)
    initial = {
        "title": document.title,
        "agency": document.agency,
        "document_date": document.document_date,
        "holds_health_data": document.holds_health_data,
        "holds_social_work_data": document.holds_social_work_data,
        "holds_education_data": document.holds_education_data,
        "harm_concern": document.harm_concern,
        "subject_already_knows": document.subject_already_knows,
    }
    form = DocumentEditForm(request.POST or None, initial=initial, agencies=_agencies(request))
    if form.is_bound and form.is_valid():
        try:
            document_services.document_update_details(
                by=_user(request),
                document=document,
                details=_details(form.cleaned_data),
                reason=form.cleaned_data.get("reason") or "",
                today=_today(),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, "Details saved.")
            return redirect(_document_url(document))
    return _form_page(
        request, rr, form, heading=f"Details of “{document.title}”", submit="Save", back_url=_document_url(document)
    )


def _corner(value: str | None) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _page_dpi(page_info: dict[str, Any] | None) -> float:
    """The resolution the page image is drawn at: REVIEW_DPI, less for a page too big (extract.review_dpi)."""
    if not page_info:
        return float(REVIEW_DPI)
    return review_dpi(float(page_info["width"]), float(page_info["height"]))


def _rectangle_initial(request: HttpRequest, page: int, dpi: float = REVIEW_DPI) -> dict[str, Any]:
    """Two clicks on the page image (a no-JavaScript image button) give the rectangle's opposite corners."""
    scale = 72 / dpi
    click_x, click_y = _corner(request.GET.get("corner.x")), _corner(request.GET.get("corner.y"))
    first_x, first_y = _corner(request.GET.get("fx")), _corner(request.GET.get("fy"))
    initial: dict[str, Any] = {"page": page}
    if click_x is None or click_y is None:
        return initial
    x, y = round(click_x * scale, 1), round(click_y * scale, 1)
    if first_x is None or first_y is None:
        initial["first_corner"] = (x, y)
        return initial
    initial.update(x0=min(first_x, x), top=min(first_y, y), x1=max(first_x, x), bottom=max(first_y, y))
    return initial


def _review_page(
    request: HttpRequest, rr: RightsRequest, document: Document, *, bound: dict[str, GovukForm] | None = None
) -> HttpResponse:
    document = selectors.document_for_review(document)
    bound = bound or {}
    page_numbers = list(range(1, document.page_count + 1)) if document.has_pages else []
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    if page_numbers and page not in page_numbers:
        page = 1
    page_info = document.page(page) if page_numbers else None
    dpi = _page_dpi(page_info)
    rect_initial = _rectangle_initial(request, page, dpi) if page_numbers else {}
    first_corner = rect_initial.pop("first_corner", None)
    forms: dict[str, GovukForm] = {
        "phrase_form": PhraseRedactionForm(),
        "span_form": SpanRedactionForm(),
        "rect_form": RectangleRedactionForm(initial=rect_initial),
        "withhold_form": WithholdForm(),
        "ncnd_form": NcndDocumentForm(),
        **bound,
    }
    redactions = list(document.redactions.all())
    ncnd_ids = {flag.redaction_id for flag in document.ncnd_flags.all() if flag.redaction_id}
    return render(
        request,
        "disclosure/document_review.html",
        {
            "rr": rr,
            "document": document,
            "segments": selectors.text_segments(document.text, redactions) if document.text else [],
            "redactions": [(r, r.pk in ncnd_ids) for r in redactions],
            "counts": selectors.redaction_counts(document),
            "ncnd": selectors.document_is_ncnd(document),
            "page_numbers": page_numbers,
            "page": page,
            "page_info": page_info,
            "page_boxes": [box for box, _ in selectors.boxes_on_page(document, page)] if page_numbers else [],
            "first_corner": first_corner,
            "image_width": round(float(page_info["width"]) * dpi / 72) if page_info else None,
            "image_height": round(float(page_info["height"]) * dpi / 72) if page_info else None,
            "points_per_pixel": f"{72 / dpi:.6f}",
            "is_manager": roles.is_manager(_user(request)),
            **review_context(document),
            **forms,
        },
        status=400 if any(f.is_bound and f.errors for f in bound.values()) else 200,
    )


@records_view
def document_review(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    rr, document = _document(request, pk, document_id)
    return _review_page(request, rr, document)


@records_view
def page_image_view(request: HttpRequest, pk: int, document_id: int, number: int) -> HttpResponse:
    """A page drawn at 100 dpi with the redaction boxes outlined, served only to those who may open the request."""
    _, document = _document(request, pk, document_id)
    if not document.has_pages or not document.original or not 1 <= number <= document.page_count:
        raise Http404("No such page.")
    with document.original.open("rb") as source:
        data = source.read()
    image = page_image(data, is_pdf=document.media_type == "application/pdf", number=number, dpi=REVIEW_DPI)
    if request.GET.get("boxes") != "0":
        draw = ImageDraw.Draw(image, "RGBA")
        scale = _page_dpi(document.page(number)) / 72
        for box, _ in selectors.boxes_on_page(selectors.document_for_review(document), number):
            draw.rectangle(
                (box.x0 * scale, box.top * scale, box.x1 * scale, box.bottom * scale),
                fill=(255, 221, 0, 110),
                outline=(212, 53, 28, 255),
                width=3,
            )
    out = io.BytesIO()
    image.save(out, format="PNG")
    response = HttpResponse(out.getvalue(), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


def _redaction_post(
    request: HttpRequest, pk: int, document_id: int, form_name: str, form: GovukForm, act: Any
) -> HttpResponse:
    rr, document = _document(request, pk, document_id)
    if form.is_valid():
        try:
            message = act(document, form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, message)
            return redirect(_document_url(document, page=request.POST.get("page_view", "1")))
    return _review_page(request, rr, document, bound={form_name: form})


@require_POST
def redact_phrase(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    def act(document: Document, data: dict[str, Any]) -> str:
        created = redaction_services.redact_phrase(
            by=_user(request),
            document=document,
            phrase=data["phrase"],
            exemption=data["exemption"],
            reason=data["reason"],
        )
        return f"{len(created)} occurrence{'s' if len(created) != 1 else ''} redacted."

    return _redaction_post(request, pk, document_id, "phrase_form", PhraseRedactionForm(request.POST), act)


@require_POST
def redact_span(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    def act(document: Document, data: dict[str, Any]) -> str:
        redaction_services.redaction_add_span(
            by=_user(request),
            document=document,
            start=data["start"],
            end=data["end"],
            exemption=data["exemption"],
            reason=data["reason"],
        )
        return "Redaction added."

    return _redaction_post(request, pk, document_id, "span_form", SpanRedactionForm(request.POST), act)


@require_POST
def redact_rectangle(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    def act(document: Document, data: dict[str, Any]) -> str:
        redaction_services.redaction_add_rectangle(
            by=_user(request),
            document=document,
            page=data["page"],
            x0=data["x0"],
            top=data["top"],
            x1=data["x1"],
            bottom=data["bottom"],
            exemption=data["exemption"],
            reason=data["reason"],
        )
        return f"Area of page {data['page']} redacted."

    return _redaction_post(request, pk, document_id, "rect_form", RectangleRedactionForm(request.POST), act)


@require_POST
def document_withhold(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    def act(document: Document, data: dict[str, Any]) -> str:
        document_services.document_withhold(
            by=_user(request), document=document, exemption=data["exemption"], reason=data["reason"]
        )
        return "The whole document is withheld."

    return _redaction_post(request, pk, document_id, "withhold_form", WithholdForm(request.POST), act)


@require_POST
def document_ncnd(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    def act(document: Document, data: dict[str, Any]) -> str:
        review_services.ncnd_flag_document(
            by=_user(request), document=document, exemption=data["exemption"], reason=data["reason"]
        )
        return "Flagged neither confirm nor deny; a Manager must approve it."

    return _redaction_post(request, pk, document_id, "ncnd_form", NcndDocumentForm(request.POST), act)


def _simple_post(request: HttpRequest, back: str, act: Any) -> HttpResponse:
    try:
        message = act()
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message)
    return redirect(back)


@require_POST
def document_reviewed(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    _, document = _document(request, pk, document_id)

    def act() -> str:
        document_services.document_mark_reviewed(by=_user(request), document=document)
        return f"“{document.title}” marked reviewed."

    return _simple_post(request, _document_url(document), act)


@require_POST
def document_release(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    _, document = _document(request, pk, document_id)

    def act() -> str:
        document_services.document_release(by=_user(request), document=document, reason=request.POST.get("reason", ""))
        return "The document is no longer withheld in full."

    return _simple_post(request, _document_url(document), act)


@records_view
@require_http_methods(["GET", "POST"])
def redaction_remove(request: HttpRequest, pk: int, redaction_id: int) -> HttpResponse:
    rr = _rr(request, pk)
    redaction = access.redaction_get_for_user(user=_user(request), pk=redaction_id)
    if redaction.document.request_id != rr.pk:
        raise Http404("No such redaction.")
    form = RemoveForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            redaction_services.redaction_remove(
                by=_user(request), redaction=redaction, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, "Redaction removed; the document needs review again.")
            return redirect(_document_url(redaction.document))
    return _form_page(
        request,
        rr,
        form,
        heading="Remove a redaction",
        submit="Remove the redaction",
        intro=f"“{redaction.text[:200]}” ({redaction.exemption_code}) will be disclosed.",
        back_url=_document_url(redaction.document),
    )


@records_view
@require_http_methods(["GET", "POST"])
def redaction_ncnd(request: HttpRequest, pk: int, redaction_id: int) -> HttpResponse:
    rr = _rr(request, pk)
    redaction = access.redaction_get_for_user(user=_user(request), pk=redaction_id)
    if redaction.document.request_id != rr.pk:
        raise Http404("No such redaction.")
    form = NcndRedactionForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            review_services.ncnd_flag_redaction(
                by=_user(request), redaction=redaction, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, "Flagged neither confirm nor deny; a Manager must approve it.")
            return redirect(_document_url(redaction.document))
    return _form_page(
        request,
        rr,
        form,
        heading="Neither confirm nor deny this redaction",
        submit="Flag it",
        intro="It will be left out of every count and schedule the requester sees.",
        back_url=_document_url(redaction.document),
    )


@require_POST
def ncnd_approve(request: HttpRequest, pk: int, flag_id: int) -> HttpResponse:
    rr = _rr(request, pk)
    flag = access.ncnd_flag_get_for_user(user=_user(request), pk=flag_id)
    if flag.request_id != rr.pk:
        raise Http404("No such flag.")

    def act() -> str:
        review_services.ncnd_approve(by=_user(request), flag=flag)
        return "Neither-confirm-nor-deny flag approved."

    return _simple_post(request, _overview_url(rr), act)


@records_view
@require_http_methods(["GET", "POST"])
def ncnd_remove(request: HttpRequest, pk: int, flag_id: int) -> HttpResponse:
    rr = _rr(request, pk)
    flag = access.ncnd_flag_get_for_user(user=_user(request), pk=flag_id)
    if flag.request_id != rr.pk:
        raise Http404("No such flag.")
    form = RemoveForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            review_services.ncnd_remove(by=_user(request), flag=flag, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, "Neither-confirm-nor-deny flag removed.")
            return redirect(_overview_url(rr))
    return _form_page(request, rr, form, heading="Remove a neither-confirm-nor-deny flag", submit="Remove the flag")


# ---------------------------------------------------------------------------------------------------------------------
# Third parties and serious harm


def _third_party_details(data: dict[str, Any]) -> review_services.ThirdPartyDetails:
    return review_services.ThirdPartyDetails(
        name=data["name"],
        description=data.get("description") or "",
        other_spellings=data.get("other_spellings") or "",
        is_professional_in_role=bool(data.get("is_professional_in_role")),
        consent=data["consent"],
        consent_reason=data.get("consent_reason") or "",
        consent_asked_on=data.get("consent_asked_on"),
        consent_answered_on=data.get("consent_answered_on"),
        document=data.get("document"),
    )


@records_view
@require_http_methods(["GET", "POST"])
def third_party_add(request: HttpRequest, pk: int) -> HttpResponse:
    rr = _rr(request, pk)
    documents = access.documents_visible_to(_user(request), Document.objects.filter(request=rr))
    form = ThirdPartyForm(request.POST or None, documents=documents)
    if form.is_bound and form.is_valid():
        try:
            review_services.third_party_add(
                by=_user(request), request=rr, details=_third_party_details(form.cleaned_data), today=_today()
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, "Third party recorded.")
            return redirect(_overview_url(rr))
    return _form_page(request, rr, form, heading="Record a third party", submit="Record them")


@records_view
@require_http_methods(["GET", "POST"])
def third_party_edit(request: HttpRequest, pk: int, third_party_id: int) -> HttpResponse:
    rr = _rr(request, pk)
    party = access.third_party_get_for_user(user=_user(request), pk=third_party_id)
    if party.request_id != rr.pk:
        raise Http404("No such third party.")
    documents = access.documents_visible_to(_user(request), Document.objects.filter(request=rr))
    details_form = ThirdPartyForm(
        request.POST if request.POST.get("form") == "details" else None,
        documents=documents,
        initial=_third_party_initial(party),
        prefix="details",
    )
    decision_form = ThirdPartyDecisionForm(
        request.POST if request.POST.get("form") == "decision" else None,
        initial={"reasonable_to_disclose": party.reasonable_to_disclose, "decision_reasons": party.decision_reasons},
        prefix="decision",
    )
    if details_form.is_bound and details_form.is_valid():
        try:
            review_services.third_party_update(
                by=_user(request),
                third_party=party,
                details=_third_party_details(details_form.cleaned_data),
                today=_today(),
            )
        except ApplicationError as error:
            details_form.add_application_error(error)
        else:
            messages.success(request, "Third party details saved.")
            return redirect(_overview_url(rr))
    if decision_form.is_bound and decision_form.is_valid():
        try:
            review_services.third_party_decide(
                by=_user(request),
                third_party=party,
                reasonable_to_disclose=decision_form.cleaned_data["reasonable_to_disclose"] == "yes",
                reasons=decision_form.cleaned_data["decision_reasons"],
            )
        except ApplicationError as error:
            decision_form.add_application_error(error)
        else:
            messages.success(request, "Decision recorded.")
            return redirect(_overview_url(rr))
    bound_with_errors = any(f.is_bound and f.errors for f in (details_form, decision_form))
    return render(
        request,
        "disclosure/third_party.html",
        {"rr": rr, "party": party, "details_form": details_form, "decision_form": decision_form},
        status=400 if bound_with_errors else 200,
    )


def _third_party_initial(party: ThirdParty) -> dict[str, Any]:
    return {
        "name": party.name,
        "description": party.description,
        "other_spellings": party.other_spellings,
        "document": party.document,
        "is_professional_in_role": party.is_professional_in_role,
        "consent": party.consent,
        "consent_reason": party.consent_reason,
        "consent_asked_on": party.consent_asked_on,
        "consent_answered_on": party.consent_answered_on,
    }


@records_view
@require_http_methods(["GET", "POST"])
def opinion_add(request: HttpRequest, pk: int) -> HttpResponse:
    rr = _rr(request, pk)
    if not can_record_opinion(_user(request)):
        raise PermissionDenied  # refused before the form is filled in, not after (the link is not offered either)
    form = OpinionForm(request.POST or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            review_services.serious_harm_opinion_record(
                by=_user(request),
                request=rr,
                details=review_services.OpinionDetails(
                    professional_name=data["professional_name"],
                    professional_role=data["professional_role"],
                    opinion_date=data["opinion_date"],
                    opinion=data["opinion"],
                    conclusion=data["conclusion"],
                    area=data["area"],
                ),
                today=_today(),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, "Serious-harm opinion recorded.")
            return redirect(_overview_url(rr))
    return _form_page(
        request,
        rr,
        form,
        heading="Record a serious-harm opinion",
        submit="Record the opinion",
        intro="The opinion of an appropriate professional on whether disclosure would be likely to cause serious "
        "harm (DPA 2018 Schedule 3). It can be relied on for six months; after that it must be renewed.",
    )
