"""Suggested redactions: what a document's text (its own, or what OCR read on its scanned pages) shows that
review usually removes. Nothing is redacted until a person accepts a suggestion; every decision is recorded.

Three sources: the names of the case's third parties in every spelling recorded for them (unless it has
been judged reasonable to disclose them); names and identifiers already redacted anywhere in the case;
and UK personal-data patterns (`rights.personal_data`: postcodes, National Insurance and NHS numbers,
telephone numbers, email addresses, dates of birth of people other than the subject).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import record_change
from core.roles import require_role
from disclosure.models import (
    Document,
    PageWord,
    ReadingStatus,
    Redaction,
    RedactionKind,
    RedactionSuggestion,
    SuggestionSource,
    SuggestionStatus,
    ThirdParty,
)
from disclosure.models.review import Judgement
from disclosure.services import redaction as redaction_services
from disclosure.services.common import REVIEWERS, log_event, require_editable
from rights import EXEMPTIONS, ApplicationError
from rights.personal_data import PatternKind, find_personal_data

THIRD_PARTY = "third_party"  # DPA 2018 Sch 2 Pt 3 para 16: the usual exemption for another person's data
MIN_REDACTED_LENGTH = 4  # shorter strings redacted elsewhere ("Mr", "the") would suggest noise everywhere
OCR_PADDING = 2.0  # points round an OCR word's box: Tesseract's boxes sit tight on the ink
LINE_TOLERANCE = 4.0

Origin = RedactionSuggestion.Origin


@dataclass(frozen=True)
class Candidate:
    source: SuggestionSource
    start: int
    end: int
    why: str
    exemption: str


def _pattern_source(kind: PatternKind) -> SuggestionSource:
    return SuggestionSource(kind.value)


def _phrase_spans(text: str, phrase: str) -> list[tuple[int, int]]:
    try:
        return redaction_services.find_phrase(text, phrase)
    except ApplicationError:
        return []


def candidates_in(
    text: str, *, third_parties: Iterable[ThirdParty], redacted: Iterable[tuple[str, str]], subject_born_on: Any
) -> list[Candidate]:
    """Every suggestion the text gives, earliest first; overlapping ones keep the first found (names first)."""
    found: list[Candidate] = []
    for party in third_parties:
        for spelling in party.spellings:
            for start, end in _phrase_spans(text, spelling):
                found.append(
                    Candidate(SuggestionSource.THIRD_PARTY, start, end, f"Third party: {party.name}", THIRD_PARTY)
                )
    for value, exemption in redacted:
        for start, end in _phrase_spans(text, value):
            found.append(
                Candidate(
                    SuggestionSource.REDACTED_ELSEWHERE,
                    start,
                    end,
                    f"Redacted elsewhere in the case under {EXEMPTIONS[exemption].code}",
                    exemption,
                )
            )
    for item in find_personal_data(text, subject_born_on=subject_born_on):
        source = _pattern_source(item.kind)
        found.append(Candidate(source, item.start, item.end, source.label, THIRD_PARTY))
    kept: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    for candidate in found:  # names first, then what was redacted elsewhere, then patterns
        if any(candidate.start < end and start < candidate.end for start, end in taken):
            continue
        kept.append(candidate)
        taken.append((candidate.start, candidate.end))
    return sorted(kept, key=lambda c: c.start)


def _redacted_in_case(document: Document) -> list[tuple[str, str]]:
    """Strings already redacted in the request's documents (text and phrase), with the exemption used."""
    seen: dict[str, tuple[str, str]] = {}
    rows = Redaction.objects.filter(document__request_id=document.request_id).values_list("text", "phrase", "exemption")
    for text, phrase, exemption in rows:
        for value in (phrase, text):
            value = " ".join(value.split())
            if len(value.replace(" ", "")) >= MIN_REDACTED_LENGTH and value.casefold() not in seen:
                seen[value.casefold()] = (value, exemption)
    return list(seen.values())


