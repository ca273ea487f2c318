"""`helhet indicators ...` and `helhet figures ...`: the indicator catalogue and imported figures.

    helhet indicators list [--format table|json|csv]
    helhet indicators import FILE.csv                      (all or nothing)
    helhet figures import FILE [--map CODE=KEY ...] [--dry-run] [--format text|json]
    helhet figures list [--indicator KEY] [--unit CODE | --region CODE] [--period P] [--history]
                        [--format table|json|csv]

`figures import` prints what the file adds, changes (a new revision) and leaves, and every
problem with its place; with a problem nothing is imported and the exit status is 1. `--map`
tells which indicator a JSON-stat file's ContentsCode is (CODE=- leaves the code out); the map
is saved for the file's table and used again next time. docs/scorecard.md has the formats.

`helhet init-db` adds the starter indicators a database lacks (add_starter_indicators, registered
as one of init-db's steps after the migrations).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from helhet import queries as core_queries
from helhet.clitools import after_upgrade, echo_json, fail, fail_import
from helhet.extensions import db
from helhet.spreadsheets import csv_bytes
from helhet.tabular import ImportFailed
from scorecard import bp, queries, services
from scorecard.figurefiles import MAX_FILE_BYTES
from scorecard.periods import Period
from scorecard.services import INDICATOR_COLUMNS, INDICATOR_OPTIONAL

LIST_FORMATS = click.Choice(["table", "json", "csv"])


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if float(value).is_integer() else repr(value)


def _echo_table(rows: list[list[str]]) -> None:
    if not rows:
        return
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo(
            "  ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
        )


def _echo_csv(rows: list[list]) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(csv_bytes(rows))
    sys.stdout.buffer.flush()


# --- indicators ----------------------------------------------------------------------------------


@click.group("indicators")
def indicators_cli() -> None:
    """The indicator catalogue: figure indicators and the questionnaires' survey indicators."""


@indicators_cli.command("list")
@click.option("--format", "fmt", type=LIST_FORMATS, default="table", show_default=True)
@with_appcontext
def indicators_list(fmt: str) -> None:
    """Every indicator, by dimension. CSV has the columns `indicators import` reads."""
    entries = queries.catalogue()
    if fmt == "json":
        echo_json([e.as_dict() for e in entries])
    elif fmt == "csv":
        columns = ["kind", *INDICATOR_COLUMNS, *(c for c in INDICATOR_OPTIONAL if c != "kind")]
        rows = [columns]
        for e in entries:
            data = e.as_dict()
            flat = {
                **{k: v for k, v in data.items() if not isinstance(v, dict | list)},
                **{f"name_{lang}": data["name"][lang] for lang in ("nb", "nn", "en")},
                **{f"description_{lang}": data["description"][lang] for lang in ("nb", "nn", "en")},
            }
            rows.append([flat[c] for c in columns])
        _echo_csv(rows)
    else:
        _echo_table(
            [["KEY", "KIND", "DIMENSION", "MEASURE", "DIRECTION", "NAME"]]
            + [
                [
                    e.key,
                    e.kind,
                    e.dimension.value,
                    e.measure.value,
                    e.direction.value,
                    e.name.get("nb", ""),
                ]
                for e in entries
            ]
        )


@indicators_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def indicators_import(file: Path) -> None:
    """Create or update figure indicators from a CSV file (all or nothing).

    Columns: key, name_nb, dimension, measure, direction, and optionally name_nn, name_en,
    decimals, description_nb, description_nn, description_en, source.
    """
    try:
        summary = services.import_indicators_csv(file.read_bytes())
    except ImportFailed as failure:
        fail_import(file, failure)
    db.session.commit()
    click.echo(f"Imported: {summary.created} new, {summary.updated} updated.")


# --- figures -------------------------------------------------------------------------------------


@click.group("figures")
def figures_cli() -> None:
    """Imported figures (KOSTRA, sickness absence, population...) with their revisions."""


