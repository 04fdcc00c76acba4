"""The state machines: one proxy model per kind of right, each with its own transitions.

A step (`@step`, a django-fsm `@transition`) changes only the request's own fields; its conditions
are `guards.Guard`s that call the statute and explain themselves, and its permission names the roles
that may take it. The sequence around a step (lock, check, letter, clock, event row) belongs to
`requests_app.services.transitions`; never call a step directly.

Shared steps (asking for identity, starting work, clarification, extension, refusal, withdrawal,
closure) come from the factories below, so each kind's class lists only what makes it different.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from django.utils import timezone
from django_fsm import RETURN_VALUE, transition

from requests_app import guards
from requests_app.guards import MANAGER, WORKER, Allowed, Guard, guard
from requests_app.models.core import RESPONDED_STATUSES, ClockEventKind, RefusalGround, RightsRequest, Status
from rights import RIGHTS, RightKind

S = Status
# The inputs a step's form may ask for; the services know what each one means.
NEEDS_VOCABULARY = (
    "reason",
    "refusal_ground",
    "decision_reasons",
    "supplementary_statement",
    "clarification_question",
    "clarification_reason",  # why it is needed: never on a blanket basis (ICO); usually a large amount of data
    "extension_reason",
    "method",
    "received_on",  # the day what the requester sent arrived (ISO date): the clock counts from it, not the click
    "incoming_letter",  # the incoming letter (its pk) that brought it
    "erasure_method",  # destroy or anonymise (rights.ErasureMethod)
    "restriction_basis",  # the Art 18(1) condition that applies (rights.RestrictionBasis, (a) to (d))
    "fee_basis",  # the ground for a fee (rights.FeeBasis: Art 12(5)(a) or Art 15(3))
    "fee_amount",  # the fee in pounds and pence ("25.00")
    "fee_reason",  # why a fee, and how it is worked out from the administrative costs; it goes in the letter
    "paid_on",  # the day the fee arrived (ISO date): the month runs from it (Art 12A)
)

ACTING_GUARDS = (
    guard(guards.identity_verified),
    guard(guards.authority_verified),
    guard(guards.child_consent_given),
)
ART_12_5 = (RefusalGround.MANIFESTLY_UNFOUNDED, RefusalGround.MANIFESTLY_EXCESSIVE)

_order = itertools.count()


@dataclass(frozen=True)
class StepInfo:
    """What the services and pages need to know about a step, kept beside it (django-fsm `custom`)."""

    label: str
    description: str
    needs: tuple[str, ...]
    required: tuple[str, ...]
    letter: str | None
    clock: ClockEventKind | None
    grounds: tuple[RefusalGround, ...]
    order: int


def step(
    *,
    source: Sequence[Status],
    target: Status | RETURN_VALUE | None,
    label: str,
    description: str,
    allowed: Allowed,
    conditions: Iterable[Guard] = (),
    needs: tuple[str, ...] = (),
    required: tuple[str, ...] = (),
    letter: str | None = None,
    clock: ClockEventKind | None = None,
    grounds: tuple[RefusalGround, ...] = (),
) -> Callable[[Callable[..., Any]], Any]:
    """A django-fsm transition on `status`, with its guards, the roles allowed, and what its form asks for.

    target=None is a step that keeps the status (a letter sent, a restriction recorded). Every step
    also carries the conditions higher layers registered for it (guards.register_condition).
    """
    unknown = set(needs) - set(NEEDS_VOCABULARY)
    if unknown or not set(required) <= set(needs):
        raise ValueError(f"bad needs {needs!r} / required {required!r}")

    def decorate(func: Callable[..., Any]) -> Any:
        checks: list[Any] = [
            *conditions,
            guards.external(func.__name__),
        ]  # django-fsm types conditions as Model -> bool
        if grounds:
            checks.insert(0, guard(guards.ground_is_one_of(*grounds), on_input=True))
        info = StepInfo(label, description, needs, required, letter, clock, grounds, next(_order))
        return transition(
            field="status",
            source=list(source),
            target=target,
            conditions=checks,
            permission=cast(Any, allowed),
            custom={"step": info},
        )(func)

    return decorate


def step_info(method: Any) -> StepInfo:
    info: StepInfo = method._django_fsm.transitions[next(iter(method._django_fsm.transitions))].custom["step"]
    return info


# Shared steps. Each factory makes a new function, so each kind has its own sources and targets.

BEFORE_WORK = (S.RECEIVED, S.AWAITING_IDENTITY)


def request_identity_step() -> Any:
    @step(
        source=[S.RECEIVED],
        target=S.AWAITING_IDENTITY,
        label="Ask for identity or authority",
        description="Write to the requester for what is missing. The month starts when it arrives (Art 12A).",
        allowed=WORKER,
        conditions=[guard(guards.something_to_ask_for)],
        needs=("method",),
        letter="identity_request",
    )
    def request_identity(self: RightsRequest) -> None:
        """Work waits for identity, authority or consent; the month runs from their arrival (UK GDPR Art 12A)."""

    return request_identity


def start_work_step(target: Status) -> Any:
    @step(
        source=BEFORE_WORK,
        target=target,
        label="Start work",
        description="Identity and any authority are verified: start work on the request.",
        allowed=WORKER,
        conditions=ACTING_GUARDS,
    )
    def start_work(self: RightsRequest) -> None:
        """Work starts only once the requester is known to be who they say and may act (Art 12(6))."""

    return start_work


def ask_clarification_step(sources: Sequence[Status], *, stops_clock: bool) -> Any:
    """Access requests only stop the clock (UK GDPR Art 12A; DPA 2018 s.54(3C)); any kind may ask, with a reason."""

    @step(
        source=sources,
        target=S.AWAITING_CLARIFICATION,
        label="Ask for clarification",
        description="Ask the requester to clarify what they want. The clock stops until they answer."
        if stops_clock
        else "Ask the requester to clarify what they want. The clock keeps running: the law stops it only for "
        "an access request (UK GDPR Article 12A).",
        allowed=WORKER,
        needs=("clarification_question", "clarification_reason", "method"),
        required=("clarification_question", "clarification_reason"),
        letter="clarification_request",
        clock=ClockEventKind.CLARIFICATION_ASKED,
    )
    def ask_clarification(self: RightsRequest) -> None:
        """The clock stops while the requester clarifies (ICO guidance: stopping the clock); work resumes where it paused."""
        self.paused_from = self.status

    return ask_clarification


def clarification_answered_step(returns_to: Sequence[Status]) -> Any:
    @step(
        source=[S.AWAITING_CLARIFICATION],
        target=RETURN_VALUE(*returns_to),
        label="Record the clarification",
        description="The requester has answered: the clock restarts and work resumes where it paused.",
        allowed=WORKER,
        conditions=[guard(guards.paused_from_one_of(*returns_to))],
        needs=("received_on", "incoming_letter", "reason"),
        required=("received_on",),
        clock=ClockEventKind.CLARIFICATION_ANSWERED,
    )
    def clarification_answered(self: RightsRequest) -> str:
        """Back to the step the request paused from; the days stopped are added to the deadline (R5)."""
        resume = self.paused_from
        self.paused_from = ""
        return resume

    return clarification_answered


def ask_fee_step(sources: Sequence[Status]) -> Any:
    """A reasonable fee instead of refusing (UK GDPR Art 12(5)(a)), or for further copies (Art 15(3))."""

    @step(
        source=sources,
        target=S.AWAITING_FEE,
        label="Ask for a fee",
        description="Instead of refusing a manifestly unfounded or excessive request, or for further copies, ask for "
        "a reasonable fee. The clock waits: the month starts on the day the fee is paid (UK GDPR Article 12A).",
        allowed=MANAGER,
        needs=("fee_basis", "fee_amount", "fee_reason", "method"),
        required=("fee_basis", "fee_amount", "fee_reason"),
        letter="fee_request",
    )
    def ask_fee(self: RightsRequest) -> None:
        """Work waits for the fee (UK GDPR Art 12A: the relevant time is when it is paid); it resumes where it paused."""
        self.paused_from = self.status

    return ask_fee


def fee_paid_step(returns_to: Sequence[Status]) -> Any:
    @step(
        source=[S.AWAITING_FEE],
        target=RETURN_VALUE(*returns_to),
        label="Record the fee paid",
        description="The fee has arrived: the month runs from the day it did, and work resumes where it paused.",
        allowed=WORKER,
        conditions=[guard(guards.paused_from_one_of(*returns_to))],
        needs=("paid_on", "incoming_letter", "reason"),
        required=("paid_on",),
        clock=ClockEventKind.FEE_RECEIVED,
    )
    def fee_paid(self: RightsRequest) -> str:
        """UK GDPR Art 12A: the relevant time is when the fee is paid; the clock event moves the due date."""
        resume = self.paused_from
        self.paused_from = ""
        return resume

    return fee_paid


def waive_fee_step(returns_to: Sequence[Status]) -> Any:
    @step(
        source=[S.AWAITING_FEE],
        target=RETURN_VALUE(*returns_to),
        label="Waive the fee",
        description="No fee after all: work resumes where it paused, and the clock runs as if no fee had been asked "
        "for (UK GDPR Article 12A).",
        allowed=MANAGER,
        conditions=[guard(guards.paused_from_one_of(*returns_to))],
        needs=("reason",),
        required=("reason",),
    )
    def waive_fee(self: RightsRequest) -> str:
        """No fee is paid, so none is part of the relevant time (UK GDPR Art 12A)."""
        resume = self.paused_from
        self.paused_from = ""
        return resume

    return waive_fee


def fee_steps(sources: Sequence[Status]) -> tuple[Any, Any, Any]:
    return ask_fee_step(sources), fee_paid_step(sources), waive_fee_step(sources)


def extend_step(sources: Sequence[Status]) -> Any:
    @step(
        source=sources,
        target=None,
        label="Extend by two months",
        description="The request is complex or one of numerous requests: extend the deadline and tell the requester why.",
        allowed=MANAGER,
        conditions=[
            guard(guards.extension_ground_recorded),
            guard(guards.not_yet_extended),
            guard(guards.inside_first_month),
        ],
        needs=("extension_reason", "method"),
        required=("extension_reason",),
        letter="extension_notice",
        clock=ClockEventKind.EXTENDED,
    )
    def extend(self: RightsRequest) -> None:
        """The clock event and the letter are the record; the services recompute the due date (Art 12A)."""

    return extend


def refuse_step(sources: Sequence[Status]) -> Any:
    @step(
        source=sources,
        target=S.REFUSED,
        label="Refuse as manifestly unfounded or excessive",
        description="Refuse the request, with reasons, and tell the requester of their right to complain to the ICO and to go to court.",
        allowed=MANAGER,
        conditions=[guard(guards.decision_reasons_given, on_input=True)],
        needs=("refusal_ground", "decision_reasons", "method"),
        required=("refusal_ground", "decision_reasons"),
        letter="refusal",
        grounds=ART_12_5,
    )
    def refuse(self: RightsRequest) -> None:
        """A manifestly unfounded or excessive request may be refused, with reasons (UK GDPR Art 12(5), 12(4)).

        A restriction held while checking ends with the request, and the letter says so (Art 18(3)).
        """
        self.processing_restricted = False

    return refuse


def decline_step(*, label: str, grounds: tuple[RefusalGround, ...], letter: str) -> Any:
    @step(
        source=[S.ASSESSING],
        target=S.REFUSED,
        label=label,
        description="Refuse on the merits, with reasons, and tell the requester of their right to complain to the ICO and to go to court.",
        allowed=MANAGER,
        conditions=[*ACTING_GUARDS, guard(guards.decision_reasons_given, on_input=True)],
        needs=("refusal_ground", "decision_reasons", "method"),
        required=("refusal_ground", "decision_reasons"),
        letter=letter,
        grounds=grounds,
    )
    def decline(self: RightsRequest) -> None:
        """The right does not require action here; any restriction held while checking ends, and the letter says so."""
        self.processing_restricted = False

    return decline


def restrict_processing_step() -> Any:
    @step(
        source=[S.ASSESSING],
        target=None,
        label="Restrict processing while we check",
        description="At the requester's request, stop using the data (except to store it) while the request is considered.",
        allowed=WORKER,
        conditions=[guard(guards.processing_not_restricted), guard(guards.held_data_searched)],
        needs=("reason", "method"),
        letter="outcome_restriction",
    )
    def restrict_processing(self: RightsRequest) -> None:
        """Processing is restricted while accuracy or an objection is checked (UK GDPR Art 18(1)(a), (d)).

        The service marks the subject's confirmed records restricted (reviews.request_restrict); the
        deciding step lifts it with the outcome letter (Art 18(3)).
        """
        self.processing_restricted = True

    return restrict_processing


def notify_recipients_step(source: Status, target: Status | None) -> Any:
    @step(
        source=[source],
        target=target,
        label="Record that recipients were told",
        description="Each partner agency that received the data has been told, or say why that was impossible or disproportionate.",
        allowed=WORKER,
        conditions=[guard(guards.no_recipients_pending)],
        needs=("reason",),
        required=("reason",),
    )
    def notify_recipients(self: RightsRequest) -> None:
        """Each recipient is told of a rectification, erasure or restriction (UK GDPR Art 19)."""

    return notify_recipients


def withdraw_step(sources: Sequence[Status]) -> Any:
    @step(
        source=sources,
        target=S.WITHDRAWN,
        label="Withdraw",
        description="The requester has withdrawn the request, or it cannot go on (say why).",
        allowed=WORKER,
        needs=("reason", "method"),
        required=("reason",),
        letter="closure",
    )
    def withdraw(self: RightsRequest) -> None:
        """The request ends without an answer; the reason is on the record.

        A restriction held while checking ends with the request, and the letter says so (Art 18(3)); a
        restriction granted as the outcome is not withdrawn here but lifted, with notice.
        """
        self.paused_from = ""
        self.processing_restricted = False
        self.closed_at = timezone.now()

    return withdraw


def close_step(sources: Sequence[Status]) -> Any:
    @step(
        source=sources,
        target=S.CLOSED,
        label="Close",
        description="Everything is done: close the request and write to the requester.",
        allowed=WORKER,
        needs=("reason", "method"),
        letter="closure",
    )
    def close(self: RightsRequest) -> None:
        """The request is finished."""
        self.closed_at = timezone.now()

    return close


def answer_step(kind: RightKind, letter: str | None) -> Any:
    @step(
        source=[S.IN_PROGRESS],
        target=S.ANSWERED,
        label="Send the answer",
        description=f"Tell the requester how the right applies under public task: {RIGHTS[kind].public_task_explanation}",
        allowed=WORKER,
        conditions=ACTING_GUARDS,
        needs=("decision_reasons", "method"),
        letter=letter,
    )
    def answer(self: RightsRequest) -> None:
        """The statute's answer for this right under public task is the answer given (rights.RIGHTS)."""
        extra = self.decision_reasons.strip()
        explanation = RIGHTS[RightKind(self.kind)].public_task_explanation
        self.decision_reasons = f"{explanation}\n\n{extra}" if extra else explanation

    return answer


