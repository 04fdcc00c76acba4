"""Rendering a big pack in bounded pieces: plan the chunks, then join them into one tagged PDF whose
page furniture is numbered across the whole pack.

A chunk holds about CHUNK_PAGES pages of documents (text estimated from its length; a page image
counts twice), so memory stays bounded and chunks can be rendered on different workers. Every chunk is a
complete tagged PDF from WeasyPrint; joining copies the pages with pikepdf and merges the structure
trees (renumbering the parent-tree keys), so the joined pack is still tagged, and the parts' stream bytes
are spliced into the written file one at a time rather than held (see "Streaming the join"). The joined pages are then
stamped with the reference, the marking, "Page X of Y" and any preview watermark (``numbering``: two
sheets drawn once, reused on every page); the stamp is marked as a pagination artifact, as PDF/UA
expects. ``stamp`` overlays a drawn sheet per page instead, for when those two sheets cannot be reused.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from disclosure.pack import numbering
from disclosure.pack.inputs import PackInputs, PagedContent, TextContent
from disclosure.pack.redact import Paragraph, paragraph_size, paragraphs, redacted_segments, split_long

CHUNK_PAGES = 50
# A page image costs WeasyPrint more memory than a page of text: a chunk holds half as many of them.
IMAGE_PAGE_WEIGHT = 2
CHARS_PER_PAGE = 3200  # 10.5pt text on A4 with our margins, paragraph spacing included (a rough guide only)
BLOCK_BUDGET = 12 * CHARS_PER_PAGE  # no paragraph longer than this is rendered as one block


@dataclass(frozen=True)
class Piece:
    """Part of one document in a chunk: text paragraphs [start, end) or pages [start, end), 0-based."""

    document: int  # index into inputs.documents
    start: int
    end: int
    first: bool
    last: bool


@dataclass(frozen=True)
class Chunk:
    index: int
    pieces: tuple[Piece, ...]
    estimated_pages: int  # its cost in pages: text by its length, a page image counting IMAGE_PAGE_WEIGHT

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "pieces": [[p.document, p.start, p.end, p.first, p.last] for p in self.pieces],
            "estimated_pages": self.estimated_pages,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Chunk:
        return cls(
            index=int(value["index"]),
            pieces=tuple(
                Piece(int(d), int(start), int(end), bool(first), bool(last))
                for d, start, end, first, last in value["pieces"]
            ),
            estimated_pages=int(value["estimated_pages"]),
        )


@dataclass(frozen=True)
class ChunkResult:
    """What rendering a chunk found out: its pages, and where each document that starts in it starts."""

    index: int
    pages: int
    starts: tuple[tuple[int, int], ...]  # (document index, 0-based page in the chunk)

    def as_json(self) -> dict[str, Any]:
        return {"index": self.index, "pages": self.pages, "starts": [list(item) for item in self.starts]}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> ChunkResult:
        return cls(
            index=int(value["index"]),
            pages=int(value["pages"]),
            starts=tuple((int(d), int(p)) for d, p in value["starts"]),
        )


@dataclass(frozen=True)
class Block:
    """A paragraph to print; ``continued`` when it was cut from the same paragraph as the block before."""

    segments: Paragraph
    continued: bool = False


def text_blocks(content: TextContent) -> list[Block]:
    """The redacted paragraphs of a text document, none longer than BLOCK_BUDGET characters."""
    blocks: list[Block] = []
    for paragraph in paragraphs(redacted_segments(content.text, content.spans)):
        for number, part in enumerate(split_long(paragraph, BLOCK_BUDGET)):
            blocks.append(Block(segments=part, continued=number > 0))
    return blocks


def plan(inputs: PackInputs, *, chunk_pages: int | None = None) -> list[Chunk]:
    """Pieces of documents grouped into chunks of about ``chunk_pages`` pages (CHUNK_PAGES unless given);
    the same inputs, the same plan."""
    chunk_pages = chunk_pages or CHUNK_PAGES
    chunks: list[Chunk] = []
    current: list[Piece] = []
    used = 0

    def flush() -> None:
        nonlocal current, used
        if current:
            chunks.append(Chunk(index=len(chunks), pieces=tuple(current), estimated_pages=used))
        current, used = [], 0

    for number, document in enumerate(inputs.documents):
        content = document.content
        if isinstance(content, PagedContent):
            page = 0
            while page < content.page_count:
                if used + IMAGE_PAGE_WEIGHT > chunk_pages and used > 0:
                    flush()
                take = max(1, min((chunk_pages - used) // IMAGE_PAGE_WEIGHT, content.page_count - page))
                current.append(Piece(number, page, page + take, page == 0, page + take == content.page_count))
                used += take * IMAGE_PAGE_WEIGHT
                page += take
            continue
        sizes = [paragraph_size(block.segments) for block in text_blocks(content)]
        if not sizes:
            if used >= chunk_pages:
                flush()
            current.append(Piece(number, 0, 0, True, True))
            used += 1
            continue
        start = 0
        while start < len(sizes):
            room = (chunk_pages - used) * CHARS_PER_PAGE
            if room < CHARS_PER_PAGE:
                flush()
                room = chunk_pages * CHARS_PER_PAGE
            end, total = start, 0
            while end < len(sizes) and (end == start or total + sizes[end] <= room):
                total += sizes[end]
                end += 1
            current.append(Piece(number, start, end, start == 0, end == len(sizes)))
            used += max(1, math.ceil(total / CHARS_PER_PAGE))
            start = end
    flush()
    return chunks


# Joining -------------------------------------------------------------------------------------------


def outline_starts(pdf: pikepdf.Pdf) -> list[int]:
    """0-based pages of the top-level bookmarks, in order (each document start carries one)."""
    index_of = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    starts: list[int] = []
    with pdf.open_outline() as outline:
        for item in outline.root:
            destination = item.destination
            if isinstance(destination, pikepdf.Array) and len(destination) > 0:
                starts.append(index_of.get(destination[0].objgen, -1))
            elif destination is not None:
                starts.append(_named_destination(pdf, destination, index_of))
            else:
                action = item.action
                target = action.get("/D") if action is not None else None
                starts.append(_named_destination(pdf, target, index_of) if target is not None else -1)
    return starts


def _named_destination(pdf: pikepdf.Pdf, name: Any, index_of: dict[tuple[int, int], int]) -> int:
    if isinstance(name, pikepdf.Array) and len(name) > 0:
        return index_of.get(name[0].objgen, -1)
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return -1
    tree = pikepdf.NameTree(names.Dests)
    key = str(name)
    if key not in tree:
        return -1
    target: Any = tree[key]
    if isinstance(target, pikepdf.Dictionary):
        target = target.get("/D")
    if isinstance(target, pikepdf.Array) and len(target) > 0:
        return index_of.get(target[0].objgen, -1)
    return -1


def join(parts: Sequence[Path], out: Path, *, title: str, producer: str, furniture: Path | None = None) -> int:
    """Join tagged PDFs into one, keeping one structure tree; the first part's catalogue and XMP metadata win,
    and the document information keeps only the title, the producer and the fixed dates. With ``furniture``
    (the two sheets of ``numbering``), every page is then stamped with it, numbered 1..n of n.

    Returns the number of pages written.
    """
    if not parts:
        raise ValueError("Nothing to join.")
    skeleton = out.with_name(out.name + ".skeleton")
    marked: dict[int, tuple[int, tuple[int, int]]] = {}
    try:
        with pikepdf.open(parts[0]) as base:
            tree: Any = base.Root.get("/StructTreeRoot")
            for index, path in enumerate(parts[1:], start=1):
                with pikepdf.open(path) as part:
                    _mark_streams(part, index, marked)
                    first_new = len(base.pages)
                    base.add_pages_from(part, forms="strip")
                    if tree is not None and "/StructTreeRoot" in part.Root:
                        _merge_structure(base, tree, part, first_new)
            if furniture is not None:
                with pikepdf.open(furniture) as sheets:
                    numbering.stamp_all(base, sheets)
            _clean_info(base, title=title, producer=producer)
            # The skeleton: every object, with placeholders for the parts' streams; written plainly so that
            # _splice can find each object and each placeholder.
            base.save(
                skeleton,
                deterministic_id=True,
                object_stream_mode=pikepdf.ObjectStreamMode.disable,
                compress_streams=False,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
            )
            pages = len(base.pages)
        _splice(skeleton, out, parts, marked)
        return pages
    finally:
        skeleton.unlink(missing_ok=True)


# Streaming the join ----------------------------------------------------------------------------------
# pikepdf sets qpdf's "immediate copy" on every Pdf it opens: a page copied from a part brings its streams'
# data into memory at once, so a plain join holds the whole pack until it saves (0.19 MiB a page). Instead,
# each part's streams are swapped (in the part's open copy, never on disk) for a numbered placeholder
# before their pages are copied; the joined skeleton is saved with those placeholders; then the final file
# is written object by object from the skeleton, each placeholder replaced by its stream's raw bytes read
# from its part, one stream at a time, and a new cross-reference table. Nothing is decoded or re-encoded.

SPLICE_MARK = b"RDSPLICE"
SPLICE_WIDTH = 10
SPLICE_LENGTH = len(SPLICE_MARK) + SPLICE_WIDTH
_XREF = re.compile(rb"\nxref\n0 (\d+)\n")


def _mark_streams(part: pikepdf.Pdf, index: int, marked: dict[int, tuple[int, tuple[int, int]]]) -> None:
    for obj in part.objects:
        if isinstance(obj, pikepdf.Stream) and int(obj.get("/Length", 0)) > SPLICE_LENGTH:
            key = len(marked)
            marked[key] = (index, obj.objgen)
            placeholder = SPLICE_MARK + str(key).zfill(SPLICE_WIDTH).encode("ascii")
            encoding: Any = obj.get("/Filter")  # the stream keeps its own filter and parameters: its bytes stay raw
            parameters: Any = obj.get("/DecodeParms")
            obj.write(placeholder, filter=encoding, decode_parms=parameters, type_check=False)


def _splice(skeleton: Path, out: Path, parts: Sequence[Path], marked: dict[int, tuple[int, tuple[int, int]]]) -> None:
    """Write ``out`` from ``skeleton`` with each placeholder replaced by its stream's raw bytes."""
    data = skeleton.read_bytes()
    found = _XREF.search(data, data.rfind(b"\nxref\n"))
    if found is None:
        raise ValueError("The joined skeleton has no plain cross-reference table.")
    count = int(found.group(1))
    entries = data[found.end() : found.end() + 20 * count]
    objects = sorted(
        (int(entries[20 * n : 20 * n + 10]), n) for n in range(count) if entries[20 * n + 17 : 20 * n + 18] == b"n"
    )
    xref_at = found.start() + 1
    tail = data[found.end() + 20 * count :]
    trailer = tail[: tail.index(b"startxref")]
    offsets: dict[int, int] = {}
    spliced = 0
    with contextlib.ExitStack() as stack, out.open("wb") as sink:
        sources = [stack.enter_context(pikepdf.open(path)) for path in parts]
        position = sink.write(data[: objects[0][0]])
        for i, (start, number) in enumerate(objects):
            end = objects[i + 1][0] if i + 1 < len(objects) else xref_at
            chunk = data[start:end]
            offsets[number] = position
            at = chunk.find(b"stream\n" + SPLICE_MARK)
            if at < 0:
                position += sink.write(chunk)
                continue
            body = at + len(b"stream\n")
            key = int(chunk[body + len(SPLICE_MARK) : body + SPLICE_LENGTH])
            index, objgen = marked[key]
            raw = sources[index].get_object(objgen).read_raw_bytes()
            head, replaced = re.subn(rb"/Length %d(?![0-9])" % SPLICE_LENGTH, b"/Length %d" % len(raw), chunk[:at])
            if replaced != 1:
                raise ValueError(f"Object {number} of the joined skeleton has no plain /Length.")
            for piece in (head, b"stream\n", raw, chunk[body + SPLICE_LENGTH :]):
                position += sink.write(piece)
            spliced += 1
        sink.write(b"xref\n0 %d\n" % count)
        for n in range(count):
            sink.write(b"%010d 00000 n \n" % offsets[n] if n in offsets else entries[20 * n : 20 * n + 20])
        sink.write(trailer + b"startxref\n%d\n%%%%EOF\n" % position)
    if SPLICE_MARK in data and spliced != data.count(b"stream\n" + SPLICE_MARK):
        raise ValueError("A placeholder of the joined skeleton was not replaced.")


