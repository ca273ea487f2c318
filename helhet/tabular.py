"""Reading uploaded tables (CSV) the same way everywhere, with errors that name line and column.

Used by every CSV import (org units, paper responses, figures): the file is decoded (UTF-8 with or
without BOM, else Windows-1252 as Excel writes it in Norway), the delimiter is detected among
comma, semicolon and tab, and every problem is collected as a helhet.problems.Problem (with its
`line` and `column`) so that the person sees all of them at once. An import applies nothing unless
there are no problems.

This is the edge for every CSV import, so the file is refused here, with its line, when it is
broken: a quote that is never closed (which would swallow the rest of the file into one cell),
text after a closing quote, a control character in a cell (NUL and the like: see helhet.edge;
line breaks and tabs inside a quoted cell are kept), or no rows below the header.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _

from helhet.edge import describe, first_control
from helhet.problems import Problem, ProblemsFound


class ImportFailed(ProblemsFound):
    """Nothing was imported; `problems` says every place that was wrong (its line and column)."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number, {column: stripped value})


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
    except csv.Error:
        sniffed = csv.excel
    stream = io.StringIO(text)
    reader = csv.reader(
        stream,
        csv.excel,
        delimiter=sniffed.delimiter,
        skipinitialspace=sniffed.skipinitialspace,
        strict=True,
    )
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise ImportFailed([Problem(_("The first line must name the columns."), line=1)]) from None
    if character := next((c for name in header if (c := first_control(name))), None):
        raise ImportFailed([Problem(control_character_message(character), line=1)])
    known = set(required) | set(optional or [])
    problems = [
        Problem(
            _(
                "Missing column. The file needs the columns: %(columns)s.",
                columns=", ".join(required),
            ),
            line=1,
            column=name,
        )
        for name in required
        if name not in header
    ]
    for name in header:
        if name not in known and not name.startswith(extra_prefixes):
            problems.append(Problem(_("Unknown column."), line=1, column=name or "?"))
    if len(set(header)) != len(header):
        problems.append(Problem(_("A column name appears twice."), line=1))
    if problems:
        raise ImportFailed(problems)
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
