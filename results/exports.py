"""The rows of a round's results, and the file formats they are downloaded in.

    rows = export_rows(results)                 # one dict per cell, the keys EXPORT_COLUMNS
    body = FORMATS["csv"].render(rows)          # bytes; also "json" and "xlsx"

One row per org unit x indicator and per org unit x item, in the order of `RoundResults.cells`:

    unit             the org unit's code
    level            municipality, sector or unit
    indicator        the indicator's key (empty for an item of no indicator)
    item             the question key (empty on an indicator's own row)
    n                valid answers (an indicator: respondents with a score)
    estimate, se, ci_low, ci_high     the mean on the question's scale, its standard error and
                                      95 % interval
    score_0_100      the estimate on 0-100
    favourable_share share (0-1) at or above the indicator's favourable_from
    dont_know_share  share (0-1) of "vet ikke"
    suppressed       true/false
    reason           empty, under_min_group or complementary

A suppressed row has no number at all: every number column is empty (JSON null). JSON writes numbers
as numbers and empty as null; CSV and XLSX go through helhet.spreadsheets (formula-like text is
neutralised), with empty cells for null and true/false for `suppressed` (XLSX: a boolean cell).
CSV and JSON write every number in full (Python's repr); XLSX keeps 15 significant digits, as Excel.
The pages and the API use the same rows (the API: the same keys and values as the JSON).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helhet.spreadsheets import csv_bytes, xlsx_bytes
from results.services import RoundResults

EXPORT_COLUMNS = (
    "unit",
    "level",
    "indicator",
    "item",
    "n",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "score_0_100",
    "favourable_share",
    "dont_know_share",
    "suppressed",
    "reason",
)


def export_rows(results: RoundResults) -> list[dict[str, Any]]:
    """The rows of `helhet results`: dicts with the keys EXPORT_COLUMNS, None where empty."""
    return [{column: getattr(cell, column) for column in EXPORT_COLUMNS} for cell in results.cells]


def _json(rows: list[dict[str, Any]]) -> bytes:
    text = json.dumps(rows, ensure_ascii=False, indent=2, allow_nan=False)
    return (text + "\n").encode("utf-8")


def _table(rows: list[dict[str, Any]], cell) -> list[list[Any]]:
    return [list(EXPORT_COLUMNS)] + [
        [cell(row[column]) for column in EXPORT_COLUMNS] for row in rows
    ]


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _csv(rows: list[dict[str, Any]]) -> bytes:
    return csv_bytes(_table(rows, _csv_cell))


def _xlsx(rows: list[dict[str, Any]]) -> bytes:
    # None is an empty cell, a bool a boolean cell, numbers stay numbers
    return xlsx_bytes(_table(rows, lambda value: value), title="Resultater")


@dataclass(frozen=True)
class ExportFormat:
    """A download format: its name (--format), file extension, media type and how rows become
    bytes."""

    name: str
    extension: str
    mimetype: str
    binary: bool  # not for a terminal
    render: Callable[[list[dict[str, Any]]], bytes]


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("json", "json", "application/json", binary=False, render=_json),
        ExportFormat("csv", "csv", "text/csv; charset=utf-8", binary=False, render=_csv),
        ExportFormat(
            "xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            binary=True,
            render=_xlsx,
        ),
    )
}
