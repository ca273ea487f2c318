"""Writes of the scorecard: figure indicators, the starter set, figure imports and uploads.
Every function flushes and never commits (the route or command commits once); an
administrator's change records itself in the audit log.

Indicators
    save_indicator(indicator_or_None, IndicatorData(...))   create or edit a figure indicator
    import_indicators_csv(content)                        create or update many (all or nothing)
    install_starter_indicators()                          the starter set, where keys are missing

Figures (all or nothing, in two steps so that a person can look first)
    plan = plan_import("kostra.json", content, {"KOSnettodriftsres0000": "netto_driftsresultat"})
    plan.problems                      every problem, at its place; nothing can be imported then
    plan.added / .changed / .unchanged what an import would do (PlannedFigure)
    summary = apply_import(plan)       writes it (raises ImportRejected if plan.problems)

How a value finds its place. The indicator: the key in a CSV/XLSX file; in a JSON-stat file the
ContentsCode, through the map given with the import (code -> key, or None to leave the code
out), else the map saved for the source table by an earlier import, else the code itself if it is
an indicator key. The place: an org unit with that code, else a comparison region with that code,
else a new comparison region if the code has one of SSB's shapes (scorecard.regions). The period
is canonical (scorecard.periods). A value already stored for the same indicator, place and period
is `unchanged` when its value, status and note are the same; otherwise the import adds the next
revision (`changed`) and the earlier ones stay.

Uploads (the import page): keep_upload() between the preview and the confirmation; the
confirmation plans again and imports only if the plan is the one the person saw
(ImportPlan.fingerprint), then forget_upload().
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath

from flask_babel import gettext as _
from sqlalchemy import delete

from helhet import audit
from helhet import queries as core_queries
from helhet.edge import strip_controls
from helhet.extensions import db
from helhet.models import OrgUnit, User, utcnow
from helhet.problems import HelhetError, Problem, ProblemsFound
from helhet.tabular import ImportFailed, read_csv
from scorecard import queries
from scorecard.figurefiles import FigureFileError, FileFigure, Where, read_figure_file
from scorecard.labels import DIMENSION_WORDS, DIRECTION_WORDS, MEASURE_WORDS
from scorecard.models import (
    ComparisonRegion,
    Dimension,
    Direction,
    Figure,
    FigureIndicator,
    FigureSeries,
    FigureUpload,
    Measure,
    SourceMapping,
)
from scorecard.regions import SHAPES_TEXT, default_label, is_region_code
from scorecard.starter import STARTER_INDICATORS

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
MAX_DECIMALS = 6
MAX_NAME = 200
MAX_DESCRIPTION = 2000
MAX_SOURCE = 200
LANGUAGES = ("nb", "nn", "en")


class ScorecardError(HelhetError):
    """A change to the catalogue or an import that is not allowed (message, field)."""


class ImportRejected(ProblemsFound):
    """Nothing was imported; `problems` lists every place."""


# --- indicators ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorData:
    """What a person gives for a figure indicator (the form, the CSV file)."""

    key: str
    name: dict[str, str]
    dimension: Dimension
    measure: Measure
    direction: Direction
    decimals: int = 1
    description: dict[str, str] = field(default_factory=dict)
    source: str = ""


def indicator_problems(data: IndicatorData) -> list[ScorecardError]:
    """Everything wrong with `data` (empty when it can be saved), each naming its field."""
    found = []
    if not KEY_PATTERN.fullmatch(data.key):
        found.append(
            ScorecardError(
                _(
                    "A key is lower-case letters a-z, digits and _ (at most 64), starting with a"
                    " letter: e.g. netto_driftsresultat."
                ),
                "key",
            )
        )
    if not (data.name.get("nb") or "").strip():
        found.append(ScorecardError(_("Write the name in bokmål."), "name_nb"))
    for lang in LANGUAGES:
        if len(data.name.get(lang) or "") > MAX_NAME:
            found.append(
                ScorecardError(
                    _("A name has at most %(n)s characters.", n=MAX_NAME), f"name_{lang}"
                )
            )
        if len(data.description.get(lang) or "") > MAX_DESCRIPTION:
            found.append(
                ScorecardError(
                    _("A description has at most %(n)s characters.", n=MAX_DESCRIPTION),
                    f"description_{lang}",
                )
            )
    if not 0 <= data.decimals <= MAX_DECIMALS:
        found.append(
            ScorecardError(_("Write a whole number from 0 to %(n)s.", n=MAX_DECIMALS), "decimals")
        )
    if len(data.source) > MAX_SOURCE:
        found.append(
            ScorecardError(_("A source has at most %(n)s characters.", n=MAX_SOURCE), "source")
        )
    return found


def _texts(texts: dict[str, str]) -> dict[str, str]:
    return {lang: (texts.get(lang) or "").strip() for lang in LANGUAGES if texts.get(lang)}


def _fill(indicator: FigureIndicator, data: IndicatorData) -> None:
    indicator.name = _texts(data.name)
    indicator.description = _texts(data.description)
    indicator.dimension = data.dimension
    indicator.measure = data.measure
    indicator.direction = data.direction
    indicator.decimals = data.decimals
    indicator.source = data.source.strip()


def save_indicator(indicator: FigureIndicator | None, data: IndicatorData) -> FigureIndicator:
    """Create a figure indicator (indicator None) or change one. Its key is fixed once created
    (goals and figures refer to it), so `data.key` is only read for a new one. Raises
    ScorecardError for the first problem."""
    if indicator is not None:
        data = IndicatorData(**{**data.__dict__, "key": indicator.key})
    problems = indicator_problems(data)
    if problems:
        raise problems[0]
    if indicator is None:
        if queries.figure_indicator(data.key) is not None:
            raise ScorecardError(
                _("Another indicator already has the key %(key)s.", key=data.key), "key"
            )
        indicator = FigureIndicator(key=data.key)
        db.session.add(indicator)
        action = "indicator.created"
    else:
        action = "indicator.changed"
    _fill(indicator, data)
    db.session.flush()
    audit.record(action, indicator.key)
    return indicator


def install_starter_indicators() -> list[str]:
    """Add the starter set's indicators whose keys the database lacks (scorecard.starter); an
    indicator already there is left as it is. Returns the keys added."""
    added = []
    for entry in STARTER_INDICATORS:
        if queries.figure_indicator(entry["key"]) is None:
            indicator = FigureIndicator(key=entry["key"])
            _fill(indicator, IndicatorData(**entry))
            db.session.add(indicator)
            added.append(entry["key"])
    db.session.flush()
    return added


INDICATOR_COLUMNS = ["key", "name_nb", "dimension", "measure", "direction"]
INDICATOR_OPTIONAL = [
    "name_nn",
    "name_en",
    "decimals",
    "description_nb",
    "description_nn",
    "description_en",
    "source",
    "kind",  # as `helhet indicators list --format csv` writes it: survey rows are left out
]


@dataclass(frozen=True)
class IndicatorImportSummary:
    created: int
    updated: int


def import_indicators_csv(content: bytes | str) -> IndicatorImportSummary:
    """Create or update figure indicators from a CSV file (all or nothing; raises ImportFailed
    listing every problem with its line and column). The columns are INDICATOR_COLUMNS and,
    optionally, INDICATOR_OPTIONAL; an optional column left out of the file leaves that field
    of an existing indicator as it is. dimension, measure and direction take the stored values
    and their Norwegian words (scorecard.labels). Rows of kind "survey" (the list command's CSV
    has them) are left out."""
    table = read_csv(content, INDICATOR_COLUMNS, INDICATOR_OPTIONAL)
    problems: list[Problem] = []
    rows: list[tuple[FigureIndicator | None, IndicatorData]] = []
    seen: dict[str, int] = {}
    survey_keys = None
    for line, cells in table.rows:
        found = len(problems)
        key = cells["key"]
        kind = cells.get("kind", "").strip().lower()
        if kind == "survey":
            continue  # a survey indicator is defined in its questionnaire
        if kind not in ("", "figure"):
            problems.append(
                table.problem(_("The kind is figure (or survey, which is left out)."), line, "kind")
            )
            continue
        if key in seen:
            problems.append(
                table.problem(
                    _("The key %(key)s is also on line %(other)s.", key=key, other=seen[key]),
                    line,
                    "key",
                )
            )
        seen.setdefault(key, line)
        if "." in key:
            survey_keys = survey_keys or {e.key for e in queries.survey_indicators()}
            if key in survey_keys:
                problems.append(
                    table.problem(
                        _(
                            "%(key)s is a survey indicator: it is defined in its questionnaire.",
                            key=key,
                        ),
                        line,
                        "key",
                    )
                )
                continue
        existing = queries.figure_indicator(key) if KEY_PATTERN.fullmatch(key) else None
        words = {}
        for column, vocabulary in (
            ("dimension", DIMENSION_WORDS),
            ("measure", MEASURE_WORDS),
            ("direction", DIRECTION_WORDS),
        ):
            words[column] = vocabulary.get(cells[column].strip().lower())
            if words[column] is None:
                problems.append(
                    table.problem(
                        _(
                            "%(value)s is not one of: %(allowed)s.",
                            value=cells[column][:40] or '""',
                            allowed=", ".join(dict.fromkeys(v.value for v in vocabulary.values())),
                        ),
                        line,
                        column,
                    )
                )
        decimals = existing.decimals if existing else 1
        if "decimals" in table.header and cells["decimals"]:
            text = cells["decimals"]
            if text.isascii() and text.isdigit() and int(text) <= MAX_DECIMALS:
                decimals = int(text)
            else:
                problems.append(
                    table.problem(
                        _("Write a whole number from 0 to %(n)s.", n=MAX_DECIMALS),
                        line,
                        "decimals",
                    )
                )
        if len(problems) > found:
            continue

        data = IndicatorData(
            key=key,
            name=_row_texts(table, cells, "name", existing.name if existing else {}),
            dimension=words["dimension"],
            measure=words["measure"],
            direction=words["direction"],
            decimals=decimals,
            description=_row_texts(
                table, cells, "description", existing.description if existing else {}
            ),
            source=cells["source"]
            if "source" in table.header
            else (existing.source if existing else ""),
        )
        for error in indicator_problems(data):
            column = error.field if error.field in table.header else None
            problems.append(table.problem(error.message, line, column or "key"))
        rows.append((existing, data))
    if problems:
        raise ImportFailed(problems)
    created = updated = 0
    for existing, data in rows:
        indicator = existing
        if indicator is None:
            indicator = FigureIndicator(key=data.key)
            db.session.add(indicator)
            created += 1
        else:
            updated += 1
        _fill(indicator, data)
    db.session.flush()
    audit.record("indicators.imported", "", created=created, updated=updated)
    return IndicatorImportSummary(created, updated)


def _row_texts(table, cells: dict[str, str], prefix: str, current: dict) -> dict[str, str]:
    """The texts of a CSV row by language; a language whose column the file lacks keeps the
    current text."""
    return {
        lang: cells[f"{prefix}_{lang}"]
        if f"{prefix}_{lang}" in table.header
        else (current or {}).get(lang, "")
        for lang in LANGUAGES
    }


# --- figure imports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Previous:
    """The current figure an import would replace or keep."""

    revision: int
    value: float | None
    status: str | None
    note: str
    imported_at: datetime


@dataclass(frozen=True)
class PlannedFigure:
    """One value of the file, as the import would store it."""

    indicator: str
    place: str  # the org unit's or region's code
    place_name: str
    is_region: bool
    period: str
    value: float | None
    status: str | None
    note: str
    decimals: int | None
    action: str  # "added", "changed" (a new revision) or "unchanged"
    revision: int  # the revision it would be stored as (unchanged: the current one)
    previous: Previous | None

    def as_dict(self) -> dict:
        row = {
            "indicator": self.indicator,
            "unit": None if self.is_region else self.place,
            "region": self.place if self.is_region else None,
            "period": self.period,
            "value": self.value,
            "status": self.status,
            "note": self.note,
            "revision": self.revision,
        }
        if self.previous is not None:
            row["previous"] = {
                "revision": self.previous.revision,
                "value": self.previous.value,
                "status": self.previous.status,
            }
        return row


@dataclass(frozen=True)
class ImportPlan:
    """What importing a file would do, and every problem that stops it."""

    file_name: str
    format: str
    source_table: str | None = None
    figures: list[PlannedFigure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_regions: list[tuple[str, str]] = field(default_factory=list)  # (code, label)
    renamed_regions: list[tuple[str, str, str]] = field(default_factory=list)  # code, old, new
    mappings: dict[str, str | None] = field(default_factory=dict)  # ContentsCode -> key used
    saved_mappings: dict[str, str | None] = field(default_factory=dict)  # to keep for the table
    code_labels: dict[str, str] = field(default_factory=dict)
    empty_cells: int = 0  # cells with neither value nor status (JSON-stat), left out
    left_out: int = 0  # values of ContentsCodes mapped to nothing (CODE=-)

    @property
    def added(self) -> list[PlannedFigure]:
        return [f for f in self.figures if f.action == "added"]

    @property
    def changed(self) -> list[PlannedFigure]:
        return [f for f in self.figures if f.action == "changed"]

    @property
    def unchanged(self) -> list[PlannedFigure]:
        return [f for f in self.figures if f.action == "unchanged"]

    @property
    def fingerprint(self) -> str:
        """A digest of everything the import would write: the same file planned against a
        database that changed meanwhile gives another fingerprint."""
        data = {
            "figures": [f.as_dict() | {"action": f.action} for f in self.figures],
            "regions": self.new_regions,
            "renamed": self.renamed_regions,
            "maps": sorted((k, v or "-") for k, v in self.saved_mappings.items()),
            "problems": [p.as_dict() for p in self.problems],
        }
        text = json.dumps(data, sort_keys=True, ensure_ascii=True, default=repr)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def as_dict(self) -> dict:
        """The report as `helhet figures import --format json` prints it."""
        return {
            "file": self.file_name,
            "format": self.format,
            "table": self.source_table,
            "added": [f.as_dict() for f in self.added],
            "changed": [f.as_dict() for f in self.changed],
            "unchanged": len(self.unchanged),
            "empty_cells": self.empty_cells,
            "left_out": self.left_out,
            "new_regions": [{"code": c, "label": label} for c, label in self.new_regions],
            "renamed_regions": [
                {"code": c, "from": old, "to": new} for c, old, new in self.renamed_regions
            ],
            "map": {code: key or "-" for code, key in self.mappings.items()},
            "rejected": [p.as_dict() | {"place": p.place} for p in self.problems],
        }


@dataclass(frozen=True)
class ImportSummary:
    added: int
    changed: int
    unchanged: int
    regions: int


def clean_file_name(name: str) -> str:
    """A file's name as we keep it: no folders, no control characters, at most 255 characters."""
    name = PurePath(strip_controls(name or "", newlines=False).replace("\\", "/")).name
    return name[:255] or "file"


