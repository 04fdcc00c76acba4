"""OCR at upload: the image-only pages of a document are read once, when it arrives, by a Celery task.

`reading_queue` is called inside the transaction that adds the document and sends the task on commit;
`document_read` (the task's one service) draws each page, reads it with Tesseract, keeps its progress
on `DocumentReading`, then writes every word with its box in one transaction and offers the redactions
the text suggests. Running it again on a read document does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import record_change
from core.tasks import task_send_on_commit
from disclosure.extract import page_image
from disclosure.models import Document, DocumentReading, PageWord, ReadingStatus, SourceKind
from disclosure.ocr import (
    MAX_OCR_SIDE_PX,
    OCR_DPI,
    OCR_LANGUAGE,
    OcrUnavailable,
    OcrWord,
    engine_name,
    place_words,
    read_image,
)
from disclosure.services.common import log_event

logger = logging.getLogger(__name__)


def pages_to_read(document: Document) -> list[int]:
    """A scan's every page; a PDF with a text layer, its pages that have no words (scanned pages bound in)."""
    if document.source_kind in (SourceKind.SCAN_PDF, SourceKind.SCAN_IMAGE):
        return list(range(1, document.page_count + 1))
    if document.source_kind == SourceKind.PDF_TEXT:
        return [int(page["number"]) for page in document.pages if not page.get("words")]
    return []


def ocr_dpi(page: dict[str, Any] | None) -> int:
    """OCR_DPI, or less for a page so big that its image would not fit in bounded memory (a plan, a photo
    that says it is 72 dpi): its long side is never more than MAX_OCR_SIDE_PX."""
    if not page:
        return OCR_DPI
    longest = max(float(page.get("width") or 0), float(page.get("height") or 0), 1.0)
    return max(50, min(OCR_DPI, int(MAX_OCR_SIDE_PX * 72 / longest)))


def reading_queue(document: Document) -> DocumentReading | None:
    """Inside the caller's transaction: record that the document's image-only pages are to be read, and send
    the task once the transaction commits. None when it has no such page."""
    pages = pages_to_read(document)
    if not pages:
        return None
    reading = DocumentReading.objects.create(
        document=document, pages=pages, message=f"{len(pages)} page{'s' if len(pages) != 1 else ''} to read."
    )
    task_send_on_commit("disclosure.tasks.read_document", document_id=document.pk)
    return reading


def _progress(reading_id: int, *, done: int, total: int) -> None:
    # progress and message are excluded from the reading's history, so update() loses no history here
    DocumentReading.objects.filter(pk=reading_id).update(
        progress=min(99, round(100 * done / max(1, total))),
        message=f"Read {done} of {total} page{'s' if total != 1 else ''}.",
    )


def document_read(*, document_id: int, on_page: Callable[[int, int], None] | None = None) -> DocumentReading | None:
    """Read the document's image-only pages (idempotent: a finished reading is left as it is)."""
    reading = DocumentReading.objects.select_related("document").filter(document_id=document_id).first()
    if reading is None or reading.is_finished:
        return reading
    document = reading.document
    reading.status = ReadingStatus.READING
    reading.started_at = timezone.now()
    record_change(reading, "OCR started")
    reading.save(update_fields=["status", "started_at"])
    pages = [int(number) for number in reading.pages]
    try:
        engine = engine_name()
        with document.original.open("rb") as source:
            data = source.read()
        is_pdf = document.media_type == "application/pdf"
        read: list[tuple[int, list[OcrWord]]] = []
        for done, number in enumerate(pages, start=1):
            dpi = ocr_dpi(document.page(number))
            image = page_image(data, is_pdf=is_pdf, number=number, dpi=dpi)
            try:
                read.append((number, read_image(image, dpi=dpi)))
            finally:
                image.close()
            _progress(reading.pk, done=done, total=len(pages))
            if on_page is not None:
                on_page(done, len(pages))
    except OcrUnavailable as error:
        return _fail(reading, str(error))
    except Exception:  # a page that cannot be drawn or read fails the reading, not the worker
        logger.warning("OCR failed for document %s", document_id, exc_info=True)
        return _fail(reading, "The pages could not be read. Draw boxes by hand, or upload a clearer copy.")
    text, placed = place_words(read)
    with transaction.atomic():
        locked = DocumentReading.objects.select_for_update().get(pk=reading.pk)
        if locked.is_finished:
            return locked
        PageWord.objects.filter(document_id=document_id).delete()
        PageWord.objects.bulk_create(
            [
                PageWord(
                    document_id=document_id,
                    page=item.page,
                    position=item.position,
                    line=item.word.line,
                    text=item.word.text,
                    x0=item.word.x0,
                    top=item.word.top,
                    x1=item.word.x1,
                    bottom=item.word.bottom,
                    start=item.start,
                    end=item.end,
                    confidence=item.word.confidence,
                )
                for item in placed
            ],
            batch_size=1000,
        )
        locked.text = text
        locked.engine = engine
        locked.language = OCR_LANGUAGE
        locked.status = ReadingStatus.DONE
        locked.progress = 100
        locked.message = f"Read {len(pages)} page{'s' if len(pages) != 1 else ''}: {len(placed)} words."
        locked.finished_at = timezone.now()
        record_change(locked, "Read")
        locked.save()
        log_event(
            request=document.request,
            document=document,
            action="document_read",
            detail=f"Text read from {len(pages)} scanned page{'s' if len(pages) != 1 else ''} by {engine} "
            f"({len(placed)} words).",
            by=None,
        )
    from disclosure.services.suggestions import suggestions_refresh

    suggestions_refresh(document=document)
    return locked


def _fail(reading: DocumentReading, message: str) -> DocumentReading:
    with transaction.atomic():
        locked = DocumentReading.objects.select_for_update().get(pk=reading.pk)
        locked.status = ReadingStatus.FAILED
        locked.message = message[:300]
        locked.finished_at = timezone.now()
        record_change(locked, "Could not be read")
        locked.save()
        log_event(
            request=reading.document.request,
            document=reading.document,
            action="document_read_failed",
            detail=message,
            by=None,
        )
    return locked