def _nums(tree: Any) -> Any:
    parent_tree = tree.get("/ParentTree")
    if parent_tree is None:
        parent_tree = pikepdf.Dictionary(Nums=pikepdf.Array())
        tree.ParentTree = parent_tree
    if "/Kids" in parent_tree:
        raise ValueError("A nested parent tree is not expected from WeasyPrint.")
    if "/Nums" not in parent_tree:
        parent_tree.Nums = pikepdf.Array()
    return parent_tree.Nums


def _next_key(tree: Any) -> int:
    nums = _nums(tree)
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    declared = tree.get("/ParentTreeNextKey")
    return max([*keys, int(declared) - 1 if declared is not None else -1]) + 1


def _merge_structure(base: pikepdf.Pdf, tree: Any, part: pikepdf.Pdf, first_new: int) -> None:
    """Graft the part's structure elements under the base's Document element, renumbering parent-tree keys."""
    offset = _next_key(tree)
    copied: Any = base.copy_foreign(part.Root.StructTreeRoot)  # pages already copied: /Pg refs map to the new pages
    for page in base.pages[first_new:]:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annot in page.obj.get("/Annots", pikepdf.Array()):
            if "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + offset
    nums = _nums(tree)
    part_nums = _nums(copied)
    for i in range(0, len(part_nums), 2):
        nums.append(int(part_nums[i]) + offset)
        nums.append(part_nums[i + 1])
    tree.ParentTreeNextKey = _next_key(tree)
    root_kids = _kids(tree)
    document = root_kids[0] if len(root_kids) == 1 and root_kids[0].get("/S") == "/Document" else None
    parent: Any = document if document is not None else tree
    parent_kids = _kids(parent)
    for kid in _kids(copied):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Document":
            for grandchild in _kids(kid):
                if isinstance(grandchild, pikepdf.Dictionary):
                    grandchild.P = parent
                parent_kids.append(grandchild)
        else:
            if isinstance(kid, pikepdf.Dictionary):
                kid.P = parent
            parent_kids.append(kid)
    for key in ("/RoleMap", "/ClassMap"):
        if key in copied:
            target = tree.get(key)
            if target is None:
                tree[key] = copied[key]
            else:
                for name in copied[key].keys():  # noqa: SIM118 - pikepdf dictionaries need keys()
                    if name not in target:
                        target[name] = copied[key][name]


