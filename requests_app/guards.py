"""Who may take a step, and the conditions on it: each check says in plain words why a step may not go ahead.

A check takes the request and returns None when all is well, or the reason it is not. The state
machines wrap checks in `Guard`s (django-fsm conditions that can explain themselves) and roles in
`Allowed` (a django-fsm permission). A higher layer (disclosure) adds its own checks to a step with
`register_condition`, so requests_app never imports it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from core import roles
from core.roles import AnyUser
from core.text import day_text
from requests_app.models.core import LetterDirection, RefusalGround, RightsRequest
from rights import ActingDecision, Authority, Competence, age_on, extension_refusal, may_act_for
from rights.people import (
    BestInterests,
    acting_power_refusal,
    child_abuse_data_applies,
    child_abuse_data_withheld,
)

Check = Callable[[RightsRequest], str | None]

LIFT_NOTICE_TEMPLATE = "restriction_lift_notice"
# The letters service's default notice period; settings.RESTRICTION_LIFT_NOTICE_DAYS overrides both.
LIFT_NOTICE_DAYS = 14


def today_for(request: RightsRequest) -> dt.date:
    """The day the service is acting on (tests and imports pass it); otherwise today in Europe/London."""
    today: dt.date | None = getattr(request, "_today", None)
    return today or timezone.localdate()


@dataclass(frozen=True)
class Guard:
    """A django-fsm condition that can also say why it fails.

    `on_input` marks checks of what the step's form supplies (a ground, reasons): they hold the
    model to the rule, but are not shown as blockers before the form has been filled in.
    """

    check: Callable[[RightsRequest], Iterable[str]]
    on_input: bool = False
    name: str = ""  # for the generated documentation

    def __call__(self, request: RightsRequest) -> bool:
        return not self.reasons(request)

    def reasons(self, request: RightsRequest) -> tuple[str, ...]:
        return tuple(self.check(request))


def guard(check: Check, *, on_input: bool = False) -> Guard:
    """A Guard from a check that returns one reason or None."""

    def reasons(request: RightsRequest) -> Iterable[str]:
        reason = check(request)
        return (reason,) if reason else ()

    return Guard(reasons, on_input=on_input, name=getattr(check, "__name__", ""))


@dataclass(frozen=True)
class Allowed:
    """A django-fsm permission: the roles that may take the step, on a request they may open."""

    roles: tuple[str, ...]

    def __call__(self, request: RightsRequest, user: AnyUser) -> bool:
        from requests_app.access import request_is_visible_to  # access imports the models this module helps build

        return bool(roles.roles_of(user) & set(self.roles)) and request_is_visible_to(request, user)

    @property
    def label(self) -> str:
        return " or ".join(self.roles)


MANAGER = Allowed((roles.MANAGER,))
WORKER = Allowed((roles.MANAGER, roles.CASEWORKER))  # the Manager can do everything a caseworker can


# External conditions, added by higher layers.


@dataclass(frozen=True)
class _External:
    check: Check
    kinds: frozenset[str] | None


_REGISTRY: dict[str, list[_External]] = {}


def register_condition(transition_name: str, check: Check, kinds: set[str] | None = None) -> None:
    """Add a condition to a step (for every kind, or only `kinds`); registering the same check again does nothing.

    A misspelt step or kind would leave a safeguard silently unenforced, so both are checked here.
    """
    from requests_app.models.machines import MACHINES  # the machines are built from this module

    unknown_kinds = set(kinds or ()) - set(MACHINES)
    if unknown_kinds:
        raise ValueError(f"No such kind of request: {', '.join(sorted(unknown_kinds))}.")
    having = {kind for kind, machine in MACHINES.items() if transition_name in step_names(machine)}
    if not having:
        raise ValueError(f"No state machine has a step called {transition_name!r}.")
    lacking = set(kinds or ()) - having
    if lacking:
        raise ValueError(
            f"These kinds of request have no step called {transition_name!r}: {', '.join(sorted(lacking))}."
        )
    entry = _External(check, frozenset(kinds) if kinds is not None else None)
    entries = _REGISTRY.setdefault(transition_name, [])
    if entry not in entries:
        entries.append(entry)


def unregister_condition(transition_name: str, check: Check) -> None:
    """Remove a registered condition (for tests and for apps being unloaded)."""
    _REGISTRY[transition_name] = [e for e in _REGISTRY.get(transition_name, []) if e.check is not check]


def blockers(request: RightsRequest, transition_name: str) -> list[str]:
    """The reasons, from registered conditions, why the step may not be taken now; empty when it may."""
    reasons: list[str] = []
    for entry in _REGISTRY.get(transition_name, []):
        if entry.kinds is not None and request.kind not in entry.kinds:
            continue
        reason = entry.check(request)
        if reason:
            reasons.append(reason)
    return reasons


def external(transition_name: str) -> Guard:
    """The condition every step carries: whatever higher layers registered for it."""
    return Guard(lambda request: blockers(request, transition_name), name="registered")


def step_names(machine: type[RightsRequest]) -> set[str]:
    field = machine._meta.get_field("status")
    return {t.name for t in field.get_all_transitions(machine)}


# The statute's checks. Each cites its source.


def acting_decision(request: RightsRequest) -> ActingDecision:
    """May the requester act for the data subject, by the statute and the partnership's policy age?"""
    return may_act_for(
        role=request.role,
        authority=Authority(request.authority) if request.authority else None,
        authority_verified=request.authority_verified_at is not None,
        subject_date_of_birth=request.subject.date_of_birth,
        request_date=request.received,  # the child's age on the day the request arrived
        consent_age=settings.CHILD_CONSENT_AGE,
        competence=Competence(request.child_competence) if request.child_competence else None,
        child_consented=request.child_consented_on is not None,
    )


