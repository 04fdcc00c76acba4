"""Page furniture on every page of a joined pack from two sheets WeasyPrint drew once, not a sheet per page.

WeasyPrint draws the furniture twice: a *static* sheet (reference, marking, rules, any preview
watermark: the same on every page) and a *number* sheet holding only the words "Page 0123456789 of",
right-aligned where "Page X of Y" goes, in the same font. The static sheet becomes one form XObject
that every page shows. For each page, the number sheet's own drawing is reused with its one text
operator rewritten: the glyphs of "Page 12 of 1025" are taken from the sheet's (its embedded font
subset holds every letter and digit needed, and its ToUnicode map makes the words extractable), and
a leading shift keeps the right edge where WeasyPrint put it. Drawing 1,000 sheets with WeasyPrint
takes seconds; this takes milliseconds, and the pack carries one copy of the furniture, not a
thousand.

Anything unexpected in the number sheet (more than one text operator, a letter drawn as two glyphs
or as none) raises ``NumberingUnavailable``, and the renderer stamps a WeasyPrint sheet per page
instead, as before. This module loads nothing but pikepdf: it runs in the lean join process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pikepdf

TEMPLATE_TEXT = "Page 0123456789 of"
FURNITURE_NAME = "/RDFurniture"  # the static form, on every page


class NumberingUnavailable(ValueError):
    """The number sheet is not drawn the way this module can reuse (the per-page sheets are used instead)."""


@dataclass(frozen=True)
class NumberTemplate:
    before: bytes  # the number sheet's content stream up to its text operator
    after: bytes  # and from just after it
    codes: dict[str, bytes]  # each character of TEMPLATE_TEXT: its glyph code in the sheet's font
    widths: dict[bytes, Decimal]  # each code's advance, in thousandths of the font size
    advance: Decimal  # how far the template's own words advance, in the same units

    def operator(self, text: str) -> bytes:
        """The text operator that draws ``text`` with its right edge where the template's words end."""
        try:
            codes = [self.codes[character] for character in text]
        except KeyError as missing:
            raise NumberingUnavailable(f"No glyph for {missing} in the number sheet.") from None
        width = sum((self.widths[code] for code in codes), Decimal(0))
        shift = -(
            self.advance - width
        )  # a TJ number moves the text back by n/1000 of the font size: negative moves it on
        return b"[" + _number(shift) + b" <" + b"".join(codes).hex().upper().encode("ascii") + b">] TJ"

    def content(self, text: str) -> bytes:
        return self.before + self.operator(text) + self.after


def _number(value: Decimal) -> bytes:
    return format(value.quantize(Decimal("0.001")).normalize(), "f").encode("ascii")