def _ocr_boxes(words: list[PageWord], start: int, end: int) -> list[dict[str, Any]]:
    """The boxes over the OCR words a span touches, one per line, padded."""
    boxes: list[dict[str, Any]] = []
    for word in words:
        if word.end <= start or word.start >= end:
            continue
        box = {
            "page": word.page,
            "x0": max(0.0, word.x0 - OCR_PADDING),
            "top": max(0.0, word.top - OCR_PADDING),
            "x1": word.x1 + OCR_PADDING,
            "bottom": word.bottom + OCR_PADDING,
            "text": word.text,
        }
        last = boxes[-1] if boxes else None
        if last is not None and last["page"] == box["page"] and abs(last["top"] - box["top"]) <= LINE_TOLERANCE:
            last.update(
                x0=min(last["x0"], box["x0"]),
                top=min(last["top"], box["top"]),
                x1=max(last["x1"], box["x1"]),
                bottom=max(last["bottom"], box["bottom"]),
                text=f"{last['text']} {box['text']}",
            )
        else:
            boxes.append(box)
    return boxes


def _clip(document: Document, box: dict[str, Any]) -> dict[str, Any]:
    page = document.page(int(box["page"])) or {}
    width, height = float(page.get("width", box["x1"])), float(page.get("height", box["bottom"]))
    return {**box, "x1": min(width, float(box["x1"])), "bottom": min(height, float(box["bottom"]))}


def _already_redacted_spans(document: Document) -> list[tuple[int, int]]:
    spans = Redaction.objects.filter(document=document, kind=RedactionKind.SPAN).values_list("start", "end")
    return [(start, end) for start, end in spans if start is not None and end is not None]


def _covered_by_boxes(boxes: list[dict[str, Any]], drawn: list[tuple[int, float, float, float, float]]) -> bool:
    """True when every box of the suggestion lies mostly inside a redaction box already drawn on its page."""
    for box in boxes:
        area = (box["x1"] - box["x0"]) * (box["bottom"] - box["top"])
        inside = 0.0
        for page, x0, top, x1, bottom in drawn:
            if page != box["page"]:
                continue
            w = min(x1, box["x1"]) - max(x0, box["x0"])
            h = min(bottom, box["bottom"]) - max(top, box["top"])
            if w > 0 and h > 0:
                inside = max(inside, w * h)
        if area <= 0 or inside < 0.8 * area:
            return False
    return True


def suggestions_refresh(*, document: Document) -> list[RedactionSuggestion]:
    """Find what the document suggests redacting and record the new suggestions (each place once, ever: a
    decided suggestion is never offered again). Returns the suggestions added."""
    document = Document.objects.select_related("request__subject").get(pk=document.pk)
    request = document.request
    parties = [
        party for party in ThirdParty.objects.filter(request=request) if party.reasonable_to_disclose != Judgement.YES
    ]
    redacted = _redacted_in_case(document)
    born_on = getattr(request.subject, "date_of_birth", None)
    existing = set(RedactionSuggestion.objects.filter(document=document).values_list("origin", "start", "end"))
    new: list[RedactionSuggestion] = []
    if document.text:
        spans = _already_redacted_spans(document)
        for candidate in candidates_in(
            document.text, third_parties=parties, redacted=redacted, subject_born_on=born_on
        ):
            if (Origin.TEXT, candidate.start, candidate.end) in existing:
                continue
            if any(start <= candidate.start and candidate.end <= end for start, end in spans):
                continue
            new.append(_suggestion(document, Origin.TEXT, candidate, document.text, boxes=[]))
    reading = getattr(document, "reading", None)
    if reading is not None and reading.status == ReadingStatus.DONE and reading.text:
        words = list(PageWord.objects.filter(document=document))
        words.sort(key=lambda w: w.start)
        drawn = [
            (box.page, box.x0, box.top, box.x1, box.bottom)
            for redaction in Redaction.objects.filter(document=document).prefetch_related("boxes")
            for box in redaction.boxes.all()
        ]
        for candidate in candidates_in(reading.text, third_parties=parties, redacted=redacted, subject_born_on=born_on):
            if (Origin.OCR, candidate.start, candidate.end) in existing:
                continue
            boxes = [_clip(document, box) for box in _ocr_boxes(words, candidate.start, candidate.end)]
            if not boxes or _covered_by_boxes(boxes, drawn):
                continue
            new.append(_suggestion(document, Origin.OCR, candidate, reading.text, boxes=boxes))
    created: list[RedactionSuggestion] = []
    for suggestion in new:
        try:
            with transaction.atomic():
                suggestion.full_clean()
                record_change(suggestion, "Suggested")
                suggestion.save()
        except IntegrityError:  # a refresh running beside this one recorded it first
            continue
        created.append(suggestion)
    return created