def _kids(node: Any) -> Any:
    kids = node.get("/K")
    if kids is None:
        node.K = pikepdf.Array()
    elif not isinstance(kids, pikepdf.Array):
        node.K = pikepdf.Array([kids])
    return node.K


def stamp(pack: Path, furniture: Sequence[Path], out: Path) -> int:
    """Overlay furniture page i on pack page i (as a pagination artifact) and save; the number of pages."""
    with pikepdf.open(pack) as pdf:
        page_number = 0
        for path in furniture:
            with pikepdf.open(path) as sheets:
                for sheet in sheets.pages:
                    if page_number >= len(pdf.pages):
                        raise ValueError("More furniture than pages.")
                    _overlay(pdf, pdf.pages[page_number], sheet, number=page_number + 1)
                    page_number += 1
        if page_number != len(pdf.pages):
            raise ValueError(f"Furniture for {page_number} pages, but the pack has {len(pdf.pages)}.")
        pdf.save(out, deterministic_id=True)
        return page_number


def _overlay(pdf: pikepdf.Pdf, page: pikepdf.Page, sheet: pikepdf.Page, *, number: int) -> None:
    form = pdf.copy_foreign(sheet.as_form_xobject())
    # A name of our own, unique per page (pages may share one resource dictionary), never a random one:
    # the same inputs must give the same bytes.
    name = page.add_resource(form, pikepdf.Name.XObject, name=pikepdf.Name(f"/RDFurniture{number}"))
    numbering.overlay_artifact(pdf, page, [name])