def _glyph_widths(font: Any) -> tuple[dict[int, Decimal], Decimal]:
    """A Type0 font's advance widths by CID (from its descendant's /W array) and its default width."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        raise NumberingUnavailable("The number sheet's font is not a Type0 Identity-H font.")
    descendant = font.DescendantFonts[0]
    default = Decimal(str(descendant.get("/DW", 1000)))
    widths: dict[int, Decimal] = {}
    array = list(descendant.get("/W", pikepdf.Array()))
    position = 0
    while position < len(array):
        first = int(array[position])
        following = array[position + 1]
        if isinstance(following, pikepdf.Array):
            for offset, each in enumerate(following):
                widths[first + offset] = Decimal(str(each))
            position += 2
        else:
            last, same = int(following), Decimal(str(array[position + 2]))
            for cid in range(first, last + 1):
                widths[cid] = same
            position += 3
    return widths, default


def read_template(sheet: pikepdf.Page) -> NumberTemplate:
    """What the number sheet draws, ready to draw other numbers the same way."""
    instructions = list(pikepdf.parse_content_stream(sheet))
    texts = [i for i, item in enumerate(instructions) if str(item.operator) in {"TJ", "Tj", "'", '"'}]
    if len(texts) != 1 or str(instructions[texts[0]].operator) != "TJ":
        raise NumberingUnavailable(f"The number sheet draws its words with {len(texts)} text operators, not one TJ.")
    fonts = [item.operands[0] for item in instructions if str(item.operator) == "Tf"]
    if len(fonts) != 1:
        raise NumberingUnavailable("The number sheet sets more than one font.")
    font = sheet.obj.Resources.Font[str(fonts[0])]
    widths, default = _glyph_widths(font)
    codes: list[bytes] = []
    adjustment = Decimal(0)
    for element in instructions[texts[0]].operands[0]:
        if isinstance(element, pikepdf.String):
            raw = bytes(element)
            if len(raw) % 2:
                raise NumberingUnavailable("A glyph code of the number sheet is not two bytes.")
            codes += [raw[i : i + 2] for i in range(0, len(raw), 2)]
        else:
            adjustment += Decimal(str(element))
    if len(codes) != len(TEMPLATE_TEXT):
        raise NumberingUnavailable(f"{len(TEMPLATE_TEXT)} characters were drawn as {len(codes)} glyphs.")
    by_character: dict[str, bytes] = {}
    for character, code in zip(TEMPLATE_TEXT, codes, strict=True):
        if by_character.setdefault(character, code) != code:
            raise NumberingUnavailable(f"{character!r} was drawn with two different glyphs.")
    advances = {code: widths.get(int.from_bytes(code, "big"), default) for code in codes}
    advance = sum((advances[code] for code in codes), Decimal(0)) - adjustment
    before = pikepdf.unparse_content_stream(instructions[: texts[0]]) + b"\n"
    after = b"\n" + pikepdf.unparse_content_stream(instructions[texts[0] + 1 :])
    return NumberTemplate(before=before, after=after, codes=by_character, widths=advances, advance=advance)


def page_label(number: int, total: int) -> str:
    return f"Page {number} of {total}"


def read_furniture(furniture: pikepdf.Pdf) -> NumberTemplate:
    """The number template of a furniture file (a static sheet, then a number sheet), or NumberingUnavailable."""
    if len(furniture.pages) != 2:
        raise NumberingUnavailable("The furniture file holds a static sheet and a number sheet.")
    template = read_template(furniture.pages[1])
    template.content(page_label(1, 1))  # every character a page label needs has its glyph
    return template


def overlay_artifact(pdf: pikepdf.Pdf, page: pikepdf.Page, names: Sequence[pikepdf.Name]) -> None:
    """Draw the named form XObjects over the page's own content, marked as a pagination artifact (PDF/UA)."""
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    shows = b"".join(b"q " + str(name).encode("ascii") + b" Do Q\n" for name in names)
    page.contents_add(pikepdf.Stream(pdf, b"\nQ\n/Artifact <</Type /Pagination>> BDC\n" + shows + b"EMC\n"))


class Numberer:
    """Stamps the furniture on pages of ``pdf``: the static form and "Page X of Y", as a pagination artifact."""

    def __init__(self, pdf: pikepdf.Pdf, furniture: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.template = read_furniture(furniture)
        static, numbers = furniture.pages
        self.static: Any = pdf.copy_foreign(static.as_form_xobject())
        resources = numbers.obj.get("/Resources", pikepdf.Dictionary())
        self.resources: Any = pdf.copy_foreign(pdf_indirect(furniture, resources))
        self.bbox = [float(value) for value in numbers.mediabox]

    def stamp(self, page: pikepdf.Page, *, number: int, total: int) -> None:
        form = pikepdf.Stream(self.pdf, self.template.content(page_label(number, total)))
        form.Type = pikepdf.Name.XObject
        form.Subtype = pikepdf.Name.Form
        form.BBox = self.bbox
        form.Resources = self.resources
        static_name = page.add_resource(self.static, pikepdf.Name.XObject, name=pikepdf.Name(FURNITURE_NAME))
        number_name = page.add_resource(
            self.pdf.make_indirect(form), pikepdf.Name.XObject, name=pikepdf.Name(f"/RDPage{number}")
        )
        overlay_artifact(self.pdf, page, [static_name, number_name])


def pdf_indirect(pdf: pikepdf.Pdf, value: Any) -> Any:
    """``value`` as an indirect object of ``pdf`` (copy_foreign copies only indirect objects)."""
    return value if value.is_indirect else pdf.make_indirect(value)


def stamp_all(pdf: pikepdf.Pdf, furniture: pikepdf.Pdf) -> int:
    """Stamp every page of ``pdf`` (numbered 1..n of n); the number of pages stamped."""
    numberer = Numberer(pdf, furniture)
    total = len(pdf.pages)
    for number, page in enumerate(pdf.pages, start=1):
        numberer.stamp(page, number=number, total=total)
    return total