# The machines, one per kind.


class AccessRequest(RightsRequest):
    """Right of access (UK GDPR Art 15): gather, review and redact, sign off, disclose."""

    class Meta:
        proxy = True

    # The statuses in which the response has been given (UK GDPR Art 12(3): the time limit is met).
    responded: ClassVar[frozenset[Status]] = frozenset({S.DISCLOSED, S.REFUSED})

    request_identity = request_identity_step()
    start_work = start_work_step(S.IN_PROGRESS)

    @step(
        source=[S.IN_PROGRESS],
        target=S.GATHERING_RECORDS,
        label="Gather records",
        description="The search is planned: ask the partner agencies for their records and gather the partnership's own.",
        allowed=WORKER,
    )
    def gather_records(self) -> None:
        """The reasonable and proportionate search is under way (Art 15(1A))."""

    @step(
        source=[S.GATHERING_RECORDS],
        target=S.IN_REVIEW,
        label="Start the review",
        description="The records are in: review them and mark what is withheld, under which exemption.",
        allowed=WORKER,
    )
    def begin_review(self) -> None:
        """Records are reviewed for third-party data and exemptions (DPA 2018 Sch 2, 3)."""

    @step(
        source=[S.IN_REVIEW],
        target=S.AWAITING_SIGN_OFF,
        label="Submit for sign-off",
        description="The review is finished: send the pack to the Manager for sign-off.",
        allowed=WORKER,
    )
    def submit_for_sign_off(self) -> None:
        """The disclosure layer adds its own conditions here (guards.register_condition)."""

    @step(
        source=[S.AWAITING_SIGN_OFF],
        target=S.IN_REVIEW,
        label="Send back for more review",
        description="Not ready to sign off: send it back to the caseworker, saying what needs doing.",
        allowed=MANAGER,
        needs=("reason",),
        required=("reason",),
    )
    def send_back(self) -> None:
        """Sign-off refused; the reason tells the caseworker what to change."""

    @step(
        source=[S.AWAITING_SIGN_OFF],
        target=S.APPROVED,
        label="Approve",
        description="Sign off the pack for disclosure.",
        allowed=MANAGER,
        # DPA 2018 Sch 3 Pt 5 para 21: child abuse data and the subject's best interests, decided before sign-off.
        conditions=[*ACTING_GUARDS, guard(guards.child_abuse_data_considered)],
    )
    def approve(self) -> None:
        """The Manager signs off; identity and authority are checked again, since a wrong disclosure is a breach."""

    @step(
        source=[S.APPROVED],
        target=S.DISCLOSED,
        label="Record disclosure",
        description="The signed-off pack has been sent to the requester.",
        allowed=WORKER,
        conditions=ACTING_GUARDS,
        needs=("reason",),
    )
    def disclose(self) -> None:
        """Driven by the disclosure layer once the pack has gone (UK GDPR Art 15(1), (3))."""

    @step(
        source=[S.APPROVED],
        target=S.IN_REVIEW,
        label="Reopen the review",
        description="Something in the signed-off pack must change before it goes: reopen the review, saying what.",
        allowed=MANAGER,
        needs=("reason",),
        required=("reason",),
    )
    def reopen_review(self) -> None:
        """Sign-off withdrawn before anything was sent: no pack of it can be released until it is signed off again."""

    ask_clarification = ask_clarification_step([S.IN_PROGRESS, S.GATHERING_RECORDS], stops_clock=True)
    clarification_answered = clarification_answered_step([S.IN_PROGRESS, S.GATHERING_RECORDS])
    extend = extend_step(
        [S.IN_PROGRESS, S.GATHERING_RECORDS, S.IN_REVIEW, S.AWAITING_SIGN_OFF, S.AWAITING_CLARIFICATION]
    )
    refuse = refuse_step([*BEFORE_WORK, S.IN_PROGRESS, S.GATHERING_RECORDS, S.IN_REVIEW, S.AWAITING_SIGN_OFF])
    ask_fee, fee_paid, waive_fee = fee_steps(
        [*BEFORE_WORK, S.IN_PROGRESS, S.GATHERING_RECORDS, S.IN_REVIEW, S.AWAITING_SIGN_OFF]
    )
    withdraw = withdraw_step(
        [
            *BEFORE_WORK,
            S.AWAITING_FEE,
            S.AWAITING_CLARIFICATION,
            S.IN_PROGRESS,
            S.GATHERING_RECORDS,
            S.IN_REVIEW,
            S.AWAITING_SIGN_OFF,
            S.APPROVED,
        ]
    )
    close = close_step([S.DISCLOSED, S.REFUSED])