def identity_verified(request: RightsRequest) -> str | None:
    # UK GDPR Art 12(6); ICO right of access guidance: confirm identity before acting on a request.
    if request.identity_verified_at is None:
        return "The requester's identity has not been verified: record the identity evidence first."
    return None


def acting_power_problem(request: RightsRequest) -> str | None:
    """The recorded basis (parental responsibility and its evidence, a deputy's order, an attorney's power) does not
    let the representative act on this request: the reason, with its source (rights.people.acting_power_refusal).

    A case imported as a record of the past from a file written before these facts were kept carries none of them:
    its replayed steps are not refused for that, but the next step taken on the desk is.
    """
    powers = request.acting_powers
    if _record_only(request) and not powers.recorded:
        return None
    authority = Authority(request.authority) if request.authority else None
    return acting_power_refusal(role=request.role, authority=authority, powers=powers)


def authority_verified(request: RightsRequest) -> str | None:
    # ICO guidance, requests made on behalf of others: a representative needs authority, seen and verified;
    # Children Act 1989 and Mental Capacity Act 2005: the basis they rely on, shown by the evidence.
    decision = acting_decision(request)
    if not (decision.allowed or decision.child_consent_needed):
        return decision.reasons[-1]
    return acting_power_problem(request)


def _subject_age(request: RightsRequest) -> int | None:
    born = request.subject.date_of_birth
    if born is None or born > request.received:
        return None
    return age_on(born, request.received)


def child_abuse_data_rule_applies(request: RightsRequest) -> bool:
    """DPA 2018 Sch 3 Pt 5 para 21(1): a person with parental responsibility, or a court-appointed deputy, asks."""
    has_pr, court_appointed = child_abuse_data_applies(
        authority=Authority(request.authority) if request.authority else None,
        role=request.role,
        subject_age=_subject_age(request),
    )
    return has_pr or court_appointed


