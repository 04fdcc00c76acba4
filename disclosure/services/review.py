"""Review decisions beyond redaction: neither confirm nor deny, third parties, serious-harm opinions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core import roles
from core.audit import record_change
from core.roles import require_role
from disclosure.models import (
    Consent,
    DataArea,
    Document,
    Judgement,
    NcndFlag,
    OpinionConclusion,
    Redaction,
    SeriousHarmOpinion,
    ThirdParty,
)
from disclosure.services.common import (
    OPINION_GIVERS,
    REVIEWERS,
    lock_document,
    log_event,
    require_access_request,
    require_editable,
    unreview,
)
from requests_app.models import RightsRequest, Status
from rights import EXEMPTIONS, ApplicationError

# ---------------------------------------------------------------------------------------------------------------------
# Neither confirm nor deny


def ncnd_flag_document(*, by: User | None, document: Document, exemption: str, reason: str) -> NcndFlag:
    """Propose that a whole document is withheld without confirming it exists; a Manager must approve it.

    The document is withheld in full under the exemption, and from now on left out of everything the
    requester sees (approved or not: an unapproved flag blocks approval instead).
    """
    require_role(by, *REVIEWERS, action="flag a document neither confirm nor deny")
    if exemption not in EXEMPTIONS:
        raise ApplicationError("Choose the exemption the document is withheld under.", field="exemption")
    if not reason.strip():
        raise ApplicationError(
            "Say why telling the requester that this document exists would itself cause harm.", field="reason"
        )
    with transaction.atomic():
        locked = lock_document(document)
        require_editable(locked.request)
        if NcndFlag.objects.filter(document=locked, redaction__isnull=True).exists():
            raise ApplicationError(f"“{locked.title}” is already flagged neither confirm nor deny.")
        flag = NcndFlag(
            request=locked.request,
            document=locked,
            exemption=exemption,
            reason=reason.strip(),
            flagged_by=by,
            flagged_at=timezone.now(),
        )
        flag.full_clean()
        record_change(flag, "Proposed")
        flag.save()
        if locked.withheld_exemption != exemption:
            locked.withheld_exemption = exemption
            locked.withheld_reason = reason.strip()
            unreview(locked, reason="withheld in full, neither confirm nor deny")
            record_change(locked, "Withheld in full (neither confirm nor deny)")
            locked.save()
        log_event(
            request=locked.request,
            document=locked,
            action="ncnd_proposed",
            detail=f"Document flagged neither confirm nor deny under {EXEMPTIONS[exemption].code}; awaiting the Manager.",
            by=by,
        )
    return flag


def ncnd_flag_redaction(*, by: User | None, redaction: Redaction, reason: str) -> NcndFlag:
    """Propose that a redaction is left out of every count and schedule the requester sees; a Manager approves."""
    require_role(by, *REVIEWERS, action="flag a redaction neither confirm nor deny")
    if not reason.strip():
        raise ApplicationError(
            "Say why telling the requester that this was withheld would itself cause harm.", field="reason"
        )
    with transaction.atomic():
        locked = lock_document(redaction.document)
        require_editable(locked.request)
        target = Redaction.objects.get(pk=redaction.pk, document=locked)
        if NcndFlag.objects.filter(redaction=target).exists():
            raise ApplicationError("This redaction is already flagged neither confirm nor deny.")
        flag = NcndFlag(
            request=locked.request,
            document=locked,
            redaction=target,
            exemption=target.exemption,
            reason=reason.strip(),
            flagged_by=by,
            flagged_at=timezone.now(),
        )
        flag.full_clean()
        record_change(flag, "Proposed")
        flag.save()
        log_event(
            request=locked.request,
            document=locked,
            action="ncnd_proposed",
            detail="A redaction was flagged neither confirm nor deny; awaiting the Manager.",
            by=by,
        )
    return flag


def ncnd_approve(*, by: User | None, flag: NcndFlag) -> NcndFlag:
    """The Manager approves a neither-confirm-nor-deny flag (ICO guidance: a senior decision)."""
    require_role(by, roles.MANAGER, action="approve a neither-confirm-nor-deny flag")
    with transaction.atomic():
        locked = NcndFlag.objects.select_for_update(of=("self",)).select_related("request").get(pk=flag.pk)
        require_editable(locked.request)
        if locked.approved_at is not None:
            raise ApplicationError("This flag is already approved.")
        locked.approved_by = by
        locked.approved_at = timezone.now()
        record_change(locked, "Approved by the Manager")
        locked.save()
        log_event(
            request=locked.request,
            document=locked.document,
            action="ncnd_approved",
            detail="Neither-confirm-nor-deny flag approved.",
            by=by,
        )
    return locked


def ncnd_remove(*, by: User | None, flag: NcndFlag, reason: str) -> None:
    """Withdraw a flag (a whole document stays withheld until released). Removing an approved one is the Manager's call."""
    require_role(by, *REVIEWERS, action="remove a neither-confirm-nor-deny flag")
    if not reason.strip():
        raise ApplicationError("Say why the flag is removed.", field="reason")
    with transaction.atomic():
        locked = NcndFlag.objects.select_for_update(of=("self",)).select_related("request", "document").get(pk=flag.pk)
        require_editable(locked.request)
        if locked.approved_at is not None and by is not None and not roles.is_manager(by):
            raise ApplicationError("Only the Manager can remove an approved neither-confirm-nor-deny flag.")
        document = locked.document
        record_change(locked, f"Removed: {reason.strip()}")
        locked.delete()
        log_event(
            request=document.request,
            document=document,
            action="ncnd_removed",
            detail=f"Neither-confirm-nor-deny flag removed: {reason.strip()}",
            by=by,
        )


