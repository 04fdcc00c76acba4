"""`manage.py demo [--if-empty] [--new-password]`: a realistic, fictional demo set for a local demo (DEBUG only).

Every request is written through the case import (requests_app.casefile), so it is validated like
any case file and reaches its status through its kind's state machine, step by step, taken by the
demo users. References are fixed (RR-2026-9001 onwards), so running the command again adds nothing.
Dates are set relative to today, so due dates spread around today whenever the demo is loaded:
some overdue, some due this week, some waiting on the requester, some finished.

Everyone in it is invented: names are common British names put together at random, streets are
made up, telephone numbers are in Ofcom's drama range and email addresses use example.com.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import roles
from requests_app.casefile import FORMAT, CaseFileError, case_import, registered_sections
from requests_app.casefile.plan import statuses_of
from requests_app.models import Person, ReferralKind, RightsRequest, Status
from rights import RightKind

FIRST_NUMBER = 9001
REFERENCE = "RR-2026-{number:04d}"
DEMO_USERS = (
    ("manager", roles.MANAGER, "Priya", "Shah"),
    ("caseworker", roles.CASEWORKER, "Tom", "Gallagher"),
    ("reviewer", roles.REVIEWER, "Dr Helen", "Okafor"),
)
# A Manager who may also open the admin (staff and superuser): made by the demo alone, so with DEBUG only.
DEMO_ADMIN = ("admin", roles.MANAGER, "Alex", "Admin")


def demo_sign_in_file() -> Path:
    """Where the demo password is kept so `make run` can say it again (var/ is git-ignored; DEBUG only)."""
    return Path(settings.BASE_DIR) / "var" / "demo-sign-in.txt"


KINDS = (
    RightKind.ACCESS,
    RightKind.RECTIFICATION,
    RightKind.ERASURE,
    RightKind.RESTRICTION,
    RightKind.OBJECTION,
    RightKind.PORTABILITY,
    RightKind.AUTOMATED_DECISION_MAKING,
    RightKind.INFORM,
)
# Real letters (PDF) are generated for these few only, to keep the demo quick.
GENERATED_ACKNOWLEDGEMENTS = 4

CHILD_FIRST = (
    "Oliver", "Amelia", "Jayden", "Isla", "Kai", "Freya", "Harrison", "Maisie", "Riley", "Poppy",
    "Tyler", "Lily-Mae", "Mason", "Evie", "Alfie", "Zara", "Ethan", "Ruby", "Leo", "Aaliyah",
    "Charlie", "Millie", "Noah", "Ava", "Jack", "Sienna", "Callum", "Grace", "Reece", "Imogen",
)  # fmt: skip
ADULT_FIRST = (
    "Chloe", "Daniel", "Shannon", "Liam", "Jade", "Aisha", "Connor", "Paige", "Nathan", "Sophie",
    "Jordan", "Kirsty", "Ryan", "Bethany", "Jamie", "Leanne", "Dean", "Hannah", "Kieran", "Stacey",
)  # fmt: skip
PARENT_FIRST = (
    "Karen", "Mark", "Lisa", "Sunita", "Gemma", "Wayne", "Nicola", "Imran", "Claire", "Darren",
    "Joanne", "Steven", "Rachel", "Lee", "Michelle", "Paul", "Kelly", "Asif", "Emma", "Craig",
)  # fmt: skip
SURNAMES = (
    "Hughes", "Clarke", "Walsh", "Patel", "Robinson", "Lomax", "Doyle", "Taylor", "Ashworth", "Khan",
    "Bradshaw", "Holt", "Rigby", "Mortimer", "Kowalski", "Hussain", "Barlow", "O'Connor", "Whitworth", "McGrath",
    "Fairclough", "Ellison", "Begum", "Tattersall", "Hindle", "Greenhalgh", "Kershaw", "Brennan", "Ogden", "Nuttall",
    "Schofield", "Sutcliffe", "Ahmed", "Byrne", "Howarth", "Cheetham", "Lees", "Wood", "Mellor", "Bancroft",
)  # fmt: skip
STREETS = (
    ("Larkspur Close", "Offerton", "SK2 5QT"),
    ("Kingfisher Drive", "Reddish", "SK5 6HG"),
    ("Brambling Way", "Edgeley", "SK3 9LP"),
    ("Heronsgate Road", "Cheadle Heath", "SK3 0PX"),
    ("Marbury Avenue", "Heaton Norris", "SK4 2EJ"),
    ("Dovecote Lane", "Hazel Grove", "SK7 4BN"),
    ("Thistledown Court", "Brinnington", "SK5 8AD"),
    ("Wrenbury Street", "Portwood", "SK1 2JR"),
    ("Goyt Bank View", "Marple", "SK6 6NW"),
    ("Alderbrook Mews", "Bramhall", "SK7 2QD"),
    ("Finchfield Grove", "Adswood", "SK3 8PE"),
    ("Cobden Lea Terrace", "Shaw Heath", "SK3 8JB"),
    ("Ladywell Walk", "Woodford", "SK7 1AX"),
    ("Sandpiper Rise", "Romiley", "SK6 4LG"),
    ("Millstone Fold", "Bredbury", "SK6 2DF"),
    ("Orchard Bank", "Heaviley", "SK2 6HY"),
    ("Tame Meadow Close", "Heaton Mersey", "SK4 3RS"),
    ("Cherrytree Walk", "Cheadle Hulme", "SK8 7EB"),
)
REPRESENTATIVES = {
    "solicitor": ("Rebecca Hartley", "Hartley Moss Solicitors, 4 Carrow Chambers, Stockport SK1 3LP"),
    "deputy": ("Andrew Pemberton", "Pemberton Deputyship Services, 19 Larch House, Cheadle SK8 2BQ"),
    "advocate": ("Sam Okoro", "Stockport Young People's Advocacy Project, 7 Weaver Yard, Stockport SK1 4DU"),
}
AGENCIES = (
    "Stockport Council children's services",
    "Greater Manchester Police",
    "Stockport NHS Foundation Trust",
    "Stockport schools' safeguarding team",
)
SUMMARIES = {
    RightKind.ACCESS: "All the records the partnership holds about {first}, including the learning review papers.",
    RightKind.RECTIFICATION: "Says the {year} multi-agency audit records the wrong school for {first} and asks for it to be corrected.",
    RightKind.ERASURE: "Asks for {first}'s details to be deleted from the Section 11 audit records.",
    RightKind.RESTRICTION: "Asks us to stop using {first}'s records in the learning review while their accuracy is checked.",
    RightKind.OBJECTION: "Objects to {first}'s case being used in a multi-agency learning review.",
    RightKind.PORTABILITY: "Asks for {first}'s records in a machine-readable file to pass to a new support service.",
    RightKind.AUTOMATED_DECISION_MAKING: "Asks whether any decision about {first} was made by a computer, and to have it reviewed by a person.",
    RightKind.INFORM: "Asks what the partnership holds about {first}, why, who it is shared with and for how long.",
}
OUTCOMES: dict[tuple[RightKind, str], dict[str, str]] = {
    (RightKind.ACCESS, "refused"): {
        "refusal_ground": "manifestly_excessive",
        "reasons": "This is the sixth request in four months for the same records; each earlier request was answered "
        "in full and nothing new has been added since the last disclosure.",
    },
    (RightKind.RECTIFICATION, "rectified"): {
        "reasons": "The school recorded in the audit has been corrected to Woodbank Primary School, and the date of "
        "the move to Marple added.",
    },
    (RightKind.RECTIFICATION, "refused"): {
        "refusal_ground": "data_accurate",
        "reasons": "The attendance record supplied by the school confirms the dates recorded in the audit.",
        "supplementary_statement": "I was living with my nan in Marple for most of that year, which is why I "
        "missed school. I want this kept with my records.",
    },
    (RightKind.ERASURE, "erased"): {
        "reasons": "The copy of the referral held in the partnership's shared drive has been deleted; it was kept "
        "past the end of the audit it was collected for.",
    },
    (RightKind.ERASURE, "refused"): {
        "refusal_ground": "public_task",
        "reasons": "The records are needed to complete a statutory Child Safeguarding Practice Review "
        "(Children Act 2004 s16F) that is still under way.",
    },
    (RightKind.RESTRICTION, "restricted"): {
        "reasons": "The accuracy of the health visitor's notes is contested (Art 18(1)(a)); the records will only be "
        "stored, not used, until the check is finished.",
    },
    (RightKind.RESTRICTION, "refused"): {
        "refusal_ground": "conditions_not_met",
        "reasons": "The records are accurate, lawfully held and still needed for the review, and no objection is "
        "pending, so none of the Article 18(1) conditions applies.",
    },
    (RightKind.OBJECTION, "upheld"): {
        "reasons": "The review can meet its purpose without this case; it has been removed from the learning "
        "review's case sample.",
    },
    (RightKind.OBJECTION, "rejected"): {
        "refusal_ground": "compelling_grounds",
        "reasons": "The case is central to the statutory review of the agencies' response, and the review's findings "
        "will protect other children; the records are pseudonymised in every review document.",
    },
    (RightKind.OBJECTION, "refused"): {
        "refusal_ground": "manifestly_unfounded",
        "reasons": "The letter says it was sent to disrupt the review, and offers to withdraw it for a payment.",
    },
}
REFUSED_DEFAULT = {
    "refusal_ground": "manifestly_unfounded",
    "reasons": "The request was made to cause disruption rather than to exercise the right, as its letter says.",
}
# The outcome each finished kind reached before it closed.
CLOSED_VIA = {
    RightKind.ACCESS: "disclosed",
    RightKind.RECTIFICATION: "rectified",
    RightKind.ERASURE: "erased",
    RightKind.RESTRICTION: "restricted",
    RightKind.OBJECTION: "upheld",
    RightKind.PORTABILITY: "answered",
    RightKind.AUTOMATED_DECISION_MAKING: "answered",
    RightKind.INFORM: "answered",
}
PROFILES = ("self_adult", "parent_young", "parent_teen", "solicitor", "self_teen", "deputy", "advocate", "parent_nc")
WAITING = {Status.RECEIVED.value, Status.AWAITING_IDENTITY.value, Status.AWAITING_CLARIFICATION.value}
FINISHED = {Status.CLOSED.value, Status.WITHDRAWN.value}
OUTCOME_STATUSES = {
    Status.RECTIFIED.value,
    Status.ERASED.value,
    Status.RESTRICTED.value,
    Status.UPHELD.value,
    Status.REJECTED.value,
    Status.ANSWERED.value,
    Status.RECIPIENTS_NOTIFIED.value,
    Status.LIFTED.value,
}
WORKING_AGES = (13, 29, 33, 46, 55)  # open and being worked: due in weeks, this week, overdue, and extended


@dataclass(frozen=True)
class Spec:
    number: int
    kind: RightKind
    status: str
    age: int  # days since the request was received
    profile: str
    extended: bool = False
    clarified: bool = False


def demo_specs() -> list[Spec]:
    """One request for every status of every kind's machine, plus a few more open ones to spread the due dates."""
    specs: list[Spec] = []
    number = FIRST_NUMBER
    working = 0
    for kind_index, kind in enumerate(KINDS):
        for status_index, status in enumerate(statuses_of(kind.value)):
            if status == Status.AWAITING_FEE:
                continue  # a case file carries no fee facts yet (its ground, amount and letter): see docs/open-work.md
            profile = PROFILES[(kind_index * 3 + status_index) % len(PROFILES)]
            if status == Status.RECEIVED:
                age = kind_index % 4
            elif status == Status.AWAITING_IDENTITY:
                age = (5, 12, 19)[kind_index % 3]
            elif status == Status.AWAITING_CLARIFICATION:
                age = (17, 24)[kind_index % 2]
            elif status in FINISHED:
                age = (95, 120, 150)[(kind_index + status_index) % 3]
            elif status in (Status.LIFTED, Status.RECIPIENTS_NOTIFIED, Status.DISCLOSED):
                age = 80  # extended below, so still inside the three months
            elif status in (
                Status.IN_PROGRESS,
                Status.ASSESSING,
                Status.GATHERING_RECORDS,
                Status.IN_REVIEW,
                Status.AWAITING_SIGN_OFF,
                Status.APPROVED,
            ):
                age = WORKING_AGES[working % len(WORKING_AGES)]
                working += 1
            else:  # an outcome sent in time, waiting to be closed
                age = (22, 26, 34)[(kind_index + status_index) % 3]
            specs.append(
                Spec(
                    number,
                    kind,
                    status,
                    age,
                    profile,
                    extended=age in (55, 80) or (kind is RightKind.ACCESS and status == Status.CLOSED),
                    clarified=status in (Status.IN_REVIEW, Status.UPHELD, Status.ERASED),
                )
            )
            number += 1
    # More open access requests, the busiest kind, so the dashboard has something in every column.
    for age, status, profile in (
        (31, Status.IN_PROGRESS, "parent_young"),
        (44, Status.GATHERING_RECORDS, "solicitor"),
        (9, Status.IN_PROGRESS, "self_adult"),
        (27, Status.IN_REVIEW, "parent_teen"),
    ):
        specs.append(Spec(number, RightKind.ACCESS, status, age, profile))
        number += 1
    return specs


