"""Redaction: spans of text, every occurrence of a phrase, and rectangles on pages; each under an exemption.

A redaction records what is removed; the pack never prints it (text is replaced, pages are
rasterised and boxed). Any change to a document's redactions undoes its review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from core.audit import record_change
from core.roles import require_role
from disclosure.models import Document, Redaction, RedactionBox, RedactionKind, SourceKind
from disclosure.selectors import professional_named, professionals_in_role
from disclosure.services.common import REVIEWERS, lock_document, log_event, require_editable, unreview
from requests_app.guards import child_abuse_data_is_withheld, child_abuse_data_rule_applies
from requests_app.models import RightsRequest
from rights import EXEMPTIONS, ApplicationError
from rights.exemptions import professional_redaction_refusal

PHRASE_MAX = 500
BOX_PADDING = 1.0  # points around each word, so no glyph's edge shows beside its box
LINE_TOLERANCE = 3.0
MIN_BOX = 1.0
_APOSTROPHES = "'\u2019\u2018\u02bc`"  # straight, curly right and left, modifier letter, backtick


@dataclass(frozen=True)
class Box:
    page: int
    x0: float
    top: float
    x1: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.page == other.page
            and min(self.x1, other.x1) > max(self.x0, other.x0)
            and min(self.bottom, other.bottom) > max(self.top, other.top)
        )

    def contains(self, other: Box) -> bool:
        return (
            self.page == other.page
            and self.x0 <= other.x0
            and self.top <= other.top
            and self.x1 >= other.x1
            and self.bottom >= other.bottom
        )


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Case-insensitive, any run of whitespace (line breaks too) between words, any apostrophe for an apostrophe."""
    tokens = phrase.split()
    if not tokens:
        raise ApplicationError("Enter the word or phrase to redact.", field="phrase")
    parts = []
    for token in tokens:
        parts.append("".join(f"[{re.escape(_APOSTROPHES)}]" if ch in _APOSTROPHES else re.escape(ch) for ch in token))
    return re.compile(r"\s+".join(parts), re.IGNORECASE)


def find_phrase(text: str, phrase: str) -> list[tuple[int, int]]:
    """Every occurrence of the phrase in the text, as (start, end) offsets, whatever the case or line breaks.

    Matches inside longer words count too ("Jane" in "Janet"): the pack is verified the same way, so a
    redacted string must not survive anywhere.
    """
    return [(m.start(), m.end()) for m in phrase_pattern(phrase).finditer(text)]


def _page_bounds(document: Document, number: int) -> dict[str, Any]:
    page = document.page(number)
    if page is None:
        raise ApplicationError(
            f"“{document.title}” has {document.page_count} page{'s' if document.page_count != 1 else ''}; "
            f"there is no page {number}.",
            field="page",
        )
    return page


def _padded(document: Document, page: int, word: dict[str, Any]) -> Box:
    bounds = _page_bounds(document, page)
    return Box(
        page,
        max(0.0, float(word["x0"]) - BOX_PADDING),
        max(0.0, float(word["top"]) - BOX_PADDING),
        min(float(bounds["width"]), float(word["x1"]) + BOX_PADDING),
        min(float(bounds["height"]), float(word["bottom"]) + BOX_PADDING),
    )


def boxes_for_span(document: Document, start: int, end: int) -> list[Box]:
    """Boxes over every word the span touches, one per line, on a PDF with a text layer."""
    boxes: list[Box] = []
    for page in document.pages:
        current: Box | None = None
        for word in page.get("words", []):
            if int(word["end"]) <= start or int(word["start"]) >= end:
                continue
            box = _padded(document, int(page["number"]), word)
            if current is not None and abs(box.top - current.top) <= LINE_TOLERANCE:
                current = Box(
                    current.page,
                    min(current.x0, box.x0),
                    min(current.top, box.top),
                    max(current.x1, box.x1),
                    max(current.bottom, box.bottom),
                )
            else:
                if current is not None:
                    boxes.append(current)
                current = box
        if current is not None:
            boxes.append(current)
    return boxes


def words_in_box(document: Document, box: Box) -> list[dict[str, Any]]:
    """Words of a text-layer PDF that the box touches at all."""
    page = document.page(box.page) or {}
    return [
        word
        for word in page.get("words", [])
        if box.overlaps(Box(box.page, float(word["x0"]), float(word["top"]), float(word["x1"]), float(word["bottom"])))
    ]


CHILD_ABUSE = "child_abuse"  # DPA 2018 Sch 3 Pt 5 para 21 (rights.exemptions)


def _check_exemption(exemption: str, document: Document | None = None) -> None:
    if exemption not in EXEMPTIONS:
        raise ApplicationError("Choose the exemption the redaction relies on.", field="exemption")
    if exemption == CHILD_ABUSE and document is not None:
        _check_child_abuse(RightsRequest.objects.select_related("subject").get(pk=document.request_id))


