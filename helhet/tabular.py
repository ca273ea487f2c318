"""Reading uploaded tables (CSV) the same way everywhere, with errors that name line and column.

Used by every CSV import (org units, paper responses, figures): the file is decoded (UTF-8 with or
without BOM, else Windows-1252 as Excel writes it in Norway), the delimiter is detected among
comma, semicolon and tab, and every problem is collected as a RowError so that the person sees all
of them at once. An import applies nothing unless there are no errors.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _


@dataclass(frozen=True)
class RowError:
    line: int | None  # 1-based line in the file (the header is line 1)
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.line and self.column:
            return _("Line %(line)s, column %(column)s: %(message)s", line=self.line, column=self.column, message=self.message)
        if self.line:
            return _("Line %(line)s: %(message)s", line=self.line, message=self.message)
        if self.column:
            return _("Column %(column)s: %(message)s", column=self.column, message=self.message)
        return self.message


class ImportFailed(Exception):
    """Nothing was imported; `errors` says every place that was wrong."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number, {column: stripped value})


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(data: bytes | str, required: list[str], optional: list[str] | None = None,
             extra_prefixes: tuple[str, ...] = ()) -> Table:
    """Parse a CSV file whose first line names the columns.

    Column names are matched without regard to case or surrounding space. Raises ImportFailed for
    a missing required column, an unknown column (unless it starts with one of extra_prefixes),
    or a row with more cells than the header.
    """
    text = decode(data) if isinstance(data, bytes) else data
    if not text.strip():
        raise ImportFailed([RowError(None, None, _("The file is empty."))])
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise ImportFailed([RowError(1, None, _("The first line must name the columns."))]) from None
    known = set(required) | set(optional or [])
    errors = [
        RowError(1, name, _("Missing column. The file needs the columns: %(columns)s.", columns=", ".join(required)))
        for name in required if name not in header
    ]
    for name in header:
        if name not in known and not name.startswith(extra_prefixes):
            errors.append(RowError(1, name or "?", _("Unknown column.")))
    if len(set(header)) != len(header):
        errors.append(RowError(1, None, _("A column name appears twice.")))
    if errors:
        raise ImportFailed(errors)
    rows = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                errors.append(RowError(line, None, _("The line has %(found)s cells but the header has %(expected)s.", found=len(cells), expected=len(header))))
                continue
            cells = cells + [""] * (len(header) - len(cells))
            rows.append((line, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, None, _("The file could not be read as CSV (%(detail)s).", detail=str(exc))))
    if errors:
        raise ImportFailed(errors)
    return Table(header, rows)
