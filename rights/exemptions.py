"""Exemptions a redaction can rely on, with the codes printed in a disclosure pack's key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
        # DPA 2018 Sch 3 Pt 3 para 11, the test in para 7(2): prejudice to social work because serious harm is likely.
        Exemption(
            "serious_harm_social_work",
            "S3 P3 para11",
            "Serious harm (social work data)",
            "DPA 2018 Schedule 3 Part 3 paragraph 11 (the test in paragraph 7(2))",
            "Social work information whose disclosure would be likely to prejudice the carrying out of social work, "
            "because it would be likely to cause serious harm to the physical or mental health of the data subject "
            "or another person.",
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
        # DPA 2018 Sch 3 Pt 2 para 3: health data in a report or evidence given to a court under the listed rules.
        Exemption(
            "court_report_health",
            "S3 P2 para3",
            "Report to a court (health data)",
            "DPA 2018 Schedule 3 Part 2 paragraph 3",
            "Health information in a report or other evidence given to a court in proceedings (such as family "
            "proceedings) whose rules let the court withhold it from the person it is about.",
        ),
        # DPA 2018 Sch 3 Pt 3 para 9: social work data in a report or evidence given to a court under the listed rules.
        Exemption(
            "court_report_social_work",
            "S3 P3 para9",
            "Report to a court (social work data)",
            "DPA 2018 Schedule 3 Part 3 paragraph 9",
            "Social work information in a report or other evidence given to a court in proceedings (such as family "
            "proceedings) whose rules let the court withhold it from the person it is about.",
        ),
        # DPA 2018 Sch 3 Pt 4 para 18: education data in a report or evidence given to a court under the listed rules.
        Exemption(
            "court_report_education",
            "S3 P4 para18",
            "Report to a court (education data)",
            "DPA 2018 Schedule 3 Part 4 paragraph 18",
            "Education information in a report or other evidence given to a court in proceedings (such as family "
            "proceedings) whose rules let the court withhold it from the person it is about.",
        ),
        # DPA 2018 Sch 4 para 3: adoption records and reports, whose disclosure the adoption enactments restrict.
        Exemption(
            "adoption_records",
            "S4 para3",
            "Adoption records and reports",
            "DPA 2018 Schedule 4 paragraph 3",
            "Information in adoption records and reports, whose disclosure the adoption legislation prohibits or restricts.",
        ),
        # DPA 2018 Sch 4 para 5: parental order records and reports (Human Fertilisation and Embryology Act 2008 s54).
        Exemption(
            "parental_order_records",
            "S4 para5",
            "Parental order records and reports",
            "DPA 2018 Schedule 4 paragraph 5",
            "Information in parental order records and reports, whose disclosure the legislation on parental orders "
            "prohibits or restricts.",
        ),
        # DPA 2018 Sch 4 para 4: statements and records of special educational needs.
        Exemption(
            "special_educational_needs",
            "S4 para4",
            "Special educational needs records",
            "DPA 2018 Schedule 4 paragraph 4",
            "Information in a statement or record of a child's special educational needs (or an education, health and "
            "care plan), whose disclosure the special educational needs legislation restricts.",
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


def health_data_disclosure_refusal(
    *, opinions_test_not_met: Sequence[dt.date], already_seen_or_known: bool, today: dt.date
) -> str | None:
    """Why health data may not yet be disclosed in answer to an access request, in plain words; None when it may.

    A controller that is not a health professional may disclose health data only with an appropriate
    health professional's opinion, obtained within the six months ending with the day it is relied on,
    that the serious harm test is not met, or where the data subject has already seen or knows it.
    `opinions_test_not_met` are the dates of the opinions that found the test not met.
    """
    if already_seen_or_known:
        return None  # DPA 2018 Sch 3 Pt 2 para 6(1)(b): already seen by, or within the knowledge of, the subject
    if any(opinion_is_current(day, today) for day in opinions_test_not_met):
        return None  # DPA 2018 Sch 3 Pt 2 para 6(1)(a): a current opinion that the serious harm test is not met
    # DPA 2018 Sch 3 Pt 2 para 6(1): otherwise the controller may not disclose it.
    if opinions_test_not_met:
        latest = max(opinions_test_not_met)
        if latest > today:
            return f"the health professional's opinion is dated {latest.day} {latest:%B %Y}, after today (DPA 2018 Sch 3 Pt 2 para 6)"
        return (
            f"the health professional's opinion of {latest.day} {latest:%B %Y} is more than six months old on "
            f"{today.day} {today:%B %Y}: renew it, or record that the data subject has already seen or knows the "
            "information (DPA 2018 Sch 3 Pt 2 para 6)"
        )
    return (
        "record an appropriate health professional's opinion, less than six months old, that serious harm is not "
        "likely, or record that the data subject has already seen or knows the information (DPA 2018 Sch 3 Pt 2 "
        "para 6)"
    )


# DPA 2018 Sch 2 Pt 3 para 17: disclosing a health, social work or education worker's identity in that capacity
# "is reasonable" for para 16(2)(b); the schedule of redactions must say why one is nonetheless withheld.
PROFESSIONAL_IN_ROLE_SOURCE = "DPA 2018 Schedule 2 Part 3 paragraph 17"


def professional_redaction_refusal(*, name: str, reason: str, redacted_text: str = "") -> str | None:
    """Why a redaction of a professional-in-role's identity cannot stand as recorded, in plain words; None if it can.

    Para 17 makes it reasonable to disclose a health, social work or education worker's identity where the
    information relates to them in that role, so the third-party exemption (para 16) does not cover it:
    a redaction needs a recorded reason (another exemption, or why the para 17 test is not met). The reason is
    printed in the schedule, so it must not repeat what is redacted.
    """
    why = " ".join(reason.split())
    if not why:
        return (
            f"{name} is recorded as a health, social work or education professional acting in their role: "
            f"disclosing their identity is reasonable ({PROFESSIONAL_IN_ROLE_SOURCE}), so record why it is "
            "withheld (for example, another exemption applies, or the information is not about them in that role)."
        )
    words = {" ".join(text.split()).casefold() for text in (name, redacted_text) if text and text.strip()}
    if any(word in why.casefold() for word in words):
        return (
            "The reason is printed in the schedule of redactions the requester receives: write it without the "
            "name or words that are redacted."
        )
    return None
