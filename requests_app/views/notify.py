"""GOV.UK Notify's delivery-status callback: Notify POSTs a receipt for each email or text message it sent,
with the bearer token set in its API integration settings (GOVUK_NOTIFY_CALLBACK_TOKEN)."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from requests_app.services.messages import message_delivery_reported

MAX_BODY = 64 * 1024


def _authorised(request: HttpRequest) -> bool:
    expected: str = settings.GOVUK_NOTIFY_CALLBACK_TOKEN
    given = request.headers.get("Authorization", "")
    if not expected or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given[len("Bearer ") :].strip().encode(), expected.encode())


@login_not_required
@csrf_exempt  # a server-to-server call, authenticated by its bearer token
@require_POST
def notify_callback(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        return JsonResponse({"error": "Unauthorised"}, status=401)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"error": "Too large"}, status=413)
    try:
        receipt = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": "Not JSON"}, status=400)
    if not isinstance(receipt, dict):
        return JsonResponse({"error": "Not a receipt"}, status=400)
    message = message_delivery_reported(
        reference=str(receipt.get("reference") or ""), status=str(receipt.get("status") or "")
    )
    # 200 either way: Notify retries what fails, and a receipt we do not act on will not change.
    return JsonResponse({"recorded": message is not None})
