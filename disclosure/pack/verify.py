"""The check that stands between a rendered pack and the requester: is any redacted string still in it?

The pack is written by WeasyPrint (pydyf) and joined by pikepdf; it is read back here by other
libraries: text by pypdf *and* pdfminer.six, the metadata by pypdf. Every stream is decompressed and
every string object decoded; the raw file bytes are searched too. Every redacted string is looked for
after folding (Unicode NFKC, case-folded, whitespace collapsed, and once more with all whitespace
removed); strings of fewer than four letters are matched as whole words only, so that a redacted
"Jo" is found as a word but not inside "John".

Page images hold no text to search: ``painted`` checks instead that every box review drew on one
is painted there. The same pass checks the page furniture (reference, marking, "Page X of Y", the
preview watermark) and the structure (no scripts, forms, attachments or external actions; no staff names or file paths
in the metadata). Any hit fails the pack. The report names each secret only by a label (which
redaction, which document) and its length, so that keeping it does not keep the redacted words.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pdfminer
import pdfminer.high_level
import pikepdf
import pypdf

from disclosure.pack import painted
from disclosure.pack.inputs import Secret
from disclosure.pack.painted import PaintedBox

MIN_SEARCHABLE = 2
# One pypdf reader per page range (a verification task's 100 pages): a fresh reader every 25 pages re-read the
# file's cross-reference table and page tree each time, about a fifth of verification's CPU (issue 21).
READER_PAGES = 100
SHORT = 4  # folded length below which a secret is matched as whole words only
BINARY_MIN = 6  # binary streams (images, font programs) are searched only for secrets this long and longer
WATERMARK = "PREVIEW \u2013 NOT FOR DISCLOSURE"  # an en dash, as the issue writes it
MARKING = "OFFICIAL-SENSITIVE"
FURNITURE_CHECK = "page furniture: reference, marking, 'Page X of Y'"
REPORT_VERSION = 1
FORBIDDEN_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/AcroForm",
        "/XFA",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/RichMedia",
        "/OpenAction",
        "/AA",
        "/URI",
    }
)
BAD_NAMES = frozenset({"/JavaScript", "/Launch", "/EmbeddedFile", "/SubmitForm", "/ImportData", "/RichMedia"})
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_PATH = re.compile(r"(?:^|[\s\"'=(])(?:/[\w.~-]+){2,}|[A-Za-z]:\\|file:", re.IGNORECASE)


def fold(text: str) -> str:
    """NFKC, case-folded, invisible characters dropped, every run of whitespace one space."""
    normal = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()
    return _WS.sub(" ", normal).strip()


@dataclass(frozen=True)
class Needle:
    label: str
    folded: str
    bare: str  # folded, with no whitespace at all
    whole_word: re.Pattern[str] | None  # for short secrets

    def found_in(self, folded_text: str, bare_text: str) -> bool:
        if self.whole_word is not None:
            return self.whole_word.search(folded_text) is not None
        return self.folded in folded_text or self.bare in bare_text

    def ascii_variants(self) -> list[bytes]:
        """The secret as bytes a binary stream could hold it in: ASCII or UTF-16 (big and little endian)."""
        if len(self.bare) < BINARY_MIN:
            return []
        variants = [self.folded]
        try:
            return [v.encode("ascii") for v in variants] + [v.encode("utf-16-be") for v in variants]
        except UnicodeEncodeError:
            return [v.encode("utf-8") for v in variants] + [v.encode("utf-16-be") for v in variants]


def searchable(text: str) -> bool:
    """A secret needs two letters or digits to be looked for: one letter, or punctuation, is everywhere."""
    return len(_WORD.findall(fold(text))) >= MIN_SEARCHABLE


def unsearchable(secrets: Iterable[Secret]) -> list[str]:
    """Labels of the secrets too short to search for (reported, so that a person can look instead)."""
    return sorted({secret.label for secret in secrets if not searchable(secret.text)})


def needles(secrets: Iterable[Secret]) -> list[Needle]:
    """One needle per distinct folded secret (labels of duplicates are joined)."""
    by_text: dict[str, list[str]] = {}
    for secret in secrets:
        folded = fold(secret.text)
        if folded and searchable(folded):
            by_text.setdefault(folded, []).append(secret.label)
    result = []
    for folded, labels in sorted(by_text.items(), key=lambda item: item[1][0]):
        bare = folded.replace(" ", "")
        whole_word = None
        if len(bare) < SHORT:
            whole_word = re.compile(r"(?<!\w)" + r"\s*".join(re.escape(part) for part in folded.split(" ")) + r"(?!\w)")
        result.append(
            Needle(
                label="; ".join(dict.fromkeys(labels)),
                folded=folded,
                bare=bare,
                whole_word=whole_word,
            )
        )
    return result


@dataclass
class Check:
    name: str
    library: str
    ok: bool = True
    detail: str = ""
    hits: list[dict[str, str]] = field(default_factory=list)

    def hit(self, needle: Needle, where: str) -> None:
        self.ok = False
        if len(self.hits) < 200:
            self.hits.append({"secret": needle.label, "where": where})

    def problem(self, what: str) -> None:
        self.ok = False
        if len(self.hits) < 200:
            self.hits.append({"problem": what})

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "library": self.library, "ok": self.ok, "detail": self.detail, "hits": self.hits}


def verify_pdf(
    source: Path | bytes,
    *,
    secrets: Sequence[Secret],
    reference: str,
    preview: bool,
    staff_names: Sequence[str] = (),
    expected_pages: int | None = None,
    boxes: Sequence[PaintedBox] = (),
) -> dict[str, Any]:
    """Search the PDF for every secret and check its furniture and structure, and that every box review
    drew on a page image is painted there (``boxes``, from ``painted.painted_boxes``); the JSON report.

    ``report["ok"]`` is True only if every check passed. The same as ``verify_whole`` plus
    ``verify_pages`` over every page, combined; a big pack can run the page ranges in parallel.
    """
    whole = verify_whole(source, secrets=secrets, staff_names=staff_names)
    pages = verify_pages(
        source, secrets=secrets, reference=reference, preview=preview, first=1, last=whole["page_count"], boxes=boxes
    )
    return combine(
        whole, [pages], reference=reference, preview=preview, expected_pages=expected_pages, expected_boxes=boxes
    )


def page_ranges(total: int, size: int) -> list[tuple[int, int]]:
    """1-based inclusive page ranges of at most ``size`` pages covering 1..total."""
    return [(first, min(total, first + size - 1)) for first in range(1, total + 1, size)]


def verify_pages(
    source: Path | bytes,
    *,
    secrets: Sequence[Secret],
    reference: str,
    preview: bool,
    first: int,
    last: int,
    boxes: Sequence[PaintedBox] = (),
) -> dict[str, Any]:
    """Text of pages first..last (1-based) by pypdf and by pdfminer.six, each page's furniture, and the
    boxes review drew on the page images among them (see ``painted``)."""
    found = needles(secrets)
    pypdf_text = Check("extracted text", f"pypdf {pypdf.__version__}")
    furniture = Check(FURNITURE_CHECK + (", watermark" if preview else ""), f"pypdf {pypdf.__version__}")
    boxed = painted.PaintedCheck(checked=[], hits=[])
    with _opened(source) as handle:
        reader = pypdf.PdfReader(handle)
        total = len(reader.pages)
        last = min(last, total)
        for start in range(first, last + 1, READER_PAGES):
            if start != first:
                reader = pypdf.PdfReader(handle)  # afresh for a range longer than READER_PAGES: bounded memory
            for number in range(start, min(last, start + READER_PAGES - 1) + 1):
                page = reader.pages[number - 1]
                text = fold(page.extract_text() or "")
                _search_text(pypdf_text, found, text, f"page {number}")
                _check_furniture(furniture, text, number=number, total=total, reference=reference, preview=preview)
                if boxes:
                    following = reader.pages[number] if number < total else None
                    painted.check_page(boxed, page, following, text, boxes, number)
            del reader
    miner = _pdfminer_check(source, found, first=first, last=last)
    checked = max(0, last - first + 1)
    for check in (pypdf_text, furniture, miner):
        check.detail = f"pages {first} to {last}"
    checks = [c.as_json() for c in (pypdf_text, furniture, miner)]
    if boxes:
        checks.append(boxed.as_json())
    return {"first": first, "last": last, "pages": checked, "checks": checks}


def verify_whole(source: Path | bytes, *, secrets: Sequence[Secret], staff_names: Sequence[str] = ()) -> dict[str, Any]:
    """What is checked once per file: metadata, every object and stream, the raw bytes, the digest."""
    found = needles(secrets)
    digest, size = _digest(source)
    with _opened(source) as handle:
        reader = pypdf.PdfReader(handle)  # reads objects as it needs them, never the whole file
        metadata = _metadata_check(reader, found, staff_names)
        page_count = len(reader.pages)
    checks = [metadata, *_object_checks(source, found), _raw_bytes_check(source, found)]
    return {
        "sha256": digest,
        "size_bytes": size,
        "page_count": page_count,
        "searched": [{"label": n.label, "length": len(n.folded)} for n in found],
        "not_searchable": unsearchable(secrets),
        "checks": [c.as_json() for c in checks],
    }


def combine(
    whole: dict[str, Any],
    parts: Sequence[dict[str, Any]],
    *,
    reference: str,
    preview: bool,
    expected_pages: int | None = None,
    expected_boxes: Sequence[PaintedBox] = (),
) -> dict[str, Any]:
    """One report from the whole-file checks and the page-range checks (in any order); with
    ``expected_boxes``, every one of them must have been found painted by some page range."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    covered: set[int] = set()
    boxes_checked: list[str] = []
    for part in sorted(parts, key=lambda p: int(p["first"])):
        covered.update(range(int(part["first"]), int(part["last"]) + 1))
        for check in part["checks"]:
            boxes_checked += check.get("checked", [])
            key = (check["name"], check["library"])
            into = merged.setdefault(key, {**check, "hits": [], "ok": True})
            into["ok"] = into["ok"] and check["ok"]
            into["hits"] = (into["hits"] + check["hits"])[:200]
            into.pop("checked", None)
    if expected_boxes:
        into = next(
            (check for (name, _library), check in merged.items() if name == painted.CHECK_NAME),
            {"name": painted.CHECK_NAME, "library": "", "ok": True, "hits": []},
        )
        merged[(into["name"], into["library"])] = into
        lost = painted.missing(expected_boxes, boxes_checked)
        into["hits"] = (into["hits"] + [{"label": label, "problem": "its page image was not found"} for label in lost])[
            :200
        ]
        into["ok"] = into["ok"] and not lost
    total = int(whole["page_count"])
    for key, check in merged.items():
        check["detail"] = f"{len(covered)} of {total} pages"
        if key[0] == painted.CHECK_NAME:
            found = set(boxes_checked)
            wanted = {b.label for b in painted.measured(expected_boxes)} if expected_boxes else found
            check["detail"] += f", {len(found)} of {len(wanted)} boxes"
    checks = list(merged.values()) + list(whole["checks"])
    problems: list[str] = []
    if covered != set(range(1, total + 1)):
        problems.append(f"only {len(covered)} of {total} pages were checked")
    if expected_pages is not None and expected_pages != total:
        problems.append(f"expected {expected_pages} pages, found {total}")
    if problems:
        checks.append(
            {
                "name": "completeness",
                "library": "",
                "ok": False,
                "detail": "",
                "hits": [{"problem": p} for p in problems],
            }
        )
    ok = bool(checks) and all(check["ok"] for check in checks)
    return {
        "version": REPORT_VERSION,
        "ok": ok,
        "sha256": whole["sha256"],
        "size_bytes": whole["size_bytes"],
        "page_count": total,
        "reference": reference,
        "preview": preview,
        "libraries": {
            "pypdf": pypdf.__version__,
            "pdfminer.six": str(pdfminer.__version__),
            "pikepdf": pikepdf.__version__,
        },
        "searched": {
            "count": len(whole["searched"]),
            "folding": (
                "Unicode NFKC, case-folded, whitespace collapsed to one space, and again with all whitespace "
                f"removed; secrets under {SHORT} characters as whole words; binary streams (images, fonts) "
                f"for secrets of {BINARY_MIN} or more characters"
            ),
            "secrets": whole["searched"],
            "not_searchable": whole.get("not_searchable", []),
        },
        "checks": checks,
        "hits": [hit for check in checks for hit in check["hits"]],
    }