class _Builder:
    """Builds the case file of one demo request, with a timeline that leads to its status."""

    def __init__(self, spec: Spec, today: dt.date, with_documents: bool, generated_ack: bool) -> None:
        self.spec = spec
        self.today = today
        self.with_documents = with_documents
        self.generated_ack = generated_ack
        self.received = today - dt.timedelta(days=spec.age)
        self.letters: list[dict[str, Any]] = []
        self.clock: list[dict[str, Any]] = []
        self.evidence: list[dict[str, Any]] = []
        self.channel = "letter"
        self.addressee = ""

    def day(self, offset: int) -> dt.date:
        """A day of the timeline, never after today."""
        return min(self.received + dt.timedelta(days=offset), self.today)

    def letter(self, direction: str, offset: int, summary: str, *, template: str = "", method: str = "") -> int:
        entry: dict[str, Any] = {
            "direction": direction,
            "date": self.day(offset).isoformat(),
            "method": method or ("email" if self.channel == "email" else "post"),
            "addressee": self.addressee,
            "summary": summary,
        }
        if template:
            entry["template"] = template
        self.letters.append(entry)
        return len(self.letters) - 1

    def build(self) -> dict[str, Any]:
        spec = self.spec
        n = spec.number - FIRST_NUMBER
        surname = SURNAMES[(n * 7) % len(SURNAMES)]
        street, area, postcode = STREETS[(n * 5) % len(STREETS)]
        address = f"{(n * 13) % 97 + 2} {street}, {area}, Stockport {postcode}"
        child = spec.profile.startswith("parent") or spec.profile == "self_teen"
        years = {"parent_young": 8 + n % 4, "parent_teen": 14 + n % 3, "parent_nc": 14, "self_teen": 15 + n % 2}.get(
            spec.profile, 19 + n % 9
        )
        born = self.received - dt.timedelta(days=int(years * 365.25) + 40 + (n * 17) % 300)
        first = (CHILD_FIRST if child else ADULT_FIRST)[(n * 3) % (len(CHILD_FIRST) if child else len(ADULT_FIRST))]
        subject: dict[str, Any] = {"name": f"{first} {surname}", "date_of_birth": born.isoformat(), "address": address}
        if not child and n % 4 == 0:
            subject["previous_names"] = [f"{first} {SURNAMES[(n * 11 + 3) % len(SURNAMES)]}"]
        self.channel = ("letter", "email", "letter", "web", "letter", "in_person")[n % 6]
        if self.channel == "email" and not child:
            subject["email"] = f"{first.lower()}.{surname.lower().replace(chr(39), '')}@example.com"
        if not child and n % 3 == 0:
            subject["phone"] = f"07700 900{(n * 37) % 1000:03d}"

        case: dict[str, Any] = {
            "format": FORMAT,
            "reference": REFERENCE.format(number=spec.number),
            "kind": spec.kind.value,
            "received": self.received.isoformat(),
            "channel": self.channel,
            "summary": SUMMARIES[spec.kind].format(first=first, year=self.received.year - 2),
            "status": spec.status,
        }
        requester: dict[str, Any] | None = None
        representative: dict[str, str] | None = None
        if spec.profile.startswith("parent"):
            parent = PARENT_FIRST[(n * 3 + 1) % len(PARENT_FIRST)]
            requester = {"name": f"{parent} {surname}", "address": address}
            representative = {"role": "parent", "authority": "parental_responsibility"}
        elif spec.profile in REPRESENTATIVES:
            name, where = REPRESENTATIVES[spec.profile]
            requester = {"name": name, "address": where}
            representative = {
                "solicitor": {"role": "solicitor", "authority": "written_consent"},
                "deputy": {"role": "deputy", "authority": "court_order"},
                "advocate": {"role": "other", "authority": "written_consent"},
            }[spec.profile]
        self.addressee = requester["name"] if requester else subject["name"]

        self.letter("in", 0, f"{spec.kind.label} request about {first}", method=self._incoming_method())
        if (spec.status != Status.RECEIVED or spec.age >= 2) and not self.generated_ack:
            self.letter("out", 2, "Acknowledgement", template="acknowledgement")
        self._timeline(first, spec, representative)

        if spec.number % 9 == 0 or spec.status not in WAITING:
            case["assigned_to"] = "caseworker" if spec.number % 5 else "manager"
        if spec.number % 23 == 0:
            case["assigned_to"] = "caseworker"
            case["restricted"] = {"reason": "The data subject's parent works in the partnership team."}
        outcome = self._outcome()
        if outcome:
            case["decision"] = outcome
        if spec.status == Status.WITHDRAWN:
            case["status_reason"] = "The requester phoned to say the matter has been resolved with the school."
        elif spec.status == Status.RECIPIENTS_NOTIFIED:
            case["status_reason"] = (
                "Told Stockport Council children's services, Greater Manchester Police and Stockport NHS Foundation "
                "Trust, the agencies that received the data."
            )
        elif spec.status == Status.LIFTED:
            case["status_reason"] = (
                "The check found the notes accurate; the requester was given notice on the date shown."
            )
        case["subject"] = subject
        if requester is not None and representative is not None:
            case["requester"] = requester
            case["representative"] = representative
        if self.evidence:
            case["evidence"] = self.evidence
        case["letters"] = self.letters
        case["clock"] = self.clock
        if self.with_documents and spec.kind is RightKind.ACCESS:
            documents = self._documents(first, surname)
            if documents:
                case["documents"] = documents
        return case

    def _incoming_method(self) -> str:
        return {"email": "email", "in_person": "hand", "web": "email"}.get(self.channel, "post")

    def _outcome(self) -> dict[str, str]:
        spec = self.spec
        status = CLOSED_VIA[spec.kind] if spec.status == Status.CLOSED else spec.status
        if status == Status.LIFTED or status == Status.RECIPIENTS_NOTIFIED:
            status = {Status.LIFTED: "restricted", Status.RECIPIENTS_NOTIFIED: "rectified"}[Status(status)]
            if spec.kind is RightKind.ERASURE:
                status = "erased"
        if status == Status.REFUSED:
            return OUTCOMES.get((spec.kind, "refused"), REFUSED_DEFAULT)
        return OUTCOMES.get((spec.kind, status), {})

    def _timeline(self, first: str, spec: Spec, representative: dict[str, str] | None) -> None:
        if spec.status == Status.RECEIVED:
            return
        self.letter("out", 2, "Asked for proof of identity" + (" and authority" if representative else ""),
                    template="identity_request")  # fmt: skip
        if spec.status == Status.AWAITING_IDENTITY:
            return
        arrived = 6
        documents = {
            None: "Copy of a passport and a council tax bill",
            "parent": "Birth certificate naming the parent, and the parent's driving licence",
            "solicitor": "Signed form of authority from the client, and the solicitor's practising details",
            "deputy": "Sealed Court of Protection deputyship order, and the deputy's identity",
            "other": "Form of authority signed by the young person, and the advocate's identity card",
        }[representative["role"] if representative else None]
        index = self.letter("in", arrived, documents)
        self.evidence.append(
            {
                "kind": "identity",
                "description": "Passport, number ending " + f"{(spec.number * 7) % 1000:03d}"
                if not representative
                else "Driving licence of the requester, checked against the address on the letter",
                "seen_on": self.day(arrived).isoformat(),
                "seen_by": "caseworker",
            }
        )
        self.clock.append({"event": "identity_received", "date": self.day(arrived).isoformat(), "letter": index})
        if representative:
            self.evidence.append(
                {
                    "kind": "authority",
                    "description": documents,
                    "seen_on": self.day(arrived).isoformat(),
                    "seen_by": "caseworker",
                }
            )
            self.clock.append({"event": "authority_received", "date": self.day(arrived).isoformat(), "letter": index})
        if spec.profile == "parent_teen":
            self.letter("in", arrived + 2, f"Signed note from {first} agreeing to the request")
            self.evidence.append(
                {
                    "kind": "child_consent",
                    "description": f"{first}'s signed note of agreement, seen with their social worker",
                    "seen_on": self.day(arrived + 2).isoformat(),
                    "seen_by": "caseworker",
                }
            )
        elif spec.profile == "parent_nc":
            self.evidence.append(
                {
                    "kind": "competence",
                    "description": f"Assessment of {first}'s understanding by the professional in charge of their care",
                    "seen_on": self.day(arrived + 3).isoformat(),
                    "seen_by": "reviewer",
                    "competence": "not_competent",
                }
            )
        if spec.clarified:
            asked = self.letter(
                "out", arrived + 4, "Asked which review the request is about", template="clarification_request"
            )
            answered = self.letter("in", arrived + 9, "Reply naming the 2024 learning review")
            self.clock.append(
                {
                    "event": "clarification",
                    "asked": self.day(arrived + 4).isoformat(),
                    "answered": self.day(arrived + 9).isoformat(),
                    "reason": "The request could cover four reviews and two audits; which does the requester mean?",
                    "letter": asked,
                    "answered_letter": answered,
                }
            )
        if spec.status == Status.AWAITING_CLARIFICATION:
            asked_on = min(arrived + 5, spec.age)
            index = self.letter("out", asked_on, "Asked which records are wanted", template="clarification_request")
            self.clock.append(
                {
                    "event": "clarification",
                    "asked": self.day(asked_on).isoformat(),
                    "reason": "The request names no period and the partnership holds records from eleven reviews.",
                    "letter": index,
                }
            )
            return
        if spec.extended:
            index = self.letter(
                "out", arrived + 15, "Told the requester of a two-month extension", template="extension_notice"
            )
            self.clock.append(
                {
                    "event": "extended",
                    "date": self.day(arrived + 15).isoformat(),
                    "reason": "Complex: records are held by five agencies and include two practice reviews.",
                    "letter": index,
                }
            )
        self._outcome_letters(spec)

    def _outcome_letters(self, spec: Spec) -> None:
        status = spec.status
        # Finished requests (and those past an outcome) were decided a few weeks after they arrived.
        settled = status in FINISHED or status in (Status.LIFTED, Status.RECIPIENTS_NOTIFIED, Status.DISCLOSED)
        decided = 25 if settled else spec.age - 3
        outcome_template = {
            RightKind.RECTIFICATION: "outcome_rectification",
            RightKind.ERASURE: "outcome_erasure",
            RightKind.RESTRICTION: "outcome_restriction",
            RightKind.OBJECTION: "outcome_objection",
            RightKind.PORTABILITY: "outcome_portability",
            RightKind.AUTOMATED_DECISION_MAKING: "outcome_automated_decision",
            RightKind.INFORM: "outcome_inform",
        }.get(spec.kind)
        if status == Status.REFUSED:
            self.letter("out", decided, "Refusal, with the right to complain to the ICO", template="refusal")
        elif outcome_template and (status in OUTCOME_STATUSES or status == Status.CLOSED):
            self.letter("out", decided, "Outcome", template=outcome_template)
        if status == Status.LIFTED or (status == Status.CLOSED and spec.kind is RightKind.RESTRICTION):
            self.letter(
                "out", spec.age - 40, "Notice that the restriction will be lifted", template="restriction_lift_notice"
            )
        if status in (Status.DISCLOSED,) or (status == Status.CLOSED and spec.kind is RightKind.ACCESS):
            self.letter("out", decided, "Disclosure pack sent by recorded delivery", method="recorded_delivery")
        if status == Status.CLOSED:
            self.letter("out", spec.age - 5, "Closure", template="closure")
        elif status == Status.WITHDRAWN:
            self.letter("in", spec.age - 20, "Phone call: the requester withdraws the request", method="hand")

    def _documents(self, first: str, surname: str) -> list[dict[str, Any]]:
        spec = self.spec
        past_review = (Status.AWAITING_SIGN_OFF, Status.APPROVED, Status.DISCLOSED, Status.CLOSED)
        if spec.status not in (Status.IN_REVIEW, *past_review):
            return []
        neighbour = (
            f"{PARENT_FIRST[(spec.number * 5) % len(PARENT_FIRST)]} {SURNAMES[(spec.number * 3 + 9) % len(SURNAMES)]}"
        )
        dated = (self.received - dt.timedelta(days=400)).isoformat()
        documents: list[dict[str, Any]] = [
            {
                "title": "Referral to children's social care",
                "agency": AGENCIES[0],
                "date": dated,
                "text": (
                    f"Referral received about {first} {surname}. A neighbour, {neighbour}, telephoned to say "
                    f"{first} had been left alone overnight. The duty social worker visited the next day and "
                    f"found {first} safe and well at home. {neighbour} asked not to be named to the family."
                ),
                "redactions": [
                    {"text": neighbour, "exemption": "third_party", "reason": "A neighbour who asked not to be named."}
                ],
                "reviewed_by": "caseworker",
            },
            {
                "title": "Police attendance log",
                "agency": AGENCIES[1],
                "date": dated,
                "text": (
                    f"Officers attended the address at 22:40 following a call. {first} {surname} was spoken to "
                    "with an adult present. No offences disclosed. Information shared with children's services."
                ),
            },
        ]
        if spec.status in past_review:
            documents[1]["reviewed_by"] = "caseworker"
        else:  # in review: harm is a concern, and the request is referred to the reviewer (Command._load)
            documents[0]["harm_concern"] = True
        return documents