def _suggestion(
    document: Document, origin: str, candidate: Candidate, text: str, *, boxes: list[dict[str, Any]]
) -> RedactionSuggestion:
    return RedactionSuggestion(
        document=document,
        source=candidate.source,
        origin=origin,
        text=text[candidate.start : candidate.end][:500],
        start=candidate.start,
        end=candidate.end,
        boxes=boxes,
        why=candidate.why[:300],
        suggested_exemption=candidate.exemption,
    )


def _lock_pending(suggestion: RedactionSuggestion) -> RedactionSuggestion:
    locked = (
        RedactionSuggestion.objects.select_for_update(of=("self",))
        .select_related("document__request")
        .get(pk=suggestion.pk)
    )
    require_editable(locked.document.request)
    if not locked.is_pending:
        raise ApplicationError(f"That suggestion was already {locked.get_status_display().split(':')[0].lower()}.")
    return locked


def suggestion_accept(
    *, by: User | None, suggestion: RedactionSuggestion, exemption: str, reason: str = ""
) -> RedactionSuggestion:
    """A person accepts a suggestion: it becomes a redaction under the exemption they chose, through the
    redaction service (a span of the text, or boxes round the OCR words on the scan), and the decision is kept."""
    require_role(by, *REVIEWERS, action="accept suggested redactions")
    if exemption not in EXEMPTIONS:
        raise ApplicationError("Choose the exemption the redaction relies on.", field="exemption")
    with transaction.atomic():
        locked = _lock_pending(suggestion)
        document = locked.document
        made: list[Redaction] = []
        if locked.origin == Origin.TEXT:
            if document.text[locked.start : locked.end] != locked.text:
                raise ApplicationError("The document's text has changed since this was suggested.")
            made.append(
                redaction_services.redaction_add_span(
                    by=by, document=document, start=locked.start, end=locked.end, exemption=exemption, reason=reason
                )
            )
        else:
            for box in locked.boxes:
                made.append(
                    redaction_services.redaction_add_rectangle(
                        by=by,
                        document=document,
                        page=int(box["page"]),
                        x0=float(box["x0"]),
                        top=float(box["top"]),
                        x1=float(box["x1"]),
                        bottom=float(box["bottom"]),
                        exemption=exemption,
                        reason=reason,
                        words=str(box.get("text", "")),
                    )
                )
        locked.status = SuggestionStatus.ACCEPTED
        locked.exemption = exemption
        locked.reason = reason.strip()
        locked.decided_by = by
        locked.decided_at = timezone.now()
        record_change(locked, f"Accepted under {EXEMPTIONS[exemption].code}")
        locked.full_clean()
        locked.save()
        locked.redactions.set(made)
        log_event(
            request=document.request,
            document=document,
            action="suggestion_accepted",
            detail=f"Suggested redaction ({locked.get_source_display().lower()}) accepted under "
            f"{EXEMPTIONS[exemption].code}.",
            by=by,
        )
    return locked


def suggestion_reject(*, by: User | None, suggestion: RedactionSuggestion, reason: str = "") -> RedactionSuggestion:
    """A person decides a suggestion is not to be redacted: it is left in, and the decision is kept."""
    require_role(by, *REVIEWERS, action="reject suggested redactions")
    with transaction.atomic():
        locked = _lock_pending(suggestion)
        locked.status = SuggestionStatus.REJECTED
        locked.reason = reason.strip()
        locked.decided_by = by
        locked.decided_at = timezone.now()
        record_change(locked, f"Rejected: {reason.strip() or 'no reason given'}")
        locked.full_clean()
        locked.save()
        log_event(
            request=locked.document.request,
            document=locked.document,
            action="suggestion_rejected",
            detail=f"Suggested redaction ({locked.get_source_display().lower()}) rejected: "
            f"{reason.strip() or 'no reason given'}.",
            by=by,
        )
    return locked


def suggestions_look_again(*, by: User | None, document: Document) -> list[RedactionSuggestion]:
    """A reviewer asks for the document to be searched again (after recording a third party or a spelling, or
    redacting elsewhere in the case)."""
    require_role(by, *REVIEWERS, action="look for suggested redactions")
    require_editable(document.request)
    created = suggestions_refresh(document=document)
    log_event(
        request=document.request,
        document=document,
        action="suggestions_refreshed",
        detail=f"Looked again for suggested redactions: {len(created)} new.",
        by=by,
    )
    return created
