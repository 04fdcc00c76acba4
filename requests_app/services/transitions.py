"""Moving a request through its state machine: one transaction per step, with its letter, clock and event row.

Views, tasks and higher layers call `request_transition` (or `request_extend`), never a step method.
The sequence is always: lock the row, compare versions, check the role, take the form's inputs,
check the step's conditions, take the step, move the clock, save with history, write the
TransitionEvent, send the step's letter. Any refusal raises ApplicationError and nothing is saved.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django_fsm import Transition

from core import roles
from core.audit import record_change
from core.files import files_removed_on_rollback
from core.roles import AnyUser
from core.text import day_text
from requests_app.access import request_is_visible_to
from requests_app.guards import Allowed, Guard
from requests_app.letters import letter_template
from requests_app.models import (
    ClockEvent,
    ClockEventKind,
    Letter,
    LetterDirection,
    LetterMethod,
    RefusalGround,
    RightsRequest,
    Status,
    TransitionEvent,
    machine_for,
)
from requests_app.models.machines import StepInfo
from requests_app.services import effects, fees, letters
from requests_app.services.clock import clock_event_add, deadline_for, request_refresh_due_date
from requests_app.services.locking import RESTRICTED_MESSAGE, request_lock
from requests_app.services.notices import notices_clear_obsolete
from rights import ApplicationError, FeeBasis, RightKind, clarification_stops_clock
from rights.effects import ErasureMethod, RestrictionBasis

# UK GDPR Art 18(1)(a)-(d): what a restriction step may give as its basis (an upheld objection is its own step).
RESTRICTION_BASES_ASKED = frozenset(b.value for b in RestrictionBasis if b is not RestrictionBasis.OBJECTION_UPHELD)

# Inputs that only say how held data is changed (requests_app.services.effects).
EFFECT_INPUTS = frozenset({"erasure_method", "restriction_basis"})
# Inputs stored on the request itself; the others go to the event row, the clock and the letter.
FIELD_INPUTS = ("refusal_ground", "decision_reasons", "supplementary_statement")

MISSING_INPUT = {
    "reason": "Say why.",
    "refusal_ground": "Choose the ground for refusal.",
    "decision_reasons": "Give the reasons for the decision: they go in the letter to the requester.",
    "supplementary_statement": "Enter the requester's supplementary statement.",
    "clarification_question": "Say exactly what needs clarifying, and why: it goes in the letter to the requester.",
    "clarification_reason": "Say why clarification is needed (never as a matter of routine): it goes in the letter.",
    "extension_reason": "Give the reasons for the extension: they go in the letter to the requester.",
    "method": "Choose how the letter is sent.",
    "received_on": "Enter the date the requester's answer arrived: the clock restarts from that day.",
    "incoming_letter": "Choose the letter it came in.",
    "erasure_method": "Choose how the data is erased: destroyed or anonymised.",
    "restriction_basis": "Choose the Article 18(1) condition that applies.",
    "fee_basis": "Choose the ground for the fee: manifestly unfounded or excessive (Art 12(5)(a)), or further copies "
    "(Art 15(3)).",
    "fee_amount": "Enter the fee, in pounds and pence.",
    "fee_reason": "Say why a fee is charged and how it is worked out from the administrative costs: it goes in the letter.",
    "paid_on": "Enter the date the fee arrived: the month runs from that day.",
}


@dataclass(frozen=True)
class TransitionOption:
    """One button on the request page: a step the user's role may take from here, and whether it can be taken now."""

    name: str
    label: str
    description: str
    needs: tuple[str, ...]
    allowed: bool
    blockers: tuple[str, ...]
    required: tuple[str, ...] = ()
    target: str = ""  # the status it leads to, in words; empty when the status stays the same
    grounds: tuple[tuple[str, str], ...] = ()  # the refusal grounds this step allows, as (value, label) choices


def _info(fsm_transition: Transition) -> StepInfo:
    info: StepInfo = fsm_transition.custom["step"]
    return info