class Command(BaseCommand):
    help = "Load fictional demo requests of every kind and status, and demo users (only when DEBUG is on)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when any request exists (used by make run)"
        )
        parser.add_argument(
            "--new-password", action="store_true", help="give the demo users a new password, and print it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "The demo loads fictional people and creates users with a password printed on screen, so it runs "
                "only for a local demo: set DEBUG=1 (never on a real deployment)."
            )
        started = time.monotonic()
        if options["if_empty"] and RightsRequest.objects.exists():
            self.stdout.write("Requests exist already: the demo data was not loaded.")
            if options["new_password"]:
                self._users(new_password=True)
            else:
                self._remind()
            return
        users = self._users(new_password=options["new_password"])
        loaded, skipped = self._load(users)
        self._holdings()
        self.stdout.write(
            f"Demo data: {loaded} request{'s' if loaded != 1 else ''} loaded, {skipped} already there "
            f"({time.monotonic() - started:.1f} s)."
        )
        if loaded:
            # The deadline sweep once, as the morning's would: the notices page then tells the truth.
            from requests_app.services.sweep import sweep_run

            result = sweep_run(email=False)
            said = [line for line in result.lines() if line.startswith(("requests checked", "notices"))]
            self.stdout.write("Deadline sweep run once for the demo: " + "; ".join(said) + ".")
        self._remind()  # the sign-in last, where it is seen

    def _remind(self) -> None:
        """The demo sign-in: the users, and the password when this machine kept it."""
        if not User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).exists():
            return
        kept = demo_sign_in_file()
        details = kept.read_text().strip().replace("\n", ", ") if kept.is_file() else ""
        names = ", ".join(u[0] for u in DEMO_USERS) + f" or {DEMO_ADMIN[0]} (the admin too)"
        if details:
            self.stdout.write(self.style.WARNING(f"Demo sign-in: {names}, {details} (a local demo only; DEBUG on)."))
        else:
            self.stdout.write(
                f"Sign in as {names} with the demo password printed when they were created "
                "(run `manage.py demo --new-password` for a new one)."
            )

    def _users(self, *, new_password: bool) -> dict[str, User]:
        password = secrets.token_urlsafe(12)
        created_any = False
        users: dict[str, User] = {}
        for username, role, first_name, last_name in (*DEMO_USERS, DEMO_ADMIN):
            admin = username == DEMO_ADMIN[0]
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": f"{username}@example.com",
                    "is_staff": admin,
                    "is_superuser": admin,
                },
            )
            if created or new_password:
                user.set_password(password)
                user.save()
                created_any = True
            user.groups.add(Group.objects.get_or_create(name=role)[0])  # a flushed test database has none
            users[username] = user
        if created_any:
            secret = self._demo_second_factor(users.values())
            kept = demo_sign_in_file()
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.touch(mode=0o600)
            kept.write_text(f"password {password}\nauthenticator-app key {secret}\n")
            self.stdout.write(
                self.style.WARNING(
                    f"Demo users manager, caseworker, reviewer and admin: password {password}\n"
                    f"Second factor: add the authenticator-app key {secret} to an app (or compute its codes with "
                    "`oathtool --totp -b KEY`)\n"
                    f"(for this local demo only; kept in {kept} so `make run` can say it again)."
                )
            )
        return users

    def _demo_second_factor(self, users: Iterable[User]) -> str:
        """One new TOTP key shared by the demo users (DEBUG only), enrolled so the demo signs straight in."""
        key = secrets.token_bytes(20)
        for user in users:
            TOTPDevice.objects.filter(user=user).delete()
            TOTPDevice.objects.create(user=user, name="Demo authenticator app", key=key.hex(), confirmed=True)
        return base64.b32encode(key).decode().rstrip("=")

    def _load(self, users: dict[str, User]) -> tuple[int, int]:
        from requests_app.services.letters import letter_generate
        from requests_app.services.referrals import referral_make

        today = timezone.localdate()
        with_documents = any(section.key == "documents" for section in registered_sections())
        manager, caseworker = users["manager"], users["caseworker"]

        def actor(allowed: tuple[str, ...]) -> User:
            return caseworker if roles.CASEWORKER in allowed else manager

        existing = set(
            RightsRequest.objects.filter(reference__startswith="RR-2026-9").values_list("reference", flat=True)
        )
        loaded = skipped = 0
        acknowledged = 0
        for spec in demo_specs():
            reference = REFERENCE.format(number=spec.number)
            if reference in existing:
                skipped += 1
                continue
            generate = spec.status == Status.RECEIVED and spec.age >= 2 and acknowledged < GENERATED_ACKNOWLEDGEMENTS
            case = _Builder(spec, today, with_documents, generate).build()
            try:
                with transaction.atomic():
                    request = case_import(data=case, folder=Path.cwd(), by=manager, today=today, actor=actor)
                    if with_documents and spec.status == Status.IN_REVIEW and "reviewer" in users:
                        referral_make(
                            request=request,
                            by=caseworker,
                            reviewer=users["reviewer"],
                            kind=ReferralKind.SERIOUS_HARM,
                            question="Would disclosing the social care referral be likely to cause serious harm?",
                        )
                    if generate:
                        letter_generate(
                            request=request, template="acknowledgement", by=manager, today=spec_day(spec, today, 2)
                        )
                        acknowledged += 1
            except (CaseFileError, NotImplementedError) as error:
                self.stderr.write(f"{reference} ({spec.kind.value}, {spec.status}) was not loaded: {error}")
                continue
            loaded += 1
        return loaded, skipped

    def _holdings(self) -> None:
        """The partnership's own holdings (reviews.demo), some about the demo requests' subjects."""
        from reviews.demo import demo_holdings_load

        subjects = [
            (person.full_name, person.date_of_birth, person.address)
            for person in Person.objects.filter(requests_as_subject__reference__startswith="RR-2026-9")
            .distinct()
            .order_by("pk")[:8]
        ]
        result = demo_holdings_load(subjects=subjects, today=timezone.localdate())
        self.stdout.write(f"Demo holdings: {result.summary}.")


def spec_day(spec: Spec, today: dt.date, offset: int) -> dt.date:
    return min(today - dt.timedelta(days=spec.age) + dt.timedelta(days=offset), today)
