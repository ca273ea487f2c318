"""`helhet results ROUND [--unit CODE] --format json|csv|xlsx [--out FILE]`: a round's results.

One row per org unit x indicator and per org unit x item (results/exports.py has the columns),
for every org unit of the round's tree, or with --unit for that unit and every unit below it.
Suppressed cells have no numbers. The rows go to FILE, or to standard output (an XLSX workbook
only when standard output is not a terminal). A round that is still open gives its results so far,
with a note on standard error that they are preliminary.

    helhet results 12 --format json
    helhet results 12 --unit 4601-helse --format xlsx --out helse.xlsx

`helhet report ROUND [--unit CODE] [--lang nb|nn|en] --out FILE.pdf`: the round's PDF report for
one org unit (results/report.py), as an administrator reads it.

`helhet answers ROUND [--unit CODE] --format csv|xlsx|sav [--lang nb|nn|en] [--out FILE]`: the
round's anonymised answers, one row per response (results/answers_export.py): only the rows the
result pages would show, in random order, without dates, background or free text. The file's notes
(which units were left out and why) also go to standard error, since a CSV file has no room for
them. The download is noted in the audit log.

    helhet answers 12 --format sav --out runde12.sav
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from collector import queries as collector_queries
from collector.models import Campaign, CampaignState
from helhet import queries as core_queries
from helhet.clitools import fail
from helhet.config import LANGUAGES
from helhet.edge import first_control
from helhet.extensions import db
from helhet.models import OrgUnit
from results import answers_export, bp, pages, queries, report, services
from results.exports import FORMATS, export_rows

LARGEST_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL
LONGEST_CODE = 64  # OrgUnit.code


def _round(round_id: int) -> Campaign:
    campaign = collector_queries.campaign(round_id) if 1 <= round_id <= LARGEST_ID else None
    if campaign is None:
        fail(f"No survey round has the id {round_id}.")
    return campaign


def _unit(unit_code: str, campaign: Campaign, tree: queries.RoundTree) -> OrgUnit:
    """The org unit `unit_code` of the round's tree, or a message and exit status 1."""
    if not unit_code or len(unit_code) > LONGEST_CODE or first_control(unit_code, newlines=False):
        fail(f"No org unit has the code {unit_code!r}.")
    unit = core_queries.unit_by_code(unit_code)
    if unit is None:
        fail(f"No org unit has the code {unit_code}.")
    if unit.code not in tree:
        fail(
            f"{unit.code} is not part of round {campaign.id}; its units are "
            f"{', '.join(sorted(tree.round_units))} and the units above them."
        )
    return unit


def _preliminary_note(campaign: Campaign) -> None:
    if campaign.state() != CampaignState.CLOSED:
        click.echo(
            f"Round {campaign.id} is still {campaign.state().value}: these results are"
            " preliminary.",
            err=True,
        )


@click.command("results")
@click.argument("round_id", metavar="ROUND", type=int)
@click.option(
    "--unit", "unit_code", metavar="CODE", help="Only this org unit and the units below it."
)
@click.option(
    "--format", "fmt", type=click.Choice(sorted(FORMATS)), default="json", show_default=True
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (default: standard output).",
)
@with_appcontext
def results_command(round_id: int, unit_code: str | None, fmt: str, out: Path | None) -> None:
    """A round's results per org unit, indicator and item (suppressed cells have no numbers)."""
    campaign = _round(round_id)
    tree = queries.round_tree(campaign)
    units = list(tree.nodes)
    if unit_code is not None:
        unit = _unit(unit_code, campaign, tree)
        below = {code for code in tree.depth if unit.code in tree.ancestors(code)}
        units = [node for node in tree.nodes if node.code in below]
    export = FORMATS[fmt]
    if out is None and export.binary and sys.stdout.isatty():
        fail(f"An {fmt.upper()} file is not for the terminal: give --out FILE.")
    body = export.render(export_rows(services.round_results(campaign, units)))
    _preliminary_note(campaign)
    _write(body, out)
    if out is not None:
        click.echo(f"Wrote {len(body)} bytes to {out}.", err=True)


bp.cli.add_command(results_command)


def _write(body: bytes, out: Path | None) -> None:
    """`body` to the file `out`, or to standard output when there is none."""
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return
    try:
        out.write_bytes(body)
    except OSError as error:
        fail(f"Could not write {out}: {error.strerror or error}.")


@click.command("report")
@click.argument("round_id", metavar="ROUND", type=int)
@click.option(
    "--unit",
    "unit_code",
    metavar="CODE",
    help="The org unit the report is about (default: the top of the round's tree).",
)
@click.option("--lang", "language", type=click.Choice(LANGUAGES), default="nb", show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Write the PDF to FILE.",
)
@with_appcontext
def report_command(round_id: int, unit_code: str | None, language: str, out: Path) -> None:
    """A round's PDF report for one org unit (as an administrator reads it)."""
    campaign = _round(round_id)
    tree = queries.round_tree(campaign)
    if unit_code is None:
        if not tree.nodes:
            fail(f"Round {campaign.id} has no units.")
        unit = tree.nodes[0]
    else:
        unit = _unit(unit_code, campaign, tree)
    body = report.report_pdf(campaign, unit, pages.Reader(None), language)
    _preliminary_note(campaign)
    _write(body, out)
    click.echo(f"Wrote {len(body)} bytes to {out}.", err=True)


bp.cli.add_command(report_command)


@click.command("answers")
@click.argument("round_id", metavar="ROUND", type=int)
@click.option(
    "--unit",
    "unit_code",
    metavar="CODE",
    help="Only this org unit and the units below it (default: the whole round).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(answers_export.ANSWER_FORMATS)),
    required=True,
    help="csv (the data only), xlsx (with sheets of labels and notes) or sav (SPSS).",
)
@click.option("--lang", "language", type=click.Choice(LANGUAGES), default="nb", show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (default: standard output).",
)
@with_appcontext
def answers_command(
    round_id: int, unit_code: str | None, fmt: str, language: str, out: Path | None
) -> None:
    """A round's anonymised answers, one row per response (never a hidden unit's rows)."""
    campaign = _round(round_id)
    tree = queries.round_tree(campaign)
    if unit_code is None:
        if not tree.nodes:
            fail(f"Round {campaign.id} has no units.")
        unit = tree.nodes[0]
    else:
        unit = _unit(unit_code, campaign, tree)
    export = answers_export.ANSWER_FORMATS[fmt]
    if out is None and export.binary and sys.stdout.isatty():
        fail(f"An {fmt.upper()} file is not for the terminal: give --out FILE.")
    table = answers_export.answer_table(campaign, unit, language)
    body = export.render(table)
    _write(body, out)
    answers_export.record_export(campaign, unit, export, table)
    db.session.commit()
    with force_locale(language):
        for line in answers_export.notes(table):
            click.echo(line, err=True)
    if out is not None:
        click.echo(f"Wrote {len(table.rows)} rows ({len(body)} bytes) to {out}.", err=True)


bp.cli.add_command(answers_command)