def _steps_from_here(machine: RightsRequest) -> list[Transition]:
    """The machine's steps that start from the request's current status, in the order they are defined."""
    field: Any = machine._meta.get_field("status")
    found: list[Transition] = []
    for method in field.transitions[type(machine)].values():
        fsm_transition = method._django_fsm.get_transition(machine.status)
        if fsm_transition is not None:
            found.append(fsm_transition)
    return sorted(found, key=lambda t: _info(t).order)


def _find_step(machine: RightsRequest, name: str) -> Transition:
    field: Any = machine._meta.get_field("status")
    method = field.transitions[type(machine)].get(name)
    status_label = Status(machine.status).label.lower()
    if method is None:
        raise ApplicationError(f"A {RightKind(machine.kind).label.lower()} request has no step called {name!r}.")
    fsm_transition: Transition | None = method._django_fsm.get_transition(machine.status)
    if fsm_transition is None:
        label = _info(next(iter(method._django_fsm.transitions.values()))).label
        raise ApplicationError(f"This request is {status_label}: “{label}” is not a step it can take now.")
    return fsm_transition


def _blockers(machine: RightsRequest, fsm_transition: Transition, *, with_inputs: bool) -> tuple[str, ...]:
    reasons: list[str] = []
    for condition in fsm_transition.conditions:
        if isinstance(condition, Guard):
            if condition.on_input and not with_inputs:
                continue
            reasons.extend(r for r in condition.reasons(machine) if r not in reasons)
        elif not condition(machine):
            reasons.append("A condition on this step is not met.")
    return tuple(reasons)


def _permission_problem(machine: RightsRequest, fsm_transition: Transition, user: AnyUser | None) -> str | None:
    """None if the user may take the step; else why not, in plain words. user=None is the command line."""
    if user is None:
        return None
    allowed = fsm_transition.permission
    if not isinstance(allowed, Allowed):
        raise TypeError(f"step {fsm_transition.name} has no Allowed permission")
    if not roles.roles_of(user) & set(allowed.roles):
        return f"Only the {allowed.label} can {_lower_first(_info(fsm_transition).label)}."
    if not request_is_visible_to(machine, user):
        return RESTRICTED_MESSAGE
    return None


def _target_label(machine: RightsRequest, fsm_transition: Transition) -> str:
    target = fsm_transition.target
    if target is None:
        return ""
    if isinstance(target, str):
        return Status(target).label
    return Status(machine.paused_from).label if machine.paused_from else ""  # back to where it paused


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _set_today(machine: RightsRequest, today: dt.date) -> None:
    machine._today = today  # type: ignore[attr-defined]  # read by guards.today_for


def available_transitions(
    *, request: RightsRequest, user: AnyUser | None, today: dt.date | None = None
) -> list[TransitionOption]:
    """The steps the user's role may take from the request's status, each allowed or with the reasons it is blocked."""
    today = today or timezone.localdate()
    machine = machine_for(copy.copy(request))  # a copy: the caller's object keeps its class and due date
    _set_today(machine, today)
    if machine.status == Status.AWAITING_CLARIFICATION:
        request_refresh_due_date(request=machine, today=today)  # the stopped clock moves the first month's end daily
    options: list[TransitionOption] = []
    for fsm_transition in _steps_from_here(machine):
        if _permission_problem(machine, fsm_transition, user) is not None:
            continue
        info = _info(fsm_transition)
        blockers = _blockers(machine, fsm_transition, with_inputs=False)
        options.append(
            TransitionOption(
                name=fsm_transition.name,
                label=info.label,
                description=info.description,
                needs=info.needs,
                allowed=not blockers,
                blockers=blockers,
                required=info.required,
                target=_target_label(machine, fsm_transition),
                grounds=tuple((g.value, g.label) for g in info.grounds),
            )
        )
    return options


