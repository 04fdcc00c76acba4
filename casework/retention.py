"""When a closed request is destroyed, its complaints, remedies and breaches outlive it, unlinked.

Complaints and the breach log are records of their own (Art 33(5): every breach documented), so they
are not destroyed with the request: the link to the request (and to its packs, which the disclosure part
deletes) is removed, each with a history row, and the reference kept as text. Registered from
CaseworkConfig.ready(); the part runs before the disclosure part (parts run in name order).
"""

from __future__ import annotations

from casework.models import Breach, Complaint, ComplaintRemedy
from core.audit import record_change
from requests_app.models import RightsRequest
from requests_app.retention_registry import Purged, register_retention_part

PART_NAME = "casework"  # sorts before "disclosure": breaches let go of packs before packs are deleted


def detach_request_casework(request: RightsRequest) -> Purged:
    reason = f"Request {request.reference} destroyed: link removed"
    counts: dict[str, int] = {}
    for complaint in Complaint.objects.filter(request=request):
        complaint.request = None
        complaint.request_reference_given = complaint.request_reference_given or request.reference
        record_change(complaint, reason=reason, by=None)
        complaint.save()
        counts["complaints unlinked"] = counts.get("complaints unlinked", 0) + 1
    for remedy in ComplaintRemedy.objects.filter(request=request):
        remedy.request = None
        remedy.work_reference = (remedy.work_reference + f" (was {request.reference})").strip()[:200]
        record_change(remedy, reason=reason, by=None)
        remedy.save()
        counts["remedies unlinked"] = counts.get("remedies unlinked", 0) + 1
    for breach in Breach.objects.filter(request=request) | Breach.objects.filter(pack__request=request):
        breach.request = None
        breach.pack = None
        breach.what_happened = f"{breach.what_happened}\n\n(About request {request.reference}, since destroyed.)"
        record_change(breach, reason=reason, by=None)
        breach.save()
        counts["breaches unlinked"] = counts.get("breaches unlinked", 0) + 1
    return Purged(counts=counts)


def register() -> None:
    register_retention_part(PART_NAME, detach_request_casework)
