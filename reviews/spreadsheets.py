"""Reading an uploaded CSV or XLSX file into a header and numbered rows of text.

XLSX is read with tablib (openpyxl underneath); CSV with Python's csv module, because tablib's CSV
reader drops blank lines and so would give the wrong row numbers in error lines. Row numbers are the
spreadsheet's own: the header is row 1, the first row of data row 2. A file that cannot be read
raises FileRefused with one line saying why.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import tablib
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"


class FileRefused(Exception):
    """The file as a whole cannot be read: one clear line for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells as text)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(file_name: str, data: bytes) -> Table:
    """The file's header and its non-blank rows; FileRefused when it is not CSV or XLSX, empty, or not UTF-8."""
    name = PurePath(file_name).name or "the file"
    suffix = PurePath(file_name).suffix.lower()
    if not data.strip():
        raise FileRefused(f"{name} is empty: it needs a header row and at least one row of data.")
    if data.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(name, data)
    elif data.startswith(OLD_EXCEL_MAGIC) or suffix in {".xls", ".ods", ".xlsm", ".xlsx", ".numbers"}:
        raise FileRefused(f"{name} is not a CSV or XLSX file: save it as CSV UTF-8 or as an Excel workbook (.xlsx).")
    else:
        if b"\x00" in data:
            raise FileRefused(
                f"{name} is not a CSV or XLSX file: save it as CSV UTF-8 or as an Excel workbook (.xlsx)."
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise FileRefused(
                f"{name} is not UTF-8 text (byte {error.start + 1} cannot be read): save it as 'CSV UTF-8' and try again."
            ) from None
        try:
            rows = [(i, list(row)) for i, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]
        except csv.Error as error:
            raise FileRefused(f"{name} is not a CSV file that can be read: {error}.") from None
    rows = [(number, [_text(cell) for cell in cells]) for number, cells in rows]
    rows = [(number, cells) for number, cells in rows if any(cells)]
    if not rows:
        raise FileRefused(f"{name} is empty: it needs a header row and at least one row of data.")
    (_, headers), data_rows = rows[0], rows[1:]
    while headers and not headers[-1]:
        headers.pop()
    if not data_rows:
        raise FileRefused(f"{name} has a header row but no rows of data.")
    return Table(headers=headers, rows=data_rows)


def _xlsx_rows(name: str, data: bytes) -> list[tuple[int, list[Any]]]:
    try:
        sheet = tablib.Dataset().load(data, format="xlsx", headers=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        raise FileRefused(f"{name} is not a CSV or XLSX file that can be read ({error}).") from None
    return [(i, list(row)) for i, row in enumerate(sheet, start=1)]
