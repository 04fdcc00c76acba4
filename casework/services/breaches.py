"""Personal data breaches (UK GDPR Arts 33-34): record, contain, assess, decide, report, tell, close.

Every breach is documented, reported or not (Art 33(5)). A disclosure in error from a pack is
contained at once: every live portal link of that pack is revoked in the same transaction that
records the breach, so no one can download it again once staff know.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from casework.models import Breach, BreachEvent, BreachLetter, BreachLetterKind, ReturnOrDeletion
from casework.services.common import (
    MANAGER_ONLY,
    STAFF,
    discard_file,
    reference_next,
    require,
    store_pdf,
    text,
)
from casework.services.letters import TEMPLATES, letter_pdf
from casework.services.sending import letter_email
from core.audit import record_change
from disclosure.models import Pack, PortalLink
from disclosure.services.delivery import portal_link_revoke
from requests_app.models import RightsRequest
from rights import ApplicationError, BreachCause, Risk, report_deadline
from rights.breaches import DISCLOSURE_IN_ERROR, must_report, must_tell_people, report_late_reasons_needed


@dataclass(frozen=True)
class BreachFacts:
    """What happened, as first known."""

    cause: str
    what_happened: str
    discovered_at: dt.datetime
    data_involved: str
    people_affected: int = 1
    children_affected: int = 0
    special_category: bool = False
    recipient: str = ""
    occurred_at: dt.datetime | None = None


def _event(breach: Breach, *, action: str, by: User | None, detail: str = "") -> BreachEvent:
    return BreachEvent.objects.create(breach=breach, action=action, by=by, detail=detail)


def _locked(breach: Breach) -> Breach:
    return Breach.objects.select_for_update().get(pk=breach.pk)


def _save(breach: Breach, *, reason: str, by: User | None) -> None:
    breach.full_clean()
    record_change(breach, reason=reason, by=by)
    breach.save()


def _revoke_links(breach: Breach, *, by: User, now: dt.datetime) -> int:
    """Revoke every portal link of the breach's pack that still works; returns how many."""
    if breach.pack_id is None:
        return 0
    links = list(PortalLink.objects.filter(pack_id=breach.pack_id, revoked_at__isnull=True).order_by("pk"))
    for link in links:
        portal_link_revoke(link=link, by=by, reason=f"Breach {breach.reference}: contained", now=now)
    breach.links_revoked_at = now
    return len(links)


def breach_record(
    *,
    by: User,
    facts: BreachFacts,
    request: RightsRequest | None = None,
    pack: Pack | None = None,
    now: dt.datetime | None = None,
) -> Breach:
    """Record a breach, from a request, a pack or on its own; a pack's portal links are revoked at once."""
    require(by, STAFF, action="record a breach")
    now = now or timezone.now()
    if facts.cause not in {c.value for c in BreachCause}:
        raise ApplicationError("Choose what happened.", field="cause")
    what = text(facts.what_happened, field="what_happened", message="Say what happened.")
    data = text(facts.data_involved, field="data_involved", message="Say what data was involved and about whom.")
    if facts.discovered_at.tzinfo is None:
        raise ApplicationError("The time of discovery needs a time zone.", field="discovered_at")
    if facts.discovered_at > now:
        raise ApplicationError("The time of discovery cannot be in the future.", field="discovered_at")
    if facts.occurred_at is not None and facts.occurred_at > facts.discovered_at:
        raise ApplicationError("It cannot have happened after it was discovered.", field="occurred_at")
    if facts.children_affected > facts.people_affected:
        raise ApplicationError("More children than people affected.", field="children_affected")
    if pack is not None:
        if request is not None and pack.request_id != request.pk:
            raise ApplicationError("That pack belongs to another request.", field="pack")
        request = pack.request
    with transaction.atomic():
        breach = Breach(
            reference=reference_next(prefix="BR", year=timezone.localdate(facts.discovered_at).year, model=Breach),
            cause=facts.cause,
            request=request,
            pack=pack,
            what_happened=what,
            occurred_at=facts.occurred_at,
            discovered_at=facts.discovered_at,
            data_involved=data,
            people_affected=facts.people_affected,
            children_affected=facts.children_affected,
            special_category=facts.special_category,
            recipient=facts.recipient.strip(),
            created_by=by,
        )
        breach.full_clean()
        record_change(breach, reason="Recorded", by=by)
        breach.save()
        _event(breach, action="recorded", by=by, detail=f"{breach.get_cause_display()}: {what}")
        if pack is not None and BreachCause(facts.cause) in DISCLOSURE_IN_ERROR:
            count = _revoke_links(breach, by=by, now=now)
            _save(breach, reason="Portal links revoked", by=by)
            _event(breach, action="links_revoked", by=by, detail=f"{count} portal link(s) of pack {pack.pk} revoked")
    return breach


