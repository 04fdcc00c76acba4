"""Who may act on a data subject's behalf, and a child's say in it."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

ADULT_AGE = 18  # Children Act 1989 s105: a child is a person under eighteen; parental responsibility ends then


class RepresentativeRole(enum.StrEnum):
    SELF = "self"
    PARENT = "parent"
    SOLICITOR = "solicitor"
    DEPUTY = "deputy"
    ATTORNEY = "attorney"
    OTHER = "other"


class Authority(enum.StrEnum):
    PARENTAL_RESPONSIBILITY = "parental_responsibility"  # Children Act 1989 s3
    WRITTEN_CONSENT = "written_consent"  # ICO right of access guidance: requests made on behalf of others
    COURT_ORDER = "court_order"  # Mental Capacity Act 2005 s16: a deputy appointed by the Court of Protection
    LASTING_POWER_OF_ATTORNEY = "lasting_power_of_attorney"  # Mental Capacity Act 2005 s9


class Competence(enum.StrEnum):
    """A professional's recorded judgement of a child's understanding (Gillick competence)."""

    COMPETENT = "competent"
    NOT_COMPETENT = "not_competent"


# Which authority each role can rely on (ICO guidance: requests made on behalf of others).
ROLE_AUTHORITIES: dict[RepresentativeRole, frozenset[Authority]] = {
    RepresentativeRole.SELF: frozenset(),
    RepresentativeRole.PARENT: frozenset({Authority.PARENTAL_RESPONSIBILITY, Authority.WRITTEN_CONSENT}),
    RepresentativeRole.SOLICITOR: frozenset({Authority.WRITTEN_CONSENT, Authority.COURT_ORDER}),
    RepresentativeRole.DEPUTY: frozenset({Authority.COURT_ORDER}),
    RepresentativeRole.ATTORNEY: frozenset({Authority.LASTING_POWER_OF_ATTORNEY}),
    RepresentativeRole.OTHER: frozenset({Authority.WRITTEN_CONSENT, Authority.COURT_ORDER}),
}


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    """Age in whole years on a date; a 29 February birthday falls on 1 March in other years (FLRA 1969 s9)."""
    if on < date_of_birth:
        raise ValueError("the date is before the date of birth")
    years = on.year - date_of_birth.year
    try:
        birthday = date_of_birth.replace(year=on.year)
    except ValueError:  # 29 February in a common year
        birthday = dt.date(on.year, 3, 1)
    return years - (1 if on < birthday else 0)


def child_is_competent(
    *, date_of_birth: dt.date, on: dt.date, consent_age: int, judgement: Competence | None = None
) -> bool:
    """A recorded professional judgement decides; without one, the policy age (seed notice: 13) is the presumption.

    The legal test is the child's understanding (Gillick v West Norfolk AHA [1986]); the ICO calls 12
    a reasonable starting point in Scotland's statute and a guide elsewhere, so the age is a parameter.
    """
    if judgement is not None:
        return judgement is Competence.COMPETENT
    return age_on(date_of_birth, on) >= consent_age


@dataclass(frozen=True)
class ActingDecision:
    allowed: bool
    reasons: tuple[str, ...]
    child_consent_needed: bool = False


def may_act_for(
    *,
    role: RepresentativeRole,
    authority: Authority | None,
    authority_verified: bool,
    subject_date_of_birth: dt.date | None,
    request_date: dt.date,
    consent_age: int,
    competence: Competence | None = None,
    child_consented: bool = False,
) -> ActingDecision:
    """Whether the requester may exercise the data subject's rights, with the reasons in plain words."""
    if role is RepresentativeRole.SELF:
        return ActingDecision(True, ("The data subject is asking for themselves.",))
    reasons: list[str] = []
    if authority is None:
        return ActingDecision(False, (f"A {role.value} needs recorded authority to act for the data subject.",))
    if authority not in ROLE_AUTHORITIES[role]:
        return ActingDecision(False, (f"A {role.value} cannot act under {authority.value.replace('_', ' ')}.",))
    if not authority_verified:
        return ActingDecision(False, ("The representative's authority has not yet been seen and verified.",))
    reasons.append(f"The {role.value}'s authority ({authority.value.replace('_', ' ')}) is verified.")

    if subject_date_of_birth is None:
        if authority is Authority.PARENTAL_RESPONSIBILITY:
            return ActingDecision(False, ("Parental responsibility needs the child's date of birth to be recorded.",))
        return ActingDecision(True, tuple(reasons))

    age = age_on(subject_date_of_birth, request_date)
    if age >= ADULT_AGE:
        if authority is Authority.PARENTAL_RESPONSIBILITY:
            # Children Act 1989 s105/s91: parental responsibility ends at 18.
            return ActingDecision(
                False, (f"The data subject was {age} on the date of the request: parental responsibility has ended.",)
            )
        return ActingDecision(True, tuple(reasons))

    competent = child_is_competent(
        date_of_birth=subject_date_of_birth, on=request_date, consent_age=consent_age, judgement=competence
    )
    if not competent:
        if competence is Competence.NOT_COMPETENT:
            reasons.append("A professional has recorded that the child does not have the understanding to decide.")
        else:
            reasons.append(f"The child was {age}, under the policy age of {consent_age}, on the date of the request.")
        if authority is Authority.WRITTEN_CONSENT:
            return ActingDecision(
                False,
                (
                    *reasons,
                    "A child who cannot decide cannot give written consent: a person with parental responsibility must act.",
                ),
            )
        return ActingDecision(True, tuple(reasons))

    # Seed notice policy and ICO guidance: a competent child's own rights; they must consent to access by anyone else.
    if competence is Competence.COMPETENT:
        reasons.append("A professional has recorded that the child has the understanding to decide.")
    else:
        reasons.append(f"The child was {age}, at or over the policy age of {consent_age}, on the date of the request.")
    if not child_consented:
        return ActingDecision(False, (*reasons, "The child's own consent to this request has not been recorded."), True)
    reasons.append("The child has consented.")
    return ActingDecision(True, tuple(reasons), True)


