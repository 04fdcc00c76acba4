"""A request as a case file: the keys in a fixed order, empty optional values left out."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from requests_app.casefile.plan import ENDING_STATUSES, responded_statuses, steps_of
from requests_app.casefile.schema import CLOCK_KEYS, FORMAT
from requests_app.casefile.sections import registered_sections
from requests_app.models import (
    ClockEvent,
    ClockEventKind,
    Evidence,
    EvidenceKind,
    Fee,
    Letter,
    Person,
    RightsRequest,
    Status,
)
from rights import ApplicationError, RepresentativeRole

STATUS_REASON_EXCLUDED = ("refusal_ground", "decision_reasons", "supplementary_statement", "clarification_question")


def case_export(*, request: RightsRequest) -> dict[str, Any]:
    """The request as a case file that `case_import` reads back to the same request (reference aside)."""
    request = (
        RightsRequest.objects.select_related("subject", "requester", "assigned_to")
        .prefetch_related("letters", "clock_events", "fees", "evidence__seen_by", "transitions")
        .get(pk=request.pk)
    )
    out: dict[str, Any] = {
        "format": FORMAT,
        "reference": request.reference,
        "kind": request.kind,
        "received": request.received.isoformat(),
        "channel": request.channel,
    }
    if request.summary:
        out["summary"] = request.summary
    out["status"] = request.status
    if request.status == Status.AWAITING_CLARIFICATION and request.paused_from:
        out["paused_from"] = request.paused_from
    status_reason = _status_reason(request)
    if status_reason:
        out["status_reason"] = status_reason
    decision = {
        key: value
        for key, value in (
            ("refusal_ground", request.refusal_ground),
            ("reasons", request.decision_reasons),
            ("supplementary_statement", request.supplementary_statement),
        )
        if value
    }
    if decision:
        out["decision"] = decision
    if request.processing_restricted:
        out["processing_restricted"] = True
    if request.assigned_to is not None:
        out["assigned_to"] = request.assigned_to.get_username()
    if request.is_restricted:
        out["restricted"] = {"reason": request.restricted_reason}
    if request.is_complex:
        out["complex"] = True
    out["subject"] = _person(request.subject)
    if request.requester is not None:
        out["requester"] = _person(request.requester)
    if request.representative_role != RepresentativeRole.SELF.value:
        out["representative"] = _representative(request)
    evidence = _evidence(request)
    if evidence:
        out["evidence"] = evidence

    letters = sorted(request.letters.all(), key=lambda letter: (letter.date, letter.pk))
    position = {letter.pk: index for index, letter in enumerate(letters)}
    out["letters"] = [_letter(letter) for letter in letters]
    out["clock"] = _clock(request, sorted(request.clock_events.all(), key=lambda e: (e.date, e.pk)), position)
    if request.is_complex:
        ground: dict[str, Any] = {"ground": request.extension_ground or "complex"}
        if request.complex_reason:
            ground["reason"] = request.complex_reason
        others = sorted(other.reference for other in request.numerous_with.all())
        if others:
            ground["numerous_with"] = others
        out["extension_ground"] = ground

    status_dates = _status_dates(request)
    if status_dates:
        out["status_dates"] = status_dates
    fees = [_fee(fee, position) for fee in sorted(request.fees.all(), key=lambda f: (f.asked_on, f.pk))]
    if fees:
        out["fees"] = fees

    for section in registered_sections():
        value = section.export(request)
        if value is not None:
            out[section.key] = value
    return out


def _representative(request: RightsRequest) -> dict[str, Any]:
    """Role and authority, then the basis the evidence showed and the best-interests decision (each only if recorded)."""
    representative: dict[str, Any] = {"role": request.representative_role}
    if request.authority:
        representative["authority"] = request.authority
    if request.pr_basis:
        parental: dict[str, Any] = {
            "basis": request.pr_basis,
            "evidence": sorted(doc.value for doc in request.acting_powers.pr_evidence),
        }
        if request.child_adopted_since:
            parental["adopted_since"] = True
        representative["parental_responsibility"] = parental
    if request.deputy_order_covers:
        representative["deputy_order_covers"] = sorted(area.value for area in request.acting_powers.deputy_order_covers)
    if request.power_kind:
        power: dict[str, Any] = {"kind": request.power_kind}
        if request.power_made_on:
            power["made_on"] = request.power_made_on.isoformat()
        if request.power_registered_on:
            power["registered_on"] = request.power_registered_on.isoformat()
        if request.donor_lacks_capacity:
            power["donor_lacks_capacity"] = True
        representative["power_of_attorney"] = power
    if request.affairs:
        representative["affairs"] = request.affairs
    if request.best_interests:
        decided: dict[str, Any] = {"decision": request.best_interests, "reasons": request.best_interests_reasons}
        if request.best_interests_on:
            decided["decided_on"] = request.best_interests_on.isoformat()
        representative["best_interests"] = decided
    return representative


def _status_dates(request: RightsRequest) -> dict[str, str]:
    """The days the request was answered and closed, so a re-import stamps its steps on them, not today."""
    responded = responded_statuses(request.kind)
    dates: dict[str, str] = {}
    for event in sorted(request.transitions.all(), key=lambda e: (e.at, e.pk)):
        if event.to_status in responded and "answered" not in dates:
            dates["answered"] = timezone.localdate(event.at).isoformat()
        if event.to_status in ENDING_STATUSES:
            dates["closed"] = timezone.localdate(event.at).isoformat()
    return dates


def case_dumps(data: dict[str, Any]) -> str:
    """The case file's text: indent 2, keys in the export's order, non-ASCII characters kept."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _status_reason(request: RightsRequest) -> str:
    """The reason given at the step that reached the status (a withdrawal, a lifting), if that step takes one."""
    if request.status == Status.RECEIVED:
        return ""
    reached = [t for t in request.transitions.all() if t.to_status == request.status and t.from_status != t.to_status]
    if not reached:
        return ""
    last = max(reached, key=lambda t: (t.at, t.pk))
    steps = [s for s in steps_of(request.kind) if s.name == last.transition]
    if not steps or "reason" not in steps[0].info.needs:
        return ""
    if any(name in steps[0].info.needs for name in STATUS_REASON_EXCLUDED):
        return ""
    return last.reason


