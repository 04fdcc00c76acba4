"""The request list's search key: one normalised column per request, so a search is one indexed column.

A name is folded the way a person types it: case and accents ignored ("Zoë" is "zoe"), apostrophes
in any form dropped ("O'Neil", "O\u2019Neil" (a curly apostrophe) and "ONeil" are "oneil"), hyphens and other punctuation
splitting words, and a double-barrelled name also kept joined ("O'Neil-Smith" is "oneil", "smith"
and "oneilsmith"). A search is the same folding of what was typed; every word must appear in the key,
in any order. The key is written by the services that write requests and people (request_create,
person_update) and filled for older rows by a data migration.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reviews.search import name_tokens, strip_accents

_APOSTROPHES = re.compile(r"['\u2019\u2018\u02bc`\u00b4]")
_SPACES = re.compile(r"\s+")
# What a reference looks like: found exactly, never as part of a longer one.
REFERENCE_LIKE = re.compile(r"^\s*rr-\d{4}-\d{4,6}\s*$", re.IGNORECASE)


def search_words(text: str) -> list[str]:
    """The folded words of ``text``, in order (what both the key and a search are made of)."""
    return name_tokens(_APOSTROPHES.sub("", text))


def _joined_parts(text: str) -> list[str]:
    """Each hyphenated word also as one word: 'O'Neil-Smith' gives 'oneilsmith'."""
    joined = []
    for word in _SPACES.split(_APOSTROPHES.sub("", strip_accents(text))):
        if "-" in word:
            parts = search_words(word)
            if len(parts) > 1:
                joined.append("".join(parts))
    return joined


def search_key_for(names: Iterable[str]) -> str:
    """The key of a request from the names it may be found by: space-separated words, bounded by spaces."""
    words: list[str] = []
    for name in names:
        for word in [*search_words(name), *_joined_parts(name)]:
            if word not in words:
                words.append(word)
    return f" {' '.join(words)} " if words else ""


def person_names(full_name: str, previous_names: str) -> list[str]:
    return [full_name, *(line for line in previous_names.splitlines() if line.strip())]
