"""What goes into a disclosure pack, as plain frozen data: the renderer needs nothing from the database.

Redactions carry the exemption *code* printed in the pack (``rights.EXEMPTIONS[key].code``) and a
``silent`` flag for neither-confirm-nor-deny items, which are removed without any mark, label or count.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

PageFormat = Literal["pdf", "image"]


@dataclass(frozen=True)
class Organisation:
    name: str
    contact_role: str
    address: tuple[str, ...]
    phone: str
    email: str

    @classmethod
    def from_settings(cls, value: Mapping[str, Any]) -> Organisation:
        """From ``settings.ORGANISATION``."""
        return cls(
            name=str(value["name"]),
            contact_role=str(value["contact_role"]),
            address=tuple(str(line) for line in value["address"]),
            phone=str(value["phone"]),
            email=str(value["email"]),
        )


@dataclass(frozen=True)
class Addressee:
    """Whom the pack goes to (the requester, or the data subject asking for themselves), as printed."""

    name: str
    address: tuple[str, ...]

    @property
    def address_text(self) -> str:
        return "\n".join(self.address)


@dataclass(frozen=True)
class SpanRedaction:
    """``text[start:end]`` of a text document is replaced by a labelled box (or, if silent, by nothing)."""

    start: int
    end: int
    code: str
    silent: bool = False


@dataclass(frozen=True)
class BoxRedaction:
    """A rectangle painted into a page image, in PDF points from the page's top left corner (1-based page)."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    code: str
    silent: bool = False


@dataclass(frozen=True)
class FindRedaction:
    """Words to find in a PDF's text layer and box wherever they appear, on top of the boxes given.

    Belt and braces for PDFs with text: whatever the reviewer's boxes say, every whole-word occurrence
    of a redacted string the rasteriser can see is painted over too.
    """

    text: str
    code: str
    silent: bool = False


@dataclass(frozen=True)
class LayerWord:
    """A word OCR read on a scanned page, with its box in PDF points from the page's top left (1-based page).

    Only words lying wholly outside every box and matching no redacted string reach the pack's text
    layer (`disclosure.pack.layer.text_layer`).
    """

    page: int
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class TextContent:
    """A typed, pasted or plain-text document: rendered as text with the redacted spans replaced."""

    text: str
    spans: tuple[SpanRedaction, ...] = ()
    kind: Literal["text"] = "text"


@dataclass(frozen=True)
class PagedContent:
    """A PDF (with or without text) or an image: every page rasterised and boxed, no text layer kept.

    ``source`` is the file's bytes or a local path (read only when its pages are rendered).
    ``page_sizes`` gives each page's size in points where the boxes were drawn against a size other
    than the file's own (images: the size their boxes were measured in); None means the file's own.
    """

    source: bytes | Path
    format: PageFormat
    page_count: int
    sha256: str
    boxes: tuple[BoxRedaction, ...] = ()
    finds: tuple[FindRedaction, ...] = ()
    page_sizes: tuple[tuple[float, float], ...] | None = None
    # What OCR read on its image-only pages, the source of its text layer. Left out of the fingerprint when
    # empty, so a pack made before OCR existed keeps its fingerprint.
    words: tuple[LayerWord, ...] = field(default=(), metadata={"omit_if_empty": True})
    kind: Literal["paged"] = "paged"

    def read(self) -> bytes:
        return self.source if isinstance(self.source, bytes) else self.source.read_bytes()


@dataclass(frozen=True)
class PackDocument:
    """One document disclosed (in part or whole), in schedule order."""

    number: int
    title: str
    agency: str
    date: dt.date | None
    content: TextContent | PagedContent
    # Requester-visible redactions by exemption code, e.g. (("S2 P3 para16", 3),): never NCND ones.
    redaction_counts: tuple[tuple[str, int], ...] = ()
    # (code, reason) for each redaction of a professional acting in their role (DPA 2018 Sch 2 Pt 3 para 17), which
    # the schedule prints; left out of the fingerprint when empty, so earlier packs keep theirs.
    professional_reasons: tuple[tuple[str, str], ...] = field(default=(), metadata={"omit_if_empty": True})

    @property
    def is_paged(self) -> bool:
        return isinstance(self.content, PagedContent)