class RectificationRequest(RightsRequest):
    """Right to rectification (UK GDPR Art 16): correct, or refuse with reasons; tell the recipients (Art 19)."""

    class Meta:
        proxy = True

    responded: ClassVar[frozenset[Status]] = frozenset({S.RECTIFIED, S.RECIPIENTS_NOTIFIED, S.REFUSED})

    request_identity = request_identity_step()
    start_work = start_work_step(S.ASSESSING)
    restrict_processing = restrict_processing_step()

    @step(
        source=[S.ASSESSING],
        target=S.RECTIFIED,
        label="Confirm the corrections",
        description="The data was inaccurate or incomplete and each correction has been recorded: say what was changed.",
        allowed=WORKER,
        conditions=[
            *ACTING_GUARDS,
            guard(guards.corrections_recorded),
            guard(guards.decision_reasons_given, on_input=True),
        ],
        needs=("decision_reasons", "method"),
        required=("decision_reasons",),
        letter="outcome_rectification",
    )
    def rectify(self) -> None:
        """Corrected (Art 16); a restriction held while accuracy was checked ends, and the letter says so."""
        self.processing_restricted = False

    decline = decline_step(
        label="Refuse: the data is accurate",
        grounds=(RefusalGround.DATA_ACCURATE,),
        letter="outcome_rectification",
    )

    @step(
        source=[S.REFUSED],
        target=None,
        label="Add the requester's statement",
        description="The requester has sent a supplementary statement: record it so it is kept with their data.",
        allowed=WORKER,
        conditions=[guard(guards.declined_as_accurate), guard(guards.supplementary_statement_given, on_input=True)],
        needs=("supplementary_statement",),
        required=("supplementary_statement",),
    )
    def add_supplementary_statement(self) -> None:
        """Where correction is refused, the person may add a supplementary statement (UK GDPR Art 16)."""

    notify_recipients = notify_recipients_step(S.RECTIFIED, S.RECIPIENTS_NOTIFIED)
    ask_clarification = ask_clarification_step([S.ASSESSING], stops_clock=False)
    clarification_answered = clarification_answered_step([S.ASSESSING])
    extend = extend_step([S.ASSESSING, S.AWAITING_CLARIFICATION])
    refuse = refuse_step([*BEFORE_WORK, S.ASSESSING])
    ask_fee, fee_paid, waive_fee = fee_steps([*BEFORE_WORK, S.ASSESSING])
    withdraw = withdraw_step([*BEFORE_WORK, S.ASSESSING, S.AWAITING_CLARIFICATION, S.AWAITING_FEE])
    close = close_step([S.RECIPIENTS_NOTIFIED, S.REFUSED])