def _opened(source: Path | bytes) -> BinaryIO:
    """A file object, not a path: given a path, pypdf would read the whole file into memory."""
    return source.open("rb") if isinstance(source, Path) else io.BytesIO(source)


def _digest(source: Path | bytes) -> tuple[str, int]:
    hasher = hashlib.sha256()
    size = 0
    for block in _blocks(source):
        hasher.update(block)
        size += len(block)
    return hasher.hexdigest(), size


def _blocks(source: Path | bytes, size: int = 4 * 1024 * 1024) -> Iterator[bytes]:
    if isinstance(source, bytes):
        for start in range(0, len(source), size):
            yield source[start : start + size]
        return
    with source.open("rb") as handle:
        while block := handle.read(size):
            yield block


def _search_text(check: Check, found: Sequence[Needle], folded_text: str, where: str) -> None:
    if not folded_text:
        return
    bare = folded_text.replace(" ", "")
    for needle in found:
        if needle.found_in(folded_text, bare):
            check.hit(needle, where)


def _check_furniture(check: Check, text: str, *, number: int, total: int, reference: str, preview: bool) -> None:
    bare = text.replace(" ", "")
    expected = {
        "reference": fold(reference),
        "marking": fold(MARKING),
        "page number": fold(f"Page {number} of {total}"),
    }
    if preview:
        expected["watermark"] = fold(WATERMARK)
    for what, wanted in expected.items():
        if wanted not in text and wanted.replace(" ", "") not in bare:
            check.problem(f"page {number}: no {what}")


