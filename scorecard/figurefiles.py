"""Reading figure files: CSV, XLSX and JSON-stat 2.0 (as SSB's PxWebApi returns it) into one
list of values, each with its place in the file. Nothing here touches the database: which
indicator, org unit or region a code is, and what is already stored, is services.plan_import's job.

    read_figure_file("kostra.json", content)   -> FigureFile, or raises FigureFileError
    FORMATS                                      the formats by name (one small class each)

CSV and XLSX (the first sheet) have one row per value, with the columns

    indicator   the indicator key (netto_driftsresultat)
    unit        the org unit's code (4699, 4699-helse), or a comparison region's (EKG13, EAKUO)
    period      2024, 2024T1 (tertial), 2024K1 (quarter), 2024M01 (month)
    value       12,5 or 12.5; spaces (also no-break spaces) between thousands; a minus or U+2212;
                or one of SSB's status symbols (.., ., ..., :, -) when there is no number
    status      optional: the symbol saying why a value is missing (or that it is special)
    note        optional: a short text kept with the value
    region_label  optional: the name of a comparison region (ignored for org units)

as SSB and Excel write them in Norway: `;` or `,` or tab between cells, decimal comma, UTF-8 or
Windows-1252 (helhet.tabular reads both formats). A value that is empty needs a status saying why.

JSON-stat 2.0 (https://json-stat.org/full/): a dataset whose dimensions are found by `role`
(geo: the regions, time: the periods, metric: the ContentsCode), falling back to SSB's names
(a dimension with "region" in its id, Tid, ContentsCode) when a file has no role. Every other
dimension must have one category (select one in the query). `value` is read in row-major order
of `id` and `size` (the last dimension changes fastest), as an array or as a sparse object whose
keys are the positions; `status` likewise, or one string for every cell. A cell with neither a
value nor a status says nothing and is left out (counted in `empty_cells`); a cell with a status
and no value is kept as missing, the status saying why. `unit.<code>.decimals` of the metric is
kept with each value; the table id comes from `extension.px.tableid` (or the label's
"12134: ..." prefix).

Every problem is a helhet.problems.Problem at its place (line and column, sheet/row/column, or a
JSON path such as ``dimension.Tid.category.index.2024`` or ``value[17]``), and a file with any
problem raises FigureFileError listing all of them.
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from flask_babel import gettext as _

from helhet.edge import LARGEST_NUMBER, usable_number
from helhet.problems import Problem, ProblemsFound
from helhet.tabular import ImportFailed, Table, read_csv, read_xlsx
from scorecard.labels import STATUS_TEXTS
from scorecard.periods import Period
from surveys import jsonformat

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_CELLS = 1_000_000  # SSB's API gives at most 800,000 cells per query
MAX_CODE = 64  # indicator keys, org-unit codes, ContentsCodes
MAX_STATUS = 8
MAX_NOTE = 500
MAX_LABEL = 200
COLUMNS = ["indicator", "unit", "period", "value"]
OPTIONAL_COLUMNS = ["status", "note", "region_label"]


class FigureFileError(ProblemsFound):
    """A figure file that cannot be imported; `problems` lists every place."""


@dataclass(frozen=True)
class Where:
    """Where a value is in its file: a CSV line, a sheet row, or one JSON path per field
    (indicator, unit, period, value, status)."""

    line: int | None = None
    sheet: str | None = None
    row: int | None = None
    paths: tuple[tuple[str, str], ...] = ()

    def problem(self, message: str, column: str) -> Problem:
        """A problem at this value's `column` (a field name: indicator, unit, period, value...)."""
        if self.paths:
            return Problem(message, path=dict(self.paths).get(column, dict(self.paths)["value"]))
        if self.line is not None:
            return Problem(message, line=self.line, column=column)
        return Problem(message, sheet=self.sheet, row=self.row, column=column)

    @property
    def text(self) -> str:
        """The place of the value in words (for "the same as ..." messages)."""
        return self.problem("", "value").place


@dataclass(frozen=True)
class FileFigure:
    """One value read from a file, before its codes are looked up."""

    where: Where
    code: str  # the indicator key (CSV, XLSX) or the ContentsCode (JSON-stat) as in the file
    place: str  # the org unit's or region's code
    place_label: str  # the region's name in the file ("" when it gives none)
    period: str  # canonical (scorecard.periods.Period)
    value: float | None
    status: str | None
    note: str = ""
    decimals: int | None = None


