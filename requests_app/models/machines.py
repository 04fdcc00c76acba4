"""The state machines: one proxy model per kind of right, each with its own transitions."""

from __future__ import annotations

from requests_app.models.core import RightsRequest
from rights import RightKind


class AccessRequest(RightsRequest):
    class Meta:
        proxy = True


class RectificationRequest(RightsRequest):
    class Meta:
        proxy = True


class ErasureRequest(RightsRequest):
    class Meta:
        proxy = True


class RestrictionRequest(RightsRequest):
    class Meta:
        proxy = True


class ObjectionRequest(RightsRequest):
    class Meta:
        proxy = True


class PortabilityRequest(RightsRequest):
    class Meta:
        proxy = True


class AutomatedDecisionRequest(RightsRequest):
    class Meta:
        proxy = True


class InformRequest(RightsRequest):
    class Meta:
        proxy = True


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


def machine_for(request: RightsRequest) -> RightsRequest:
    """The same row, as its kind's state machine (a proxy class; no query)."""
    request.__class__ = MACHINES[request.kind]
    return request
