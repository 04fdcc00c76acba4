"""The statute: pure, typed rules of UK data-rights law (UK GDPR, DPA 2018, ICO guidance).

No Django here (an import-linter contract keeps it so): every rule takes its facts, including
"today" and policy parameters, as arguments, so it can be read, tested and cited on its own.
"""

from rights.breaches import BreachCause, BreachError, ReportClock, Risk, report_clock, report_deadline
from rights.calendar import WorkingCalendar, add_working_days, working_days_between
from rights.complaints import S164A_IN_FORCE, AcknowledgementDeadline, ComplaintStage, Remedy, acknowledgement_due
from rights.deadlines import GDPR_COMMENCEMENT, Clarification, Deadline, DeadlineError, due_date, governed_by_dpa_1998
from rights.errors import ApplicationError
from rights.exemptions import EXEMPTIONS, Exemption, exemption, health_data_disclosure_refusal
from rights.extension import ExtensionGround, extension_ground_statement, extension_refusal
from rights.fees import FeeAmountError, FeeBasis, fee_clock_statement, fee_pence, fee_refusal, money
from rights.kinds import RIGHTS, Applicability, RightInfo, RightKind, clarification_stops_clock
from rights.people import (
    ActingDecision,
    Authority,
    Competence,
    RepresentativeRole,
    age_on,
    child_is_competent,
    may_act_for,
)
from rights.repeats import DEFAULT_REPEAT_INTERVAL_DAYS, EarlierRequest, repeat_statement, repeats
from rights.targets import internal_target

__all__ = [
    "DEFAULT_REPEAT_INTERVAL_DAYS",
    "EXEMPTIONS",
    "GDPR_COMMENCEMENT",
    "RIGHTS",
    "S164A_IN_FORCE",
    "AcknowledgementDeadline",
    "ActingDecision",
    "Applicability",
    "ApplicationError",
    "Authority",
    "BreachCause",
    "BreachError",
    "Clarification",
    "Competence",
    "ComplaintStage",
    "Deadline",
    "DeadlineError",
    "EarlierRequest",
    "Exemption",
    "ExtensionGround",
    "FeeAmountError",
    "FeeBasis",
    "Remedy",
    "ReportClock",
    "RepresentativeRole",
    "RightInfo",
    "RightKind",
    "Risk",
    "WorkingCalendar",
    "acknowledgement_due",
    "add_working_days",
    "age_on",
    "child_is_competent",
    "clarification_stops_clock",
    "due_date",
    "exemption",
    "extension_ground_statement",
    "extension_refusal",
    "fee_clock_statement",
    "fee_pence",
    "fee_refusal",
    "governed_by_dpa_1998",
    "health_data_disclosure_refusal",
    "internal_target",
    "may_act_for",
    "money",
    "repeat_statement",
    "repeats",
    "report_clock",
    "report_deadline",
    "working_days_between",
]
