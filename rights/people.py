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