@dataclass(frozen=True)
class StepOutcome:
    """What taking a step with these inputs will do, worked out without changing anything: for the confirmation page."""

    label: str
    from_status: str  # in words
    to_status: str  # in words; empty when the status stays the same
    ends: bool  # no step of the request's machine leads on from the status it reaches
    letter_title: str  # the letter generated and filed; empty when none
    method: str  # how that letter goes, in words
    told: str  # who is told, in words; empty when no one outside the team is
    due_before: dt.date
    due_after: dt.date | None  # None when the clock stops (a clarification asked of a right whose clock stops)
    inputs: dict[str, str]  # the inputs as the step takes them (trimmed, empties dropped)


def _leads_on(machine: RightsRequest, status: str) -> bool:
    field: Any = machine._meta.get_field("status")
    return any(
        method._django_fsm.get_transition(status) is not None for method in field.transitions[type(machine)].values()
    )


def step_outcome(
    *, request: RightsRequest, user: AnyUser, name: str, data: dict[str, str] | None, today: dt.date | None = None
) -> StepOutcome:
    """Check the step as `request_transition` would (role, inputs, conditions with the inputs) and say what it will do:
    the status it reaches, the letter that goes and to whom, and the due date after it. Raises ApplicationError with
    the same words the step itself would; reads only, on a copy of the request, and saves nothing."""
    today = today or timezone.localdate()
    machine = machine_for(copy.copy(request))
    _set_today(machine, today)
    fsm_transition = _find_step(machine, name)
    info = _info(fsm_transition)
    problem = _permission_problem(machine, fsm_transition, user)
    if problem:
        raise ApplicationError(problem)
    inputs = _clean_inputs(data, info, info.label)
    for field_name in FIELD_INPUTS:
        if field_name in info.needs:
            setattr(machine, field_name, inputs.get(field_name, ""))
    clock_date, _letter = _clock_facts(machine, info, inputs, today)
    fees.fee_inputs_check(request=machine, transition=name, inputs=inputs)
    events = list(machine.clock_events.all())
    if machine.status == Status.AWAITING_CLARIFICATION:
        request_refresh_due_date(request=machine, today=today)
    blockers = _blockers(machine, fsm_transition, with_inputs=True)
    if blockers:
        raise ApplicationError(f"You cannot {_lower_first(info.label)} yet: {' '.join(blockers)}")
    due_before = machine.due_date
    due_after: dt.date | None = due_before
    if info.clock is not None:
        if info.clock == ClockEventKind.CLARIFICATION_ASKED and clarification_stops_clock(machine.right):
            due_after = None
        else:
            hypothetical = ClockEvent(request=machine, event=info.clock, date=clock_date)
            due_after = deadline_for(machine, events=[*events, hypothetical], today=today).due
    target = _target_label(machine, fsm_transition)
    target_value = fsm_transition.target if isinstance(fsm_transition.target, str) else machine.paused_from
    told, method = "", ""
    if info.letter is not None:
        addressee = machine.addressee
        method_value = inputs.get("method", LetterMethod.POST.value)
        method = LetterMethod(method_value).label
        who = "the requester" if machine.requester_id else "the data subject"
        if method_value == LetterMethod.EMAIL.value and addressee.email:
            told = f"{addressee.full_name} ({who}), by email to {addressee.email}"
        else:
            told = f"{addressee.full_name} ({who}), by {method.lower()}"
    return StepOutcome(
        label=info.label,
        from_status=Status(machine.status).label,
        to_status=target,
        ends=bool(target_value) and not _leads_on(machine, target_value),
        letter_title=letter_template(info.letter).title if info.letter else "",
        method=method,
        told=told,
        due_before=due_before,
        due_after=due_after,
        inputs=inputs,
    )


@dataclass(frozen=True)
class StepRefusal:
    """Why a user who can see a request cannot take one of its machine's steps at all, and the HTTP status to say it with."""

    label: str
    message: str
    status: int  # 403: their role may not; 409: not a step from the request's status now


