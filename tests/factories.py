"""Test factories (Faker locale en_GB). Requests are made through the real service, so their
due dates and first events are what production would write."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from core import roles
from requests_app.models import Person, RightsRequest
from requests_app.services.evidence import ActingDetails
from requests_app.services.requests import PersonDetails, request_create
from rights import Authority, RepresentativeRole, RightKind

factory.Faker._DEFAULT_LOCALE = "en_GB"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            # get_or_create: a transactional test flushes the groups the migration made.
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
        if create:
            self.save()


def manager(username: str = "manager") -> User:
    return UserFactory(username=username, role=roles.MANAGER)


def caseworker(username: str = "caseworker") -> User:
    return UserFactory(username=username, role=roles.CASEWORKER)


def reviewer(username: str = "reviewer") -> User:
    return UserFactory(username=username, role=roles.REVIEWER)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Faker("name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=4, maximum_age=17)
    address = factory.Faker("address")


def make_request(
    *,
    kind: RightKind = RightKind.ACCESS,
    received: dt.date | None = None,
    by: User | None = None,
    subject_name: str = "Alex Example",
    subject_dob: dt.date | None = dt.date(2012, 5, 1),
    requester_name: str | None = None,
    role: RepresentativeRole = RepresentativeRole.SELF,
    authority: Authority | None = None,
    assigned_to: User | None = None,
    today: dt.date | None = None,
) -> RightsRequest:
    """A freshly logged request, through request_create (by=None: as the command line would)."""
    received = received or dt.date.today()
    return request_create(
        by=by,
        kind=kind,
        received=received,
        subject=PersonDetails(
            full_name=subject_name, date_of_birth=subject_dob, address="1 High Street, Stockport SK1 1AA"
        ),
        requester=PersonDetails(full_name=requester_name, address="1 High Street, Stockport SK1 1AA")
        if requester_name
        else None,
        role=role,
        authority=authority,
        assigned_to=assigned_to,
        summary="All records held about me",
        today=today or max(received, dt.date.today()),
    )


# State machines: verified requests, a stand-in for the letters service, and walking a request through steps.


class FakeLetters:
    """Stands in for letter_generate: files a register row per letter and remembers what it was asked."""

    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    def __call__(
        self,
        *,
        request: RightsRequest,
        template: str,
        by: User | None,
        method: str = "post",
        context: dict[str, object] | None = None,
        today: dt.date | None = None,
    ) -> object:
        from requests_app.models import Letter, LetterDirection

        self.calls.append({"template": template, "by": by, "method": method, "context": dict(context or {})})
        return Letter.objects.create(
            request=request,
            direction=LetterDirection.OUT,
            date=today or dt.date.today(),
            method=method,
            addressee=request.addressee.full_name,
            summary=f"{template} (test stand-in)",
            template=template,
            created_by=by,
        )

    @property
    def templates(self) -> list[str]:
        return [str(call["template"]) for call in self.calls]


# What each step's form would supply, so a test can walk a request through its machine.
STEP_INPUTS: dict[str, dict[str, str]] = {
    "refuse": {"refusal_ground": "manifestly_excessive", "decision_reasons": "The sixth identical request this month."},
    "send_back": {"reason": "Third-party names on page 4 are not redacted."},
    "reopen_review": {"reason": "A neighbour's name is visible on page 12: redact it before the pack goes."},
    "ask_clarification": {
        "clarification_question": "Which review do you mean: 2019 or 2023?",
        "clarification_reason": "We hold records about you from two reviews and several agencies.",
    },
    "extend": {"extension_reason": "Records from six agencies, some on paper."},
    "withdraw": {"reason": "The requester withdrew by phone."},
    "rectify": {"decision_reasons": "The date of birth was corrected to 1 May 2012."},
    "erase": {
        "erasure_method": "destroy",
        "reason": "No exemption applies: the review concluded.",
        "decision_reasons": "The duplicate referral record was erased.",
    },
    "restrict": {
        "restriction_basis": "accuracy_contested",
        "decision_reasons": "The accuracy of the record is contested (Art 18(1)(a)).",
    },
    "uphold": {"decision_reasons": "The 2024 learning review stops using the data."},
    "reject": {"refusal_ground": "compelling_grounds", "decision_reasons": "The statutory review must go on."},
    "notify_recipients": {"reason": "Police, health and education were told by secure email."},
    "give_lift_notice": {"reason": "The accuracy check is finished."},
    "lift": {"reason": "Notice period over."},
    "add_supplementary_statement": {"supplementary_statement": "I say the incident did not happen."},
    "ask_fee": {
        "fee_basis": "manifestly_excessive",
        "fee_amount": "25.00",
        "fee_reason": "The fourth request for the same records this year: two hours of staff time at £12.50.",
    },
    "waive_fee": {"reason": "The requester explained the repeat: a lost copy."},
}
DECLINE_INPUTS: dict[str, dict[str, str]] = {
    "rectification": {"refusal_ground": "data_accurate", "decision_reasons": "The record matches the school's own."},
    "erasure": {"refusal_ground": "public_task", "decision_reasons": "The review is still running."},
    "restriction": {"refusal_ground": "conditions_not_met", "decision_reasons": "No Art 18(1) condition applies."},
}


def verify_identity(
    request: RightsRequest, *, by: User, on: dt.date, acting: ActingDetails | None = None
) -> RightsRequest:
    """Record identity (and, for a representative, authority) arrived and seen on `on`, through the evidence service."""
    from requests_app.models import EvidenceKind
    from requests_app.services.evidence import evidence_record

    evidence_record(
        request_id=request.pk,
        by=by,
        kind=EvidenceKind.IDENTITY,
        description="Passport ending 123",
        seen_on=on,
        received_on=on,
        today=on,
    )
    if request.requester_id is not None:
        evidence_record(
            request_id=request.pk,
            by=by,
            kind=EvidenceKind.AUTHORITY,
            description="Birth certificate naming the parent",
            seen_on=on,
            received_on=on,
            acting=acting if acting is not None else acting_details_for(request),
            today=on,
        )
    return RightsRequest.objects.get(pk=request.pk)


def pr_shown() -> ActingDetails:
    """A birth mother, shown by the birth certificate (Children Act 1989 s2(2)(a))."""
    from rights.people import EvidenceDocument, ParentalResponsibilityBasis

    return ActingDetails(
        pr_basis=ParentalResponsibilityBasis.BIRTH_MOTHER, pr_evidence=frozenset({EvidenceDocument.BIRTH_CERTIFICATE})
    )


def acting_details_for(request: RightsRequest) -> ActingDetails | None:
    """Authority evidence that shows a basis good for the request: a birth mother's birth certificate, a deputy
    whose order covers both areas, a registered health and welfare attorney for a donor who lacks capacity."""
    from rights.people import AffairsArea, PowerKind

    if request.authority == Authority.PARENTAL_RESPONSIBILITY.value:
        return pr_shown()
    if request.role is RepresentativeRole.DEPUTY and request.authority == Authority.COURT_ORDER.value:
        return ActingDetails(affairs=AffairsArea.HEALTH_AND_WELFARE, deputy_order_covers=frozenset(AffairsArea))
    if request.authority == Authority.LASTING_POWER_OF_ATTORNEY.value:
        return ActingDetails(
            affairs=AffairsArea.HEALTH_AND_WELFARE,
            power_kind=PowerKind.LPA_HEALTH_AND_WELFARE,
            power_registered_on=request.received,
            power_made_on=request.received,
            donor_lacks_capacity=True,
        )
    return None


SEARCH_SCOPE = {
    "holdings_and_agencies": "Every review and audit the partnership holds; the agencies named in them were asked.",
    "exclusions": "Nothing was left out.",
    "cap_reason": "Fewer hits came back than the cap.",
}


def keep_subject_search(
    request: RightsRequest, *, by: User, confirm: Iterable[object] = (), scope: bool = True
) -> object:
    """A subject search kept for the request (by its reference), run with the subject's details as the request page
    fills them in, with every hit decided (`confirm`ed records, else rejected) and, unless scope=False, its scope
    recorded: the search record an access request's sign-off needs (UK GDPR Art 15(1A)).

    With nothing held about the subject the run has no hits: the search is complete and found nothing.
    """
    from reviews.models import HitDecision
    from reviews.search import SearchCriteria
    from reviews.services import SearchScope, search_hit_decide, search_run_create, search_run_record_scope

    wanted = {getattr(record, "pk", record) for record in confirm}
    subject = request.subject
    run = search_run_create(
        by=by,
        criteria=SearchCriteria(
            name=subject.full_name,
            previous_names=tuple(line.strip() for line in subject.previous_names.splitlines() if line.strip()),
            date_of_birth=subject.date_of_birth,
            address=subject.address,
        ),
        request_reference=request.reference,
    )
    for hit in run.hits.all():
        decision = HitDecision.CONFIRMED if hit.record_id in wanted else HitDecision.REJECTED
        search_hit_decide(hit=hit, by=by, decision=decision)
    if scope:
        run = search_run_record_scope(run=run, by=by, scope=SearchScope(**SEARCH_SCOPE))
    return run


def _needs_search_record(request: RightsRequest) -> bool:
    from reviews.models import SubjectSearchRun

    latest = SubjectSearchRun.objects.filter(request_reference=request.reference).order_by("-run_at", "-pk").first()
    return request.kind == RightKind.ACCESS and (latest is None or not latest.scope_recorded)


def mark_complex(
    request: RightsRequest, *, by: User | None, ground: str = "complex", numerous_with: Iterable[RightsRequest] = ()
) -> RightsRequest:
    """Record the Art 12A ground that allows an extension, through the service (complex unless told otherwise)."""
    from requests_app.services.requests import request_set_complex

    return request_set_complex(
        request_id=request.pk,
        by=by,
        is_complex=True,
        ground=ground,
        numerous_with=[other.pk for other in numerous_with],
        reason="Records from six agencies, some on paper.",
    )


def take_steps(
    request: RightsRequest,
    *names: str,
    user: User | None,
    today: dt.date,
    data: dict[str, dict[str, str]] | None = None,
) -> RightsRequest:
    """Take each named step in turn through request_transition, with STEP_INPUTS unless `data` says otherwise.

    Before "extend" on a request with no Art 12A ground recorded, the ground is recorded as a caseworker
    would (complex, with the extension's reason), since the law allows no extension without it. Before
    "submit_for_sign_off" on an access request with no search record, a search is kept as a caseworker would
    (from the request's details, every hit rejected, its scope recorded), since sign-off needs one (Art 15(1A)).
    Before "approve" on an access request none of whose agencies has been asked, each agency is asked and agrees
    with its redactions (`owners_agree`), since approval needs their sign-off; a test about that gate asks itself.
    Before "approve" on an access request with no verified preview, one is recorded (`preview_made`).
    Before "approve" on a request from a person with parental responsibility or a deputy with no best-interests
    decision, disclosure is recorded as in the subject's best interests (DPA 2018 Sch 3 Pt 5 para 21).
    """
    from requests_app.services.transitions import request_transition

    for name in names:
        inputs = (data or {}).get(name, STEP_INPUTS.get(name, {}))
        if name == "extend" and not RightsRequest.objects.get(pk=request.pk).extension_ground:
            request = mark_complex(request, by=user)
        if name == "submit_for_sign_off" and user is not None and _needs_search_record(request):
            keep_subject_search(request, by=user)
        if name == "approve" and user is not None and _no_owner_asked(request):
            owners_agree(request, by=user)
        if name == "approve" and user is not None and _needs_preview(request):
            preview_made(request, by=user, on=today)
        if name == "approve" and user is not None:
            _best_interests_decided(request, by=user, today=today)
        request = request_transition(
            request_id=request.pk,
            user=user,
            transition=name,
            expected_version=RightsRequest.objects.get(pk=request.pk).version,
            data=inputs,
            today=today,
        )
    return request


# Deadlines in motion: Celery in-process for tests that are not about the broker, and bulk requests.


class celery_eager:
    """Run Celery tasks in-process, even when CELERY_BROKER_URL is set (CI's second run sets it for the broker tests)."""

    def __enter__(self) -> None:
        from config.celery import app

        self._saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
        app.conf.task_always_eager = True
        app.conf.task_eager_propagates = True

    def __exit__(self, *exc: object) -> None:
        from config.celery import app

        app.conf.task_always_eager, app.conf.task_eager_propagates = self._saved


def bulk_open_requests(
    count: int,
    *,
    due: dt.date,
    received: dt.date,
    assigned_to: User | None = None,
    prefix: str = "RR-BULK-",
    status: str = "in_progress",
) -> list[RightsRequest]:
    """Requests in bulk (no history: fixtures only), all in one status (in progress) with the same due date."""

    people = Person.objects.bulk_create([Person(full_name=f"Bulk Person {i}") for i in range(count)])
    return RightsRequest.objects.bulk_create(
        [
            RightsRequest(
                reference=f"{prefix}{i:06d}",
                kind="access",
                received=received,
                due_date=due,
                first_month_due=due,
                status=status,
                subject=person,
                assigned_to=assigned_to,
            )
            for i, person in enumerate(people)
        ]
    )


# Disclosure packs and delivery: an access request with real documents of every kind,
# redacted, reviewed and (by default) signed off.

PACK_SECRETS = ("Jane Doe", "12 Acacia Avenue", "Bob Smith-Jones", "Carol Quill")
PACK_SUBJECT_DOB = dt.date(2016, 5, 1)


@functools.cache
def _health_visitor_notes_pdf() -> bytes:
    """A two-page PDF with a text layer, written once per test process (the same bytes every time)."""
    import weasyprint

    pdf: bytes = weasyprint.HTML(
        string="<p style='font-size:12pt'>Health visitor notes. Alex was seen at clinic.</p>"
        "<p style='font-size:12pt'>Information from Bob Smith-Jones, a neighbour: concerns about noise.</p>"
        "<p style='font-size:12pt; break-before: page'>Page two: bob smith-jones called the clinic again.</p>"
    ).write_pdf()
    return pdf


@functools.cache
def _scan_pdf_with_pixels(text: str) -> bytes:
    """A scanner's PDF: one page that is only an image, with `text` drawn into its pixels (no text layer)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (850, 1100), "white")
    ImageDraw.Draw(image).text((100, 150), text, font=ImageFont.load_default(size=28), fill="black")
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=100.0)
    return out.getvalue()


@functools.cache
def _png_with_pixels(text: str) -> bytes:
    import io

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (900, 600), "white")
    ImageDraw.Draw(image).text((60, 80), text, font=ImageFont.load_default(size=30), fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(150, 150))
    return out.getvalue()


def pack_case(
    *,
    manager_user: User,
    caseworker_user: User,
    received: dt.date = dt.date(2026, 3, 2),
    today: dt.date = dt.date(2026, 3, 16),
    approve: bool = True,
    title: str = "Referral",
) -> RightsRequest:
    """A parent's access request for a child's records: a text document, a PDF with text, a scanned PDF and a
    photo, each with PACK_SECRETS redacted (by phrase, span and rectangle), a third party judged not reasonable
    to disclose, everything reviewed, and (unless approve=False) submitted and approved."""
    from disclosure.services.documents import (
        DocumentDetails,
        document_add_text,
        document_add_upload,
        document_mark_reviewed,
    )
    from disclosure.services.records import agency_get_or_create_by_name
    from disclosure.services.redaction import redact_phrase, redaction_add_rectangle, redaction_add_span
    from disclosure.services.review import ThirdPartyDetails, third_party_add, third_party_decide

    request = make_request(
        received=received,
        today=received,
        subject_name="Alex Example",
        subject_dob=PACK_SUBJECT_DOB,  # under the consent age: no child's consent is needed
        requester_name="Sam Example",
        role=RepresentativeRole.PARENT,
        authority=Authority.PARENTAL_RESPONSIBILITY,
        assigned_to=caseworker_user,
    )
    request = verify_identity(request, by=caseworker_user, on=received)
    request = take_steps(request, "start_work", "gather_records", "begin_review", user=caseworker_user, today=today)
    police = agency_get_or_create_by_name(by=caseworker_user, name="Greater Manchester Police")
    health = agency_get_or_create_by_name(by=caseworker_user, name="Stockport NHS Foundation Trust")
    worker = caseworker_user

    text = (
        "Referral received by telephone.\n\n"
        "The caller, Jane Doe, of 12 Acacia Avenue, reported concerns about Alex.\n"
        "She asked that her name is not shared.\n\n"
        "Jane Doe rang again the next day. The duty social worker, Pat Lee, visited.\n"
    )
    text_doc = document_add_text(
        by=worker,
        request=request,
        details=DocumentDetails(title=title, agency=police, document_date=dt.date(2026, 2, 1)),
        text=text,
        today=today,
    )
    redact_phrase(by=worker, document=text_doc, phrase="Jane Doe", exemption="third_party")
    start = text.index("12 Acacia Avenue")
    redaction_add_span(by=worker, document=text_doc, start=start, end=start + 16, exemption="third_party")

    pdf = _health_visitor_notes_pdf()
    pdf_doc = document_add_upload(
        by=worker,
        request=request,
        details=DocumentDetails(title="Health visitor notes", agency=health, document_date=dt.date(2026, 2, 10)),
        data=pdf,
        name="notes.pdf",
        today=today,
    )
    redact_phrase(by=worker, document=pdf_doc, phrase="Bob Smith-Jones", exemption="third_party")

    scan_doc = document_add_upload(
        by=worker,
        request=request,
        details=DocumentDetails(title="Scanned letter", agency=police, document_date=dt.date(2026, 2, 12)),
        data=_scan_pdf_with_pixels("Letter from Carol Quill"),
        name="scan.pdf",
        today=today,
    )
    # The words sit at about (100, 150)-(420, 185) px at 100 dpi: (72, 108)-(302, 133) pt.
    redaction_add_rectangle(
        by=worker, document=scan_doc, page=1, x0=70, top=100, x1=320, bottom=140, exemption="third_party"
    )
    photo_doc = document_add_upload(
        by=worker,
        request=request,
        details=DocumentDetails(title="Photo of a note", agency=health),
        data=_png_with_pixels("Note by Carol Quill"),
        name="note.png",
        today=today,
    )
    redaction_add_rectangle(
        by=worker, document=photo_doc, page=1, x0=25, top=30, x1=230, bottom=70, exemption="third_party"
    )
    party = third_party_add(
        by=worker,
        request=request,
        details=ThirdPartyDetails(
            name="Carol Quill", description="neighbour", consent_reason="Asking would alert the family."
        ),
        today=today,
    )
    third_party_decide(
        by=worker, third_party=party, reasonable_to_disclose=False, reasons="No consent; not a professional."
    )
    for document in (text_doc, pdf_doc, scan_doc, photo_doc):
        document_mark_reviewed(by=worker, document=document)
    if approve:
        request = take_steps(request, "submit_for_sign_off", user=worker, today=today)
        owners_agree(request, by=worker)
        request = take_steps(request, "approve", user=manager_user, today=today)
    return RightsRequest.objects.get(pk=request.pk)


def _best_interests_decided(request: RightsRequest, *, by: User, today: dt.date) -> None:
    from requests_app.guards import child_abuse_data_considered
    from requests_app.services.evidence import best_interests_record
    from rights.people import BestInterests

    fresh = RightsRequest.objects.get(pk=request.pk)
    if child_abuse_data_considered(fresh) is None:
        return
    best_interests_record(
        request_id=fresh.pk,
        by=by,
        decision=BestInterests.IN,
        reasons="The records hold nothing the parent does not already know; sharing them supports the child.",
        decided_on=max(fresh.received, min(today, dt.date.today())),
        today=today,
    )


def _needs_preview(request: RightsRequest) -> bool:
    from disclosure.models import Pack, PackStatus

    return (
        RightsRequest.objects.get(pk=request.pk).kind == "access"
        and not Pack.objects.filter(request_id=request.pk, preview=True, status=PackStatus.VERIFIED).exists()
    )


def preview_made(request: RightsRequest, *, by: User | None, on: dt.date | None = None) -> object:
    """A verified preview of the records as they are now, as the pack service leaves one once rendered: recorded
    directly, with the fingerprint of its inputs, since rendering a real preview (tests/disclosure/test_pack_service.py)
    is slow and approval only asks that a current one exists."""
    from disclosure.models import Pack, PackStatus
    from disclosure.pack.build import build_inputs

    letter_date = on or timezone.localdate()
    fresh = RightsRequest.objects.select_related("subject", "requester", "assigned_to").get(pk=request.pk)
    inputs = build_inputs(fresh, preview=True, letter_date=letter_date, by=by)
    return Pack.objects.create(
        request_id=request.pk,
        preview=True,
        status=PackStatus.VERIFIED,
        progress=100,
        created_by=by,
        letter_date=letter_date,
        inputs_hash=inputs.fingerprint(),
    )


def _no_owner_asked(request: RightsRequest) -> bool:
    """An access request none of whose agencies has been asked to check its redactions yet."""
    from disclosure.models import OwnerReview

    return request.kind == RightKind.ACCESS.value and not OwnerReview.objects.filter(request_id=request.pk).exists()


def owners_agree(request: RightsRequest, *, by: User) -> None:
    """Each agency whose records are in the request is asked, through its link, and agrees with its redactions."""
    from disclosure.owner_selectors import agencies_in_pack
    from disclosure.services.delivery import PortalVisitor
    from disclosure.services.owner_reviews import owner_review_answer, owner_review_ask

    for agency in agencies_in_pack(request):
        if not agency.owner_email:
            agency.contact_email = f"owner{agency.pk}@agency.example"
            agency.save()
        review, _ = owner_review_ask(by=by, request=request, agency=agency)
        owner_review_answer(
            review_id=review.pk,
            agrees=True,
            reason="",
            name="Dana Owner",
            visitor=PortalVisitor(ip_address=None, user_agent="factory"),
        )


def sign_in(client: object, user: User) -> None:
    """Sign a test client in as a member of staff: every test and the crawl sign in through here.

    One entry point that also passes the second factor: the user gets a confirmed authenticator-app device (kept
    if they have one) and the session is marked verified with it, as django_otp.login does after a right code.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[attr-defined]
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session  # type: ignore[attr-defined]
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def scan_bytes(kind: str) -> bytes:
    """A small real scan ('pdf', 'png' or 'jpeg'): scans are checked by content, as document uploads are."""
    import io

    from PIL import Image

    image = Image.new("RGB", (60, 40), "white")
    out = io.BytesIO()
    image.save(out, format={"pdf": "PDF", "png": "PNG", "jpeg": "JPEG"}[kind])
    return out.getvalue()


def sent_portal_link(*, pack: object, by: User, **kwargs: object) -> tuple[object, str]:
    """A portal link made and recorded as posted by `by` (the pack is released and the request disclosed)."""
    from disclosure.services.delivery import portal_link_create, portal_link_record_posted

    link, token = portal_link_create(pack=pack, by=by, **kwargs)  # type: ignore[arg-type]
    now = kwargs.get("now")
    today = kwargs.get("today")
    sent = portal_link_record_posted(link=link, by=by, now=now, today=today)  # type: ignore[arg-type]
    return sent, token


def refer(request: RightsRequest, reviewer_user: User, kind: str = "serious_harm", by: User | None = None) -> Any:
    """Refer a request to a professional reviewer for an opinion (what lets a reviewer open it at all)."""
    from requests_app.services.referrals import referral_make

    by = by or User.objects.filter(groups__name=roles.MANAGER).first() or manager("referring-manager")
    return referral_make(request=request, by=by, reviewer=reviewer_user, kind=kind)
