"""The `helhet` command: `helhet --help` lists every administrator task that can be scripted.

`helhet` is `flask --app helhet`: the standard `run`, `shell` and `db` (Flask-Migrate) commands are
there too. This module holds helhet's own commands (database, demo, users, org units, translations,
audit log); each blueprint package registers its own groups on its blueprint's `cli` (surveys:
questionnaire; collector: round, responses), and every command gives up through helhet.clitools.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade

from helhet import audit, create_app, dbcli, orgunits, queries, users
from helhet import demo as demo_data
from helhet.clitools import (
    AFTER_UPGRADE,
    echo_json,
    echo_rows,
    existing_user,
    fail_import,
    list_format,
    org_unit,
    refused,
)
from helhet.config import REPO_ROOT, NotInSourceTree, check_source_tree
from helhet.extensions import db
from helhet.models import Role
from helhet.tabular import ImportFailed


class HelhetGroup(FlaskGroup):
    def main(self, *args, **kwargs):
        try:  # a plain `pip install .` left the templates and migrations behind: say so, briefly
            check_source_tree()
        except NotInSourceTree as error:
            raise SystemExit(f"helhet: {error}") from None
        return super().main(*args, **kwargs)


main = HelhetGroup(create_app=create_app, help=__doc__)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (all migrations), then add the data the blueprints
    need (e.g. the scorecard's starter indicators)."""
    upgrade()
    for step in current_app.extensions.get(AFTER_UPGRADE, []):  # the blueprints' data steps
        message = step()
        db.session.commit()
        if message:
            click.echo(message)
    click.echo("Database is up to date.")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has org units.")
@with_appcontext
def demo(if_empty: bool) -> None:
    """Load the demo municipality (Eksempel kommune) with questionnaires and logins."""
    if if_empty and not demo_data.database_is_empty():
        click.echo("The database already has data; the demo was not loaded.")
        return
    demo_data.load()
    db.session.commit()
    click.echo("Demo municipality loaded: Eksempel kommune. `helhet demo-logins` shows the logins.")


def print_logins(logins: list[tuple[str, str, str]]) -> None:
    click.echo("Demo logins (for trying Helhet only, change them before real use):")
    for role, email, password in logins:
        click.echo(f"  {role:<8} {email:<28} {password}")


@click.command("demo-logins")
@with_appcontext
def demo_logins() -> None:
    """Print the demo logins, if the demo users exist in this database."""
    present = [login for login in demo_data.LOGINS if queries.user_by_email(login[1]) is not None]
    if present:
        print_logins(present)


# --- users -----------------------------------------------------------------------------------


@click.group("user")
def user_cli() -> None:
    """Users who may sign in."""


def _read_password(prompt: bool) -> str:
    if not sys.stdin.isatty() or not prompt:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@user_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--unit", "unit_code", help="Org unit code (required for leaders).")
@click.option("--name", default="")
@with_appcontext
def user_create(email: str, role: str, unit_code: str | None, name: str) -> None:
    """Create a user; the password is read from standard input (or asked for)."""
    unit = org_unit(unit_code) if unit_code else None
    password = _read_password(prompt=True)
    with refused(users.UserError):
        user = users.create_user(email, password, Role(role), unit, name)
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@user_cli.command("set-password")
@click.argument("email")
@with_appcontext
def user_set_password(email: str) -> None:
    """Set a user's password, read from standard input (or asked for)."""
    user = existing_user(email)
    with refused(users.UserError):
        users.set_password(user, _read_password(prompt=True))
    db.session.commit()
    click.echo(f"Password changed for {user.email}.")