class ErasureRequest(RightsRequest):
    """Right to erasure (UK GDPR Art 17): erase, or refuse under Art 17(3); tell the recipients (Art 19)."""

    class Meta:
        proxy = True

    responded: ClassVar[frozenset[Status]] = frozenset({S.ERASED, S.RECIPIENTS_NOTIFIED, S.REFUSED})

    request_identity = request_identity_step()
    start_work = start_work_step(S.ASSESSING)

    @step(
        source=[S.ASSESSING],
        target=S.ERASED,
        label="Erase the data",
        description="Erase every record the subject search confirmed, destroyed or anonymised, with a destruction certificate. Only the Manager can do this.",
        allowed=MANAGER,
        conditions=[
            *ACTING_GUARDS,
            guard(guards.held_data_searched),
            guard(guards.decision_reasons_given, on_input=True),
        ],
        needs=("erasure_method", "reason", "decision_reasons", "method"),
        required=("erasure_method", "reason", "decision_reasons"),
        letter="outcome_erasure",
    )
    def erase(self) -> None:
        """Erasure cannot be undone, so the Manager takes this step (UK GDPR Art 17(1)); reviews.request_erase does it."""

    decline = decline_step(
        label="Refuse under Article 17(3)",
        grounds=(RefusalGround.PUBLIC_TASK, RefusalGround.LEGAL_CLAIMS),
        letter="outcome_erasure",
    )
    notify_recipients = notify_recipients_step(S.ERASED, S.RECIPIENTS_NOTIFIED)
    ask_clarification = ask_clarification_step([S.ASSESSING], stops_clock=False)
    clarification_answered = clarification_answered_step([S.ASSESSING])
    extend = extend_step([S.ASSESSING, S.AWAITING_CLARIFICATION])
    refuse = refuse_step([*BEFORE_WORK, S.ASSESSING])
    ask_fee, fee_paid, waive_fee = fee_steps([*BEFORE_WORK, S.ASSESSING])
    withdraw = withdraw_step([*BEFORE_WORK, S.ASSESSING, S.AWAITING_CLARIFICATION, S.AWAITING_FEE])
    close = close_step([S.RECIPIENTS_NOTIFIED, S.REFUSED])


