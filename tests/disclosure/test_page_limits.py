"""A tiny PDF with a huge page cannot make the server draw gigabytes, and such uploads are refused plainly."""

from __future__ import annotations

import io
import time

import pypdfium2 as pdfium
import pytest

from disclosure.extract import MAX_PAGE_IMAGE_SIDE_PX, REVIEW_DPI, page_image, review_dpi
from disclosure.pack.raster import MAX_IMAGE_SIDE_PX
from requests_app.uploads import check_upload
from rights import ApplicationError


def pdf_with_page(width_pt: float, height_pt: float) -> bytes:
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(width_pt, height_pt)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


POSTER = pdf_with_page(14_400, 14_400)  # the PDF maximum: 5.08 metres a side, a few hundred bytes


def test_the_review_image_is_capped_like_the_packs_rasteriser() -> None:
    assert MAX_PAGE_IMAGE_SIDE_PX == MAX_IMAGE_SIDE_PX
    assert len(POSTER) < 1_000
    started = time.monotonic()
    image = page_image(POSTER, is_pdf=True, number=1)
    assert max(image.size) <= MAX_PAGE_IMAGE_SIDE_PX  # uncapped: 20,000 pixels a side, 1.2 GB of RGB
    assert time.monotonic() - started < 10
    a4 = page_image(pdf_with_page(595, 842), is_pdf=True, number=1)
    assert abs(a4.width - 595 * REVIEW_DPI / 72) <= 1 and abs(a4.height - 842 * REVIEW_DPI / 72) <= 1  # unchanged
    assert review_dpi(595, 842) == REVIEW_DPI
    assert review_dpi(14_400, 100) == pytest.approx(MAX_PAGE_IMAGE_SIDE_PX * 72 / 14_400)


@pytest.mark.parametrize(("width", "height"), [(14_400, 14_400), (6_000, 842), (595, 0.5)])
def test_an_upload_with_an_absurd_page_box_is_refused_with_a_plain_reason(width: float, height: float) -> None:
    with pytest.raises(ApplicationError) as refused:
        check_upload(pdf_with_page(width, height), name="plan.pdf", max_bytes=10_000_000)
    message = refused.value.message
    assert "“plan.pdf” cannot be accepted: it is a PDF whose page 1 is" in message
    assert "normal paper size" in message


def test_a0_still_uploads() -> None:
    assert check_upload(pdf_with_page(2_384, 3_370), name="a0.pdf", max_bytes=10_000_000).page_count == 1
