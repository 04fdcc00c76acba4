"""Those outside the partnership whose say counts before a pack goes: each agency's data owner, who signs off
the redactions of its own records, and third parties, whose consent is asked (DPA 2018 Sch 2 Pt 3 para 16)."""

from __future__ import annotations

import datetime as dt
import enum

from rights.calendar import DEFAULT_CALENDAR, WorkingCalendar, add_working_days


class OwnerAnswer(enum.StrEnum):
    """Where one agency's sign-off of its redactions stands."""

    ASKED = "asked"  # asked, no answer yet
    AGREED = "agreed"
    CHANGES_ASKED = "changes_asked"
    WAIVED = "waived"  # the Manager signs off without the answer, after the deadline, saying why
    SUPERSEDED = "superseded"  # asked again: an older answer no longer counts


def owner_review_due(asked_on: dt.date, working_days: int, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> dt.date:
    """The last day an agency has to answer (partnership policy, AGENCY_REVIEW_WORKING_DAYS working days)."""
    # Seed notice: "each partner agency owns its own data"; the time it is given is the partnership's policy.
    return add_working_days(asked_on, working_days, calendar)


def owner_sign_off_blocker(
    *,
    agency: str,
    answer: OwnerAnswer | None,
    due_on: dt.date | None,
    records_changed: bool,
    today: dt.date,
    revoked: bool = False,
) -> str | None:
    """Why the pack may not be signed off for this agency's records yet, or None when it may."""
    # Seed notice: each agency owns its own data, so its owner sees the redactions of its records before sign-off.
    if answer is None or answer == OwnerAnswer.SUPERSEDED:
        return f"{agency} has not been asked to check the redactions of its records."
    if answer == OwnerAnswer.WAIVED:
        return None  # the Manager's recorded decision stands for the records as they were when it was made
    if revoked and answer == OwnerAnswer.ASKED:
        # Partnership policy: a withdrawn link cannot be answered, so the owner's say is still missing.
        return f"The link sent to {agency} to check its redactions was revoked: ask it again."
    if records_changed:
        return f"The records of {agency} or their redactions changed after it was asked: ask it again."
    if answer == OwnerAnswer.AGREED:
        return None
    if answer == OwnerAnswer.CHANGES_ASKED:
        return f"{agency} asked for changes to the redactions of its records: resolve them and ask it again."
    when = f" (it has until {due_on.day} {due_on:%B %Y})" if due_on is not None and due_on >= today else ""
    return f"{agency} has not yet answered about the redactions of its records{when}."


def manager_override_refusal(*, answer: OwnerAnswer | None, due_on: dt.date | None, today: dt.date) -> str | None:
    """Why the Manager may not sign off without this agency's answer, or None when they may (giving a reason)."""
    # Partnership policy on the seed notice's data ownership: the owner's silence is overridden only once its
    # time is up; a request for changes is answered, never overridden.
    if answer != OwnerAnswer.ASKED:
        return "Only an agency that was asked and has not answered can be passed over."
    if due_on is None or today <= due_on:
        day = f" until {due_on.day} {due_on:%B %Y}" if due_on is not None else ""
        return f"The agency still has time to answer{day}: it can be passed over only after that."
    return None


class ConsentAnswer(enum.StrEnum):
    """A third party's answer to being asked for consent (DPA 2018 Sch 2 Pt 3 para 16(1)(a))."""

    CONSENT = "consent"
    REFUSAL = "refusal"
    NO_ANSWER = "no_answer"


def consent_reply_due(sent_on: dt.date, working_days: int, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> dt.date:
    """When a third party is asked to answer by (partnership policy, THIRD_PARTY_REPLY_WORKING_DAYS)."""
    # DPA 2018 Sch 2 Pt 3 para 16(3)(c): the steps taken to seek consent count; a date to answer by is one.
    return add_working_days(sent_on, working_days, calendar)


def consent_chaser_due(*, due_on: dt.date, answered: bool, chased: bool, today: dt.date) -> bool:
    """Whether the daily sweep sends the one chaser: past the date to answer by, no answer, not yet chased."""
    # DPA 2018 Sch 2 Pt 3 para 16(3)(c): reasonable steps to seek consent include a reminder.
    return not answered and not chased and today > due_on


def no_answer_refusal(*, due_on: dt.date, today: dt.date) -> str | None:
    """Why "no answer" cannot be recorded yet, or None when it can: only once the date to answer by has passed."""
    # DPA 2018 Sch 2 Pt 3 para 16(3)(c): the steps to seek consent are complete only when the time given is up.
    if today <= due_on:
        return f"The third party has until {due_on.day} {due_on:%B %Y} to answer: record no answer only after that."
    return None


def para16_reasons_needed(answer: ConsentAnswer | None) -> bool:
    """Whether disclosing needs the reasonableness judgement with its factors: always, unless consent was given."""
    # DPA 2018 Sch 2 Pt 3 para 16(1)(a): with consent, the third party's information may be disclosed;
    # para 16(1)(b) and (3): without it, only where reasonable, weighing the listed factors.
    return answer != ConsentAnswer.CONSENT


def para16_may_disclose(*, answer: ConsentAnswer | None, reasonable_without_consent: bool | None) -> bool:
    """Whether the third party's information may go in the pack (DPA 2018 Sch 2 Pt 3 para 16(1))."""
    # DPA 2018 Sch 2 Pt 3 para 16(1)(a) consent, or (b) reasonable in all the circumstances without it.
    if answer == ConsentAnswer.CONSENT:
        return True
    return bool(reasonable_without_consent)
