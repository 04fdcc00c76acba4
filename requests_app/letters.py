"""The catalogue of outgoing letters: each template's name, title, the context it takes, and what it must say.

The names are fixed: the transition services ask for letters by these names. What each letter must
say comes from our digest's "What each letter must say" (UK GDPR Art 12, 15-22; DPA 2018; ICO guidance).
"""

from __future__ import annotations

from dataclasses import dataclass

from rights import ApplicationError, RightKind

# Context keys a caller may give, as strings; anything else is ignored.
CLARIFICATION_QUESTION = "clarification_question"
CLARIFICATION_REASON = "clarification_reason"
EXTENSION_REASON = "extension_reason"
NEW_DUE_DATE = "new_due_date"
REFUSAL_GROUND = "refusal_ground"
DECISION_REASONS = "decision_reasons"
REASONS_WITHHELD = "reasons_withheld"
OUTCOME = "outcome"
DOCUMENTS_NEEDED = "documents_needed"
RESTRICTION_SCOPE = "restriction_scope"
LIFT_DATE = "lift_date"
CLOSURE_NOTE = "closure_note"
RESTRICTION_ENDS = "restriction_ends"  # a restriction held while the request was checked ends with this letter
REASON = "reason"  # a transition's free-text reason: printed only where a letter says "why" (lift notice, restriction)
NOTHING_HELD = "nothing_held"  # the subject search found nothing held about the data subject: nothing was changed
CERTIFICATE_REFERENCE = "certificate_reference"  # the destruction certificate of an erasure (DC-2026-00001)
ERASURE_DONE = "erasure_done"  # "destroyed" or "anonymised"
RECORDS_ERASED = "records_erased"  # how many records the erasure reached
RESTRICTION_REPLACED = "restriction_replaced"  # a restriction while checking gives way to an upheld objection
FEE_BASIS = "fee_basis"  # rights.FeeBasis: Art 12(5)(a) or Art 15(3)
FEE_AMOUNT = "fee_amount"  # "£25.00"
FEE_REASON = "fee_reason"  # why a fee, and how it is worked out from the administrative costs
RECIPIENTS_ASKED_ON = "recipients_asked_on"  # the day the data subject asked who the recipients were (Art 19)


@dataclass(frozen=True)
class LetterTemplate:
    """One kind of outgoing letter."""

    name: str
    title: str  # the register's summary and the heading of the letter
    must_contain: tuple[str, ...]
    required_context: tuple[str, ...] = ()
    optional_context: tuple[str, ...] = ()
    # It refuses or may decide against the requester: it tells them of the ICO and the courts (Art 12(4), Art 77-79).
    complaint_rights: bool = False
    kinds: frozenset[RightKind] | None = None  # None: any kind of request
    outcomes: tuple[str, ...] = ()  # for outcome letters: (favourable, unfavourable)

    @property
    def template_path(self) -> str:
        return f"letters/{self.name}.html"


