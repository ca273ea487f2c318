"""Reading uploaded tables (CSV, XLSX) the same way everywhere, with errors that name their place.

Used by every CSV import (org units, paper responses, figures): the file is decoded (UTF-8 with or
without BOM, else Windows-1252 as Excel writes it in Norway), the delimiter is detected among
comma, semicolon and tab, and every problem is collected as a helhet.problems.Problem (with its
`line` and `column`) so that the person sees all of them at once. An import applies nothing unless
there are no problems. `read_xlsx` reads the first sheet of a workbook into the same Table (its
problems name sheet, row and column), with every cell as text: a number cell as plain digits with
a decimal point (never an exponent), a date as ISO 8601.

This is the edge for every CSV import, so the file is refused here, with its line, when it is
broken: a quote that is never closed (which would swallow the rest of the file into one cell),
text after a closing quote, a control character in a cell (NUL and the like: see helhet.edge;
line breaks and tabs inside a quoted cell are kept), or no rows below the header.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from flask_babel import gettext as _

from helhet.edge import describe, first_control
from helhet.problems import Problem, ProblemsFound


class ImportFailed(ProblemsFound):
    """Nothing was imported; `problems` says every place that was wrong (its line and column)."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line or row number, {column: stripped value})
    sheet: str | None = None  # the workbook's sheet (read_xlsx); None for a CSV file

    def problem(self, message: str, number: int, column: str | None = None) -> Problem:
        """A problem at a line of the CSV file (or a row of the sheet) and a column."""
        if self.sheet is None:
            return Problem(message, line=number, column=column)
        return Problem(message, sheet=self.sheet, row=number, column=column)


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(
    data: bytes | str,
    required: list[str],
    optional: list[str] | None = None,
    extra_prefixes: tuple[str, ...] = (),
) -> Table:
    """Parse a CSV file whose first line names the columns.

    Column names are matched without regard to case or surrounding space. Raises ImportFailed for
    a missing required column, an unknown column (unless it starts with one of extra_prefixes),
    or a row with more cells than the header.
    """
    text = decode(data) if isinstance(data, bytes) else data
    if not text.strip():
        raise ImportFailed([Problem(_("The file is empty."))])
    sample = text[:4096]
    try:  # only the delimiter is guessed: the quoting is Excel's (the sniffer may guess it wrong)
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter, skip_space = sniffed.delimiter, sniffed.skipinitialspace
    except csv.Error:  # e.g. a quoted cell with a line break: the header line tells
        first_line = sample.split("\n", 1)[0]
        delimiter, skip_space = max(",;\t", key=first_line.count), False
    stream = io.StringIO(text)
    reader = csv.reader(
        stream, csv.excel, delimiter=delimiter, skipinitialspace=skip_space, strict=True
    )
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise ImportFailed([Problem(_("The first line must name the columns."), line=1)]) from None
    if character := next((c for name in header if (c := first_control(name))), None):
        raise ImportFailed([Problem(control_character_message(character), line=1)])
    _check_header(Table(header, []), required, optional, extra_prefixes)
    problems: list[Problem] = []
    rows = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(_broken_line(start, exc, at_end=stream.read(1) == ""))
            break
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(
                Problem(
                    _(
                        "The line has %(found)s cells but the header has %(expected)s.",
                        found=len(cells),
                        expected=len(header),
                    ),
                    line=line,
                )
            )
            continue
        cells = cells + [""] * (len(header) - len(cells))
        for name, cell in zip(header, cells, strict=True):
            if character := first_control(cell):
                problems.append(
                    Problem(control_character_message(character), line=line, column=name)
                )
        rows.append((line, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    if not rows and not problems:
        problems.append(Problem(_("The file has column names but no rows below them.")))
    if problems:
        raise ImportFailed(problems)
    return Table(header, rows)


def _check_header(
    table: Table, required: list[str], optional: list[str] | None, extra_prefixes: tuple[str, ...]
) -> None:
    """Raise ImportFailed for a missing required column, an unknown one, or one named twice."""
    header = table.header
    known = set(required) | set(optional or [])
    problems = [
        table.problem(
            _(
                "Missing column. The file needs the columns: %(columns)s.",
                columns=", ".join(required),
            ),
            1,
            name,
        )
        for name in required
        if name not in header
    ]
    for name in header:
        if name not in known and not name.startswith(extra_prefixes):
            problems.append(table.problem(_("Unknown column."), 1, name or "?"))
    if len(set(header)) != len(header):
        problems.append(table.problem(_("A column name appears twice."), 1))
    if problems:
        raise ImportFailed(problems)


MAX_XLSX_ROWS = 100_000
MAX_XLSX_UNPACKED = 200 * 1024 * 1024  # bytes inside the zip: a small file may unpack to gigabytes


def read_xlsx(
    data: bytes,
    required: list[str],
    optional: list[str] | None = None,
    extra_prefixes: tuple[str, ...] = (),
) -> Table:
    """The first sheet of an XLSX workbook whose first row names the columns, as read_csv reads a
    CSV file (the same column rules and messages; problems name sheet, row and column).

    Raises ImportFailed for a file that is no workbook, one that unpacks to more than
    MAX_XLSX_UNPACKED bytes, a sheet of more than MAX_XLSX_ROWS rows, a control character in a
    cell, or the column problems of read_csv.
    """
    not_a_workbook = ImportFailed(
        [Problem(_("The file could not be read as an Excel workbook (.xlsx)."))]
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_a_workbook from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise ImportFailed([Problem(_("The workbook is too large to read."))])
    from openpyxl import load_workbook  # only imports that read workbooks pay for openpyxl

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl, zipfile and the XML parser each raise their own kinds
        raise not_a_workbook from None
    try:
        if not workbook.worksheets:
            raise not_a_workbook
        sheet = workbook.worksheets[0]
        try:
            raw_rows = _sheet_rows(sheet)
        except ImportFailed:
            raise
        except Exception:  # a broken sheet inside a valid zip
            raise not_a_workbook from None
    finally:
        workbook.close()
    table = Table([], [], sheet.title)
    if not raw_rows or not any(raw_rows[0]):
        raise ImportFailed([table.problem(_("The first line must name the columns."), 1)])
    header = [cell.strip().lower() for cell in raw_rows[0]]
    while header and not header[-1]:
        header.pop()
    table = Table(header, [], sheet.title)
    problems = [
        table.problem(control_character_message(c), 1)
        for name in header
        if (c := first_control(name))
    ]
    if problems:
        raise ImportFailed(problems)
    _check_header(table, required, optional, extra_prefixes)
    rows = []
    for number, cells in enumerate(raw_rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if any(c.strip() for c in cells[len(header) :]):
            problems.append(
                table.problem(_("This row has cells to the right of the named columns."), number)
            )
            continue
        cells = (cells + [""] * len(header))[: len(header)]
        for name, cell in zip(header, cells, strict=True):
            if character := first_control(cell):
                problems.append(table.problem(control_character_message(character), number, name))
        rows.append((number, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    if not rows and not problems:
        problems.append(Problem(_("The file has column names but no rows below them.")))
    if problems:
        raise ImportFailed(problems)
    return Table(header, rows, sheet.title)


def _sheet_rows(sheet) -> list[list[str]]:
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_XLSX_ROWS:
            raise ImportFailed(
                [
                    Problem(
                        _("The sheet has more than %(n)s rows.", n=MAX_XLSX_ROWS),
                        sheet=sheet.title,
                    )
                ]
            )
        rows.append([cell_text(value) for value in values])
    return rows


def cell_text(value) -> str:
    """A workbook cell as text: a number in plain digits with a decimal point (3.5, 1200,
    0.00001), a date or time in ISO 8601, TRUE or FALSE, "" for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def control_character_message(character: str) -> str:
    return _(
        "The text contains a control character (%(character)s), which cannot be stored. Remove it"
        " and try again.",
        character=describe(character),
    )


def _broken_line(line: int, error: csv.Error, at_end: bool) -> Problem:
    if at_end:  # the reader ran to the end of the file inside a quoted cell
        return Problem(
            _(
                'A quote (") on this line is never closed, so the rest of the file would be one'
                " cell."
            ),
            line=line,
        )
    return Problem(
        _(
            'The line could not be read as CSV (%(detail)s). Check its quotes (").',
            detail=str(error),
        ),
        line=line,
    )