def step_refusal(*, request: RightsRequest, user: AnyUser, name: str) -> StepRefusal | None:
    """For a step not offered to the user: why, in plain words; None if the machine has no such step."""
    machine = machine_for(copy.copy(request))
    field: Any = machine._meta.get_field("status")
    method = field.transitions[type(machine)].get(name)
    if method is None:
        return None
    label = _info(next(iter(method._django_fsm.transitions.values()))).label
    fsm_transition: Transition | None = method._django_fsm.get_transition(machine.status)
    if fsm_transition is None:
        status_label = Status(machine.status).label.lower()
        return StepRefusal(label, f"This request is {status_label}: “{label}” is not a step it can take now.", 409)
    problem = _permission_problem(machine, fsm_transition, user)
    return StepRefusal(label, problem, 403) if problem else None


def _clean_inputs(
    data: dict[str, str] | None, info: StepInfo, label: str, *, record_only: bool = False
) -> dict[str, str]:
    """The step's inputs, trimmed; refuses a required one missing or one this step does not take.

    A record of the past changes no held data, so it need not say how held data is to be changed.
    """
    cleaned = {key: (value or "").strip() for key, value in (data or {}).items()}
    cleaned = {key: value for key, value in cleaned.items() if value}
    unexpected = sorted(set(cleaned) - set(info.needs))
    if unexpected:
        raise ApplicationError(f"“{label}” does not take {', '.join(unexpected)}.", field=unexpected[0])
    for name in info.required:
        if name not in cleaned and not (record_only and name in EFFECT_INPUTS):
            raise ApplicationError(MISSING_INPUT[name], field=name)
    if "method" in cleaned and cleaned["method"] not in LetterMethod.values:
        raise ApplicationError(f"{cleaned['method']!r} is not a way of sending a letter.", field="method")
    if "refusal_ground" in cleaned and cleaned["refusal_ground"] not in RefusalGround.values:
        raise ApplicationError(f"{cleaned['refusal_ground']!r} is not a ground for refusal.", field="refusal_ground")
    if "erasure_method" in cleaned and cleaned["erasure_method"] not in {m.value for m in ErasureMethod}:
        raise ApplicationError(f"{cleaned['erasure_method']!r} is not a way of erasing data.", field="erasure_method")
    if "restriction_basis" in cleaned and cleaned["restriction_basis"] not in RESTRICTION_BASES_ASKED:
        raise ApplicationError(
            f"{cleaned['restriction_basis']!r} is not one of the Article 18(1) conditions.", field="restriction_basis"
        )
    return cleaned


def incoming_letter_for(request: RightsRequest, value: str | None) -> Letter | None:
    """The request's own incoming letter named by pk (a form's choice), or a plain refusal; None when none is named."""
    if not value:
        return None
    letter = (
        Letter.objects.filter(pk=int(value), request_id=request.pk, direction=LetterDirection.IN).first()
        if str(value).isdigit()
        else None
    )
    if letter is None:
        raise ApplicationError("Choose one of this request's incoming letters.", field="incoming_letter")
    return letter


def _clock_facts(
    machine: RightsRequest, info: StepInfo, inputs: dict[str, str], today: dt.date
) -> tuple[dt.date, Letter | None]:
    """The day the step's clock event is dated, and the incoming letter that caused it.

    A clarification answered counts from the day the answer arrived, not the day it is recorded
    (R5; UK GDPR Art 12A): a day's delay in recording it must not add a day.
    """
    letter = incoming_letter_for(machine, inputs.get("incoming_letter"))
    raw = inputs.get("received_on") or inputs.get("paid_on")
    if raw is None:
        return today, letter
    field = "received_on" if "received_on" in inputs else "paid_on"
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise ApplicationError(f"{raw!r} is not a date like 2026-03-16.", field=field) from None
    if day > today:
        raise ApplicationError("The answer cannot have arrived in the future: enter the day it arrived.", field=field)
    if info.clock == ClockEventKind.CLARIFICATION_ANSWERED:
        asked = machine.clock_events.filter(event=ClockEventKind.CLARIFICATION_ASKED).order_by("-date", "-pk").first()
        if asked is not None and day < asked.date:
            raise ApplicationError(
                f"The answer cannot have arrived before the question was asked, on {day_text(asked.date)}.",
                field=field,
            )
    if day < machine.received:
        raise ApplicationError(
            f"The answer cannot have arrived before the request did ({day_text(machine.received)}).",
            field=field,
        )
    if letter is not None and letter.date != day:
        raise ApplicationError(
            f"The letter chosen arrived on {day_text(letter.date)}, not {day_text(day)}: choose the letter the "
            "answer came in, or correct the date.",
            field="incoming_letter",
        )
    return day, letter


