"""Fees asked for on a request: checked against the law before the step, recorded with its letter after it.

`request_transition` calls `fee_inputs_check` before the fee steps' guards and `fee_step_record` once
their letter is filed, so the step, its letter, its clock event and the fee row are one transaction.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from requests_app.models import Fee, FeeStatus, Letter, RightsRequest, Status, TransitionEvent
from rights import ApplicationError, FeeAmountError, FeeBasis, RightKind, fee_pence, fee_refusal, money

FEE_STEPS = frozenset({"ask_fee", "fee_paid", "waive_fee"})


def earlier_copy_given(request: RightsRequest) -> bool:
    """The data subject has been given a copy before, under another access request (UK GDPR Art 15(3))."""
    return TransitionEvent.objects.filter(
        request__subject_id=request.subject_id,
        request__kind=RightKind.ACCESS.value,
        to_status=Status.DISCLOSED,
    ).exists()


def fee_inputs_check(*, request: RightsRequest, transition: str, inputs: dict[str, str]) -> None:
    """Refuse, in plain words, a fee the law does not allow on these facts (UK GDPR Art 12(5), 15(3))."""
    if transition != "ask_fee":
        return
    basis = inputs.get("fee_basis", "")
    if basis not in {b.value for b in FeeBasis}:
        raise ApplicationError(
            f"{basis!r} is not a ground on which the law allows a fee (UK GDPR Articles 12(5) and 15(3)).",
            field="fee_basis",
        )
    try:
        pence = fee_pence(inputs.get("fee_amount", ""))
    except FeeAmountError as error:
        raise ApplicationError(str(error), field="fee_amount") from None
    refusal = fee_refusal(
        kind=request.right,
        basis=basis,
        pence=pence,
        reason=inputs.get("fee_reason", ""),
        earlier_copy_given=basis == FeeBasis.FURTHER_COPIES and earlier_copy_given(request),
    )
    if refusal:
        field = "fee_amount" if "£" in refusal or "above nothing" in refusal else "fee_reason"
        if "not a ground" in refusal or "copy" in refusal or "right of access" in refusal:
            field = "fee_basis"
        raise ApplicationError(refusal, field=field)
    inputs["fee_amount"] = money(pence)  # the letter and the event row print it one way


def fee_step_record(
    *,
    request: RightsRequest,
    transition: str,
    inputs: dict[str, str],
    letter: Letter | None,
    day: dt.date,
    by: User | None,
) -> Fee | None:
    """The fee row a fee step leaves: asked for (with its letter), paid (on the day it arrived), or waived."""
    if transition == "ask_fee":
        fee = Fee(
            request=request,
            basis=inputs["fee_basis"],
            amount_pence=fee_pence(inputs["fee_amount"]),
            reason=inputs["fee_reason"],
            asked_on=day,
            letter=letter,
            asked_by=by,
        )
    elif transition in {"fee_paid", "waive_fee"}:
        found = Fee.objects.filter(request=request, status=FeeStatus.ASKED).order_by("-asked_on", "-pk").first()
        if found is None:
            raise ApplicationError("No fee has been asked for on this request.")
        fee = found
        fee.status = FeeStatus.PAID if transition == "fee_paid" else FeeStatus.WAIVED
        fee.settled_on = day
        fee.settled_reason = inputs.get("reason", "")
        fee.settled_by = by
    else:
        return None
    fee.full_clean()
    fee._history_user = by  # type: ignore[attr-defined]
    fee.save()
    return fee