class RestrictionRequest(RightsRequest):
    """Right to restrict processing (UK GDPR Art 18): restrict; tell the requester before lifting (Art 18(3))."""

    class Meta:
        proxy = True

    responded: ClassVar[frozenset[Status]] = frozenset({S.RESTRICTED, S.LIFTED, S.REFUSED})

    request_identity = request_identity_step()
    start_work = start_work_step(S.ASSESSING)

    @step(
        source=[S.ASSESSING],
        target=S.RESTRICTED,
        label="Restrict processing",
        description="An Article 18(1) condition applies: stop using the data except to store it, and tell the requester.",
        allowed=WORKER,
        conditions=[
            *ACTING_GUARDS,
            guard(guards.held_data_searched),
            guard(guards.decision_reasons_given, on_input=True),
        ],
        needs=("restriction_basis", "decision_reasons", "method"),
        required=("restriction_basis", "decision_reasons"),
        letter="outcome_restriction",
    )
    def restrict(self) -> None:
        """The data is only stored while the restriction lasts (UK GDPR Art 18(2)); reviews.request_restrict marks it."""
        self.processing_restricted = True

    decline = decline_step(
        label="Refuse: no Article 18(1) condition applies",
        grounds=(RefusalGround.CONDITIONS_NOT_MET,),
        letter="refusal",
    )
    notify_recipients = notify_recipients_step(S.RESTRICTED, None)

    @step(
        source=[S.RESTRICTED],
        target=None,
        label="Give notice of lifting",
        description="Tell the requester that the restriction will be lifted, and why, before it is.",
        allowed=MANAGER,
        conditions=[guard(guards.lift_notice_not_sent)],
        needs=("reason", "method"),
        required=("reason",),
        letter=guards.LIFT_NOTICE_TEMPLATE,
    )
    def give_lift_notice(self) -> None:
        """The requester is told before the restriction is lifted (UK GDPR Art 18(3))."""

    @step(
        source=[S.RESTRICTED],
        target=S.LIFTED,
        label="Lift the restriction",
        description="The requester has been told: lift the restriction.",
        allowed=MANAGER,
        conditions=[guard(guards.lift_notice_sent)],
        needs=("reason",),
        required=("reason",),
    )
    def lift(self) -> None:
        """Only after the lift notice has gone (UK GDPR Art 18(3)); reviews.request_restriction_lift records its date."""
        self.processing_restricted = False

    ask_clarification = ask_clarification_step([S.ASSESSING], stops_clock=False)
    clarification_answered = clarification_answered_step([S.ASSESSING])
    extend = extend_step([S.ASSESSING, S.AWAITING_CLARIFICATION])
    refuse = refuse_step([*BEFORE_WORK, S.ASSESSING])
    ask_fee, fee_paid, waive_fee = fee_steps([*BEFORE_WORK, S.ASSESSING])
    withdraw = withdraw_step([*BEFORE_WORK, S.ASSESSING, S.AWAITING_CLARIFICATION, S.AWAITING_FEE])
    close = close_step([S.LIFTED, S.REFUSED])