def breach_revoke_links(*, breach: Breach, by: User, now: dt.datetime | None = None) -> int:
    """Containment offered on the breach's page: revoke whatever links of its pack still work."""
    require(by, STAFF, action="revoke portal links")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(breach)
        if locked.pack_id is None:
            raise ApplicationError("This breach is not about a pack.")
        count = _revoke_links(locked, by=by, now=now)
        _save(locked, reason="Portal links revoked", by=by)
        _event(locked, action="links_revoked", by=by, detail=f"{count} portal link(s) revoked")
    return count


def breach_record_recall(
    *,
    breach: Breach,
    by: User,
    on: dt.date,
    details: str,
    addressee: str = "",
    address: str = "",
    email: str = "",
) -> Breach:
    """We asked the recipient to delete or return it; with an addressee, the recall letter is filed as a PDF
    (and emailed by the service when an email address is given, else posted by staff)."""
    require(by, STAFF, action="record a recall")
    details = text(details, field="details", message="Say how the recipient was asked.")
    if email.strip() and not addressee.strip():
        raise ApplicationError("Enter the recipient's name for the recall letter.", field="addressee")
    letter, words = None, ""
    if addressee.strip():
        letter, words = _letter(
            breach,
            kind=BreachLetterKind.RECALL,
            by=by,
            addressee=addressee,
            address=address,
            email=email,
            today=on,
            extra={},
        )
    try:
        with transaction.atomic():
            locked = _locked(breach)
            locked.recall_letter_on = on
            locked.recall_details = details
            _save(locked, reason="Recall recorded", by=by)
            _event(locked, action="recall", by=by, detail=details)
            if letter is not None:
                letter.breach = locked
                _file(letter, text=words, reason="Generated: recall letter", by=by)
    except BaseException:
        if letter is not None:
            discard_file(letter.file)
        raise
    return locked


def breach_record_confirmation(*, breach: Breach, by: User, on: dt.date, confirmation: str) -> Breach:
    """The recipient confirmed they deleted or returned it."""
    require(by, STAFF, action="record a recipient's confirmation")
    if confirmation not in ReturnOrDeletion.values:
        raise ApplicationError("Choose whether it was deleted or returned.", field="confirmation")
    with transaction.atomic():
        locked = _locked(breach)
        if locked.recall_letter_on is not None and on < locked.recall_letter_on:
            raise ApplicationError("The confirmation cannot come before the recall.", field="on")
        locked.recipient_confirmed_on = on
        locked.recipient_confirmation = confirmation
        _save(locked, reason="Recipient confirmed", by=by)
        _event(locked, action="confirmed", by=by, detail=f"{ReturnOrDeletion(confirmation).label} on {on}")
    return locked


def breach_assess(*, breach: Breach, by: User, risk: str, reasons: str) -> Breach:
    """The risk to people's rights and freedoms, with its reasons (Art 33(1), Art 34(1))."""
    require(by, MANAGER_ONLY, action="assess a breach")
    if risk not in {r.value for r in Risk}:
        raise ApplicationError("Choose the level of risk.", field="risk")
    reasons = text(reasons, field="reasons", message="Give the reasons for the assessment.")
    with transaction.atomic():
        locked = _locked(breach)
        _open(locked)
        locked.risk = risk
        locked.risk_reasons = reasons
        _save(locked, reason="Risk assessed", by=by)
        _event(locked, action="assessed", by=by, detail=f"{locked.get_risk_display()}: {reasons}")
    return locked