# Parental responsibility, and the powers of deputies and attorneys: the basis each relies on, checked against the
# evidence seen. The request records these facts on its authority step; `acting_power_refusal` joins them up.


class ParentalResponsibilityBasis(enum.StrEnum):
    BIRTH_MOTHER = "birth_mother"  # Children Act 1989 s2(1)-(2): the mother always has parental responsibility
    BIRTH_FATHER = "birth_father"  # CA 1989 s2(1)-(2), s4(1): married to the mother, registered, agreement or order
    SECOND_FEMALE_PARENT = "second_female_parent"  # CA 1989 s2(1A), s4ZA: civil partner/wife, registered, or order
    ADOPTIVE_PARENT = "adoptive_parent"  # Adoption and Children Act 2002 s46(1): the adoption order gives it
    SPECIAL_GUARDIAN = "special_guardian"  # CA 1989 s14C(1): shared, exercised to the exclusion of others
    LIVES_WITH_ORDER = "lives_with_order"  # CA 1989 s12(2): a child arrangements order naming them as living with
    LOCAL_AUTHORITY = "local_authority"  # CA 1989 s33(3): a care order; the authority shares it with the parents
    GUARDIAN = "guardian"  # CA 1989 s5(6): a guardian appointed by a parent or the court


class EvidenceDocument(enum.StrEnum):
    BIRTH_CERTIFICATE = "birth_certificate"
    BIRTH_CERTIFICATE_NAMING_PARENT = "birth_certificate_naming_parent"
    MARRIAGE_OR_CIVIL_PARTNERSHIP_CERTIFICATE = "marriage_or_civil_partnership_certificate"
    PARENTAL_RESPONSIBILITY_AGREEMENT_OR_ORDER = "parental_responsibility_agreement_or_order"
    ADOPTION_ORDER = "adoption_order"
    SPECIAL_GUARDIANSHIP_ORDER = "special_guardianship_order"
    CHILD_ARRANGEMENTS_ORDER = "child_arrangements_order"
    CARE_ORDER = "care_order"
    GUARDIAN_APPOINTMENT = "guardian_appointment"


# Where each basis comes from, named in a refusal.
PR_SOURCES: dict[ParentalResponsibilityBasis, str] = {
    ParentalResponsibilityBasis.BIRTH_MOTHER: "Children Act 1989 s2(2)(a)",
    ParentalResponsibilityBasis.BIRTH_FATHER: "Children Act 1989 s2(1), s4(1)",
    ParentalResponsibilityBasis.SECOND_FEMALE_PARENT: "Children Act 1989 s2(1A), s4ZA",
    ParentalResponsibilityBasis.ADOPTIVE_PARENT: "Adoption and Children Act 2002 s46(1)",
    ParentalResponsibilityBasis.SPECIAL_GUARDIAN: "Children Act 1989 s14C(1)",
    ParentalResponsibilityBasis.LIVES_WITH_ORDER: "Children Act 1989 s12(2)",
    ParentalResponsibilityBasis.LOCAL_AUTHORITY: "Children Act 1989 s33(3)",
    ParentalResponsibilityBasis.GUARDIAN: "Children Act 1989 s5(6)",
}