def _person(person: Person) -> dict[str, Any]:
    out: dict[str, Any] = {"name": person.full_name}
    if person.previous_name_list:
        out["previous_names"] = person.previous_name_list
    if person.date_of_birth is not None:
        out["date_of_birth"] = person.date_of_birth.isoformat()
    if person.address:
        out["address"] = person.address
    if person.previous_address_list:
        out["previous_addresses"] = person.previous_address_list
    for key in ("email", "phone"):
        value = getattr(person, key)
        if value:
            out[key] = value
    return out


def _evidence(request: RightsRequest) -> list[dict[str, Any]]:
    items: list[Evidence] = sorted(request.evidence.all(), key=lambda e: (e.seen_on, e.pk))
    last_competence = max((i for i, e in enumerate(items) if e.kind == EvidenceKind.COMPETENCE), default=None)
    out: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        entry: dict[str, Any] = {
            "kind": item.kind,
            "description": item.description,
            "seen_on": item.seen_on.isoformat(),
            "seen_by": item.seen_by.get_username(),
        }
        if index == last_competence and request.child_competence:
            entry["competence"] = request.child_competence  # the judgement on record is the latest one
        out.append(entry)
    return out


def _fee(fee: Fee, position: dict[int, int]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "basis": fee.basis,
        "amount_pence": fee.amount_pence,
        "reason": fee.reason,
        "asked_on": fee.asked_on.isoformat(),
    }
    if fee.letter_id is not None:
        out["letter"] = position[fee.letter_id]
    out["status"] = fee.status
    if fee.settled_on is not None:
        out["settled_on"] = fee.settled_on.isoformat()
    if fee.settled_reason:
        out["settled_reason"] = fee.settled_reason
    return out


def _letter(letter: Letter) -> dict[str, Any]:
    out: dict[str, Any] = {"direction": letter.direction, "date": letter.date.isoformat(), "method": letter.method}
    if letter.addressee:
        out["addressee"] = letter.addressee
    out["summary"] = letter.summary
    if letter.template:
        out["template"] = letter.template
    return out


def _clock(request: RightsRequest, events: list[ClockEvent], position: dict[int, int]) -> list[dict[str, Any]]:
    """Clock events as the file writes them: a clarification's asking and answer become one entry."""
    clock: list[dict[str, Any]] = []
    open_clarification: dict[str, Any] | None = None
    for event in events:
        if event.event == ClockEventKind.CLARIFICATION_ANSWERED:
            if open_clarification is None:
                raise ApplicationError(
                    f"{request.reference} has a clarification answered on {event.date.isoformat()} that was never "
                    "asked; correct its clock before exporting it.",
                    field="clock",
                )
            open_clarification["answered"] = event.date.isoformat()
            if event.reason:
                open_clarification["answered_reason"] = event.reason
            if event.letter_id is not None:
                open_clarification["answered_letter"] = position[event.letter_id]
            open_clarification = None
            continue
        entry: dict[str, Any]
        if event.event == ClockEventKind.CLARIFICATION_ASKED:
            if open_clarification is not None:
                raise ApplicationError(
                    f"{request.reference} has a clarification asked on {event.date.isoformat()} while another is "
                    "still open; correct its clock before exporting it.",
                    field="clock",
                )
            entry = {"event": "clarification", "asked": event.date.isoformat()}
            open_clarification = entry
        else:
            entry = {"event": event.event, "date": event.date.isoformat()}
        if event.reason:
            entry["reason"] = event.reason
        if event.letter_id is not None:
            entry["letter"] = position[event.letter_id]
        clock.append(entry)
    return [{key: entry[key] for key in CLOCK_KEYS[entry["event"]] if key in entry} for entry in clock]
