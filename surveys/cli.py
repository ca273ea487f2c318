"""`helhet questionnaire ...`: export, import, publish and list questionnaires.

    helhet questionnaire list [--format text|json]
    helhet questionnaire export KEY [--version N] [--output FILE]
        (default: the newest version, to stdout)
    helhet questionnaire import FILE [--skip-unsupported]
        (.json in our format, XLSForm .xlsx/.xls, or a LimeSurvey survey structure .lss)
    helhet questionnaire publish KEY [--version N]
        (default: the key's draft)

Errors go to standard error, name the place (JSON path, sheet/row/column, or the LimeSurvey
question code), and exit with 1;
nothing is changed then.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from helhet.clitools import echo_json, fail, list_format
from helhet.extensions import db
from surveys import bp, jsonformat, queries, services
from surveys.errors import InvalidQuestionnaire, QuestionnaireError, UnsupportedContent


def _find(key: str, version: int | None, default_draft: bool = False):
    if version is not None:
        questionnaire = queries.version(key, version)
    elif default_draft:
        questionnaire = queries.draft(key)
    else:
        questionnaire = queries.latest(key)
    if questionnaire is None:
        if not queries.versions(key):
            fail(f"No questionnaire has the key {key}. See `helhet questionnaire list`.")
        if version is not None:
            fail(f"{key} has no version {version}.")
        fail(f"{key} has no draft to publish (give --version N).")
    return questionnaire


@click.group("questionnaire")
def questionnaire_cli() -> None:
    """Questionnaires: list, export, import and publish."""


@questionnaire_cli.command("list")
@list_format
@with_appcontext
def list_command(fmt: str) -> None:
    """List questionnaires with their versions."""
    counts = queries.question_counts()
    rows = [
        {
            "key": item.key,
            "kind": item.latest.kind.value,
            "title": jsonformat.texts(item.latest.title),
            "versions": [
                {
                    "version": q.version,
                    "status": q.status.value,
                    "published_at": (
                        q.published_at.isoformat(timespec="seconds") + "Z"
                        if q.published_at
                        else None
                    ),
                    "questions": counts.get(q.id, 0),
                }
                for q in item.versions
            ],
        }
        for item in queries.overview()
    ]
    if fmt == "json":
        echo_json(rows)
        return
    if not rows:
        click.echo("No questionnaires yet. Import one with `helhet questionnaire import FILE`.")
    for row in rows:
        versions = ", ".join(f"v{v['version']} {v['status']}" for v in row["versions"])
        click.echo(
            f"{row['key']:<28} {row['kind']:<13} {row['title'].get('nb', ''):<40} {versions}"
        )


@questionnaire_cli.command("export")
@click.argument("key")
@click.option("--version", type=int, help="Version number (default: the newest).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file (default: standard output).",
)
@with_appcontext
def export_command(key: str, version: int | None, output: Path | None) -> None:
    """Write a questionnaire in Helhet's JSON format."""
    questionnaire = _find(key, version)
    text = jsonformat.dumps(questionnaire)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {key} version {questionnaire.version} to {output}.", err=True)


@questionnaire_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--skip-unsupported",
    is_flag=True,
    help=(
        "XLSForm and LimeSurvey: leave out what Helhet cannot represent (each item is listed) and"
        " import the rest."
    ),
)
@with_appcontext
def import_command(file: Path, skip_unsupported: bool) -> None:
    """Import a questionnaire (.json in Helhet's format, an XLSForm .xlsx/.xls or a LimeSurvey
    survey structure .lss) as a draft.

    A key that exists already gets its next version, as a draft. Nothing is imported if the file has
    errors, or (without --skip-unsupported) content Helhet cannot represent.
    """
    try:
        result = services.import_file(
            file.name, file.read_bytes(), skip_unsupported=skip_unsupported
        )
    except UnsupportedContent as unsupported:
        db.session.rollback()
        count = len(unsupported.problems)
        fail(
            f"{file.name}: nothing was imported. Helhet cannot represent the {count}"
            f" item{'s' if count != 1 else ''} listed above; run again with --skip-unsupported to"
            " leave them out as each item says.",
            unsupported.problems,
        )
    except InvalidQuestionnaire as invalid:
        db.session.rollback()
        count = len(invalid.problems)
        fail(
            f"{file.name}: nothing was imported; fix the {count} place{'s' if count != 1 else ''}"
            " listed above.",
            invalid.problems,
        )
    db.session.commit()
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    q = result.questionnaire
    click.echo(
        f"Imported {q.key} version {q.version} as a draft ({len(q.questions)} questions, "
        f"{len(q.indicators)} indicators)."
    )


@questionnaire_cli.command("publish")
@click.argument("key")
@click.option("--version", type=int, help="Version number (default: the draft).")
@with_appcontext
def publish_command(key: str, version: int | None) -> None:
    """Publish a draft, after the same checks as the publish page."""
    questionnaire = _find(key, version, default_draft=True)
    try:
        check = services.publish(questionnaire)
    except services.PublishRefused as refused:
        db.session.rollback()
        fail(
            f"{key} version {questionnaire.version} was not published.",
            [f"{c.place}: {c.message}" if c.place else c.message for c in refused.check.errors],
        )
    except QuestionnaireError as error:
        db.session.rollback()
        fail(str(error))
    db.session.commit()
    for warning in check.warnings:
        click.echo(f"warning: {warning.place}: {warning.message}", err=True)
    click.echo(f"Published {key} version {questionnaire.version}.")


bp.cli.add_command(questionnaire_cli)