def parse_mapping(text: str) -> tuple[str, str | None]:
    """CODE=KEY (or CODE=- to leave the code out) as (code, key or None); raises ScorecardError."""
    code, sep, key = text.strip().partition("=")
    code, key = code.strip(), key.strip()
    if (
        not sep
        or not CODE_PATTERN.fullmatch(code)
        or not (key == "-" or KEY_PATTERN.fullmatch(key))
    ):
        raise ScorecardError(
            _(
                "Write each map as CODE=INDICATOR_KEY (or CODE=- to leave the code out): %(text)s",
                text=text.strip()[:80],
            ),
            "mappings",
        )
    return code, None if key == "-" else key


def plan_import(
    file_name: str, content: bytes, mappings: dict[str, str | None] | None = None
) -> ImportPlan:
    """What importing the file would add, change and leave, and every problem (never raises for
    a bad file: the problems are in the plan). `mappings`: ContentsCode -> indicator key, or None
    to leave the code out (JSON-stat only). Writes nothing."""
    file_name = clean_file_name(file_name)
    mappings = dict(mappings or {})
    try:
        figure_file = read_figure_file(file_name, content)
    except FigureFileError as failure:
        return ImportPlan(file_name, "", problems=_unique(failure.problems))
    return _Planner(figure_file, mappings).plan()


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