@dataclass(frozen=True)
class WithheldDocument:
    """A document withheld in full whose existence may be confirmed (NCND documents are never listed)."""

    title: str
    agency: str
    date: dt.date | None
    code: str


@dataclass(frozen=True)
class Secret:
    """A string that must not appear anywhere in the pack; ``label`` says where it came from (no content)."""

    label: str
    text: str


@dataclass(frozen=True)
class Purpose:
    """A process that holds the data, and why it is run (UK GDPR Art 15(1)(a))."""

    process: str
    purpose: str  # empty when no purpose is recorded for the process


@dataclass(frozen=True)
class LawfulBasis:
    """A lawful basis (or the law behind it) and the processes shown that rest on it (UK GDPR Art 6(1), Art 9(2))."""

    title: str
    explanation: str
    processes: tuple[str, ...]


@dataclass(frozen=True)
class SearchSummary:
    """The search record the Art 15 page is written from (UK GDPR Art 15(1A)): what was searched, and when."""

    searched_on: dt.date
    holdings_and_agencies: str
    terms: tuple[str, ...]  # the kinds of detail searched for ("name", "date of birth", ...), never the values
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class HeldInformation:
    """The Art 15(1) information, from what the partnership actually holds (reviews.selectors.what_we_hold).

    ``about_subject`` is True when it is narrowed to the data subject's confirmed records for the request;
    False when nothing was confirmed, and it describes what the partnership holds in general. Only names
    of processes, categories and agencies: never a count, which would tell of other people's records.
    """

    about_subject: bool
    purposes: tuple[Purpose, ...]
    lawful_bases: tuple[LawfulBasis, ...]
    categories: tuple[str, ...]  # Art 15(1)(b)
    recipients: tuple[str, ...]  # Art 15(1)(c): partner agencies, by name
    retention: str  # Art 15(1)(d)
    sources: tuple[str, ...]  # Art 15(1)(g): the agencies it came from, as "Name (Kind)"
    supplied: tuple[str, ...]  # Art 15(1)(g): what those agencies supplied (kinds of submission)
    # The agencies of the documents enclosed, so the page never says nothing is held beside them; and the search
    # record it is written from (Art 15(1A)). Left out of the fingerprint when empty, so earlier packs keep theirs.
    enclosed_from: tuple[str, ...] = field(default=(), metadata={"omit_if_empty": True})
    search: SearchSummary | None = field(default=None, metadata={"omit_if_empty": True})


@dataclass(frozen=True)
class PackInputs:
    reference: str
    letter_date: dt.date
    received: dt.date
    organisation: Organisation
    addressee: Addressee
    subject_name: str
    on_behalf: bool
    documents: tuple[PackDocument, ...]
    held: HeldInformation
    withheld: tuple[WithheldDocument, ...] = ()
    secrets: tuple[Secret, ...] = ()
    preview: bool = False
    # The covering letter in easy read (UK GDPR Art 12(1)); left out of the fingerprint when off, so packs made
    # before it existed keep theirs.
    easy_read: bool = field(default=False, metadata={"omit_if_empty": True})
    # Names that must not reach the PDF's metadata (staff who worked on the case).
    staff_names: tuple[str, ...] = field(default=(), compare=False)

    @property
    def title(self) -> str:
        """The PDF title: the reference only, never a person's name."""
        return f"Disclosure {self.reference}" + (" (preview)" if self.preview else "")

    def codes_used(self) -> list[str]:
        """Every exemption code the requester sees (schedule and key), in catalogue-independent sorted order."""
        codes = {code for doc in self.documents for code, count in doc.redaction_counts if count}
        codes.update(code for doc in self.documents for code, _reason in doc.professional_reasons)
        codes.update(item.code for item in self.withheld)
        return sorted(codes)

    def fingerprint(self) -> str:
        """A SHA-256 of everything that decides the pack's bytes; the same inputs give the same PDF."""
        return hashlib.sha256(_canonical(self).encode()).hexdigest()


def _canonical(inputs: PackInputs) -> str:
    def encode(value: Any) -> Any:
        if isinstance(value, bytes | Path):
            return None  # a source is identified by its sha256, not its bytes or where it lies
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, tuple | list):
            return [encode(item) for item in value]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {
                f.name: encode(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.compare and not (f.metadata.get("omit_if_empty") and not getattr(value, f.name))
            }
        return value

    return json.dumps(encode(inputs), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