# ---------------------------------------------------------------------------------------------------------------------
# Third parties


@dataclass(frozen=True)
class ThirdPartyDetails:
    """Who a third party is and where consent stands (DPA 2018 Sch 2 Pt 3 paras 16-17)."""

    name: str
    description: str = ""
    other_spellings: str = ""
    is_professional_in_role: bool = False
    consent: str = Consent.NOT_SOUGHT
    consent_reason: str = ""
    consent_asked_on: dt.date | None = None
    consent_answered_on: dt.date | None = None
    document: Document | None = None


def _check_third_party(details: ThirdPartyDetails, request: RightsRequest, today: dt.date) -> None:
    if not details.name.strip():
        raise ApplicationError("Enter the third party's name or a description of who they are.", field="name")
    if details.consent not in Consent.values:
        raise ApplicationError("Choose where consent stands.", field="consent")
    if details.document is not None and details.document.request_id != request.pk:
        raise ApplicationError("That document belongs to another request.", field="document")
    asked, answered = details.consent_asked_on, details.consent_answered_on
    for value, field in ((asked, "consent_asked_on"), (answered, "consent_answered_on")):
        if value is not None and value > today:
            raise ApplicationError("Consent dates cannot be in the future.", field=field)
    if details.consent == Consent.NOT_SOUGHT:
        # Sch 2 para 16(3)(c): whether consent was sought is a factor; if it was not, say why.
        if not details.consent_reason.strip():
            raise ApplicationError("Say why consent was not sought.", field="consent_reason")
    else:
        if asked is None:
            raise ApplicationError("Enter the date consent was asked for.", field="consent_asked_on")
    if details.consent in (Consent.GIVEN, Consent.REFUSED):
        if answered is None:
            raise ApplicationError("Enter the date of the answer.", field="consent_answered_on")
        if asked is not None and answered < asked:
            raise ApplicationError("The answer cannot come before consent was asked for.", field="consent_answered_on")


def _apply_third_party(party: ThirdParty, details: ThirdPartyDetails) -> None:
    party.name = details.name.strip()
    party.description = details.description.strip()
    party.other_spellings = "\n".join(
        " ".join(line.split()) for line in details.other_spellings.splitlines() if line.strip()
    )
    party.is_professional_in_role = details.is_professional_in_role
    party.consent = details.consent
    party.consent_reason = details.consent_reason.strip()
    party.consent_asked_on = details.consent_asked_on if details.consent != Consent.NOT_SOUGHT else None
    party.consent_answered_on = (
        details.consent_answered_on if details.consent in (Consent.GIVEN, Consent.REFUSED) else None
    )
    party.document = details.document


def third_party_add(
    *, by: User | None, request: RightsRequest, details: ThirdPartyDetails, today: dt.date | None = None
) -> ThirdParty:
    """Record someone other than the data subject who is named in the records."""
    require_role(by, *REVIEWERS, action="record third parties")
    _check_third_party(details, request, today or timezone.localdate())
    with transaction.atomic():
        locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
        require_editable(locked)
        party = ThirdParty(request=locked, created_by=by)
        _apply_third_party(party, details)
        party.full_clean()
        record_change(party, "Recorded")
        party.save()
        log_event(
            request=locked,
            document=details.document,
            action="third_party_recorded",
            detail="A third party named in the records was recorded.",
            by=by,
        )
    return party