def _open(breach: Breach) -> None:
    if not breach.is_open:
        raise ApplicationError("This breach is closed.")


def breach_decide_report(
    *, breach: Breach, by: User, report: bool, reasons: str, now: dt.datetime | None = None
) -> Breach:
    """Report to the ICO or not; the reasons are recorded either way (Art 33(5))."""
    require(by, MANAGER_ONLY, action="decide on reporting a breach")
    reasons = text(reasons, field="reasons", message="Give the reasons for the decision (Art 33(5)).")
    with transaction.atomic():
        locked = _locked(breach)
        _open(locked)
        if not locked.risk:
            raise ApplicationError("Assess the risk first.")
        if not report and must_report(Risk(locked.risk)):
            raise ApplicationError(
                "A breach likely to result in a risk to people must be reported to the ICO (Art 33(1)).",
                field="report",
            )
        locked.report_to_ico = report
        locked.report_decision_reasons = reasons
        locked.report_decided_at = now or timezone.now()
        _save(locked, reason="Reporting decided", by=by)
        _event(locked, action="report_decided", by=by, detail=f"{'Report' if report else 'Do not report'}: {reasons}")
    return locked


def breach_record_report(
    *, breach: Breach, by: User, reported_at: dt.datetime, reference: str, late_reasons: str = ""
) -> Breach:
    """The report made to the ICO: when, its reference, and why late if after 72 hours (Art 33(1))."""
    require(by, MANAGER_ONLY, action="record a report to the ICO")
    reference = text(reference, field="reference", message="Enter the ICO's reference.")
    with transaction.atomic():
        locked = _locked(breach)
        _open(locked)
        if locked.report_to_ico is not True:
            raise ApplicationError("Record the decision to report first.")
        if reported_at < locked.discovered_at:
            raise ApplicationError("The report cannot come before the breach was discovered.", field="reported_at")
        if reported_at > timezone.now():
            raise ApplicationError("The report cannot be in the future.", field="reported_at")
        late = report_late_reasons_needed(discovered=locked.discovered_at, reported=reported_at)
        if late and not late_reasons.strip():
            raise ApplicationError(
                f"The report came after the 72 hours ended "
                f"({timezone.localtime(report_deadline(discovered=locked.discovered_at)):%d %B %Y %H:%M}): "
                "give the reasons for the delay (Art 33(1)).",
                field="late_reasons",
            )
        locked.ico_reported_at = reported_at
        locked.ico_reference = reference
        locked.late_reasons = late_reasons.strip()
        _save(locked, reason="Reported to the ICO", by=by)
        _event(locked, action="reported", by=by, detail=f"ICO {reference}")
    return locked


def breach_decide_tell(*, breach: Breach, by: User, tell: bool, reasons: str) -> Breach:
    """Tell the people affected or not (Art 34), with the reasons either way."""
    require(by, MANAGER_ONLY, action="decide on telling the people affected")
    reasons = text(reasons, field="reasons", message="Give the reasons for the decision.")
    with transaction.atomic():
        locked = _locked(breach)
        _open(locked)
        if not locked.risk:
            raise ApplicationError("Assess the risk first.")
        if not tell and must_tell_people(Risk(locked.risk)) and "34(3)" not in reasons:
            raise ApplicationError(
                "Where the risk is high the people affected must be told, unless an Art 34(3) condition applies: "
                "name it in the reasons.",
                field="tell",
            )
        locked.tell_people = tell
        locked.tell_people_reasons = reasons
        _save(locked, reason="Art 34 decided", by=by)
        _event(locked, action="tell_decided", by=by, detail=f"{'Tell' if tell else 'Do not tell'}: {reasons}")
    return locked


