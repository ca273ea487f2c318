"""Org units: editing the tree, and importing it from CSV (all or nothing). Reads of the tree are
in helhet.queries.

CSV format (UTF-8 or Windows-1252; comma, semicolon or tab):

    code,name,parent,level,population_2025,population_2026
    4601,Eksempel kommune,,municipality,,
    4601-helse,Helse og omsorg,4601,sector,,
    4601-helse-hjemme,Hjemmetjenesten,4601-helse,unit,45,47

`parent` names a code in the file or already in the database; `level` is municipality, sector or
unit (kommune, sektor, enhet are accepted too) and defaults to municipality without a parent and to
unit with one. Every `population_<year>` column gives that year's headcount (employees of a
workplace, users or inhabitants served): a whole number in ASCII digits from 0 to 10 000 000
(spaces between thousands are allowed). A code already in the database is updated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from helhet import audit, queries
from helhet.edge import NEWLINES
from helhet.extensions import db
from helhet.models import OrgUnit, UnitLevel, UnitPopulation
from helhet.problems import HelhetError, Problem
from helhet.tabular import ImportFailed, read_csv

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
YEAR_PATTERN = re.compile(r"[0-9]{4}")
COUNT_PATTERN = re.compile(r"[0-9]+")  # ASCII digits only: "١٢" and "²" are digits to str.isdigit()
MAX_POPULATION = 10_000_000  # as the population form; far inside the column's 32-bit range
LEVEL_WORDS = {
    "municipality": UnitLevel.MUNICIPALITY,
    "kommune": UnitLevel.MUNICIPALITY,
    "sector": UnitLevel.SECTOR,
    "sektor": UnitLevel.SECTOR,
    "unit": UnitLevel.UNIT,
    "enhet": UnitLevel.UNIT,
}


class UnitError(HelhetError):
    """A change to the tree that is not allowed (helhet.problems.HelhetError: message, field)."""


def save_unit(
    unit: OrgUnit, code: str, name: str, level: UnitLevel, parent: OrgUnit | None
) -> OrgUnit:
    """Create or update a unit, refusing duplicate codes and cycles. Flushes."""
    code = code.strip()
    if not CODE_PATTERN.match(code):
        raise UnitError(_("Use letters, digits, dot, hyphen or underscore (at most 64)."), "code")
    existing = queries.unit_by_code(code)
    if existing is not None and existing is not unit:
        raise UnitError(_("Another unit already has the code %(code)s.", code=code), "code")
    if (
        parent is not None
        and unit.id is not None
        and (parent is unit or parent in queries.descendants(unit))
    ):
        raise UnitError(
            _("A unit cannot be placed under itself or one of its own units."), "parent"
        )
    if parent is None and level != UnitLevel.MUNICIPALITY:
        raise UnitError(
            _("Only the municipality can be at the top; choose where this unit belongs."), "parent"
        )
    unit.code, unit.name, unit.level, unit.parent = code, name.strip(), level, parent
    db.session.add(unit)
    db.session.flush()
    audit.record(
        "unit.saved",
        f"{unit.name} ({unit.code})",
        level=level.value,
        parent=parent.code if parent else None,
    )
    return unit


def set_population(unit: OrgUnit, period: int, count: int | None) -> None:
    """Set (or with None remove) the unit's headcount for a period. Flushes."""
    _set_population(unit, period, count)
    audit.record("unit.population_set", f"{unit.name} ({unit.code})", period=period, count=count)


def _set_population(unit: OrgUnit, period: int, count: int | None) -> None:
    row = next((p for p in unit.populations if p.period == period), None)
    if count is None:
        if row is not None:
            unit.populations.remove(row)
    elif row is None:
        unit.populations.append(UnitPopulation(period=period, count=count))
    else:
        row.count = count
    db.session.flush()


def delete_unit(unit: OrgUnit) -> None:
    if unit.children:
        raise UnitError(
            _("Move or delete the units below %(name)s first.", name=unit.name), "parent"
        )
    audit.record("unit.deleted", f"{unit.name} ({unit.code})")
    db.session.delete(unit)
    db.session.flush()


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


@dataclass
class _Row:
    line: int
    code: str
    name: str
    parent: str
    level: UnitLevel | None
    populations: dict[int, int]


