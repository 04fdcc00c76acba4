"""Reads for what OCR found and what review is offered to redact, and the search over a request's documents."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from disclosure.models import Document, DocumentReading, PageWord, ReadingStatus, RedactionSuggestion
from disclosure.services.redaction import find_phrase
from requests_app.models import RightsRequest
from rights import ApplicationError

SNIPPET_REACH = 60
SNIPPETS_PER_DOCUMENT = 5


def document_reading(document: Document) -> DocumentReading | None:
    return DocumentReading.objects.filter(document=document).first()


def reading_pages(reading: DocumentReading | None, document: Document) -> list[tuple[int, str]]:
    """The OCR text page by page: [(page number, text)], for pages that were read."""
    if reading is None or reading.status != ReadingStatus.DONE:
        return []
    pages: dict[int, list[PageWord]] = {}
    for word in PageWord.objects.filter(document=document).order_by("page", "position"):
        pages.setdefault(word.page, []).append(word)
    out = []
    for number in sorted(pages):
        words = pages[number]
        out.append((number, reading.text[words[0].start : words[-1].end]))
    return out


def document_suggestions(document: Document) -> tuple[list[RedactionSuggestion], list[RedactionSuggestion]]:
    """(waiting for a decision, decided), each in the order they appear."""
    rows = list(RedactionSuggestion.objects.filter(document=document).select_related("decided_by"))
    pending = [row for row in rows if row.is_pending]
    decided = [row for row in rows if not row.is_pending]
    return pending, decided


@dataclass
class SearchHit:
    document: Document
    snippets: list[tuple[str, str, str, int | None]] = field(default_factory=list)  # before, match, after, page
    count: int = 0


def _snippet(text: str, start: int, end: int) -> tuple[str, str, str]:
    before = text[max(0, start - SNIPPET_REACH) : start]
    after = text[end : end + SNIPPET_REACH]
    return (
        ("…" if start > SNIPPET_REACH else "") + " ".join(before.split()) + " ",
        text[start:end],
        " " + " ".join(after.split()) + ("…" if end + SNIPPET_REACH < len(text) else ""),
    )


def documents_search(
    request: RightsRequest, query: str, *, documents: QuerySet[Document] | None = None
) -> list[SearchHit]:
    """The request's documents whose text, or the text OCR read on their scans, holds the words (any case, any
    line breaks between them), with a few places each; only among `documents` when given (what the user may open)."""
    query = " ".join(query.split())
    if not query:
        return []
    try:
        find_phrase("", query)
    except ApplicationError:
        return []
    first = query.split()[0]
    among = documents if documents is not None else Document.objects.all()
    documents = (
        among.filter(request=request)
        .filter(Q(text__icontains=first) | Q(reading__text__icontains=first))
        .select_related("agency", "reading")
        .order_by("pk")
    )
    hits: list[SearchHit] = []
    ocr_ids: list[int] = []
    for document in documents:
        hit = SearchHit(document)
        for start, end in find_phrase(document.text, query):
            hit.count += 1
            if len(hit.snippets) < SNIPPETS_PER_DOCUMENT:
                hit.snippets.append((*_snippet(document.text, start, end), None))
        reading = getattr(document, "reading", None)
        if reading is not None and reading.text:
            spans = find_phrase(reading.text, query)
            if spans:
                ocr_ids.append(document.pk)
            for start, end in spans:
                hit.count += 1
                if len(hit.snippets) < SNIPPETS_PER_DOCUMENT:
                    hit.snippets.append((*_snippet(reading.text, start, end), -start - 1))  # page found below
        if hit.count:
            hits.append(hit)
    if ocr_ids:  # which page each OCR hit is on: one query for all the documents
        starts: dict[int, list[tuple[int, int]]] = {}
        for document_id, start, page in (
            PageWord.objects.filter(document_id__in=ocr_ids)
            .values_list("document_id", "start", "page")
            .order_by("document_id", "start")
        ):
            starts.setdefault(document_id, []).append((start, page))
        for hit in hits:
            table = starts.get(hit.document.pk, [])
            keys = [start for start, _ in table]
            for index, (before, match, after, marker) in enumerate(hit.snippets):
                if marker is not None and marker < 0 and table:
                    at = max(0, bisect.bisect_right(keys, -marker - 1) - 1)
                    hit.snippets[index] = (before, match, after, table[at][1])
    return hits
