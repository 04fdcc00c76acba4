"""Reaching an imported case's status through its kind's state machine, never around it.

The steps are found by a breadth-first search over the machine's transitions, using only steps
whose inputs the case file supplies (a refusal needs its ground and reasons). They are then taken
through the transition service, so every guard, permission and event row applies; `record_only`
keeps the service from writing letters and clock events, which the case file brings itself.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from requests_app.models import MACHINES, RightsRequest, Status
from requests_app.models.machines import StepInfo
from rights import RIGHTS, ApplicationError, RightKind

IMPORT_REASON = "Recorded when the case was imported from a case file."
DECISION_INPUTS = ("refusal_ground", "decision_reasons", "supplementary_statement", "clarification_question")

# Who takes a step on import, given the roles allowed to take it; None is the command line.
Actor = Callable[[tuple[str, ...]], User | None]


@dataclass(frozen=True)
class Step:
    """One transition of a machine, as the planner sees it."""

    name: str
    source: str
    target: str | None  # None: the status stays (a self-loop); a RETURN_VALUE step is left out
    info: StepInfo
    roles: tuple[str, ...]


@dataclass(frozen=True)
class PlannedStep:
    name: str
    data: dict[str, str] = field(default_factory=dict)
    roles: tuple[str, ...] = ()
    target: str = ""


@dataclass(frozen=True)
class Wanted:
    """What the case file says the request ended as: its status and the facts only steps can record."""

    status: str
    refusal_ground: str = ""
    decision_reasons: str = ""
    supplementary_statement: str = ""
    processing_restricted: bool | None = None
    status_reason: str = ""
    paused_from: str = ""
    clarification_question: str = ""
    clarification_reason: str = ""  # why it was asked (the clock entry's optional "why")


@dataclass(frozen=True)
class StepDates:
    """When the steps to an imported status were taken in the past (a case file's optional "status_dates").

    Steps before the answer are dated `started` (the clock's start); the first step into a response
    status and those after it `answered`; closing or withdrawing `closed`. Each is stamped at noon,
    Europe/London, so a report counts it on that day.
    """

    started: dt.date
    answered: dt.date | None = None
    closed: dt.date | None = None

    def day_of(self, step: PlannedStep, *, answered_yet: bool, responded: frozenset[str]) -> dt.date:
        if step.target in ENDING_STATUSES:
            return self.closed or self.answered or self.started
        if answered_yet or step.target in responded:
            return self.answered or self.closed or self.started
        return self.started


ENDING_STATUSES = frozenset({Status.CLOSED.value, Status.WITHDRAWN.value})


def responded_statuses(kind: str) -> frozenset[str]:
    """The statuses in which a request of this kind has had its answer (the machine's own list)."""
    return frozenset(str(status) for status in MACHINES[kind].responded)


def noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


class PlanError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def steps_of(kind: str) -> list[Step]:
    """Every (source, step) of the kind's machine, in the order the steps are defined."""
    machine = MACHINES[kind]
    status_field: Any = machine._meta.get_field("status")
    found: list[Step] = []
    for transition in status_field.get_all_transitions(machine):
        info: StepInfo = transition.custom["step"]
        target = transition.target if isinstance(transition.target, str) or transition.target is None else "*"
        if target == "*":
            continue  # back to where it paused: never needed to reach a status
        roles = tuple(getattr(transition.permission, "roles", ()))
        found.append(Step(transition.name, str(transition.source), target, info, roles))
    return sorted(found, key=lambda s: (s.info.order, s.source))


def statuses_of(kind: str) -> list[str]:
    """The statuses a request of this kind can be in, in the order of Status."""
    seen = {Status.RECEIVED.value}
    for step in steps_of(kind):
        seen.add(step.source)
        if step.target is not None:
            seen.add(step.target)
    return [status for status in Status.values if status in seen]


def _usable(step: Step, wanted: Wanted) -> bool:
    """A step can be taken on import only if the case file supplies what it requires."""
    if step.info.grounds and wanted.refusal_ground not in {g.value for g in step.info.grounds}:
        return False
    if "refusal_ground" in step.info.required and not wanted.refusal_ground:
        return False
    return not ("decision_reasons" in step.info.required and not wanted.decision_reasons)


def _search(kind: str, start: str, goal: str, wanted: Wanted) -> list[Step] | None:
    """The shortest way from one status to another using usable steps; ties go to the step defined first."""
    moves: dict[str, list[Step]] = {}
    for step in steps_of(kind):
        if step.target is not None and step.target != step.source and _usable(step, wanted):
            moves.setdefault(step.source, []).append(step)
    came_from: dict[str, Step | None] = {start: None}
    queue = deque([start])
    while queue:
        status = queue.popleft()
        if status == goal:
            break
        for step in moves.get(status, []):
            assert step.target is not None  # noqa: S101 - filtered above
            if step.target not in came_from:
                came_from[step.target] = step
                queue.append(step.target)
    if goal not in came_from:
        return None
    path: list[Step] = []
    at = goal
    while (previous := came_from[at]) is not None:
        path.append(previous)
        at = previous.source
    return list(reversed(path))


def _answer_extra(kind: str, reasons: str) -> str:
    """The "answer" step puts the statute's explanation before the reasons given: take it off again."""
    explanation = RIGHTS[RightKind(kind)].public_task_explanation
    if reasons == explanation:
        return ""
    if reasons.startswith(explanation + "\n\n"):
        return reasons[len(explanation) + 2 :]
    return reasons


def _data(step: Step, wanted: Wanted, *, last: bool, kind: str) -> dict[str, str]:
    needs = step.info.needs
    data: dict[str, str] = {}
    if "refusal_ground" in needs and wanted.refusal_ground:
        data["refusal_ground"] = wanted.refusal_ground
    if "decision_reasons" in needs and wanted.decision_reasons:
        reasons = _answer_extra(kind, wanted.decision_reasons) if step.name == "answer" else wanted.decision_reasons
        if reasons:
            data["decision_reasons"] = reasons
    if "clarification_question" in needs:
        data["clarification_question"] = wanted.clarification_question or IMPORT_REASON
    if "clarification_reason" in needs:
        data["clarification_reason"] = wanted.clarification_reason or IMPORT_REASON
    if "reason" in needs:
        if last and wanted.status_reason:
            data["reason"] = wanted.status_reason
        elif "reason" in step.info.required:
            data["reason"] = IMPORT_REASON
    return data


def _takes_status_reason(step: Step) -> bool:
    needs = step.info.needs
    return "reason" in needs and not any(name in needs for name in DECISION_INPUTS)


def plan(kind: str, wanted: Wanted) -> list[PlannedStep]:
    """The steps that take a newly logged request of this kind to the wanted status, with their inputs."""
    statuses = statuses_of(kind)
    label = RightKind(kind).label.lower()
    if wanted.status not in statuses:
        raise PlanError(
            "status", f"{wanted.status!r} is not a status of a {label} request (one of {', '.join(statuses)})"
        )
    if wanted.paused_from and wanted.status != Status.AWAITING_CLARIFICATION:
        raise PlanError("paused_from", "is only given when the status is awaiting_clarification")

    path: list[Step] | None
    if wanted.status == Status.AWAITING_CLARIFICATION and wanted.paused_from:
        asks = [s for s in steps_of(kind) if s.name == "ask_clarification" and s.source == wanted.paused_from]
        if not asks:
            raise PlanError(
                "paused_from", f"a {label} request cannot pause for clarification from {wanted.paused_from!r}"
            )
        before = _search(kind, Status.RECEIVED, wanted.paused_from, wanted)
        path = None if before is None else [*before, asks[0]]
    else:
        path = _search(kind, Status.RECEIVED, wanted.status, wanted)
    if path is None:
        raise PlanError(
            "status",
            f"a {label} request cannot reach {wanted.status!r} with the decision this file gives "
            "(a refusal or an outcome needs decision.refusal_ground and decision.reasons as its step requires)",
        )
    if wanted.status_reason and not (path and _takes_status_reason(path[-1])):
        raise PlanError("status_reason", f"the step to {wanted.status!r} takes no reason of its own")

    planned = [
        PlannedStep(
            step.name, _data(step, wanted, last=index == len(path) - 1, kind=kind), step.roles, step.target or ""
        )
        for index, step in enumerate(path)
    ]
    visited = [Status.RECEIVED.value, *(step.target or step.source for step in path)]

    def insert_loop(name: str, data: dict[str, str], field_name: str, what: str) -> None:
        loops = [s for s in steps_of(kind) if s.name == name and s.target is None]
        sources = {s.source for s in loops}
        positions = [i for i, status in enumerate(visited) if status in sources]
        if not positions:
            raise PlanError(field_name, f"a {label} request that is {wanted.status} cannot have {what}")
        at = positions[-1]
        planned.insert(at, PlannedStep(name, data, loops[0].roles, visited[at]))
        visited.insert(at + 1, visited[at])

    if wanted.supplementary_statement:
        insert_loop(
            "add_supplementary_statement",
            {"supplementary_statement": wanted.supplementary_statement},
            "decision.supplementary_statement",
            "a supplementary statement (only a rectification refused because the data is accurate has one)",
        )
    if wanted.processing_restricted and any(s.name == "restrict_processing" for s in steps_of(kind)):
        insert_loop("restrict_processing", {}, "processing_restricted", "processing restricted while it is assessed")
    return planned


def replay(
    request: RightsRequest,
    steps: list[PlannedStep],
    *,
    actor: Actor,
    today: dt.date,
    dates: StepDates | None = None,
) -> RightsRequest:
    """Take the planned steps through the transition service, as a record (no letters, no clock events).

    With `dates`, each step is stamped on the day the case file says it was taken, not now.
    """
    from requests_app.services.transitions import request_transition

    goal = Status(steps[-1].target or request.status).label.lower() if steps else ""
    responded = responded_statuses(request.kind)
    answered_yet = False
    for planned in steps:
        at = None
        if dates is not None:
            at = noon(dates.day_of(planned, answered_yet=answered_yet, responded=responded))
            answered_yet = answered_yet or planned.target in responded
        try:
            request = request_transition(
                request_id=request.pk,
                user=actor(planned.roles),
                transition=planned.name,
                expected_version=None,
                data=planned.data,
                today=today,
                record_only=True,
                at=at,
            )
        except ApplicationError as error:
            raise PlanError(
                "status", f"on the way to {goal}, step {planned.name!r} was refused: {error.message}"
            ) from None
    return request


def check_outcome(request: RightsRequest, wanted: Wanted) -> list[str]:
    """What the steps recorded must be what the file says: anything else is refused, naming the field."""
    errors: list[str] = []
    status_label = Status(request.status).label.lower()
    pairs = (
        ("decision.refusal_ground", request.refusal_ground, wanted.refusal_ground),
        ("decision.reasons", request.decision_reasons, wanted.decision_reasons),
        ("decision.supplementary_statement", request.supplementary_statement, wanted.supplementary_statement),
    )
    for name, recorded, expected in pairs:
        if expected and recorded.strip() != expected.strip():
            errors.append(f"{name}: no step on the way to {status_label} records it")
    if wanted.processing_restricted is not None and request.processing_restricted != wanted.processing_restricted:
        state = "restricted" if request.processing_restricted else "not restricted"
        errors.append(f"processing_restricted: a request that is {status_label} here has processing {state}")
    return errors