def _metadata_check(reader: pypdf.PdfReader, found: Sequence[Needle], staff_names: Sequence[str]) -> Check:
    check = Check("metadata (document information and XMP)", f"pypdf {pypdf.__version__}")
    values: list[str] = []
    info: dict[str, Any] = dict(reader.metadata or {})
    for key, value in info.items():
        values.append(f"{key}={value}")
    root: Any = reader.trailer["/Root"]
    xmp = root.get("/Metadata")
    if xmp is not None:
        values.append(xmp.get_object().get_data().decode("utf-8", "replace"))
    text = fold("\n".join(values))
    _search_text(check, found, text, "metadata")
    staff = [name for name in (fold(n) for n in staff_names) if len(name.replace(" ", "")) >= 3]
    for name in staff:
        if re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            check.problem("a staff name is in the metadata")
    if _PATH.search("\n".join(values)):
        check.problem("a file path is in the metadata")
    check.detail = f"{len(info)} information entries" + (", XMP packet" if xmp is not None else "")
    return check


def _pdfminer_check(source: Path | bytes, found: Sequence[Needle], *, first: int, last: int) -> Check:
    check = Check("extracted text", f"pdfminer.six {pdfminer.__version__}")
    handle = source.open("rb") if isinstance(source, Path) else io.BytesIO(source)
    with handle:
        numbers = list(range(first - 1, last))
        read = 0
        for number, page_text in zip(numbers, _pdfminer_pages(handle, numbers), strict=False):
            _search_text(check, found, fold(page_text), f"page {number + 1}")
            read += 1
    if read != len(numbers):
        check.problem(f"pdfminer read {read} of pages {first} to {last}")
    return check