class ObjectionRequest(RightsRequest):
    """Right to object (UK GDPR Art 21(1)): processing stops unless compelling legitimate grounds are shown."""

    class Meta:
        proxy = True

    responded: ClassVar[frozenset[Status]] = frozenset({S.UPHELD, S.REJECTED, S.REFUSED})

    request_identity = request_identity_step()
    start_work = start_work_step(S.ASSESSING)
    restrict_processing = restrict_processing_step()

    @step(
        source=[S.ASSESSING],
        target=S.UPHELD,
        label="Uphold the objection",
        description="No compelling legitimate grounds: stop processing for that purpose, and say what stops.",
        allowed=MANAGER,
        conditions=[
            *ACTING_GUARDS,
            guard(guards.held_data_searched),
            guard(guards.decision_reasons_given, on_input=True),
        ],
        needs=("decision_reasons", "method"),
        required=("decision_reasons",),
        letter="outcome_objection",
    )
    def uphold(self) -> None:
        """Processing for that purpose stops (UK GDPR Art 21(1)); it halts part of a statutory review, so the Manager decides."""
        self.processing_restricted = True

    @step(
        source=[S.ASSESSING],
        target=S.REJECTED,
        label="Reject the objection",
        description="Compelling legitimate grounds override the requester's interests, or the data is needed for legal claims: say what they are.",
        allowed=MANAGER,
        conditions=[*ACTING_GUARDS, guard(guards.decision_reasons_given, on_input=True)],
        needs=("refusal_ground", "decision_reasons", "method"),
        required=("refusal_ground", "decision_reasons"),
        letter="outcome_objection",
        grounds=(RefusalGround.COMPELLING_GROUNDS, RefusalGround.LEGAL_CLAIMS),
    )
    def reject(self) -> None:
        """Processing goes on (UK GDPR Art 21(1)); a restriction held while checking ends, and the letter says so."""
        self.processing_restricted = False

    ask_clarification = ask_clarification_step([S.ASSESSING], stops_clock=False)
    clarification_answered = clarification_answered_step([S.ASSESSING])
    extend = extend_step([S.ASSESSING, S.AWAITING_CLARIFICATION])
    refuse = refuse_step([*BEFORE_WORK, S.ASSESSING])
    ask_fee, fee_paid, waive_fee = fee_steps([*BEFORE_WORK, S.ASSESSING])
    withdraw = withdraw_step([*BEFORE_WORK, S.ASSESSING, S.AWAITING_CLARIFICATION, S.AWAITING_FEE])
    close = close_step([S.UPHELD, S.REJECTED, S.REFUSED])


