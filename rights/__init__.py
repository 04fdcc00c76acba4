"""The statute: pure, typed rules of UK data-rights law (UK GDPR, DPA 2018, ICO guidance).

No Django here (an import-linter contract keeps it so): every rule takes its facts, including
"today" and policy parameters, as arguments, so it can be read, tested and cited on its own.
"""

from rights.calendar import WorkingCalendar, add_working_days, working_days_between
from rights.deadlines import Clarification, Deadline, DeadlineError, due_date
from rights.errors import ApplicationError
from rights.exemptions import EXEMPTIONS, Exemption, exemption
from rights.kinds import RIGHTS, Applicability, RightInfo, RightKind
from rights.people import (
    ActingDecision,
    Authority,
    Competence,
    RepresentativeRole,
    age_on,
    child_is_competent,
    may_act_for,
)

__all__ = [
    "EXEMPTIONS",
    "RIGHTS",
    "ActingDecision",
    "Applicability",
    "ApplicationError",
    "Authority",
    "Clarification",
    "Competence",
    "Deadline",
    "DeadlineError",
    "Exemption",
    "RepresentativeRole",
    "RightInfo",
    "RightKind",
    "WorkingCalendar",
    "add_working_days",
    "age_on",
    "child_is_competent",
    "due_date",
    "exemption",
    "may_act_for",
    "working_days_between",
]