class _Planner:
    def __init__(self, figure_file, mappings: dict[str, str | None]):
        self.file = figure_file
        self.explicit = mappings
        self.problems: list[Problem] = []

    def plan(self) -> ImportPlan:
        figure_file = self.file
        indicators = {i.key: i for i in queries.figure_indicators()}
        code_to_key, saved = self.resolve_codes(indicators)
        units = {u.code: u for u in core_queries.all_units()}
        regions = {r.code: r for r in queries.comparison_regions()}
        new_regions: dict[str, str] = {}
        renamed: dict[str, tuple[str, str]] = {}
        survey_keys: set[str] | None = None
        resolved: list[tuple[FileFigure, FigureIndicator, str, object]] = []
        seen: dict[tuple[str, str, str], Where] = {}
        left_out = 0
        for figure in figure_file.figures:
            key = code_to_key.get(figure.code, figure.code)
            if key is None:
                left_out += 1
                continue
            indicator = indicators.get(key)
            if indicator is None:
                if not figure_file.coded:
                    if "." in key:
                        survey_keys = survey_keys or {e.key for e in queries.survey_indicators()}
                    self.problems.append(
                        figure.where.problem(
                            self.unknown_key(key, survey_keys or set()), "indicator"
                        )
                    )
                continue  # a coded file's unknown codes were reported once, at their category
            place = self.place(figure, units, regions, new_regions, renamed)
            if place is None:
                continue
            identity = (key, figure.place, figure.period)
            if identity in seen:
                self.problems.append(
                    figure.where.problem(
                        _(
                            "The same indicator (%(indicator)s), place (%(place)s) and period"
                            " (%(period)s) as at %(other)s.",
                            indicator=key,
                            place=figure.place,
                            period=figure.period,
                            other=seen[identity].text,
                        ),
                        "value",
                    )
                )
                continue
            seen[identity] = figure.where
            resolved.append((figure, indicator, figure.place, place))
        planned = self.compare(resolved, new_regions)
        return ImportPlan(
            file_name=figure_file.file_name,
            format=figure_file.format,
            source_table=figure_file.source_table,
            figures=planned,
            problems=_unique(self.problems),
            new_regions=sorted(new_regions.items()),
            renamed_regions=sorted((c, old, new) for c, (old, new) in renamed.items()),
            mappings=code_to_key if figure_file.coded else {},
            saved_mappings=saved,
            code_labels=figure_file.code_labels,
            empty_cells=figure_file.empty_cells,
            left_out=left_out,
        )

    def unknown_key(self, key: str, survey_keys: set[str]) -> str:
        if key in survey_keys:
            return _(
                "%(key)s is a survey indicator: its values come from the survey rounds, never"
                " from a file.",
                key=key,
            )
        return _(
            "No figure indicator has the key %(key)s. Add it to the indicators first, or correct"
            " the key.",
            key=key,
        )

    def resolve_codes(
        self, indicators: dict[str, FigureIndicator]
    ) -> tuple[dict[str, str | None], dict[str, str | None]]:
        """ContentsCode -> indicator key (None: left out), and the explicit maps to save."""
        figure_file = self.file
        if not figure_file.coded:
            if self.explicit:
                self.problems.append(
                    Problem(
                        _(
                            "A map (CODE=KEY) is for JSON-stat files, whose ContentsCodes are"
                            " mapped to indicators. In a CSV or XLSX file, write the indicator"
                            " keys in the indicator column."
                        )
                    )
                )
            return {}, {}
        saved_before = queries.saved_mappings(figure_file.source_table)
        for code in self.explicit:
            if code not in figure_file.code_labels:
                self.problems.append(
                    Problem(
                        _(
                            "The map names %(code)s, which is not a ContentsCode of this file"
                            " (%(codes)s).",
                            code=code,
                            codes=", ".join(figure_file.code_labels),
                        )
                    )
                )
        code_to_key: dict[str, str | None] = {}
        survey_keys = None
        for code, label in figure_file.code_labels.items():
            path = figure_file.code_paths.get(code, "")
            if code in self.explicit:
                key = self.explicit[code]
            elif code in saved_before:
                key = saved_before[code]
            else:
                key = code
            code_to_key[code] = key
            if key is None or key in indicators:
                continue
            if code in self.explicit or code in saved_before:
                if "." in key:
                    survey_keys = survey_keys or {e.key for e in queries.survey_indicators()}
                message = self.unknown_key(key, survey_keys or set())
            else:
                message = _(
                    "The ContentsCode %(code)s (%(label)s) is no indicator key, and no map for it"
                    " is saved for table %(table)s. Map it to an indicator (CODE=KEY), or leave"
                    " it out (CODE=-).",
                    code=code,
                    label=label or code,
                    table=figure_file.source_table or figure_file.file_name,
                )
            self.problems.append(Problem(message, path=path))
        saved = {}
        if figure_file.source_table:
            saved = {
                code: key
                for code, key in self.explicit.items()
                if code in figure_file.code_labels and saved_before.get(code, "?") != key
            }
        return code_to_key, saved

    def place(self, figure: FileFigure, units, regions, new_regions, renamed):
        """The org unit or region of a value (creating nothing), or None after a problem."""
        code = figure.place
        if code in units:
            return units[code]
        label = strip_controls(figure.place_label, newlines=False).strip()  # one line
        if code in regions:
            region = regions[code]
            if label and label != region.label and code not in renamed:
                renamed[code] = (region.label, label)
            return region
        if is_region_code(code):
            new_regions.setdefault(code, label or default_label(code))
            return code
        self.problems.append(
            figure.where.problem(
                _(
                    "%(code)s is neither the code of an org unit nor a region code as SSB writes"
                    " them (%(shapes)s).",
                    code=code,
                    shapes=SHAPES_TEXT,
                ),
                "unit",
            )
        )
        return None

    def compare(self, resolved, new_regions: dict[str, str]) -> list[PlannedFigure]:
        series = queries.series_by_place(list({i.id for _, i, _, _ in resolved}))
        wanted = []
        for _figure, indicator, _code, place in resolved:
            found = self.series_of(series, indicator, place)
            if found is not None:
                wanted.append(found.id)
        current = queries.current_figures(
            sorted(set(wanted)), sorted({f.period for f, _, _, _ in resolved})
        )
        planned = []
        for figure, indicator, code, place in resolved:
            found = self.series_of(series, indicator, place)
            before = current.get((found.id, figure.period)) if found is not None else None
            previous = None
            if before is None:
                action, revision = "added", 1
            else:
                previous = Previous(
                    before.revision, before.value, before.status, before.note, before.imported_at
                )
                same = (
                    before.value == figure.value
                    and before.status == figure.status
                    and before.note == figure.note
                )
                action = "unchanged" if same else "changed"
                revision = before.revision if same else before.revision + 1
            is_region = not isinstance(place, OrgUnit)
            if isinstance(place, OrgUnit):
                name = place.name
            elif isinstance(place, ComparisonRegion):
                name = place.label
            else:
                name = new_regions[code]
            planned.append(
                PlannedFigure(
                    indicator=indicator.key,
                    place=code,
                    place_name=name,
                    is_region=is_region,
                    period=figure.period,
                    value=figure.value,
                    status=figure.status,
                    note=figure.note,
                    decimals=figure.decimals,
                    action=action,
                    revision=revision,
                    previous=previous,
                )
            )
        return planned

    @staticmethod
    def series_of(series, indicator, place) -> FigureSeries | None:
        if isinstance(place, OrgUnit):
            return series.get((indicator.id, "unit", place.id))
        if isinstance(place, ComparisonRegion):
            return series.get((indicator.id, "region", place.id))
        return None  # a new region has no series yet