def _event_reason(info: StepInfo, inputs: dict[str, str], machine: RightsRequest, *, with_why: bool = True) -> str:
    """The "why" on the event row: what the person taking the step wrote (the clock event keeps the question only)."""
    parts: list[str] = []
    if "refusal_ground" in inputs:
        parts.append(RefusalGround(inputs["refusal_ground"]).label + ".")
    if "fee_basis" in inputs:
        parts.append(f"{FeeBasis(inputs['fee_basis']).label}: {inputs.get('fee_amount', '')}.")
    for name in (
        "reason",
        "clarification_question",
        "extension_reason",
        "fee_reason",
        "decision_reasons",
        "supplementary_statement",
    ):
        if name in info.needs and inputs.get(name):
            parts.append(inputs[name])
            break
    if with_why and "clarification_reason" in info.needs and inputs.get("clarification_reason"):
        parts.append(f"Why: {inputs['clarification_reason']}")  # the ICO: never asked for on a blanket basis
    return " ".join(parts)


def _letter_context(
    machine: RightsRequest, info: StepInfo, inputs: dict[str, str], was_restricted: bool
) -> dict[str, Any]:
    """Only what this step's form supplied: a letter must never print reasons written for another step.

    The letters service reads everything else (due dates, the identity needed, the outcome) from the request.
    """
    context: dict[str, Any] = {}
    for name in info.needs:
        if name == "method":
            continue
        context[name] = getattr(machine, name) if name in FIELD_INPUTS else inputs.get(name, "")
    if was_restricted and not machine.processing_restricted:
        # UK GDPR Art 18(3): a restriction held while checking ends with this decision; the letter must say so.
        context["restriction_ends"] = True
    return context