def _check_child_abuse(request: RightsRequest) -> None:
    """DPA 2018 Sch 3 Pt 5 para 21: child abuse data is withheld only from a person with parental responsibility or a
    court-appointed deputy, and only so far as disclosing it would not be in the data subject's best interests."""
    if not child_abuse_data_rule_applies(request):
        raise ApplicationError(
            "S3 P5 para21 applies only where a person with parental responsibility for a child, or a deputy the court "
            "appointed, asks (DPA 2018 Sch 3 Pt 5 para 21(1)): choose another exemption.",
            field="exemption",
        )
    if not child_abuse_data_is_withheld(request):
        raise ApplicationError(
            "The recorded best-interests decision says disclosure is in the data subject's best interests, so child "
            "abuse data is not withheld (DPA 2018 Sch 3 Pt 5 para 21(2)).",
            field="exemption",
        )


def _check_professional(document: Document, *, text: str, reason: str) -> None:
    """A professional-in-role's name is withheld only with a reason the schedule can print (DPA 2018 Sch 2 para 17)."""
    party = professional_named(text, professionals_in_role(document.request))
    if party is not None:
        problem = professional_redaction_refusal(name=party.name, reason=reason, redacted_text=text)
        if problem:
            raise ApplicationError(problem, field="reason")


def _save_redaction(
    *,
    document: Document,
    by: User | None,
    kind: RedactionKind,
    exemption: str,
    text: str,
    boxes: Sequence[Box],
    start: int | None = None,
    end: int | None = None,
    phrase: str = "",
    reason: str = "",
) -> Redaction:
    _check_professional(document, text=f"{text} {phrase}", reason=reason)
    redaction = Redaction(
        document=document,
        exemption=exemption,
        kind=kind,
        start=start,
        end=end,
        text=text,
        phrase=phrase[:PHRASE_MAX],
        reason=reason.strip(),
        created_by=by,
    )
    redaction.full_clean()
    record_change(redaction, f"Redacted under {EXEMPTIONS[exemption].code}")
    redaction.save()
    for box in boxes:
        row = RedactionBox(redaction=redaction, page=box.page, x0=box.x0, top=box.top, x1=box.x1, bottom=box.bottom)
        row.full_clean()
        row.save()
    return redaction


def _touch(document: Document, what: str) -> None:
    unreview(document, reason=what)
    if not getattr(document, "_change_reason", None):
        record_change(document, what)
    document.save()


def _require_text(document: Document) -> None:
    if not document.text:
        raise ApplicationError(
            f"“{document.title}” is a scan with no text: draw a rectangle on the page instead.", field="start"
        )


def _add_spans(
    *,
    by: User | None,
    document: Document,
    spans: Iterable[tuple[int, int]],
    exemption: str,
    phrase: str = "",
    reason: str = "",
) -> list[Redaction]:
    text_layer = document.source_kind == SourceKind.PDF_TEXT
    created = []
    for start, end in spans:
        created.append(
            _save_redaction(
                document=document,
                by=by,
                kind=RedactionKind.SPAN,
                exemption=exemption,
                text=document.text[start:end],
                boxes=boxes_for_span(document, start, end) if text_layer else (),
                start=start,
                end=end,
                phrase=phrase,
                reason=reason,
            )
        )
    return created


def redaction_add_span(
    *, by: User | None, document: Document, start: int, end: int, exemption: str, reason: str = ""
) -> Redaction:
    """Redact text[start:end] of a text document or a PDF with a text layer (the words it touches are boxed)."""
    require_role(by, *REVIEWERS, action="redact documents")
    _check_exemption(exemption, document)
    with transaction.atomic():
        locked = lock_document(document)
        require_editable(locked.request)
        _require_text(locked)
        if not (0 <= start < end <= len(locked.text)):
            raise ApplicationError(
                f"Choose a start before the end, both between 0 and {len(locked.text)} (the document's length).",
                field="start",
            )
        if not locked.text[start:end].strip():
            raise ApplicationError("The selected text is only spaces: choose the words to redact.", field="start")
        (redaction,) = _add_spans(by=by, document=locked, spans=[(start, end)], exemption=exemption, reason=reason)
        _touch(locked, "redaction added")
        log_event(
            request=locked.request,
            document=locked,
            action="redaction_added",
            detail=f"Characters {start} to {end} redacted under {EXEMPTIONS[exemption].code}.",
            by=by,
        )
    return redaction