class PortabilityRequest(RightsRequest):
    """Right to data portability (UK GDPR Art 20): does not apply under public task; the answer says so."""

    class Meta:
        proxy = True

    responded: ClassVar[frozenset[Status]] = frozenset({S.ANSWERED, S.REFUSED})

    request_identity = request_identity_step()
    start_work = start_work_step(S.IN_PROGRESS)
    answer = answer_step(RightKind.PORTABILITY, "outcome_portability")
    refuse = refuse_step([*BEFORE_WORK, S.IN_PROGRESS])
    ask_fee, fee_paid, waive_fee = fee_steps([*BEFORE_WORK, S.IN_PROGRESS])
    withdraw = withdraw_step([*BEFORE_WORK, S.IN_PROGRESS, S.AWAITING_FEE])
    close = close_step([S.ANSWERED, S.REFUSED])


class AutomatedDecisionRequest(RightsRequest):
    """Automated decision-making (UK GDPR Art 22A-22D, which replaced Art 22): the partnership makes none; the answer says so."""

    class Meta:
        proxy = True

    responded: ClassVar[frozenset[Status]] = frozenset({S.ANSWERED, S.REFUSED})

    request_identity = request_identity_step()
    start_work = start_work_step(S.IN_PROGRESS)
    answer = answer_step(RightKind.AUTOMATED_DECISION_MAKING, "outcome_automated_decision")
    refuse = refuse_step([*BEFORE_WORK, S.IN_PROGRESS])
    ask_fee, fee_paid, waive_fee = fee_steps([*BEFORE_WORK, S.IN_PROGRESS])
    withdraw = withdraw_step([*BEFORE_WORK, S.IN_PROGRESS, S.AWAITING_FEE])
    close = close_step([S.ANSWERED, S.REFUSED])