def _clean_info(pdf: pikepdf.Pdf, *, title: str, producer: str) -> None:
    """Only the title, the producer and the fixed dates stay in the document information."""
    keep: dict[str, Any] = {"/Title": title, "/Producer": producer}
    dates: dict[str, Any] = {key: pdf.docinfo[key] for key in ("/CreationDate", "/ModDate") if key in pdf.docinfo}
    for key in list(pdf.docinfo.keys()):
        del pdf.docinfo[key]
    for key, value in keep.items():
        pdf.docinfo[key] = value
    for key, value in dates.items():
        pdf.docinfo[key] = value


def join_apart(
    parts: Sequence[Path],
    out: Path,
    *,
    title: str,
    producer: str,
    furniture: Path | None = None,
    timeout: float = 1800,
) -> int:
    """``join`` in a child process that loads nothing but pikepdf.

    The join streams the parts' content (``_splice``), so it holds only the page and structure trees (about
    10 KiB a page); in a lean process of its own even that is not stacked on top of the worker's memory
    (Django, WeasyPrint, fonts).
    """
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-m", "disclosure.pack.chunks", "--title", title, "--producer", producer]
    if furniture is not None:
        command += ["--furniture", str(furniture)]
    command.append(str(out))
    completed = subprocess.run(  # noqa: S603 - our own module, our own interpreter, no shell
        [*command, *(str(part) for part in parts)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"Joining the pack failed: {completed.stderr.strip()[-500:]}")
    return int(completed.stdout.strip())


def _main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description="Join a pack's stamped parts (used by join_apart).")
    parser.add_argument("--title", required=True)
    parser.add_argument("--producer", required=True)
    parser.add_argument("--furniture", type=Path, default=None)
    parser.add_argument("out", type=Path)
    parser.add_argument("parts", type=Path, nargs="+")
    arguments = parser.parse_args(argv)
    pages = join(
        arguments.parts,
        arguments.out,
        title=arguments.title,
        producer=arguments.producer,
        furniture=arguments.furniture,
    )
    print(pages)  # the parent reads the page count from here
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