def redact_phrase(
    *, by: User | None, document: Document, phrase: str, exemption: str, reason: str = ""
) -> list[Redaction]:
    """Redact every occurrence of a word or phrase at once (any case, across line breaks); returns the new redactions."""
    require_role(by, *REVIEWERS, action="redact documents")
    _check_exemption(exemption, document)
    phrase = " ".join(phrase.split())
    if len(phrase) > PHRASE_MAX:
        raise ApplicationError(f"The phrase is {len(phrase)} characters; at most {PHRASE_MAX}.", field="phrase")
    pattern_check = phrase_pattern(phrase)  # refuses an empty phrase before any lock is taken
    with transaction.atomic():
        locked = lock_document(document)
        require_editable(locked.request)
        _require_text(locked)
        found = [(m.start(), m.end()) for m in pattern_check.finditer(locked.text)]
        if not found:
            raise ApplicationError(f"“{phrase}” does not appear in “{locked.title}”.", field="phrase")
        existing = set(Redaction.objects.filter(document=locked, kind=RedactionKind.SPAN).values_list("start", "end"))
        new_spans = [span for span in found if span not in existing]
        if not new_spans:
            raise ApplicationError(
                f"Every occurrence of “{phrase}” in “{locked.title}” is already redacted.", field="phrase"
            )
        created = _add_spans(by=by, document=locked, spans=new_spans, exemption=exemption, phrase=phrase, reason=reason)
        _touch(locked, "redactions added")
        log_event(
            request=locked.request,
            document=locked,
            action="phrase_redacted",
            detail=f"{len(created)} occurrence{'s' if len(created) != 1 else ''} of a phrase redacted under "
            f"{EXEMPTIONS[exemption].code}.",
            by=by,
        )
    return created


def redaction_add_rectangle(
    *,
    by: User | None,
    document: Document,
    page: int,
    x0: float,
    top: float,
    x1: float,
    bottom: float,
    exemption: str,
    reason: str = "",
    words: str = "",
) -> Redaction:
    """Box an area of a page (points from the top left). On a PDF with a text layer, every word the box
    touches is redacted whole: its text is recorded and it is boxed in full. On a scan, `words` is what OCR
    read inside the box, when the box was drawn round them (an accepted suggestion): it is recorded as the
    redaction's text, so the pack is searched for it too."""
    require_role(by, *REVIEWERS, action="redact documents")
    _check_exemption(exemption, document)
    with transaction.atomic():
        locked = lock_document(document)
        require_editable(locked.request)
        if not locked.has_pages:
            raise ApplicationError(
                f"“{locked.title}” is text, not pages: redact it by selecting text or a phrase.", field="page"
            )
        bounds = _page_bounds(locked, page)
        width, height = float(bounds["width"]), float(bounds["height"])
        if not (0 <= x0 < x1 <= width + 0.01 and 0 <= top < bottom <= height + 0.01):
            raise ApplicationError(
                f"The rectangle must lie on the page: 0 ≤ left < right ≤ {width:.0f} and 0 ≤ top < bottom ≤ "
                f"{height:.0f} (points).",
                field="x0",
            )
        if x1 - x0 < MIN_BOX or bottom - top < MIN_BOX:
            raise ApplicationError(
                "The rectangle is too small to see: make it at least a point wide and high.", field="x0"
            )
        drawn = Box(page, x0, top, min(x1, width), min(bottom, height))
        boxes = [drawn]
        covered = words_in_box(locked, drawn) if locked.source_kind == SourceKind.PDF_TEXT else []
        for word in covered:
            whole = _padded(locked, page, word)
            if not drawn.contains(whole):
                boxes.append(whole)
        redaction = _save_redaction(
            document=locked,
            by=by,
            kind=RedactionKind.RECTANGLE,
            exemption=exemption,
            text=" ".join(str(word["text"]) for word in covered) if covered else " ".join(words.split()),
            boxes=boxes,
            reason=reason,
        )
        _touch(locked, "redaction added")
        log_event(
            request=locked.request,
            document=locked,
            action="redaction_added",
            detail=f"Area of page {page} redacted under {EXEMPTIONS[exemption].code}.",
            by=by,
        )
    return redaction


def redaction_remove(*, by: User | None, redaction: Redaction, reason: str) -> None:
    """Take a redaction away (the text will be disclosed); the document needs review again."""
    require_role(by, *REVIEWERS, action="remove redactions")
    if not reason.strip():
        raise ApplicationError("Say why the redaction is removed.", field="reason")
    with transaction.atomic():
        locked = lock_document(redaction.document)
        require_editable(locked.request)
        target = Redaction.objects.select_for_update().get(pk=redaction.pk, document=locked)
        code = target.exemption_code
        record_change(target, f"Removed: {reason.strip()}")
        for box in target.boxes.all():
            box.delete()
        for flag in target.ncnd_flags.all():
            record_change(flag, "Its redaction was removed")
            flag.delete()
        target.delete()
        _touch(locked, "redaction removed")
        log_event(
            request=locked.request,
            document=locked,
            action="redaction_removed",
            detail=f"A {code} redaction was removed: {reason.strip()}",
            by=by,
        )