@user_cli.command("update")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), help="Default: unchanged.")
@click.option("--unit", "unit_code", help="Org unit code (leaders). Default: unchanged.")
@click.option("--name", help="Default: unchanged.")
@click.option(
    "--active/--inactive", default=None, help="Whether the user may sign in. Default: unchanged."
)
@with_appcontext
def user_update(
    email: str, role: str | None, unit_code: str | None, name: str | None, active: bool | None
) -> None:
    """Change a user's role, org unit, name or whether they may sign in.

    A change of role, unit or active ends every session of the user. The last active
    administrator cannot be demoted or deactivated.
    """
    user = existing_user(email)
    unit = org_unit(unit_code) if unit_code else user.unit
    with refused(users.UserError):
        users.update_user(
            user,
            Role(role) if role else user.role,
            unit,
            user.name if name is None else name,
            user.active if active is None else active,
        )
    db.session.commit()
    unit_text = f" of {user.unit.code}" if user.unit else ""
    click.echo(
        f"{user.email}: {user.role.value}{unit_text}, {'active' if user.active else 'deactivated'}."
    )


@user_cli.command("list")
@list_format
@with_appcontext
def user_list(fmt: str) -> None:
    """List users."""
    rows = [
        {
            "email": u.email,
            "name": u.name,
            "role": u.role.value,
            "unit": u.unit.code if u.unit else None,
            "active": u.active,
        }
        for u in queries.all_users()
    ]
    echo_rows(
        fmt,
        rows,
        lambda r: (
            f"{r['email']:<32} {r['role']:<8} {r['unit'] or '-'}"
            f"{'' if r['active'] else ' (deactivated)'}"
        ),
    )


# --- org units -------------------------------------------------------------------------------


@click.group("orgunits")
def orgunits_cli() -> None:
    """The org-unit tree."""


@orgunits_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def orgunits_import(file: Path) -> None:
    """Create or update org units from a CSV file (all or nothing)."""
    try:
        summary = orgunits.import_csv(file.read_bytes())
    except ImportFailed as failure:
        fail_import(file, failure)
    db.session.commit()
    click.echo(f"Imported: {summary.created} new, {summary.updated} updated.")


@orgunits_cli.command("list")
@list_format
@with_appcontext
def orgunits_list(fmt: str) -> None:
    """List org units in tree order."""
    tree = queries.flattened()
    if fmt == "json":
        echo_json([queries.unit_dict(u) for u, _ in tree])
    else:
        for unit, depth in tree:
            click.echo(f"{'  ' * depth}{unit.code}  {unit.name}")


# --- translations ----------------------------------------------------------------------------


@click.group("translate")
def translate_cli() -> None:
    """Message catalogues (nb, nn, en): extract, update, compile."""


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


POT = str(REPO_ROOT / "translations" / "messages.pot")
TRANSLATIONS = str(REPO_ROOT / "translations")


@translate_cli.command("extract")
def translate_extract() -> None:
    """Collect translatable strings into translations/messages.pot."""
    _pybabel(
        "extract",
        "-F",
        str(REPO_ROOT / "babel.cfg"),
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "-o",
        POT,
        str(REPO_ROOT),
    )


@translate_cli.command("update")
def translate_update() -> None:
    """Extract, then merge new strings into every language's catalogue."""
    translate_extract.callback()
    _pybabel("update", "-i", POT, "-d", TRANSLATIONS, "--no-fuzzy-matching", "--ignore-obsolete")


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile the catalogues (.po to .mo); make does this before running or testing."""
    _pybabel("compile", "-d", TRANSLATIONS)


# --- audit log -------------------------------------------------------------------------------


@click.group("audit")
def audit_cli() -> None:
    """The audit log of administrators' actions."""


@audit_cli.command("list")
@list_format
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option("--action", help="Only this action, e.g. round.closed.")
@with_appcontext
def audit_list(fmt: str, limit: int, action: str | None) -> None:
    """The newest events first: time (UTC), who, action, target."""
    rows = [audit.as_dict(e) for e in audit.recent(per_page=limit, action=action).events]
    echo_rows(fmt, rows, lambda r: f"{r['at']}  {r['actor']:<32} {r['action']:<24} {r['target']}")


def init_app(app: Flask) -> None:
    """Add helhet's own commands; the blueprints add theirs when they are registered."""
    from helhet.serve import serve

    for command in (init_db, demo, demo_logins, user_cli, orgunits_cli, translate_cli, audit_cli):
        app.cli.add_command(command)
    app.cli.add_command(serve)  # gunicorn with production defaults (helhet/serve.py)
    dbcli.init_app(app)  # `helhet backup create|restore`, `helhet db copy`
