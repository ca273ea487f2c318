"""`helhet goals ...` and `helhet scorecard`: goals and the evaluated scorecard.

    helhet goals import FILE.csv                    create or update goals (all or nothing)
    helhet goals list [--period P] [--format table|json|csv]
    helhet scorecard --period P [--unit CODE] [--format table|json|csv] [--language nb|nn|en]

`goals import` reads the columns indicator, unit, period, target and optionally tolerance,
owner and rationale; every problem is printed with its line and column, nothing is imported then,
and the exit status is 1. `scorecard` prints one row per accepted goal of the period (with
`--unit`, of that unit and the units below it): the rows of the API's /api/v1/scorecard
(scorecard.card.CardRow.as_dict). Texts are in CLI_LOCALE (English) unless `--language` says
otherwise.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from analysis.formatting import format_interval, format_number
from helhet.clitools import echo_json, fail, fail_import, org_unit
from helhet.extensions import db
from helhet.tabular import ImportFailed
from scorecard import bp, card, goal_queries, goal_services
from scorecard.cli import _echo_csv, _echo_table, _number
from scorecard.goal_models import GoalState
from scorecard.periods import Period

FORMATS = click.Choice(["table", "json", "csv"])


def _year(text: str) -> str:
    period = Period.parse(text)
    if period is None or not period.is_year:
        fail(f"{text!r} is not a year: goals are set per year (e.g. 2026).")
    return str(period)


@click.group("goals")
def goals_cli() -> None:
    """Goals on the four dimensions: a target per indicator, org unit and year."""


@goals_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def goals_import(file: Path) -> None:
    """Create or update goals from a CSV or XLSX file (all or nothing).

    Columns: indicator, unit, period, target, and optionally tolerance, owner, rationale.
    """
    try:
        with file.open("rb") as handle:
            content = handle.read(goal_services.MAX_FILE_BYTES + 1)
    except OSError as error:
        fail(f"Could not read {file}: {error.strerror or error}.")
    try:
        summary = goal_services.import_goals(file.name, content)
    except ImportFailed as failure:
        fail_import(file, failure)
    db.session.commit()
    click.echo(f"Imported: {summary.created} new, {summary.updated} updated.")


def goal_dict(goal) -> dict:
    return {
        "id": goal.id,
        "indicator": goal.indicator_key,
        "unit": goal.unit.code,
        "period": goal.period,
        "target": goal.target,
        "tolerance": goal.tolerance,
        "owner": goal.owner,
        "rationale": goal.rationale,
        "state": goal.state.value,
    }


@goals_cli.command("list")
@click.option("--period", metavar="YEAR", help="Only goals of this year.")
@click.option("--all-states", is_flag=True, help="Proposed and rejected goals too.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@with_appcontext
def goals_list(period: str | None, all_states: bool, fmt: str) -> None:
    """Goals: indicator, unit, period, target, tolerance, owner, state."""
    states = None if all_states else (GoalState.ACCEPTED,)
    rows = [
        goal_dict(goal)
        for goal in goal_queries.goals(period=_year(period) if period else None, states=states)
    ]
    if fmt == "json":
        echo_json(rows)
    elif fmt == "csv":
        columns = ["indicator", "unit", "period", "target", "tolerance", "owner", "rationale"]
        _echo_csv([columns] + [[r[c] if r[c] is not None else "" for c in columns] for r in rows])
    else:
        _echo_table(
            [["INDICATOR", "UNIT", "PERIOD", "TARGET", "TOLERANCE", "STATE", "OWNER"]]
            + [
                [
                    r["indicator"],
                    r["unit"],
                    r["period"],
                    _number(r["target"]),
                    _number(r["tolerance"]),
                    r["state"],
                    r["owner"],
                ]
                for r in rows
            ]
        )


@click.command("scorecard")
@click.option("--period", required=True, metavar="YEAR", help="The year of the goals.")
@click.option("--unit", "unit_code", metavar="CODE", help="This org unit and the units below it.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option(
    "--language",
    type=click.Choice(["nb", "nn", "en"]),
    help="The language of names and explanations (default: CLI_LOCALE).",
)
@with_appcontext
def scorecard_command(period: str, unit_code: str | None, fmt: str, language: str | None) -> None:
    """The evaluated scorecard: one row per goal with dimension, indicator, unit, period, value,
    interval, target, tolerance, status, trend, source, explanation and the comparison regions'
    values."""
    year = _year(period)
    within = org_unit(unit_code[:64]) if unit_code is not None else None
    with force_locale(language or current_app.config["CLI_LOCALE"]):
        rows = card.scorecard(year, within=within)
        if fmt == "json":
            echo_json([row.as_dict() for row in rows])
        elif fmt == "csv":
            _echo_csv([card.CSV_COLUMNS] + [card.csv_row(row) for row in rows])
        else:
            _echo_table(
                [
                    [
                        "DIMENSION",
                        "INDICATOR",
                        "UNIT",
                        "VALUE",
                        "INTERVAL",
                        "TARGET",
                        "STATUS",
                        "TREND",
                    ]
                ]
                + [
                    [
                        row.dimension,
                        row.indicator,
                        row.unit,
                        format_number(row.value, row.decimals, "en", ""),
                        format_interval(row.ci_low, row.ci_high, row.decimals, "en", ""),
                        _number(row.target),
                        row.status.value,
                        row.trend.value if row.trend else "",
                    ]
                    for row in rows
                ]
            )


bp.cli.add_command(goals_cli)
bp.cli.add_command(scorecard_command)