@dataclass(frozen=True)
class FigureFile:
    """What a figure file holds. `coded`: the `code` of each value is a source table's code
    (JSON-stat's ContentsCode) that is mapped to an indicator key, not the key itself."""

    format: str
    file_name: str
    figures: list[FileFigure]
    source_table: str | None = None
    coded: bool = False
    code_labels: dict[str, str] = field(default_factory=dict)  # ContentsCode -> its label
    code_paths: dict[str, str] = field(default_factory=dict)  # ContentsCode -> its JSON path
    empty_cells: int = 0


# --- numbers, statuses and texts in cells --------------------------------------------------------

_SPACES = "\u0020\u00a0\u202f\u2009"
_PLAIN = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
_GROUPED = re.compile(rf"[+-]?[0-9]{{1,3}}(?:[{_SPACES}][0-9]{{3}})+(?:[.,][0-9]+)?")


def parse_number(text: str) -> float | None:
    """A number as SSB and Excel write it in Norway (12,5 or 12.5; 1 234 567,8 with spaces or
    no-break spaces between thousands; a minus sign or U+2212), at most LARGEST_NUMBER in size;
    None for anything else (letters, 1.234,5, NaN, exponents, digits that are not ASCII)."""
    text = text.strip().replace("\u2212", "-")
    if len(text) > 40 or not (_PLAIN.fullmatch(text) or _GROUPED.fullmatch(text)):
        return None
    for space in _SPACES:
        text = text.replace(space, "")
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    if abs(number) > LARGEST_NUMBER:
        return None
    return float(number)


def _not_a_number(text: str) -> str:
    return _(
        "%(value)s is not a number Helhet can keep. Write it as 12,5 or 12.5 (spaces between"
        " thousands are fine, at most 1 000 000 000 000 000), or write a status symbol (.., .,"
        " :, -) saying why it is missing.",
        value=text[:40],
    )


def _status_problem(status: str) -> str | None:
    if len(status) > MAX_STATUS or any(c.isspace() for c in status):
        return _(
            "A status is a short symbol such as .., ., : or - (at most %(n)s characters).",
            n=MAX_STATUS,
        )
    return None


def _period_problem(text: str) -> str:
    return _(
        "%(period)s is not a period. Write a year (2024), a tertial (2024T1), a quarter (2024K1)"
        " or a month (2024M01), from 1900 to 2100.",
        period=text[:20],
    )


# --- the formats ---------------------------------------------------------------------------------


class FileFormat(ABC):
    """One kind of figure file: its name, the file name endings it has, and its reader."""

    name = ""
    extensions: tuple[str, ...] = ()

    @abstractmethod
    def read(self, content: bytes, file_name: str) -> FigureFile:
        """The figures of the file, or FigureFileError with every problem and its place."""


class TableFormat(FileFormat):
    """CSV and XLSX: one row per value (see the module docstring)."""

    @abstractmethod
    def table(self, content: bytes) -> Table:
        """The file as a table of text cells (helhet.tabular's shape)."""

    def read(self, content: bytes, file_name: str) -> FigureFile:
        try:
            table = self.table(content)
        except ImportFailed as failure:
            raise FigureFileError(failure.problems) from None
        problems: list[Problem] = []
        figures = []
        for number, cells in table.rows:
            where = (
                Where(line=number) if table.sheet is None else Where(sheet=table.sheet, row=number)
            )
            figure = _table_row(where, cells, problems)
            if figure is not None:
                figures.append(figure)
        if problems:
            raise FigureFileError(problems)
        return FigureFile(self.name, file_name, figures)