def _pdfminer_pages(handle: Any, numbers: Sequence[int]) -> Iterator[str]:
    from pdfminer.layout import LAParams, LTTextContainer

    for layout in pdfminer.high_level.extract_pages(handle, page_numbers=numbers, laparams=LAParams()):
        yield "\n".join(element.get_text() for element in layout if isinstance(element, LTTextContainer))


def _object_checks(source: Path | bytes, found: Sequence[Needle]) -> list[Check]:
    """Every object: strings decoded, streams decompressed; forbidden keys and annotations looked for."""
    strings = Check("string objects (outlines, alt text, annotations, names)", f"pikepdf {pikepdf.__version__}")
    streams = Check("decompressed streams", f"pikepdf {pikepdf.__version__}")
    structure = Check("structure: no scripts, forms, attachments, external actions or stray annotations", "pikepdf")
    with pikepdf.open(source if isinstance(source, Path) else io.BytesIO(source)) as pdf:
        collected: list[str] = []
        stream_count = 0
        for obj in pdf.objects:
            _walk(obj, collected, structure, depth=0)
            if isinstance(obj, pikepdf.Stream):
                stream_count += 1
                _search_stream(streams, found, obj)
        _search_text(strings, found, fold("\n".join(collected)), "string objects")
        for number, page in enumerate(pdf.pages, start=1):
            for annot in page.obj.get("/Annots", pikepdf.Array()):
                if annot.get("/Subtype") != "/Link":
                    structure.problem(f"page {number}: an annotation of type {annot.get('/Subtype')}")
        streams.detail = f"{stream_count} streams"
        strings.detail = f"{len(collected)} strings"
    return [strings, streams, structure]