# Which documents show each basis (CA 1989 ss2, 4, 4ZA, 5, 12, 14C, 33; ACA 2002 s46). Any one of a set suffices.
PR_EVIDENCE: dict[ParentalResponsibilityBasis, frozenset[EvidenceDocument]] = {
    ParentalResponsibilityBasis.BIRTH_MOTHER: frozenset({EvidenceDocument.BIRTH_CERTIFICATE}),
    ParentalResponsibilityBasis.BIRTH_FATHER: frozenset(
        {
            EvidenceDocument.BIRTH_CERTIFICATE_NAMING_PARENT,  # s4(1)(a): registered as the father (from 1 Dec 2003)
            EvidenceDocument.MARRIAGE_OR_CIVIL_PARTNERSHIP_CERTIFICATE,  # s2(1): married to the mother at the birth
            EvidenceDocument.PARENTAL_RESPONSIBILITY_AGREEMENT_OR_ORDER,  # s4(1)(b)-(c)
        }
    ),
    ParentalResponsibilityBasis.SECOND_FEMALE_PARENT: frozenset(
        {
            EvidenceDocument.BIRTH_CERTIFICATE_NAMING_PARENT,
            EvidenceDocument.MARRIAGE_OR_CIVIL_PARTNERSHIP_CERTIFICATE,
            EvidenceDocument.PARENTAL_RESPONSIBILITY_AGREEMENT_OR_ORDER,
        }
    ),
    ParentalResponsibilityBasis.ADOPTIVE_PARENT: frozenset({EvidenceDocument.ADOPTION_ORDER}),
    ParentalResponsibilityBasis.SPECIAL_GUARDIAN: frozenset({EvidenceDocument.SPECIAL_GUARDIANSHIP_ORDER}),
    ParentalResponsibilityBasis.LIVES_WITH_ORDER: frozenset({EvidenceDocument.CHILD_ARRANGEMENTS_ORDER}),
    ParentalResponsibilityBasis.LOCAL_AUTHORITY: frozenset({EvidenceDocument.CARE_ORDER}),
    ParentalResponsibilityBasis.GUARDIAN: frozenset({EvidenceDocument.GUARDIAN_APPOINTMENT}),
}


def parental_responsibility_refusal(
    *, basis: ParentalResponsibilityBasis, evidence: frozenset[EvidenceDocument], adopted_after: bool = False
) -> str | None:
    """Why the evidence seen does not show the recorded basis of parental responsibility, in plain words; None if it does."""
    if adopted_after and basis is not ParentalResponsibilityBasis.ADOPTIVE_PARENT:
        # Adoption and Children Act 2002 s46(2)(a): an adoption order ends everyone else's parental responsibility.
        return (
            "The child has since been adopted: the adoption order ended every earlier parent's parental responsibility "
            "(Adoption and Children Act 2002 s46(2)(a))."
        )
    if evidence & PR_EVIDENCE[basis]:
        return None
    wanted = " or ".join(sorted(doc.value.replace("_", " ") for doc in PR_EVIDENCE[basis]))
    return (
        f"Parental responsibility as {basis.value.replace('_', ' ')} needs to be shown by: {wanted} "
        f"({PR_SOURCES[basis]})."
    )


def child_abuse_data_withheld(
    *, requester_has_parental_responsibility: bool, requester_court_appointed: bool, in_best_interests: bool | None
) -> bool:
    """Is child abuse data withheld from this requester? (DPA 2018 Sch 3 Pt 5 para 21)

    Para 21(1): where a person with parental responsibility for a child under 18, or a person a court appointed to
    manage the affairs of a subject who cannot, asks; para 21(2): Art 15 does not apply so far as disclosure would
    not be in the data subject's best interests. No recorded best-interests decision means it is not yet shown to
    be in them, so it is withheld until one is recorded.
    """
    if not (requester_has_parental_responsibility or requester_court_appointed):
        return False
    return in_best_interests is not True


class AffairsArea(enum.StrEnum):
    PROPERTY_AND_FINANCIAL = "property_and_financial"
    HEALTH_AND_WELFARE = "health_and_welfare"


class PowerKind(enum.StrEnum):
    LPA_PROPERTY_AND_FINANCIAL = "lpa_property_and_financial"  # Mental Capacity Act 2005 s9(1)(b)
    LPA_HEALTH_AND_WELFARE = "lpa_health_and_welfare"  # MCA 2005 s9(1)(a), s11(7)(a): only while capacity is lacked
    ENDURING = "enduring"  # MCA 2005 Sch 4: an EPA made before 1 October 2007; property and affairs only