def _table_row(where: Where, cells: dict[str, str], problems: list[Problem]) -> FileFigure | None:
    found = len(problems)
    code, place, period_text = cells["indicator"], cells["unit"], cells["period"]
    for column, text in (("indicator", code), ("unit", place)):
        if not text:
            problems.append(where.problem(_("This cell is empty."), column))
        elif len(text) > MAX_CODE:
            problems.append(
                where.problem(_("A code has at most %(n)s characters.", n=MAX_CODE), column)
            )
    period = Period.parse(period_text)
    if period is None:
        problems.append(where.problem(_period_problem(period_text), "period"))
    status = cells.get("status", "") or None
    if status is not None and (message := _status_problem(status)):
        problems.append(where.problem(message, "status"))
    raw = cells["value"]
    value = None
    if raw in STATUS_TEXTS:  # SSB writes the symbol where the number would be
        if status is not None and status != raw:
            problems.append(
                where.problem(
                    _(
                        "The value cell holds the status %(value)s but the status column says"
                        " %(status)s.",
                        value=raw,
                        status=status,
                    ),
                    "value",
                )
            )
        status = raw
    elif raw:
        value = parse_number(raw)
        if value is None:
            problems.append(where.problem(_not_a_number(raw), "value"))
    elif status is None:
        problems.append(
            where.problem(
                _(
                    "The value is empty. Write the number, or a status symbol (.., ., :, -) that"
                    " says why it is missing."
                ),
                "value",
            )
        )
    note = cells.get("note", "")
    if len(note) > MAX_NOTE:
        problems.append(
            where.problem(_("A note has at most %(n)s characters.", n=MAX_NOTE), "note")
        )
    label = cells.get("region_label", "")
    if len(label) > MAX_LABEL:
        problems.append(
            where.problem(_("A name has at most %(n)s characters.", n=MAX_LABEL), "region_label")
        )
    if len(problems) > found:
        return None
    return FileFigure(where, code, place, label, str(period), value, status, note)


class CsvFormat(TableFormat):
    name = "csv"
    extensions = (".csv", ".txt")

    def table(self, content: bytes) -> Table:
        return read_csv(content, COLUMNS, OPTIONAL_COLUMNS)


class XlsxFormat(TableFormat):
    name = "xlsx"
    extensions = (".xlsx",)

    def table(self, content: bytes) -> Table:
        return read_xlsx(content, COLUMNS, OPTIONAL_COLUMNS)


class JsonStatFormat(FileFormat):
    name = "json-stat"
    extensions = (".json",)

    def read(self, content: bytes, file_name: str) -> FigureFile:
        if content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (b"{", b""):
            raise FigureFileError([Problem(_("The file is not a JSON-stat dataset."), path="")])
        try:
            data = jsonformat.loads(content)
        except ProblemsFound as failure:  # not UTF-8, not JSON, empty, nested too deep
            raise FigureFileError(failure.problems) from None
        problems = jsonformat.hostile_values(data)  # NaN, infinities, huge numbers, NUL...
        if problems:
            raise FigureFileError(problems)
        return _Dataset(data, file_name).read()


FORMATS: dict[str, FileFormat] = {f.name: f for f in (CsvFormat(), XlsxFormat(), JsonStatFormat())}


def format_for(file_name: str, content: bytes) -> FileFormat:
    """The format a file is in: by its name's ending, else a JSON object is JSON-stat, a zip is
    XLSX, and anything else is read as CSV."""
    suffix = PurePath(file_name).suffix.lower()
    for candidate in FORMATS.values():
        if suffix in candidate.extensions:
            return candidate
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:2]
    if start[:1] == b"{":
        return FORMATS["json-stat"]
    if start == b"PK":
        return FORMATS["xlsx"]
    return FORMATS["csv"]


def read_figure_file(file_name: str, content: bytes) -> FigureFile:
    """Every value of the file; raises FigureFileError (listing every problem) if any is wrong."""
    if len(content) > MAX_FILE_BYTES:
        raise FigureFileError(
            [
                Problem(
                    _(
                        "The file is larger than %(n)s MB. Import it in parts.",
                        n=MAX_FILE_BYTES // (1024 * 1024),
                    )
                )
            ]
        )
    if not content.strip():
        raise FigureFileError([Problem(_("The file is empty."))])
    return format_for(file_name, content).read(content, file_name)


# --- JSON-stat 2.0 -------------------------------------------------------------------------------

_TABLE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_LABEL_TABLE = re.compile(r"([0-9]{5}):")
_ROLE_FALLBACKS = {
    "metric": lambda ids: [i for i in ids if i == "ContentsCode"],
    "time": lambda ids: [i for i in ids if i == "Tid"],
    "geo": lambda ids: [i for i in ids if "region" in i.lower()],
}


@dataclass
class _Dimension:
    id: str
    codes: list[str]
    code_paths: list[str]  # the JSON path of each category
    labels: dict[str, str]