class InformRequest(RightsRequest):
    """Right to be informed (UK GDPR Art 13-14): the answer is the privacy information, sent as a letter."""

    class Meta:
        proxy = True

    responded: ClassVar[frozenset[Status]] = frozenset({S.ANSWERED, S.REFUSED})

    request_identity = request_identity_step()
    start_work = start_work_step(S.IN_PROGRESS)
    answer = answer_step(RightKind.INFORM, "outcome_inform")
    refuse = refuse_step([*BEFORE_WORK, S.IN_PROGRESS])
    ask_fee, fee_paid, waive_fee = fee_steps([*BEFORE_WORK, S.IN_PROGRESS])
    withdraw = withdraw_step([*BEFORE_WORK, S.IN_PROGRESS, S.AWAITING_FEE])
    close = close_step([S.ANSWERED, S.REFUSED])


MACHINES: dict[str, type[RightsRequest]] = {
    RightKind.ACCESS.value: AccessRequest,
    RightKind.RECTIFICATION.value: RectificationRequest,
    RightKind.ERASURE.value: ErasureRequest,
    RightKind.RESTRICTION.value: RestrictionRequest,
    RightKind.OBJECTION.value: ObjectionRequest,
    RightKind.PORTABILITY.value: PortabilityRequest,
    RightKind.AUTOMATED_DECISION_MAKING.value: AutomatedDecisionRequest,
    RightKind.INFORM.value: InformRequest,
}


def machine_states(machine: type[RightsRequest]) -> frozenset[str]:
    """Every status the machine's steps lead from or to."""
    field: Any = machine._meta.get_field("status")
    states: set[str] = {S.RECEIVED.value}
    for fsm_transition in field.get_all_transitions(machine):
        states.add(str(fsm_transition.source))
        target = fsm_transition.target
        if isinstance(target, str):
            states.add(target)
        elif target is not None:
            states.update(str(state) for state in getattr(target, "allowed_states", ()))
    return frozenset(states)


def _check_responded_statuses() -> None:
    """Every machine's responded statuses are together exactly RESPONDED_STATUSES, and a status means the same in
    every machine that has it, so one set serves."""
    union = frozenset(str(s) for machine in MACHINES.values() for s in machine.responded)
    if union != RESPONDED_STATUSES:
        raise ValueError(
            f"the machines answer in {sorted(union)}, RESPONDED_STATUSES says {sorted(RESPONDED_STATUSES)}"
        )
    for kind, machine in MACHINES.items():
        clash = (union - {str(s) for s in machine.responded}) & machine_states(machine)
        if clash:
            raise ValueError(f"{kind}: {sorted(clash)} answered in another machine but not in this one")


_check_responded_statuses()


def machine_for(request: RightsRequest) -> RightsRequest:
    """The same row, as its kind's state machine (a proxy class; no query)."""
    request.__class__ = MACHINES[request.kind]
    return request
