"""Redaction by construction for text: the redacted characters are dropped before any HTML exists.

A text document becomes paragraphs of segments; a segment is either plain text (escaped later by the
template) or a redaction box carrying only its exemption code. Neither-confirm-nor-deny spans leave
nothing behind at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from disclosure.pack.inputs import SpanRedaction

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True)
class Segment:
    """Plain text, or (``code`` set) a redaction box labelled with its exemption code(s)."""

    text: str = ""
    code: str = ""

    @property
    def is_redaction(self) -> bool:
        return bool(self.code)

    @property
    def size(self) -> int:
        return len(self.text) if not self.code else len(self.code)


Paragraph = tuple[Segment, ...]


class SpanError(ValueError):
    """A span that does not fit the document's text."""


def merge_spans(text_length: int, spans: Iterable[SpanRedaction]) -> list[SpanRedaction]:
    """Check the spans, then merge overlapping or touching ones: a merged span is silent only if all of it is.

    Codes of a merged visible span are joined with " / " in first-seen order.
    """
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    merged: list[tuple[int, int, list[str], bool]] = []
    for span in ordered:
        if span.start < 0 or span.end > text_length or span.end <= span.start:
            raise SpanError(f"Redaction {span.start}-{span.end} does not fit a text of {text_length} characters.")
        if merged and span.start <= merged[-1][1]:
            start, end, codes, silent = merged[-1]
            if not span.silent and span.code not in codes:
                codes.append(span.code)
            merged[-1] = (start, max(end, span.end), codes, silent and span.silent)
        else:
            merged.append((span.start, span.end, [] if span.silent else [span.code], span.silent))
    return [
        SpanRedaction(start=start, end=end, code=" / ".join(codes), silent=silent)
        for start, end, codes, silent in merged
    ]


def redacted_segments(text: str, spans: Iterable[SpanRedaction]) -> list[Segment]:
    """The text with every span replaced by a labelled box (silent spans: removed without trace)."""
    segments: list[Segment] = []
    position = 0
    for span in merge_spans(len(text), spans):
        if span.start > position:
            segments.append(Segment(text=text[position : span.start]))
        if not span.silent:
            segments.append(Segment(code=span.code))
        position = span.end
    if position < len(text):
        segments.append(Segment(text=text[position:]))
    return [_normalise(segment) for segment in segments if segment.code or segment.text]


def _normalise(segment: Segment) -> Segment:
    if segment.code:
        return segment
    return Segment(text=segment.text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""))


def paragraphs(segments: Sequence[Segment]) -> list[Paragraph]:
    """Split at blank lines; line breaks inside a paragraph stay (the template keeps them with pre-wrap)."""
    result: list[Paragraph] = []
    current: list[Segment] = []
    for segment in segments:
        if segment.code:
            current.append(segment)
            continue
        parts = _PARAGRAPH_BREAK.split(segment.text)
        for number, part in enumerate(parts):
            if number > 0:
                result.append(tuple(current))
                current = []
            if part:
                current.append(Segment(text=part))
    result.append(tuple(current))
    return [_strip(paragraph) for paragraph in result if any(s.code or s.text.strip() for s in paragraph)]


def _strip(paragraph: Paragraph) -> Paragraph:
    items = list(paragraph)
    if items and not items[0].code:
        items[0] = Segment(text=items[0].text.lstrip("\n"))
    if items and not items[-1].code:
        items[-1] = Segment(text=items[-1].text.rstrip())
    return tuple(item for item in items if item.code or item.text)


def paragraph_size(paragraph: Paragraph) -> int:
    return sum(segment.size for segment in paragraph) + 80  # a paragraph costs about a line of spacing


def split_long(paragraph: Paragraph, budget: int) -> list[Paragraph]:
    """A paragraph longer than ``budget`` characters, cut at line breaks (then spaces) into smaller ones,
    so that no single block is bigger than a chunk. Redaction boxes are never cut."""
    if paragraph_size(paragraph) <= budget:
        return [paragraph]
    pieces: list[Paragraph] = []
    current: list[Segment] = []
    size = 0
    for segment in paragraph:
        if segment.code:
            current.append(segment)
            size += segment.size
            continue
        for part in _cut(segment.text, budget):
            if current and size + len(part) > budget:
                pieces.append(tuple(current))
                current, size = [], 0
            current.append(Segment(text=part))
            size += len(part)
    if current:
        pieces.append(tuple(current))
    return [piece for piece in pieces if piece]


def _cut(text: str, budget: int) -> list[str]:
    """Text in parts of at most ``budget`` characters, cut after a newline or a space where possible."""
    parts: list[str] = []
    while len(text) > budget:
        cut = text.rfind("\n", 0, budget)
        if cut <= 0:
            cut = text.rfind(" ", 0, budget)
        if cut <= 0:
            cut = budget - 1
        parts.append(text[: cut + 1])
        text = text[cut + 1 :]
    if text:
        parts.append(text)
    return parts
