"""What every command of `helhet` shares: how it gives up, and how it prints a list.

It imports nothing of the blueprint packages (only helhet's core), so that each package's `cli.py`
can use it while it registers its own command group on its blueprint (`bp.cli.add_command(...)`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

from helhet import queries
from helhet.edge import first_control
from helhet.extensions import db
from helhet.models import OrgUnit, User
from helhet.problems import ProblemsFound

# app.extensions[AFTER_UPGRADE]: steps a blueprint adds (`after_upgrade`) for `helhet init-db` to
# run after the migrations, each in its own commit; a step returns a line to print, or None.
AFTER_UPGRADE = "helhet.after_upgrade"


def after_upgrade(app, step: Callable[[], str | None]) -> None:
    """Have `helhet init-db` run `step` after the migrations (from a blueprint's record_once)."""
    app.extensions.setdefault(AFTER_UPGRADE, []).append(step)


# `--format text|json` of every listing command; the command gets it as `fmt`.
list_format = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)


def echo_json(data: object) -> None:
    """Print data as indented JSON, with the letters as they are (æ, ø, å)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def echo_rows(fmt: str, rows: list[dict], line: Callable[[dict], str]) -> None:
    """What a listing command prints: the rows as JSON (`--format json`), else one line each."""
    if fmt == "json":
        echo_json(rows)
        return
    for row in rows:
        click.echo(line(row))


def fail(message: str, problems: Iterable[object] = ()) -> NoReturn:
    """Print the problems (one per line) and the message on stderr, and exit with status 1."""
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    click.echo(message, err=True)
    sys.exit(1)


@contextmanager
def refused(*errors: type[Exception]) -> Iterator[None]:
    """Around a service call: if it raises one of `errors`, roll back and fail with its message."""
    try:
        yield
    except errors as error:
        db.session.rollback()
        fail(str(error))


def org_unit(code: str) -> OrgUnit:
    """The org unit with this code, or fail saying that none has it."""
    unit = queries.unit_by_code(code)
    if unit is None:
        fail(f"No org unit has the code {code}.")
    return unit


def existing_user(email: str) -> User:
    """The user with this email, or fail saying that none has it (also for an email no user can
    have: too long, or with control characters)."""
    found = None
    if email and len(email) <= 254 and not first_control(email, newlines=False):
        found = queries.user_by_email(email)
    if found is None:
        fail(f"No user has the email {email!r}.")
    return found


def fail_import(file: Path, error: ProblemsFound) -> NoReturn:
    """An all-or-nothing import failed: roll back, print every problem (its place and message, one
    a line), and exit with status 1."""
    db.session.rollback()
    fail("Nothing was imported.", [f"{file.name}: {problem}" for problem in error.problems])