def import_csv(data: bytes | str) -> ImportSummary:
    """Create or update the units in the file; raises ImportFailed
    (and changes nothing) on any error.
    """
    table = read_csv(
        data,
        required=["code", "name"],
        optional=["parent", "level"],
        extra_prefixes=("population_",),
    )
    problems: list[Problem] = []
    periods: dict[str, int] = {}
    for column in table.header:
        if column.startswith("population_"):
            year = column.removeprefix("population_")
            if YEAR_PATTERN.fullmatch(year) and 1900 <= int(year) <= 2200:
                periods[column] = int(year)
            else:
                problems.append(
                    Problem(
                        _("Write the year after population_, e.g. population_2026."),
                        line=1,
                        column=column,
                    )
                )

    rows: dict[str, _Row] = {}
    for line, cells in table.rows:
        code, name = cells["code"], cells["name"]
        if not code:
            problems.append(Problem(_("The code is missing."), line=line, column="code"))
        elif not CODE_PATTERN.match(code):
            problems.append(
                Problem(
                    _(
                        "%(code)s is not a valid code: use letters, digits, dot, hyphen or"
                        " underscore (at most 64).",
                        code=code,
                    ),
                    line=line,
                    column="code",
                )
            )
        elif code in rows:
            problems.append(
                Problem(
                    _(
                        "The code %(code)s is also on line %(other)s.",
                        code=code,
                        other=rows[code].line,
                    ),
                    line=line,
                    column="code",
                )
            )
        if not name:
            problems.append(Problem(_("The name is missing."), line=line, column="name"))
        elif NEWLINES.search(name):
            problems.append(
                Problem(
                    _('The name has a line break or a tab: check the quotes (") on this line.'),
                    line=line,
                    column="name",
                )
            )
        elif len(name) > 200:
            problems.append(
                Problem(_("The name is longer than 200 characters."), line=line, column="name")
            )
        level_text = cells.get("level", "").lower()
        level = LEVEL_WORDS.get(level_text) if level_text else None
        if level_text and level is None:
            problems.append(
                Problem(
                    _(
                        "Unknown level %(level)s: use municipality, sector or unit.",
                        level=cells["level"],
                    ),
                    line=line,
                    column="level",
                )
            )
        counts: dict[int, int] = {}
        for column, year in periods.items():
            raw = cells.get(column, "").replace(" ", "").replace("\u00a0", "")
            if not raw:
                continue
            if not COUNT_PATTERN.fullmatch(raw):
                problems.append(
                    Problem(
                        _("%(value)s is not a whole number of people.", value=cells[column][:40]),
                        line=line,
                        column=column,
                    )
                )
            elif len(raw) > 8 or int(raw) > MAX_POPULATION:
                problems.append(
                    Problem(
                        _("Write a number from %(low)s to %(high)s.", low=0, high="10 000 000"),
                        line=line,
                        column=column,
                    )
                )
            else:
                counts[year] = int(raw)
        if code and code not in rows:
            rows[code] = _Row(line, code, name, cells.get("parent", ""), level, counts)

    existing = {u.code: u for u in queries.all_units()}
    for row in rows.values():
        if row.parent and row.parent not in rows and row.parent not in existing:
            problems.append(
                Problem(
                    _("No unit has the code %(code)s.", code=row.parent),
                    line=row.line,
                    column="parent",
                )
            )
        if row.parent == row.code:
            problems.append(
                Problem(_("A unit cannot be its own parent."), line=row.line, column="parent")
            )
        if row.level is None:
            row.level = UnitLevel.UNIT if row.parent else UnitLevel.MUNICIPALITY
        if not row.parent and row.level != UnitLevel.MUNICIPALITY:
            problems.append(
                Problem(
                    _("Only the municipality can be at the top; name the parent unit."),
                    line=row.line,
                    column="parent",
                )
            )
    if not problems:
        problems.extend(_cycles(rows, existing))
    if problems:
        raise ImportFailed(sorted(problems, key=lambda p: (p.line or 0, p.column or "")))

    created = updated = 0
    units = dict(existing)
    for row in rows.values():
        unit = units.get(row.code)
        if unit is None:
            unit = OrgUnit(code=row.code, name=row.name, level=row.level)
            db.session.add(unit)
            units[row.code] = unit
            created += 1
        else:
            unit.name, unit.level = row.name, row.level
            updated += 1
    for row in rows.values():
        units[row.code].parent = units[row.parent] if row.parent else None
    db.session.flush()
    for row in rows.values():
        for year, count in row.populations.items():
            _set_population(units[row.code], year, count)
    audit.record("units.imported", "", created=created, updated=updated)
    return ImportSummary(created=created, updated=updated)


def _cycles(rows: dict[str, _Row], existing: dict[str, OrgUnit]) -> list[Problem]:
    def parent_of(code: str) -> str | None:
        if code in rows:
            return rows[code].parent or None
        unit = existing.get(code)
        return unit.parent.code if unit and unit.parent else None

    problems = []
    for row in rows.values():
        seen, code = {row.code}, parent_of(row.code)
        while code is not None:
            if code in seen:
                problems.append(
                    Problem(
                        _("The units form a loop: %(code)s ends up under itself.", code=row.code),
                        line=row.line,
                        column="parent",
                    )
                )
                break
            seen.add(code)
            code = parent_of(code)
    return problems