def request_transition(
    *,
    request_id: int,
    user: AnyUser | None,
    transition: str,
    expected_version: int | None,
    data: dict[str, str] | None = None,
    today: dt.date | None = None,
    record_only: bool = False,
    at: dt.datetime | None = None,
) -> RightsRequest:
    """Take one step of the request's state machine, with its letter, clock event and event row, or refuse and save nothing.

    record_only: the step is a record of the past (importing a case file, which brings its own
    letters and clock), so no letter is generated and no clock event written.
    at: with record_only, when the step was taken in the past (an imported register's dates): the
    event row, the history row and a closure are stamped then, so the reports count the step then.
    """
    today = today or timezone.localdate()
    if at is not None and not record_only:
        raise ValueError("a step can be dated in the past only as a record (record_only)")
    with files_removed_on_rollback(), transaction.atomic():  # a letter written before a later refusal goes too
        machine = machine_for(request_lock(request_id, by=user, expected_version=expected_version))
        _set_today(machine, today)
        machine._record_only = record_only  # type: ignore[attr-defined]  # read by the held-data guards
        fsm_transition = _find_step(machine, transition)
        info = _info(fsm_transition)
        problem = _permission_problem(machine, fsm_transition, user)
        if problem:
            raise ApplicationError(problem)
        inputs = _clean_inputs(data, info, info.label, record_only=record_only)
        for name in FIELD_INPUTS:
            if name in info.needs:
                setattr(machine, name, inputs.get(name, ""))  # the step's record is exactly what was entered
        clock_date, clock_letter = _clock_facts(machine, info, inputs, today)
        fees.fee_inputs_check(request=machine, transition=transition, inputs=inputs)
        if machine.status == Status.AWAITING_CLARIFICATION:
            request_refresh_due_date(request=machine, today=today)
        blockers = _blockers(machine, fsm_transition, with_inputs=True)
        if blockers:
            raise ApplicationError(f"You cannot {_lower_first(info.label)} yet: {' '.join(blockers)}")

        from_status = machine.status
        was_restricted = machine.processing_restricted
        closed_before = machine.closed_at
        getattr(machine, transition)()
        if at is not None and machine.closed_at != closed_before:
            machine.closed_at = at  # the day the register says it closed: retention counts from it
        by = user if isinstance(user, User) else None
        # The step's effect on held data (Art 16-18, 21), in this transaction: a refusal from reviews undoes the step.
        done = (
            None
            if record_only
            else effects.effect_apply(
                machine=machine, transition=transition, inputs=inputs, by=by, was_restricted=was_restricted
            )
        )
        reason = " ".join(part for part in (_event_reason(info, inputs, machine), done.note if done else "") if part)
        clock_event: ClockEvent | None = None
        if info.clock is not None and not record_only:
            clock_event = clock_event_add(
                request=machine,
                event=info.clock,
                date=clock_date,
                by=by,
                reason=reason
                if "clarification_reason" not in info.needs
                else _event_reason(info, inputs, machine, with_why=False),
                letter=clock_letter,
                today=today,
            )
        machine.full_clean()
        machine.version += 1
        change = f"{info.label}: {reason}" if reason else info.label
        record_change(machine, change, by=by)
        if at is not None:
            machine._history_date = at  # type: ignore[attr-defined]  # read by simple_history
        machine.__class__ = RightsRequest  # simple_history listens to the concrete model's post_save, not the proxy's
        machine.save()
        told_on = today
        letter: Letter | None = None
        if info.letter is not None and not record_only:
            letter = letters.letter_generate(
                request=machine,
                template=info.letter,
                by=by,
                method=inputs.get("method", LetterMethod.POST.value),
                context={**_letter_context(machine, info, inputs, was_restricted), **(done.letter if done else {})},
                today=today,
            )
            told_on = letter.date
            if clock_event is not None:
                clock_event.letter = letter  # the letter that caused the clock to move (R5, R6)
                clock_event.save()
        if transition in fees.FEE_STEPS:
            fees.fee_step_record(
                request=machine,
                transition=transition,
                inputs=inputs,
                letter=letter,
                day=clock_date if transition == "fee_paid" else today,
                by=by,
            )
        if not record_only:
            # UK GDPR Art 18(3): a restriction this step ends is lifted only now the letter has told the requester.
            lifted = effects.effect_after_letter(
                machine=machine,
                transition=transition,
                inputs=inputs,
                by=by,
                was_restricted=was_restricted,
                told_on=told_on,
                today=today,
            )
            reason = " ".join(part for part in (reason, lifted) if part)
        event = TransitionEvent(
            request=machine,
            transition=transition,
            from_status=from_status,
            to_status=machine.status,
            by=by,
            at=at or timezone.now(),
            reason=reason,
        )
        if at is not None:
            event._history_date = at  # type: ignore[attr-defined]
        event.save()
        # Reminders that no longer apply (a moved due date, an answer given, the end) go in the same transaction.
        notices_clear_obsolete(request=machine, by=by)
    return machine


def request_extend(
    *,
    request_id: int,
    user: AnyUser | None,
    expected_version: int | None,
    reason: str,
    today: dt.date | None = None,
    method: str = LetterMethod.POST.value,
) -> RightsRequest:
    """Extend by two further months (UK GDPR Art 12A): Manager only, inside the first month, with the notice letter."""
    return request_transition(
        request_id=request_id,
        user=user,
        transition="extend",
        expected_version=expected_version,
        data={"extension_reason": reason, "method": method},
        today=today,
    )