def child_abuse_data_is_withheld(request: RightsRequest) -> bool:
    """DPA 2018 Sch 3 Pt 5 para 21(2): withheld unless disclosing it is recorded as in the subject's best interests."""
    has_pr, court_appointed = child_abuse_data_applies(
        authority=Authority(request.authority) if request.authority else None,
        role=request.role,
        subject_age=_subject_age(request),
    )
    decided = request.best_interests
    return child_abuse_data_withheld(
        requester_has_parental_responsibility=has_pr,
        requester_court_appointed=court_appointed,
        in_best_interests=None if not decided else decided == BestInterests.IN.value,
    )


def child_abuse_data_considered(request: RightsRequest) -> str | None:
    # DPA 2018 Sch 3 Pt 5 para 21: where a person with parental responsibility or a court-appointed deputy asks, child
    # abuse data is disclosed only so far as that is in the data subject's best interests: decided before sign-off.
    if _record_only(request) or not child_abuse_data_rule_applies(request):
        return None
    if not request.best_interests:
        return (
            "Record whether disclosing any child abuse data to the requester is in the data subject's best interests "
            "(DPA 2018 Sch 3 Pt 5 para 21): if it is not, redact it with S3 P5 para21."
        )
    return None


def child_consent_given(request: RightsRequest) -> str | None:
    # Seed notice policy and ICO guidance: a child able to decide consents to access by anyone else,
    # unless a professional has recorded that they lack the understanding (Gillick competence).
    decision = acting_decision(request)
    if decision.allowed or not decision.child_consent_needed:
        return None
    return decision.reasons[-1]


def something_to_ask_for(request: RightsRequest) -> str | None:
    """Asking for identity or authority stops work; it must be because something is missing (Art 12(6))."""
    if identity_verified(request) or authority_verified(request) or child_consent_given(request):
        return None
    return "Identity, authority and any consent needed are already recorded: there is nothing to ask for."


def inside_first_month(request: RightsRequest) -> str | None:
    # UK GDPR Art 12A: the requester is told of an extension, with reasons, within the first month.
    if request.first_month_due is None:
        return "The end of the first month is not known: the due date needs recomputing."
    today = today_for(request)
    if today > request.first_month_due:
        return (
            f"The first month ended on {day_text(request.first_month_due)}: an extension can only be "
            "made, and the requester told, within the first month."
        )
    return None


def extension_ground_recorded(request: RightsRequest) -> str | None:
    # UK GDPR Art 12A: more time only where necessary by reason of the complexity or the number of requests.
    numerous_with = [other.reference for other in request.numerous_with.all()] if request.pk else []
    return extension_refusal(
        ground=request.extension_ground, reason=request.complex_reason, numerous_with=numerous_with
    )


def not_yet_extended(request: RightsRequest) -> str | None:
    # UK GDPR Art 12A: at most two further months, so one extension only.
    if request.extended:
        return "The request has already been extended by the two further months the law allows."
    return None


def ground_is_one_of(*grounds: RefusalGround) -> Check:
    """A refusal names its ground, and only a ground the law allows for this step."""
    allowed = ", ".join(g.label for g in grounds)

    def ground_given(request: RightsRequest) -> str | None:
        # UK GDPR Art 12(4): the requester is told the reasons for not acting.
        if not request.refusal_ground:
            return f"Choose the ground: {allowed}."
        if request.refusal_ground not in {g.value for g in grounds}:
            return (
                f"{RefusalGround(request.refusal_ground).label} is not a ground for this step; choose from: {allowed}."
            )
        return None

    return ground_given


def decision_reasons_given(request: RightsRequest) -> str | None:
    # UK GDPR Art 12(4): reasons are given for not acting; outcome letters say what was done.
    if not request.decision_reasons.strip():
        return "Give the reasons for the decision: they go in the letter to the requester."
    return None


def supplementary_statement_given(request: RightsRequest) -> str | None:
    # UK GDPR Art 16: incomplete data may be completed by a supplementary statement.
    if not request.supplementary_statement.strip():
        return "Enter the requester's supplementary statement."
    return None