def _walk(obj: Any, collected: list[str], structure: Check, *, depth: int) -> None:
    if depth > 12:
        return  # indirect objects are visited on their own; deep direct nesting is not expected
    if isinstance(obj, pikepdf.String):
        collected.append(str(obj))
    elif isinstance(obj, pikepdf.Name):
        if str(obj) in BAD_NAMES:
            structure.problem(f"a {obj} name")
    elif isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        for key in obj.keys():  # noqa: SIM118 - pikepdf dictionaries need keys()
            if key in FORBIDDEN_KEYS:
                structure.problem(f"a {key} entry")
            _walk_child(obj.get(key), collected, structure, depth=depth)
    elif isinstance(obj, pikepdf.Array):
        for item in obj:
            _walk_child(item, collected, structure, depth=depth)


def _walk_child(value: Any, collected: list[str], structure: Check, *, depth: int) -> None:
    if isinstance(value, pikepdf.Object) and not value.is_indirect:
        _walk(value, collected, structure, depth=depth + 1)


def _is_binary(stream: pikepdf.Stream) -> bool:
    subtype = stream.get("/Subtype")
    if subtype in ("/Image", "/Type1C", "/CIDFontType0C", "/OpenType"):
        return True
    return "/Length1" in stream or "/Length2" in stream


def _search_stream(check: Check, found: Sequence[Needle], stream: pikepdf.Stream) -> None:
    try:
        data = stream.read_bytes()
    except pikepdf.PdfError:
        data = stream.read_raw_bytes()  # e.g. a JPEG (DCTDecode): searched as it is stored
    where = f"stream {stream.objgen[0]}"
    if _is_binary(stream):
        lowered = data.lower()
        for needle in found:
            if any(variant in lowered for variant in needle.ascii_variants()):
                check.hit(needle, where)
        return
    texts = [data.decode("latin-1")]
    if data.startswith((b"\xfe\xff", b"\xff\xfe")):
        texts.append(data.decode("utf-16", "replace"))
    else:
        texts.append(data.decode("utf-8", "replace"))
    for text in texts:
        _search_text(check, found, fold(text), where)


def _raw_bytes_check(source: Path | bytes, found: Sequence[Needle]) -> Check:
    """The file as stored, case-folded in ASCII, for every secret as ASCII/UTF-8 and UTF-16 bytes."""
    check = Check("raw file bytes", "python")
    variants: list[tuple[Needle, bytes]] = []
    for needle in found:
        for text in dict.fromkeys((needle.folded, needle.bare)):
            if len(text) < SHORT:
                continue
            for encoded in (text.encode("utf-8"), text.encode("utf-16-be")):
                variants.append((needle, encoded))
    overlap = max((len(v) for _, v in variants), default=0)
    tail = b""
    offset = 0
    for block in _blocks(source):
        window = tail + block.lower()
        for needle, variant in variants:
            if variant in window:
                check.hit(needle, f"near byte {offset}")
        tail = window[-overlap:] if overlap else b""
        offset += len(block)
    check.detail = f"{offset} bytes"
    return check