def _mappings(items: tuple[str, ...]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for item in items:
        try:
            code, key = services.parse_mapping(item)
        except services.ScorecardError as error:
            fail(error.message)
        if code in found and found[code] != key:
            fail(f"{code} is mapped twice.")
        found[code] = key
    return found


def _value_text(value, status) -> str:
    if value is None:
        return f"missing ({status})" if status else "missing"
    return _number(value) + (f" ({status})" if status else "")


def _echo_report(plan: services.ImportPlan) -> None:
    table = f", table {plan.source_table}" if plan.source_table else ""
    click.echo(f"{plan.file_name} ({plan.format or 'unreadable'}{table})")
    if plan.mappings:
        click.echo("Map:")
        for code, key in plan.mappings.items():
            label = plan.code_labels.get(code, "")
            click.echo(f"  {code} -> {key or '(left out)'}" + (f"  [{label}]" if label else ""))
    for code, label in plan.new_regions:
        click.echo(f"New comparison region: {code} {label}")
    for code, old, new in plan.renamed_regions:
        click.echo(f"Comparison region {code} renamed: {old} -> {new}")
    click.echo(f"Added ({len(plan.added)}):")
    _echo_table(
        [
            ["  " + f.indicator, f.place, f.period, _value_text(f.value, f.status)]
            for f in plan.added
        ]
    )
    click.echo(f"Changed, a new revision ({len(plan.changed)}):")
    _echo_table(
        [
            [
                "  " + f.indicator,
                f.place,
                f.period,
                f"{_value_text(f.previous.value, f.previous.status)}"
                f" (revision {f.previous.revision}) -> {_value_text(f.value, f.status)}"
                f" (revision {f.revision})",
            ]
            for f in plan.changed
        ]
    )
    click.echo(f"Unchanged: {len(plan.unchanged)}")
    if plan.empty_cells:
        click.echo(f"Empty cells (no value, no status), left out: {plan.empty_cells}")
    if plan.left_out:
        click.echo(f"Values of ContentsCodes mapped to nothing, left out: {plan.left_out}")
    click.echo(f"Rejected ({len(plan.problems)}):")
    for problem in plan.problems:
        click.echo(f"  {problem}")


@figures_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="CODE=KEY",
    help="A JSON-stat ContentsCode is this indicator (CODE=- leaves it out); saved per table.",
)
@click.option("--dry-run", is_flag=True, help="Report what would happen, import nothing.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@with_appcontext
def figures_import(file: Path, maps: tuple[str, ...], dry_run: bool, fmt: str) -> None:
    """Import figures from CSV, XLSX or JSON-stat 2.0 (all or nothing), after a report."""
    mappings = _mappings(maps)
    try:
        with file.open("rb") as handle:
            content = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        fail(f"Could not read {file}: {error.strerror or error}.")
    plan = services.plan_import(file.name, content, mappings)
    if fmt == "json":
        echo_json(plan.as_dict())
    else:
        _echo_report(plan)
    if plan.problems:
        hint = ""
        if plan.format == "json-stat":
            hint = " Map a ContentsCode with --map CODE=INDICATOR_KEY, or leave it out with CODE=-."
        db.session.rollback()
        fail(f"Nothing was imported.{hint}")
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was imported.", err=True)
        return
    summary = services.apply_import(plan)
    db.session.commit()
    click.echo(
        f"Imported: {summary.added} new, {summary.changed} changed (a new revision),"
        f" {summary.unchanged} unchanged.",
        err=fmt == "json",
    )


@figures_cli.command("list")
@click.option("--indicator", "indicator_key", metavar="KEY", help="Only this indicator.")
@click.option("--unit", "unit_code", metavar="CODE", help="Only this org unit.")
@click.option("--region", "region_code", metavar="CODE", help="Only this comparison region.")
@click.option("--period", metavar="P", help="Only this period (2024, 2024T1, 2024K1, 2024M01).")
@click.option("--history", is_flag=True, help="Every revision, not only the current one.")
@click.option("--format", "fmt", type=LIST_FORMATS, default="table", show_default=True)
@with_appcontext
def figures_list(
    indicator_key: str | None,
    unit_code: str | None,
    region_code: str | None,
    period: str | None,
    history: bool,
    fmt: str,
) -> None:
    """Imported figures: indicator, unit or region, period, value (null when missing), status,
    revision, source."""
    if unit_code is not None and region_code is not None:
        fail("Give --unit or --region, not both.")
    if indicator_key is not None and queries.figure_indicator(indicator_key) is None:
        fail(f"No figure indicator has the key {indicator_key!r}.")
    if unit_code is not None and core_queries.unit_by_code(unit_code[:64]) is None:
        fail(f"No org unit has the code {unit_code!r}.")
    if region_code is not None and queries.region_by_code(region_code) is None:
        fail(f"No comparison region has the code {region_code!r}.")
    chosen = None
    if period is not None:
        chosen = Period.parse(period)
        if chosen is None:
            fail(f"{period!r} is not a period: write 2024, 2024T1, 2024K1 or 2024M01.")
    rows = queries.figure_rows(
        indicator_key=indicator_key,
        unit_code=unit_code,
        region_code=region_code,
        period=str(chosen) if chosen else None,
        history=history,
    )
    data = [r.as_dict() for r in rows]
    if fmt == "json":
        echo_json(data)
    elif fmt == "csv":
        columns = ["indicator", "unit", "region", "period", "value", "status", "revision", "source"]
        _echo_csv([columns] + [[d[c] if d[c] is not None else "" for c in columns] for d in data])
    else:
        _echo_table(
            [["INDICATOR", "UNIT/REGION", "PERIOD", "VALUE", "STATUS", "REVISION", "SOURCE"]]
            + [
                [
                    d["indicator"],
                    d["unit"] or d["region"],
                    d["period"],
                    _number(d["value"]),
                    d["status"] or "",
                    str(d["revision"]),
                    d["source"],
                ]
                for d in data
            ]
        )


bp.cli.add_command(indicators_cli)
bp.cli.add_command(figures_cli)


def add_starter_indicators() -> str | None:
    """`helhet init-db`'s step for the scorecard: the starter indicators a database lacks."""
    added = services.install_starter_indicators()
    return f"Added the starter indicators: {', '.join(added)}." if added else None


bp.record_once(lambda state: after_upgrade(state.app, add_starter_indicators))