def declined_as_accurate(request: RightsRequest) -> str | None:
    # UK GDPR Art 16: the statement completes data the partnership keeps as accurate.
    if request.refusal_ground != RefusalGround.DATA_ACCURATE:
        return "A supplementary statement is added where correction was refused because the data is accurate."
    return None


def paused_from_one_of(*states: str) -> Check:
    """Clarification resumes where the request paused, which must be a state it could have paused from."""

    def paused(request: RightsRequest) -> str | None:
        if request.paused_from not in states:
            return "It is not recorded which step the request paused from, so it cannot resume."
        return None

    return paused


def processing_not_restricted(request: RightsRequest) -> str | None:
    if request.processing_restricted:
        return "Processing is already restricted."
    return None


def _lift_notice_date(request: RightsRequest) -> dt.date | None:
    letter = (
        request.letters.filter(template=LIFT_NOTICE_TEMPLATE, direction=LetterDirection.OUT).order_by("date").first()
    )
    return letter.date if letter is not None else None


def lift_notice_date(request: RightsRequest) -> dt.date | None:
    """The day the requester was told the restriction would be lifted (the first lift notice), if they were."""
    return _lift_notice_date(request)


def lift_notice_sent(request: RightsRequest) -> str | None:
    # UK GDPR Art 18(3): the requester is told before a restriction is lifted; the notice gives them a
    # date no sooner than the notice period (the letters service's RESTRICTION_LIFT_NOTICE_DAYS), which we keep to.
    sent_on = _lift_notice_date(request)
    if sent_on is None:
        return "The requester must be told before the restriction is lifted: send the lift notice first."
    earliest = sent_on + dt.timedelta(days=getattr(settings, "RESTRICTION_LIFT_NOTICE_DAYS", LIFT_NOTICE_DAYS))
    if today_for(request) < earliest:
        return (
            f"The lift notice sent on {day_text(sent_on)} told the requester the restriction would be lifted "
            f"no sooner than {day_text(earliest)}."
        )
    return None


def lift_notice_not_sent(request: RightsRequest) -> str | None:
    sent_on = _lift_notice_date(request)
    if sent_on is not None:
        return f"The lift notice was already sent, on {day_text(sent_on)}."
    return None


# The held data a step changes (UK GDPR Art 16-19, 21): the subject search behind it, the corrections, the recipients.
# A step imported as a record of the past (a case file) carries its own history: these read today's holdings, so they
# do not apply to it.


def _record_only(request: RightsRequest) -> bool:
    return bool(getattr(request, "_record_only", False))


def held_data_searched(request: RightsRequest) -> str | None:
    # UK GDPR Art 15(1A), ICO guidance: a reasonable and proportionate search, kept as evidence, before acting on it.
    if _record_only(request):
        return None
    from requests_app.selectors.subject_holdings import search_problem  # reviews' models, read when the guard runs

    return search_problem(request)


def corrections_recorded(request: RightsRequest) -> str | None:
    # UK GDPR Art 16: the correction is made to the data, not only described in the letter.
    if _record_only(request):
        return None
    from requests_app.selectors.subject_holdings import corrections_recorded as recorded
    from requests_app.selectors.subject_holdings import nothing_held, search_problem

    if recorded(request):
        return None
    problem = search_problem(request)
    if problem:
        return problem
    if nothing_held(request):
        return None  # the search found nothing held: the letter says so
    return "Record each correction to the data first (Correct held data, on the request's page)."


def no_recipients_pending(request: RightsRequest) -> str | None:
    # UK GDPR Art 19: each recipient is told, unless that proves impossible or involves disproportionate effort.
    if _record_only(request):
        return None
    from requests_app.selectors.subject_holdings import recipients_pending

    pending = recipients_pending(request)
    if pending:
        return (
            f"{pending} recipient{'s are' if pending != 1 else ' is'} still to be told (Art 19): record on the "
            "request's page when each was told, or why telling them is impossible or disproportionate."
        )
    return None