POWER_SOURCES: dict[PowerKind, str] = {
    PowerKind.LPA_PROPERTY_AND_FINANCIAL: "Mental Capacity Act 2005 s9(1)(b)",
    PowerKind.LPA_HEALTH_AND_WELFARE: "Mental Capacity Act 2005 s9(1)(a)",
    PowerKind.ENDURING: "Mental Capacity Act 2005 Sch 4 para 1",
}

POWER_AREAS: dict[PowerKind, AffairsArea] = {
    PowerKind.LPA_PROPERTY_AND_FINANCIAL: AffairsArea.PROPERTY_AND_FINANCIAL,
    PowerKind.LPA_HEALTH_AND_WELFARE: AffairsArea.HEALTH_AND_WELFARE,
    PowerKind.ENDURING: AffairsArea.PROPERTY_AND_FINANCIAL,
}


def attorney_refusal(
    *, kind: PowerKind, registered: bool, affairs: AffairsArea, donor_lacks_capacity: bool, made_on: dt.date | None
) -> str | None:
    """Why an attorney may not act on this request, in plain words; None when they may (Mental Capacity Act 2005)."""
    if not registered:
        # MCA 2005 s9(2)(b): an LPA is not created until registered; Sch 4 para 4: an EPA needs registering once
        # the donor is becoming mentally incapable.
        return (
            "The power of attorney is not registered with the Office of the Public Guardian, so it cannot be used "
            "(Mental Capacity Act 2005 s9(2)(b), Sch 1; Sch 4 para 4 for an enduring power)."
        )
    if kind is PowerKind.ENDURING and made_on is not None and made_on >= dt.date(2007, 10, 1):
        return "No enduring power of attorney can be made on or after 1 October 2007 (Mental Capacity Act 2005 s66)."
    if POWER_AREAS[kind] is not affairs:
        return (
            f"A {kind.value.replace('_', ' ')} power does not cover {affairs.value.replace('_', ' ')} affairs "
            f"({POWER_SOURCES[kind]})."
        )
    if kind is PowerKind.LPA_HEALTH_AND_WELFARE and not donor_lacks_capacity:
        # MCA 2005 s11(7)(a): a health and welfare LPA applies only when the donor lacks, or is believed to lack, capacity.
        return (
            "A health and welfare power applies only while the donor lacks capacity to decide: record that they do "
            "(Mental Capacity Act 2005 s11(7)(a))."
        )
    return None


def deputy_refusal(*, order_covers: frozenset[AffairsArea], affairs: AffairsArea) -> str | None:
    """Why a deputy may not act on this request: the Court of Protection order must cover it (MCA 2005 s16, s19)."""
    if affairs in order_covers:
        return None
    return (
        f"The deputyship order does not cover {affairs.value.replace('_', ' ')} affairs "
        "(Mental Capacity Act 2005 s16, s19)."
    )


class BestInterests(enum.StrEnum):
    """A recorded decision whether disclosure is in the best interests of a child, or an adult who lacks capacity."""

    IN = "in"  # disclosure is in their best interests
    NOT_IN = "not_in"  # disclosure is not in their best interests


@dataclass(frozen=True)
class ActingPowers:
    """What the request records about the basis a representative acts on, as the evidence seen shows it."""

    pr_basis: ParentalResponsibilityBasis | None = None
    pr_evidence: frozenset[EvidenceDocument] = frozenset()
    adopted_after: bool = False
    affairs: AffairsArea | None = None  # which affairs the request is about, for a deputy or an attorney
    deputy_order_covers: frozenset[AffairsArea] = frozenset()
    power_kind: PowerKind | None = None
    power_registered: bool = False
    power_made_on: dt.date | None = None
    donor_lacks_capacity: bool = False

    @property
    def recorded(self) -> bool:
        """Was anything recorded at all (a case imported from an older file has none of it)."""
        return bool(self.pr_basis or self.pr_evidence or self.affairs or self.deputy_order_covers or self.power_kind)