def _letter(
    breach: Breach,
    *,
    kind: str,
    by: User,
    addressee: str,
    address: str,
    email: str,
    today: dt.date,
    extra: dict[str, object],
) -> tuple[BreachLetter, str]:
    rendered = letter_pdf(
        template=f"breach_{kind}",
        reference=breach.reference,
        addressee_name=addressee.strip(),
        address=address,
        today=today,
        context={"breach": breach, **extra},
        complaint_rights=kind == BreachLetterKind.AFFECTED,
    )
    letter = BreachLetter(
        breach=breach,
        kind=kind,
        addressee=addressee.strip(),
        address=address.strip(),
        email=email.strip(),
        date=today,
        created_by=by,
    )
    letter.sha256 = store_pdf(letter.file, name=f"{breach.reference}-{kind}-{today:%Y%m%d}.pdf", data=rendered.pdf)
    return letter, rendered.text


def _file(letter: BreachLetter, *, text: str, reason: str, by: User) -> None:
    """File the letter; with an email address, the service emails it once this commits (else staff post it)."""
    letter.full_clean()
    record_change(letter, reason=reason, by=by)
    letter.save()
    if letter.email:
        letter_email(
            letter=letter,
            to=letter.email,
            reference=letter.breach.reference,
            title=TEMPLATES[f"breach_{letter.kind}"][1],
            text=text,
            by=by,
        )


def breach_letter_affected(
    *,
    breach: Breach,
    by: User,
    addressee: str,
    address: str,
    what_we_did: str,
    what_you_can_do: str,
    email: str = "",
) -> BreachLetter:
    """A letter in clear language to a person affected (Art 34(2)): what happened, likely effects, what we did."""
    require(by, MANAGER_ONLY, action="write to people affected by a breach")
    addressee = text(addressee, field="addressee", message="Enter the name of the person to write to.")
    what_we_did = text(what_we_did, field="what_we_did", message="Say what we have done about it.")
    breach = Breach.objects.get(pk=breach.pk)  # the decision as it stands, not as the caller last saw it
    if breach.tell_people is not True:
        raise ApplicationError("Record the decision to tell the people affected first.")
    today = timezone.localdate()
    if not email.strip() and not address.strip():
        raise ApplicationError("Enter their address, or the email address they gave us.", field="address")
    letter, words = _letter(
        breach,
        kind=BreachLetterKind.AFFECTED,
        by=by,
        addressee=addressee,
        address=address,
        email=email,
        today=today,
        extra={"what_we_did": what_we_did, "what_you_can_do": what_you_can_do.strip()},
    )
    try:
        with transaction.atomic():
            locked = _locked(breach)
            letter.breach = locked
            _file(letter, text=words, reason="Generated: letter to a person affected", by=by)
            if locked.people_told_on is None:
                locked.people_told_on = today
                _save(locked, reason="People told", by=by)
            _event(locked, action="letter_affected", by=by, detail=f"Letter to {addressee}")
    except BaseException:
        discard_file(letter.file)
        raise
    return letter


def breach_close(*, breach: Breach, by: User, lessons: str) -> Breach:
    """Close the record once contained, decided and (where decided) reported and told."""
    require(by, MANAGER_ONLY, action="close a breach")
    lessons = text(lessons, field="lessons", message="Say what we change so it does not happen again.")
    with transaction.atomic():
        locked = _locked(breach)
        _open(locked)
        missing = [
            label
            for label, done in (
                ("the risk assessment", bool(locked.risk)),
                ("the decision on reporting", locked.report_to_ico is not None),
                ("the ICO's reference", locked.report_to_ico is not True or bool(locked.ico_reference)),
                ("the decision on telling people", locked.tell_people is not None),
                ("the letters to the people affected", locked.tell_people is not True or locked.people_told_on),
            )
            if not done
        ]
        if missing:
            raise ApplicationError("Before closing, record " + ", ".join(missing) + ".")
        locked.lessons = lessons
        locked.closed_at = timezone.now()
        _save(locked, reason="Closed", by=by)
        _event(locked, action="closed", by=by, detail=lessons)
    return locked
