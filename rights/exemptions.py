"""Exemptions a redaction can rely on, with the codes printed in a disclosure pack's key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class Exemption:
    key: str
    code: str
    title: str
    source: str
    explanation: str
    needs_professional_opinion: bool = False


EXEMPTIONS: dict[str, Exemption] = {
    e.key: e
    for e in (
        # DPA 2018 Sch 2 Pt 3 para 16: information identifying another individual.
        Exemption(
            "third_party",
            "S2 P3 para16",
            "Third-party information",
            "DPA 2018 Schedule 2 Part 3 paragraph 16",
            "Information about, or identifying, another person who has not consented and whom it is not reasonable to identify.",
        ),
        # DPA 2018 Sch 3 Pt 2 para 5: health data likely to cause serious harm.
        Exemption(
            "serious_harm_health",
            "S3 P2 para5",
            "Serious harm (health data)",
            "DPA 2018 Schedule 3 Part 2 paragraph 5",
            "Health information whose disclosure would be likely to cause serious harm to someone's physical or mental health, in the opinion of a health professional.",
            True,
        ),
        # DPA 2018 Sch 3 Pt 3 para 11 (the test in para 7(2)): social work data likely to cause serious harm.
        Exemption(
            "serious_harm_social_work",
            "S3 P3 para11",
            "Serious harm (social work data)",
            "DPA 2018 Schedule 3 Part 3 paragraph 11",
            "Social work information whose disclosure would be likely to cause serious harm to someone's physical or mental health.",
            True,
        ),
        # DPA 2018 Sch 3 Pt 4 para 19: education data likely to cause serious harm.
        Exemption(
            "serious_harm_education",
            "S3 P4 para19",
            "Serious harm (education data)",
            "DPA 2018 Schedule 3 Part 4 paragraph 19",
            "Education information whose disclosure would be likely to cause serious harm to someone's physical or mental health.",
            True,
        ),
        # DPA 2018 Sch 3 Pt 2 para 4 and Pt 3 para 10: given in expectation it would not be disclosed to the requester.
        Exemption(
            "expectations_and_wishes",
            "S3 P2 para4",
            "Expectations and wishes",
            "DPA 2018 Schedule 3 Part 2 paragraph 4 and Part 3 paragraph 10",
            "Information the person gave in the expectation that it would not be passed on to the parent or deputy now asking.",
        ),
        # DPA 2018 Sch 3 Pt 5 para 21: child abuse data, request by a person with parental responsibility.
        Exemption(
            "child_abuse",
            "S3 P5 para21",
            "Child abuse data",
            "DPA 2018 Schedule 3 Part 5 paragraph 21",
            "Information about abuse of a child, withheld from a person with parental responsibility because disclosure would not be in the child's best interests.",
        ),
        # DPA 2018 Sch 2 Pt 1 para 2: crime and taxation.
        Exemption(
            "crime",
            "S2 P1 para2",
            "Crime and taxation",
            "DPA 2018 Schedule 2 Part 1 paragraph 2",
            "Information whose disclosure would be likely to prejudice the prevention or detection of crime.",
        ),
        # DPA 2018 Sch 2 Pt 4 para 19: legal professional privilege.
        Exemption(
            "legal_privilege",
            "S2 P4 para19",
            "Legal professional privilege",
            "DPA 2018 Schedule 2 Part 4 paragraph 19",
            "Information covered by legal professional privilege.",
        ),
        # DPA 2018 Sch 2 Pt 4 para 24: confidential references.
        Exemption(
            "confidential_reference",
            "S2 P4 para24",
            "Confidential reference",
            "DPA 2018 Schedule 2 Part 4 paragraph 24",
            "A reference given in confidence for education, training or employment.",
        ),
        # UK GDPR Art 15(1): the right covers the requester's own personal data only.
        Exemption(
            "not_personal_data",
            "NPD",
            "Not the requester's personal data",
            "UK GDPR Article 15(1)",
            "Information that is not personal data about the person the request is for.",
        ),
    )
}


def exemption(key: str) -> Exemption:
    """The catalogue entry for a key; a clear error for an unknown one."""
    try:
        return EXEMPTIONS[key]
    except KeyError:
        raise KeyError(f"unknown exemption {key!r}; expected one of: {', '.join(EXEMPTIONS)}") from None


# DPA 2018 Sch 3 Pt 2 paras 5 and 6: the appropriate health professional's opinion (to withhold, and to
# disclose) counts only if obtained within the six months ending with the day it is relied on.
OPINION_VALID_MONTHS = 6


def opinion_is_current(opinion_date: dt.date, today: dt.date) -> bool:
    """Can a serious-harm opinion given on `opinion_date` be relied on `today`? (DPA 2018 Sch 3 Pt 2 paras 5-6)

    It must fall within the six months ending with `today` (so today - 6 months < opinion date); an
    opinion dated in the future is not a fact yet, so it is not current either.
    """
    return today - relativedelta(months=OPINION_VALID_MONTHS) < opinion_date <= today


def opinion_last_day(opinion_date: dt.date) -> dt.date:
    """The last day an opinion given on `opinion_date` can be relied on; after it, the opinion must be renewed."""
    day = opinion_date + relativedelta(months=OPINION_VALID_MONTHS) - dt.timedelta(days=3)
    while opinion_is_current(opinion_date, day + dt.timedelta(days=1)):
        day += dt.timedelta(days=1)
    return day