def third_party_update(
    *, by: User | None, third_party: ThirdParty, details: ThirdPartyDetails, today: dt.date | None = None
) -> ThirdParty:
    """Change who a third party is or where consent stands; a recorded decision stays, to be revisited by hand."""
    require_role(by, *REVIEWERS, action="change third parties")
    with transaction.atomic():
        locked = ThirdParty.objects.select_for_update(of=("self",)).select_related("request").get(pk=third_party.pk)
        require_editable(locked.request)
        _check_third_party(details, locked.request, today or timezone.localdate())
        consent_before = locked.consent
        _apply_third_party(locked, details)
        if consent_before != locked.consent and locked.reasonable_to_disclose:
            # A change in consent is a new fact for the para 16 judgement: it must be made again.
            locked.reasonable_to_disclose = ""
            locked.decided_by = None
            locked.decided_at = None
        locked.full_clean()
        record_change(locked, "Details changed")
        locked.save()
        log_event(request=locked.request, action="third_party_changed", detail="Third party details changed.", by=by)
    return locked


def third_party_decide(
    *, by: User | None, third_party: ThirdParty, reasonable_to_disclose: bool, reasons: str
) -> ThirdParty:
    """Record the judgement whether it is reasonable to disclose without consent, and why (Sch 2 para 16(1)(b), (3))."""
    require_role(by, *REVIEWERS, action="decide about third parties")
    if not reasons.strip():
        raise ApplicationError(
            "Give the reasons: the type of information, any duty of confidence, the steps taken to seek consent, "
            "whether they can consent, and any refusal.",
            field="decision_reasons",
        )
    with transaction.atomic():
        locked = ThirdParty.objects.select_for_update(of=("self",)).select_related("request").get(pk=third_party.pk)
        require_editable(locked.request)
        locked.reasonable_to_disclose = Judgement.YES if reasonable_to_disclose else Judgement.NO
        locked.decision_reasons = reasons.strip()
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.full_clean()
        record_change(locked, f"Decision: {locked.get_reasonable_to_disclose_display()}")
        locked.save()
        log_event(
            request=locked.request,
            action="third_party_decided",
            detail=f"Third-party decision: {locked.get_reasonable_to_disclose_display().lower()}.",
            by=by,
        )
    return locked


# ---------------------------------------------------------------------------------------------------------------------
# Serious harm


@dataclass(frozen=True)
class OpinionDetails:
    professional_name: str
    professional_role: str
    opinion_date: dt.date
    opinion: str
    conclusion: str
    area: str = DataArea.HEALTH


def serious_harm_opinion_record(
    *, by: User | None, request: RightsRequest, details: OpinionDetails, today: dt.date | None = None
) -> SeriousHarmOpinion:
    """Record an appropriate professional's serious-harm opinion (DPA 2018 Sch 3); a renewal is a new record."""
    require_role(by, *OPINION_GIVERS, action="record a serious-harm opinion")
    today = today or timezone.localdate()
    if not details.professional_name.strip():
        raise ApplicationError("Enter the name of the professional who gave the opinion.", field="professional_name")
    if not details.professional_role.strip():
        raise ApplicationError(
            "Enter the professional's role (e.g. consultant paediatrician, social worker).", field="professional_role"
        )
    if details.opinion_date > today:
        raise ApplicationError("The opinion's date cannot be in the future.", field="opinion_date")
    if not details.opinion.strip():
        raise ApplicationError("Enter the opinion in the professional's words.", field="opinion")
    if details.conclusion not in OpinionConclusion.values:
        raise ApplicationError("Choose the opinion's conclusion.", field="conclusion")
    if details.area not in DataArea.values:
        raise ApplicationError("Choose which kind of data the opinion is about.", field="area")
    with transaction.atomic():
        locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
        # A signed-off pack may wait for a renewed opinion before it goes (Sch 3 Pt 2 para 6): a renewal
        # changes nothing the pack shows, and one that no longer supports withholding stops the pack instead.
        require_access_request(locked)
        if locked.status != Status.APPROVED:
            require_editable(locked)
        opinion = SeriousHarmOpinion(
            request=locked,
            area=details.area,
            professional_name=details.professional_name.strip(),
            professional_role=details.professional_role.strip(),
            opinion_date=details.opinion_date,
            opinion=details.opinion.strip(),
            conclusion=details.conclusion,
            recorded_by=by,
        )
        opinion.full_clean()
        record_change(opinion, "Recorded")
        opinion.save()
        log_event(
            request=locked,
            action="serious_harm_opinion",
            detail=f"Serious-harm opinion ({opinion.get_area_display()}) dated {details.opinion_date.day} {details.opinion_date:%B %Y}: "
            f"{opinion.get_conclusion_display().lower()}.",
            by=by,
        )
    return opinion
