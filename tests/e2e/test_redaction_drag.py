"""A redaction box drawn by dragging on the page image (JavaScript on): the drag fills the "Redact an area" form
in PDF points, and the box redacted is the one dragged. Without a drag (a plain click) the image button still
marks a corner, as it does without JavaScript (tests/disclosure/test_views_review.py covers that path).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from disclosure.models import Redaction
from disclosure.services.documents import DocumentDetails, document_add_upload
from tests import factories
from tests.disclosure.conftest import pdf_from_html
from tests.e2e.conftest import TIMEOUT_MS, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_dragging_on_the_page_image_draws_the_redaction_box(browser: Any, live_server: Any, artifacts: Path) -> None:
    worker = factories.caseworker("drag-caseworker")
    today = timezone.localdate()
    rr = factories.make_request(received=today - dt.timedelta(days=5), today=today, assigned_to=worker)
    document = document_add_upload(
        by=worker,
        request=rr,
        details=DocumentDetails(title="Referral"),
        data=pdf_from_html("<p>Referral about Jane Doe.</p>"),
        name="referral.pdf",
        today=today,
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = login(context, live_server.url, "drag-caseworker")
    page.goto(f"{live_server.url}/disclosure/{rr.pk}/documents/{document.pk}/")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.reload()
    page.wait_for_load_state()
    assert page.locator(".app-drag-frame").count() == 1, errors
    image = page.locator("[data-redaction-drag]")
    image.evaluate("element => element.scrollIntoView({block: 'start'})")
    points_per_pixel = float(image.get_attribute("data-points-per-pixel") or "0")
    assert points_per_pixel > 0
    shown = image.bounding_box()
    assert shown is not None
    # Drag from (50, 60) to (250, 120) pixels inside the image.
    page.mouse.move(shown["x"] + 50, shown["y"] + 60)
    page.mouse.down()
    page.mouse.move(shown["x"] + 150, shown["y"] + 90, steps=5)
    page.mouse.move(shown["x"] + 250, shown["y"] + 120, steps=5)
    page.mouse.up()
    assert page.locator(".app-drag-box").is_visible(), (
        errors,
        shown,
        page.evaluate("document.querySelector('.app-drag-box').outerHTML"),
    )
    page.screenshot(path=str(artifacts / "redaction-drag-1280.png"))
    expected = {"x0": 50, "top": 60, "x1": 250, "bottom": 120}
    for name, pixels in expected.items():
        value = float(page.input_value(f"#rect-form [name='rect-{name}']"))
        assert value == pytest.approx(pixels * points_per_pixel, abs=1.0), name
    # The drag did not submit the image button: still no corner marked, still no redaction.
    assert "corner.x" not in page.url
    assert not Redaction.objects.filter(document=document).exists()
    page.select_option("#rect-form [name='rect-exemption']", index=1)
    page.click("#rect-form button[type=submit]")
    page.wait_for_load_state()
    redaction = Redaction.objects.get(document=document)
    dragged = [(box.x0, box.top, box.x1, box.bottom) for box in redaction.boxes.all()]
    wanted = tuple(pixels * points_per_pixel for pixels in expected.values())
    assert any(all(abs(a - b) <= 1.0 for a, b in zip(box, wanted, strict=True)) for box in dragged), (dragged, wanted)
    context.close()
