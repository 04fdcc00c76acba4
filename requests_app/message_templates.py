"""The catalogue of messages the service sends by email or text: each template's subject, the context it
takes, and which of those values are secrets.

A template accepts only the context keys it names, so nothing about a child reaches an email body unless
the template allows it: a letter's own text (sent to the verified contact who asked for it), or a
reference and a link. Packs never travel as attachments: a portal link does. Secrets (a one-time code, a
link's token) are masked in the body kept for the record.
"""

from __future__ import annotations

from dataclasses import dataclass

from rights import ApplicationError

MASK = "[not kept]"


@dataclass(frozen=True)
class MessageTemplate:
    """One kind of outgoing email or text message."""

    name: str
    title: str  # the letters register's summary
    subject: str  # str.format()-ed with the context
    context: tuple[str, ...]  # the keys it takes (all required)
    secrets: tuple[str, ...] = ()  # keys masked in the record
    sms: bool = False  # may go by text message

    @property
    def template_path(self) -> str:
        return f"email/message_{self.name}.txt"


_ALL = (
    MessageTemplate(
        "letter",
        "Letter sent by email",
        "{letter_title}: your request {reference}",
        ("reference", "letter_title", "letter_text"),
    ),
    MessageTemplate(
        "complaint_letter",
        "Complaint letter sent by email",
        "{letter_title}: your complaint {reference}",
        ("reference", "letter_title", "letter_text"),
    ),
    MessageTemplate(
        "breach_letter",
        "Breach letter sent by email",
        "{letter_title} (our reference {reference})",
        ("reference", "letter_title", "letter_text"),
    ),
    MessageTemplate(
        "breach_clock",
        "Alert to a Manager: a breach's 72 hours are running out",
        "Breach {reference}: {hours} hours since discovery, reporting not yet decided",
        ("reference", "hours", "report_by", "left", "link"),
    ),
    MessageTemplate(
        "complaint_notice",
        "Reminder or escalation to staff: a complaint's acknowledgement date",
        "{kind}: complaint {reference} to be acknowledged by {due}",
        ("reference", "kind", "due", "message", "link"),
    ),
    MessageTemplate(
        "portal_link",
        "Link to the disclosure pack sent by email",
        "Your information is ready: request {reference}",
        ("reference", "link", "expires", "code_by"),
        secrets=("link",),
    ),
    MessageTemplate(
        "portal_code",
        "One-time code for the disclosure pack",
        "Your code for request {reference}",
        ("reference", "code", "minutes"),
        secrets=("code",),
        sms=True,
    ),
    MessageTemplate(
        "outside_letter",
        "Letter sent by email to someone other than the requester",
        "{letter_title}: our reference {reference}",
        ("reference", "letter_title", "letter_text"),
    ),
    MessageTemplate(
        "owner_review_link",
        "Link for an agency's data owner to check the redactions of its records",
        "Please check the redactions of your records: our reference {reference}",
        ("reference", "agency", "link", "expires", "due"),
        secrets=("link",),
    ),
    MessageTemplate(
        "owner_review_code",
        "One-time code for an agency's data owner",
        "Your code to check the redactions: our reference {reference}",
        ("reference", "code", "minutes"),
        secrets=("code",),
    ),
    MessageTemplate(
        "agency_records_request",
        "Records request sent to the agency's data owner by email",
        "Records request: our reference {reference}",
        ("reference", "agency_name", "data_owner", "subject_name", "scope", "date_range", "due", "link", "expires"),
        secrets=("link",),
    ),
    MessageTemplate(
        "agency_return_code",
        "One-time code for the agency's return link",
        "Your code to return records for {reference}",
        ("reference", "code", "minutes"),
        secrets=("code",),
    ),
    MessageTemplate(
        "agency_chaser",
        "Chaser sent to the agency's data owner by email",
        "Reminder: records for {reference} were due on {due}",
        (
            "reference",
            "agency_name",
            "data_owner",
            "subject_name",
            "requested_on",
            "due",
            "reply_by",
            "link",
            "expires",
        ),
        secrets=("link",),
    ),
    MessageTemplate(
        "agency_due_reminder",
        "Reminder on the due day sent to the agency's data owner by email",
        "Reminder: records for {reference} are due today",
        ("reference", "agency_name", "data_owner", "subject_name", "requested_on", "due", "link", "expires"),
        secrets=("link",),
    ),
    MessageTemplate(
        "agency_escalation",
        "Late return escalated to the agency's escalation contact by email",
        "Escalation: {agency_name} has not returned records for {reference}",
        ("reference", "agency_name", "escalation_contact", "data_owner", "requested_on", "due", "days_late"),
    ),
    MessageTemplate(
        "consent_answer_link",
        "Link for a third party to answer a request for consent online",
        "Answer online: our request for your consent, reference {reference}",
        ("reference", "name", "link", "expires", "due"),
        secrets=("link",),
    ),
    MessageTemplate(
        "consent_answer_code",
        "One-time code for a third party's answer link",
        "Your code to answer our request for consent, reference {reference}",
        ("reference", "code", "minutes"),
        secrets=("code",),
    ),
    MessageTemplate(
        "email_confirmation",
        "Code to confirm an email address",
        "Your code to confirm your email address",
        ("code", "minutes"),
        secrets=("code",),
    ),
    MessageTemplate(
        "status_link",
        "Link to the request's status page sent by email",
        "See how your request {reference} is going",
        ("reference", "link", "expires"),
        secrets=("link",),
    ),
    MessageTemplate(
        "status_code",
        "One-time code for the status page",
        "Your code to see request {reference}",
        ("reference", "code", "minutes"),
        secrets=("code",),
    ),
)

MESSAGE_TEMPLATES: dict[str, MessageTemplate] = {template.name: template for template in _ALL}


def message_template(name: str) -> MessageTemplate:
    try:
        return MESSAGE_TEMPLATES[name]
    except KeyError:
        known = ", ".join(sorted(MESSAGE_TEMPLATES))
        raise ApplicationError(f"There is no message template called {name!r}. Known: {known}.") from None