def _path(*parts) -> str:
    return jsonformat.format_path(list(parts))


class _Dataset:
    """One JSON-stat dataset being read; problems gather in self.problems."""

    def __init__(self, data: dict, file_name: str):
        self.data = data
        self.file_name = file_name
        self.problems: list[Problem] = []

    def fail(self, message: str, *path) -> None:
        self.problems.append(Problem(message, path=_path(*path)))

    def stop_if_problems(self) -> None:
        if self.problems:
            raise FigureFileError(self.problems)

    def read(self) -> FigureFile:
        data = self.data
        if "dataset" in data and "id" not in data:
            self.fail(
                _(
                    "This is JSON-stat 1 (a bundle of datasets). Ask SSB's API for json-stat2"
                    ' ("outputFormat=json-stat2" or "format": "json-stat2").'
                )
            )
            self.stop_if_problems()
        if data.get("class", "dataset") != "dataset":
            self.fail(_("Helhet reads a JSON-stat dataset (class dataset)."), "class")
        version = data.get("version")
        if version is not None and not (isinstance(version, str) and version.startswith("2")):
            self.fail(_("Helhet reads JSON-stat version 2.0."), "version")
        ids, sizes = self.read_id_and_size()
        self.stop_if_problems()
        dimensions = [self.read_dimension(i, dim_id, sizes[i]) for i, dim_id in enumerate(ids)]
        self.stop_if_problems()
        roles = self.read_roles(ids)
        self.stop_if_problems()
        by_id = {d.id: d for d in dimensions}
        for position, dimension in enumerate(dimensions):
            if dimension.id not in roles.values() and len(dimension.codes) != 1:
                self.fail(
                    _(
                        "The dimension %(dimension)s has %(n)s categories. Helhet takes one value"
                        " per indicator, region and period: select one category of"
                        " %(dimension)s in the query.",
                        dimension=dimension.id,
                        n=len(dimension.codes),
                    ),
                    "size",
                    position,
                )
        total = math.prod(sizes)
        if total > MAX_CELLS:
            self.fail(
                _("The dataset has more than %(n)s cells. Import it in parts.", n=MAX_CELLS),
                "size",
            )
        self.stop_if_problems()
        metric, geo, time = by_id[roles["metric"]], by_id[roles["geo"]], by_id[roles["time"]]
        periods = self.read_periods(time)
        decimals = self.read_decimals(metric)
        values, value_kind = self.read_values(total)
        statuses = self.read_statuses(total)
        self.stop_if_problems()
        strides = [math.prod(sizes[i + 1 :]) for i in range(len(sizes))]
        figures = []
        if value_kind == "array" or isinstance(statuses, str):
            positions: range | list[int] = range(total)
        else:  # a sparse object: only the cells it names (with a value or a status)
            positions = sorted(set(values) | set(statuses))
        empty = total - len(positions)
        place = {d.id: ids.index(d.id) for d in (metric, geo, time)}
        for position in positions:
            value = values.get(position) if isinstance(values, dict) else values[position]
            status = statuses.get(position) if isinstance(statuses, dict) else statuses
            if value is None and status is None:
                empty += 1
                continue
            index = [(position // strides[i]) % sizes[i] for i in range(len(sizes))]
            code = metric.codes[index[place[metric.id]]]
            region = geo.codes[index[place[geo.id]]]
            period = periods[index[place[time.id]]]
            value_path = (
                _path("value", position) if value_kind == "array" else _path("value", str(position))
            )
            where = Where(
                paths=(
                    ("indicator", metric.code_paths[index[place[metric.id]]]),
                    ("unit", geo.code_paths[index[place[geo.id]]]),
                    ("period", time.code_paths[index[place[time.id]]]),
                    ("value", value_path),
                )
            )
            figures.append(
                FileFigure(
                    where,
                    code,
                    region,
                    geo.labels.get(region, "")[:MAX_LABEL],
                    period,
                    value,
                    status,
                    decimals=decimals.get(code),
                )
            )
        return FigureFile(
            JsonStatFormat.name,
            self.file_name,
            figures,
            source_table=self.table_id(),
            coded=True,
            code_labels={c: metric.labels.get(c, "") for c in metric.codes},
            code_paths=dict(zip(metric.codes, metric.code_paths, strict=True)),
            empty_cells=empty,
        )

    def read_id_and_size(self) -> tuple[list[str], list[int]]:
        ids, sizes = self.data.get("id"), self.data.get("size")
        if not (isinstance(ids, list) and ids and all(isinstance(i, str) and i for i in ids)):
            self.fail(_("id must list the dataset's dimensions (texts), in order."), "id")
            ids = []
        elif len(set(ids)) != len(ids):
            self.fail(_("A dimension is named twice in id."), "id")
        if not (
            isinstance(sizes, list)
            and all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes)
        ):
            self.fail(_("size must list the number of categories of each dimension."), "size")
            sizes = []
        elif ids and len(sizes) != len(ids):
            self.fail(
                _(
                    "size has %(found)s numbers but id names %(expected)s dimensions.",
                    found=len(sizes),
                    expected=len(ids),
                ),
                "size",
            )
        if not isinstance(self.data.get("dimension"), dict):
            self.fail(_("dimension must be an object describing each dimension."), "dimension")
        return ids, sizes

    def read_dimension(self, position: int, dim_id: str, size: int) -> _Dimension:
        dimension = self.data["dimension"].get(dim_id)
        if not isinstance(dimension, dict) or not isinstance(dimension.get("category"), dict):
            self.fail(
                _(
                    "The dimension %(dimension)s named in id is not described here.",
                    dimension=dim_id,
                ),
                "dimension",
                dim_id,
            )
            return _Dimension(dim_id, [], [], {})
        category = dimension["category"]
        index = category.get("index")
        labels = category.get("label") if isinstance(category.get("label"), dict) else {}
        base = ("dimension", dim_id, "category", "index")
        codes: list[str] = []
        paths: list[str] = []
        if isinstance(index, list) and all(isinstance(c, str) for c in index):
            codes = list(index)
            paths = [_path(*base, i) for i in range(len(codes))]
        elif isinstance(index, dict) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in index.values()
        ):
            if sorted(index.values()) != list(range(len(index))):
                self.fail(_("The positions in index must be 0, 1, 2... each once."), *base)
            codes = sorted(index, key=index.get)
            paths = [_path(*base, code) for code in codes]
        elif index is None and len(labels) == 1:  # a constant dimension may give only its label
            codes = list(labels)
            paths = [_path("dimension", dim_id, "category", "label", codes[0])]
        else:
            self.fail(
                _("index must list the categories (a list of codes, or code: position)."), *base
            )
        if len(set(codes)) != len(codes):
            self.fail(_("A category is listed twice."), *base)
        if codes and len(codes) != size:
            self.fail(
                _(
                    "size says %(size)s categories for %(dimension)s, but it has %(n)s.",
                    size=size,
                    dimension=dim_id,
                    n=len(codes),
                ),
                "size",
                position,
            )
        clean_labels = {k: v for k, v in labels.items() if isinstance(v, str)}
        return _Dimension(dim_id, codes, paths, clean_labels)

    def read_roles(self, ids: list[str]) -> dict[str, str]:
        role = self.data.get("role")
        if role is not None and not isinstance(role, dict):
            self.fail(_("role must be an object (time, geo, metric)."), "role")
            role = {}
        role = role or {}
        found = {}
        names = {
            "geo": _("the regions (geo)"),
            "time": _("the periods (time)"),
            "metric": _("the indicators (metric, ContentsCode)"),
        }
        for kind in ("geo", "time", "metric"):
            listed = role.get(kind)
            if listed is None:
                listed = _ROLE_FALLBACKS[kind](ids)
            elif not (isinstance(listed, list) and all(isinstance(i, str) for i in listed)):
                self.fail(_("A role lists dimension ids."), "role", kind)
                continue
            unknown = [i for i in listed if i not in ids]
            if unknown:
                self.fail(
                    _("%(dimension)s is not a dimension of the dataset.", dimension=unknown[0]),
                    "role",
                    kind,
                )
            elif len(listed) != 1:
                self.fail(
                    _(
                        "Helhet needs exactly one dimension for %(what)s; found %(n)s.",
                        what=names[kind],
                        n=len(listed),
                    ),
                    "role",
                    kind,
                )
            else:
                found[kind] = listed[0]
        if len(set(found.values())) != len(found):
            self.fail(_("One dimension has two roles."), "role")
        return found

    def read_periods(self, time: _Dimension) -> list[str]:
        periods = []
        for code, path in zip(time.codes, time.code_paths, strict=True):
            period = Period.parse(code)
            if period is None:
                self.problems.append(Problem(_period_problem(code), path=path))
            periods.append(str(period) if period else code)
        return periods

    def read_decimals(self, metric: _Dimension) -> dict[str, int]:
        units = self.data["dimension"][metric.id]["category"].get("unit")
        if units is None:
            return {}
        base = ("dimension", metric.id, "category", "unit")
        if not isinstance(units, dict):
            self.fail(_("unit must be an object: code -> its unit."), *base)
            return {}
        decimals = {}
        for code, unit in units.items():
            if not isinstance(unit, dict) or "decimals" not in unit:
                continue
            number = unit["decimals"]
            if isinstance(number, int) and not isinstance(number, bool) and 0 <= number <= 15:
                decimals[code] = number
            else:
                self.fail(
                    _("decimals must be a whole number from 0 to 15."), *base, code, "decimals"
                )
        return decimals

    def read_values(self, total: int) -> tuple[list | dict, str]:
        """The values by position (a list, or a dict for a sparse object), and which it was."""
        raw = self.data.get("value")
        if isinstance(raw, list):
            if len(raw) != total:
                self.fail(
                    _(
                        "value has %(found)s numbers, but the sizes give %(expected)s cells.",
                        found=len(raw),
                        expected=total,
                    ),
                    "value",
                )
                return [], "array"
            for position, value in enumerate(raw):
                self.check_value(value, "value", position)
            return raw, "array"
        if isinstance(raw, dict):
            values = {}
            for key, value in raw.items():
                position = self.position(key, total, "value")
                if position is not None:
                    self.check_value(value, "value", key)
                    values[position] = value
            return values, "object"
        self.fail(_("value must be a list of numbers, or an object position: number."), "value")
        return [], "array"

    def check_value(self, value, *path) -> None:
        if value is None or usable_number(value):
            return
        if isinstance(value, jsonformat.Unusable) or (
            isinstance(value, int | float) and not isinstance(value, bool)
        ):
            return  # NaN, an infinity or a huge number: hostile_values refused it at this path
        self.fail(_("A value must be a number or null."), *path)

    def position(self, key: str, total: int, name: str) -> int | None:
        if not (key.isascii() and key.isdigit() and len(key) <= 9 and int(key) < total):
            self.fail(
                _(
                    "%(key)s is not a position in the dataset (0 to %(last)s).",
                    key=key[:20],
                    last=total - 1,
                ),
                name,
            )
            return None
        return int(key)

    def read_statuses(self, total: int) -> dict[int, str] | str:
        """The statuses by position, or one status for every cell."""
        raw = self.data.get("status")
        if isinstance(raw, list) and len(raw) == 1 and total != 1:  # the deprecated form of one
            raw = raw[0]
        if raw is None:
            return {}
        if isinstance(raw, str):
            self.check_status(raw, "status")
            return raw
        if isinstance(raw, list):
            if len(raw) != total:
                self.fail(
                    _(
                        "status has %(found)s entries, but the sizes give %(expected)s cells.",
                        found=len(raw),
                        expected=total,
                    ),
                    "status",
                )
                return {}
            found = {}
            for position, status in enumerate(raw):
                if status is not None:
                    self.check_status(status, "status", position)
                    found[position] = status
            return found
        if isinstance(raw, dict):
            found = {}
            for key, status in raw.items():
                position = self.position(key, total, "status")
                if position is not None and status is not None:
                    self.check_status(status, "status", key)
                    found[position] = status
            return found
        self.fail(_("status must be a text, a list or an object position: text."), "status")
        return {}

    def check_status(self, status, *path) -> None:
        if not isinstance(status, str) or not status:
            self.fail(_("A status must be a text such as .. or :."), *path)
        elif message := _status_problem(status):
            self.fail(message, *path)

    def table_id(self) -> str | None:
        extension = self.data.get("extension")
        px = extension.get("px") if isinstance(extension, dict) else None
        table = px.get("tableid") if isinstance(px, dict) else None
        if isinstance(table, str) and _TABLE_ID.fullmatch(table):
            return table
        label = self.data.get("label")
        match = _LABEL_TABLE.match(label) if isinstance(label, str) else None
        return match.group(1) if match else None