def acting_power_refusal(*, role: RepresentativeRole, authority: Authority | None, powers: ActingPowers) -> str | None:
    """Why the recorded basis does not let the representative act on this request, naming its source; None if it does.

    Parental responsibility: the basis, shown by the documents seen. A deputy (a court order): the order covers the
    affairs asked about. An attorney (lasting or enduring power): registered, of the kind that covers those affairs,
    and for health and welfare the donor lacks capacity. Other representatives rely on may_act_for alone.
    """
    if authority is Authority.PARENTAL_RESPONSIBILITY:
        if powers.pr_basis is None:
            return (
                "Record the basis of parental responsibility and the documents seen that show it "
                "(Children Act 1989 ss2-5, 12, 14C, 33; Adoption and Children Act 2002 s46)."
            )
        return parental_responsibility_refusal(
            basis=powers.pr_basis, evidence=powers.pr_evidence, adopted_after=powers.adopted_after
        )
    if role is RepresentativeRole.DEPUTY and authority is Authority.COURT_ORDER:
        if not powers.deputy_order_covers:
            return "Record what the deputyship order covers (Mental Capacity Act 2005 s16, s19)."
        if powers.affairs is None:
            return "Record which affairs the request is about, to check them against the order (Mental Capacity Act 2005 s19)."
        return deputy_refusal(order_covers=powers.deputy_order_covers, affairs=powers.affairs)
    if authority is Authority.LASTING_POWER_OF_ATTORNEY:
        if powers.power_kind is None:
            return (
                "Record the kind of power of attorney: lasting (property and financial affairs, or health and "
                "welfare) or enduring (Mental Capacity Act 2005 s9, Sch 4)."
            )
        if powers.affairs is None:
            return "Record which affairs the request is about, to check them against the power (Mental Capacity Act 2005 s9)."
        return attorney_refusal(
            kind=powers.power_kind,
            registered=powers.power_registered,
            affairs=powers.affairs,
            donor_lacks_capacity=powers.donor_lacks_capacity,
            made_on=powers.power_made_on,
        )
    return None


def health_data_refusal(*, role: RepresentativeRole, authority: Authority | None, powers: ActingPowers) -> str | None:
    """Why health records may not go to this representative: a power or order that does not reach health and welfare.

    A property and financial affairs attorney (Mental Capacity Act 2005 s9(1)(b)), an enduring attorney (Sch 4: property
    and affairs only) or a deputy whose order covers property and affairs only (s19) cannot obtain health records.
    """
    health = AffairsArea.HEALTH_AND_WELFARE
    kind = powers.power_kind
    if authority is Authority.LASTING_POWER_OF_ATTORNEY and kind is not None and POWER_AREAS[kind] is not health:
        return f"A {kind.value.replace('_', ' ')} power does not cover health records ({POWER_SOURCES[kind]})."
    covers = powers.deputy_order_covers
    if role is RepresentativeRole.DEPUTY and authority is Authority.COURT_ORDER and covers and health not in covers:
        return "The deputyship order does not cover health and welfare, so not health records (Mental Capacity Act 2005 s16, s19)."
    return None


# DPA 2018 Sch 3 Pt 5 para 21 as enacted (legislation.gov.uk/ukpga/2018/12/schedule/3), from a copy: check it.
CHILD_ABUSE_DATA_TEXT = (
    "21 (1) This paragraph applies where a request for child abuse data is made in exercise of a power conferred by "
    "an enactment or rule of law and— (a) the data subject is an individual aged under 18 and the person making the "
    "request has parental responsibility for the data subject, or (b) the data subject is incapable of managing his "
    "or her own affairs and the person making the request has been appointed by a court to manage those affairs. "
    "(2) Article 15(1) to (3) of the GDPR (confirmation of processing, access to data and safeguards for third "
    "country transfers) do not apply to child abuse data to the extent that the application of that provision would "
    "not be in the best interests of the data subject. "
    "(3) “Child abuse data” is personal data consisting of information as to whether the data subject is or has been "
    "the subject of, or may be at risk of, child abuse. "
    "(4) For this purpose, “child abuse” includes physical injury (other than accidental injury) to, and physical and "
    "emotional neglect, ill-treatment and sexual abuse of, an individual aged under 18. "
    "(5) This paragraph does not apply in relation to Scotland."
)


def child_abuse_data_applies(
    *, authority: Authority | None, role: RepresentativeRole, subject_age: int | None
) -> tuple[bool, bool]:
    """Para 21(1): (parental responsibility for a child under 18, appointed by a court to manage the subject's affairs).

    A person with parental responsibility counts only while the subject is under 18 (para 21(1)(a)); a deputy is the
    person a court appoints (para 21(1)(b), Mental Capacity Act 2005 s16); an attorney is appointed by the donor, not a
    court, so para 21 does not reach them.
    """
    has_pr = authority is Authority.PARENTAL_RESPONSIBILITY and subject_age is not None and subject_age < ADULT_AGE
    court_appointed = role is RepresentativeRole.DEPUTY and authority is Authority.COURT_ORDER
    return has_pr, court_appointed