_ALL = (
    LetterTemplate(
        "acknowledgement",
        "Acknowledgement",
        (
            "the reference and the date the request was received",
            "the kind of request as we understood it",
            "the due date and how it was worked out (the clock's reasons)",
            "what happens next",
            "how to contact the team",
        ),
    ),
    LetterTemplate(
        "identity_request",
        "Request for proof of identity or authority",
        (
            "what is needed, and which documents are acceptable",
            "that the one-month time limit starts when it arrives (UK GDPR Art 12A)",
            "where to send it",
        ),
        optional_context=(DOCUMENTS_NEEDED,),
    ),
    LetterTemplate(
        "clarification_request",
        "Request for clarification",
        (
            "exactly what needs clarifying, and why",
            "for an access request, that the clock is stopped until the answer arrives (UK GDPR Art 12A; ICO "
            "guidance); for any other right, that the time limit keeps running, and the date it ends",
        ),
        required_context=(CLARIFICATION_QUESTION,),
        optional_context=(CLARIFICATION_REASON,),
    ),
    LetterTemplate(
        "extension_notice",
        "Extension of the time limit",
        (
            "the reasons (complexity, or the number of requests) (UK GDPR Art 12A)",
            "the new due date",
            "sent inside the first month",
        ),
        required_context=(EXTENSION_REASON,),
        optional_context=(NEW_DUE_DATE,),
        complaint_rights=True,
    ),
    LetterTemplate(
        "fee_request",
        "Request for a fee",
        (
            "the ground for the fee: manifestly unfounded or excessive (Art 12(5)(a)), or further copies (Art 15(3))",
            "the amount, and how it is worked out from the administrative costs",
            "that the one-month time limit starts on the day the fee is received (UK GDPR Art 12A)",
            "how to pay",
            "the right to complain to the ICO and to go to court",
        ),
        required_context=(FEE_BASIS, FEE_AMOUNT, FEE_REASON),
        complaint_rights=True,
    ),
    LetterTemplate(
        "refusal",
        "Refusal of your request",
        (
            "the reasons, unless giving them would itself cause harm",
            "the right to complain to the Information Commissioner (helpline 0303 123 1113)",
            "the right to seek a remedy in court",
        ),
        required_context=(REFUSAL_GROUND,),
        optional_context=(DECISION_REASONS, REASONS_WITHHELD, RESTRICTION_ENDS),
        complaint_rights=True,
    ),
    LetterTemplate(
        "outcome_rectification",
        "Outcome of your request for rectification",
        (
            "what was corrected, or why not and the right to add a supplementary statement (Art 16)",
            "that recipients are told (Art 19)",
            "the right to complain to the ICO and to go to court",
        ),
        optional_context=(OUTCOME, DECISION_REASONS, REFUSAL_GROUND, RESTRICTION_ENDS, NOTHING_HELD),
        complaint_rights=True,
        kinds=frozenset({RightKind.RECTIFICATION}),
        outcomes=("rectified", "refused"),
    ),
    LetterTemplate(
        "outcome_erasure",
        "Outcome of your request for erasure",
        (
            "what was erased, how, and the destruction certificate's reference; or that nothing was held; or which Art 17(3) exemption applies",
            "that recipients are told (Art 19)",
            "the right to complain to the ICO and to go to court",
        ),
        optional_context=(
            OUTCOME,
            DECISION_REASONS,
            REFUSAL_GROUND,
            RESTRICTION_ENDS,
            NOTHING_HELD,
            CERTIFICATE_REFERENCE,
            ERASURE_DONE,
            RECORDS_ERASED,
        ),
        complaint_rights=True,
        kinds=frozenset({RightKind.ERASURE}),
        outcomes=("erased", "refused"),
    ),
    LetterTemplate(
        "outcome_restriction",
        "Restriction of processing",
        (
            "that the restriction is in place and what it means (Art 18(2))",
            "that the requester will be told before it is lifted (Art 18(3))",
            "the right to complain to the ICO and to go to court",
        ),
        optional_context=(RESTRICTION_SCOPE, DECISION_REASONS, REASON, NOTHING_HELD),
        complaint_rights=True,
        kinds=frozenset({RightKind.RESTRICTION, RightKind.RECTIFICATION, RightKind.OBJECTION}),
    ),
    LetterTemplate(
        "restriction_lift_notice",
        "Notice that a restriction will be lifted",
        (
            "that the restriction will be lifted, and when: the date given, else no sooner than the notice period (Art 18(3))",
            "why",
            "the right to complain to the ICO and to go to court",
        ),
        optional_context=(LIFT_DATE, DECISION_REASONS, REASON),
        complaint_rights=True,
        kinds=frozenset({RightKind.RESTRICTION, RightKind.RECTIFICATION, RightKind.OBJECTION}),
    ),
    LetterTemplate(
        "outcome_objection",
        "Outcome of your objection",
        (
            "upheld (processing for that purpose stops), or the compelling legitimate grounds (Art 21(1))",
            "the right to complain to the ICO and to go to court",
        ),
        optional_context=(
            OUTCOME,
            DECISION_REASONS,
            REFUSAL_GROUND,
            RESTRICTION_ENDS,
            NOTHING_HELD,
            RESTRICTION_REPLACED,
        ),
        complaint_rights=True,
        kinds=frozenset({RightKind.OBJECTION}),
        outcomes=("upheld", "rejected"),
    ),
    LetterTemplate(
        "outcome_portability",
        "Your request for data portability",
        (
            "how the right applies under public task (Art 20(3))",
            "the right to complain to the ICO and to go to court",
        ),
        optional_context=(DECISION_REASONS,),
        complaint_rights=True,
        kinds=frozenset({RightKind.PORTABILITY}),
    ),
    LetterTemplate(
        "outcome_automated_decision",
        "Your request about automated decision-making",
        (
            "how the right applies under public task (Art 22A-22D)",
            "the right to complain to the ICO and to go to court",
        ),
        optional_context=(DECISION_REASONS,),
        complaint_rights=True,
        kinds=frozenset({RightKind.AUTOMATED_DECISION_MAKING}),
    ),
    LetterTemplate(
        "outcome_inform",
        "Our privacy information",
        (
            "who the controller is and how to contact them (Art 13(1)(a)-(b))",
            "what is held, why, and the lawful basis (Art 13(1)(c), 14(1)(d))",
            "where it comes from and who receives it (Art 13(1)(e), 14(2)(f))",
            "how long it is kept (Art 13(2)(a))",
            "the requester's rights (Art 13(2)(b))",
            "the right to complain to the ICO and to go to court (Art 13(2)(d))",
        ),
        optional_context=(DECISION_REASONS,),
        complaint_rights=True,
        kinds=frozenset({RightKind.INFORM}),
    ),
    LetterTemplate(
        "recipients_list",
        "The organisations told of the change",
        (
            "the day the requester asked who the recipients were",
            "each organisation the data was disclosed to or received from, and whether it was told of the change "
            "and when, or that telling it proved impossible or would involve disproportionate effort (UK GDPR Art 19)",
            "how to contact the team",
        ),
        required_context=(RECIPIENTS_ASKED_ON,),
        kinds=frozenset({RightKind.RECTIFICATION, RightKind.ERASURE, RightKind.RESTRICTION, RightKind.OBJECTION}),
    ),
    LetterTemplate(
        "closure",
        "Closure of your request",
        (
            "that the request is closed",
            "the right to complain to the ICO and to go to court",
        ),
        optional_context=(CLOSURE_NOTE,),
        complaint_rights=True,
    ),
)

LETTER_TEMPLATES: dict[str, LetterTemplate] = {template.name: template for template in _ALL}


def letter_template(name: str) -> LetterTemplate:
    """The catalogue entry for a template name, or a plain-words refusal."""
    try:
        return LETTER_TEMPLATES[name]
    except KeyError:
        known = ", ".join(sorted(LETTER_TEMPLATES))
        raise ApplicationError(
            f"There is no letter template called {name!r}. Known: {known}.", field="template"
        ) from None
