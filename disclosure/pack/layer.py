"""The invisible text layer of a scanned page in the pack: the words OCR read on it that are safe to give back.

A word goes into the layer only if it lies wholly outside every redaction box on its page (silent
neither-confirm-nor-deny boxes too) and matches no redacted string: not any word of one, not a piece
of one, and holds none. The layer is drawn as transparent text over the page image, so the pack can
be searched and read aloud, and verification reads it like any other text: a redacted word that
reached it would fail the pack.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from disclosure.pack.inputs import BoxRedaction, LayerWord

MIN_PIECE = 3  # an OCR word this long or longer that is part of a redacted string stays out ("Pember" of "Pemberton")
_NOT_WORD = re.compile(r"[\W_]+")


def _bare(text: str) -> str:
    """Folded as verification folds (NFKC, case-folded), with everything but letters and digits removed."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def _outside(word: LayerWord, box: BoxRedaction) -> bool:
    return word.x1 <= box.x0 or word.x0 >= box.x1 or word.bottom <= box.top or word.top >= box.bottom


def _matches_secret(bare: str, tokens: set[str], secrets: Sequence[str]) -> bool:
    if not bare:
        return False
    if bare in tokens:
        return True
    for secret in secrets:
        if secret in bare:  # the word holds a redacted string
            return True
        if len(bare) >= MIN_PIECE and bare in secret:  # the word is a piece of one
            return True
    return False


def text_layer(words: Iterable[LayerWord], boxes: Iterable[BoxRedaction], redacted: Iterable[str]) -> list[LayerWord]:
    """The words that may be given back as text: wholly outside every box on their page, matching no redacted
    string. `redacted` is every string the pack must not hold (redactions' text and phrases, names withheld)."""
    by_page: dict[int, list[BoxRedaction]] = {}
    for box in boxes:
        by_page.setdefault(box.page, []).append(box)
    secrets = sorted({bare for text in redacted if (bare := _bare(text))})
    tokens = {bare for text in redacted for part in text.split() if (bare := _bare(part))}
    kept = []
    for word in words:
        if not all(_outside(word, box) for box in by_page.get(word.page, ())):
            continue
        if _matches_secret(_bare(word.text), tokens, secrets):
            continue
        kept.append(word)
    return kept