def apply_import(plan: ImportPlan) -> ImportSummary:
    """Store what the plan says (new regions, renamed regions, maps, and a figure for every
    added or changed value). Raises ImportRejected, changing nothing, if the plan has problems.
    Two imports of the same figure at once: the second fails on the unique revision (the caller
    rolls back and plans again)."""
    if plan.problems:
        raise ImportRejected(plan.problems)
    indicators = {i.key: i for i in queries.figure_indicators()}
    regions = {r.code: r for r in queries.comparison_regions()}
    for code, label in plan.new_regions:
        region = ComparisonRegion(code=code, label=label)
        db.session.add(region)
        regions[code] = region
    for code, _old, label in plan.renamed_regions:
        regions[code].label = label
    if plan.source_table:
        existing = {
            m.source_code: m
            for m in db.session.scalars(
                db.select(SourceMapping).where(SourceMapping.source_table == plan.source_table)
            )
        }
        for code, key in plan.saved_mappings.items():
            mapping = existing.get(code) or SourceMapping(
                source_table=plan.source_table, source_code=code
            )
            mapping.indicator = indicators[key] if key else None
            db.session.add(mapping)
    db.session.flush()
    writes = plan.added + plan.changed
    units = {u.code: u for u in core_queries.all_units()} if writes else {}
    series = queries.series_by_place(list({indicators[f.indicator].id for f in writes}))
    now = utcnow()
    for planned in writes:
        indicator = indicators[planned.indicator]
        if planned.is_region:
            place_key = (indicator.id, "region", regions[planned.place].id)
        else:
            place_key = (indicator.id, "unit", units[planned.place].id)
        found = series.get(place_key)
        if found is None:
            found = FigureSeries(indicator=indicator)
            if planned.is_region:
                found.region = regions[planned.place]
            else:
                found.unit = units[planned.place]
            db.session.add(found)
            series[place_key] = found
        db.session.add(
            Figure(
                series=found,
                period=planned.period,
                revision=planned.revision,
                value=planned.value,
                status=planned.status,
                note=planned.note,
                decimals=planned.decimals,
                source_file=plan.file_name,
                source_table=plan.source_table,
                imported_at=now,
            )
        )
    db.session.flush()
    summary = ImportSummary(
        len(plan.added), len(plan.changed), len(plan.unchanged), len(plan.new_regions)
    )
    audit.record(
        "figures.imported",
        plan.file_name,
        table=plan.source_table,
        added=summary.added,
        changed=summary.changed,
        unchanged=summary.unchanged,
        regions=summary.regions,
    )
    return summary


# --- uploads between the preview and the confirmation --------------------------------------------


def keep_upload(
    user: User, file_name: str, content: bytes, mappings: dict[str, str | None]
) -> FigureUpload:
    """Keep an uploaded file for its uploader until they confirm the import (or it expires)."""
    forget_expired_uploads()
    upload = FigureUpload(
        token=secrets.token_urlsafe(32),
        user_id=user.id,
        file_name=clean_file_name(file_name),
        content=content,
        mappings={code: key or "-" for code, key in mappings.items()},
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def upload_mappings(upload: FigureUpload) -> dict[str, str | None]:
    return {code: None if key == "-" else key for code, key in (upload.mappings or {}).items()}


def forget_upload(upload: FigureUpload) -> None:
    db.session.delete(upload)
    db.session.flush()


def forget_expired_uploads() -> None:
    db.session.execute(
        delete(FigureUpload).where(FigureUpload.created_at < utcnow() - queries.UPLOAD_LIFETIME)
    )
