"""`helhet backup create|restore FILE` and `helhet db copy --to URL`: the operator's database
commands (helhet/backup.py and helhet/dbcopy.py do the work; docs/operations.md says when to use
them).

    helhet backup create /var/backups/helhet/helhet-$(date +%F).dump
    DATABASE_URL=postgresql://helhet@db/helhet_new helhet backup restore helhet-2026-03-02.dump
    helhet db copy --to postgresql://helhet@db/helhet        # from the SQLite database in use
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from flask_migrate.cli import db as db_group
from sqlalchemy.exc import OperationalError

from helhet import backup, dbcopy
from helhet.clitools import fail, refused
from helhet.extensions import db

SECRET_NOTE = (
    "The secret key is not in the backup: keep SECRET_KEY (or instance/secret_key) apart from it."
    " Restored with another key, every answer and login is there, but everyone is signed out and"
    " unfinished open-link answers are lost."
)


@contextmanager
def reachable() -> Iterator[None]:
    """A database that cannot be reached (down, wrong name, wrong password) is said in one line,
    in the database's own words (they never hold the password), not as a traceback."""
    try:
        yield
    except OperationalError as error:
        fail(f"Cannot reach the database: {str(error.orig).strip().splitlines()[0]}")


def head_revision() -> str:
    """The newest migration of this version of Helhet."""
    migrate = current_app.extensions["migrate"]
    return ScriptDirectory.from_config(migrate.migrate.get_config()).get_current_head()


def database_url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


@click.group("backup")
def backup_cli() -> None:
    """Back up the database while it runs, and restore a backup into an empty database."""


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_create(file: Path) -> None:
    """Write a backup of the whole database (DATABASE_URL) to FILE, a new file.

    PostgreSQL: pg_dump's custom format (restore with `helhet backup restore`, or pg_restore).
    SQLite: a copy of the database file made with SQLite's online backup. Both are safe while
    answers are coming in: the backup is the database as of one moment.
    """
    with reachable(), refused(backup.BackupError):
        made = backup.create(database_url(), file)
    click.echo(
        f"Backed up the {made.kind} database (schema {made.revision or 'without migrations'})"
        f" to {made.path} ({made.size:,} bytes)."
    )
    click.echo(SECRET_NOTE)


@backup_cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_restore(file: Path) -> None:
    """Restore FILE into the database DATABASE_URL names, which must be empty (a new one).

    Afterwards run `helhet init-db` (the migrations, `helhet db upgrade`, and what the newer
    version adds), if the backup was made by an older version of Helhet.
    """
    db.engine.dispose()  # restore works on its own connections
    with reachable(), refused(backup.BackupError):
        restored = backup.restore(file, database_url())
    head = head_revision()
    click.echo(f"Restored {file} into the {restored.kind} database.")
    if restored.revision != head:
        click.echo(
            f"Its schema is at {restored.revision or 'no revision'}, this Helhet's is at {head}:"
            " run `helhet init-db` (or `helhet db upgrade`) now."
        )


@click.command("copy")
@click.option(
    "--to",
    "target",
    required=True,
    metavar="postgresql://...",
    help="The new, empty PostgreSQL database.",
)
@with_appcontext
def db_copy(target: str) -> None:
    """Copy the whole database in use (DATABASE_URL, e.g. SQLite) to an empty PostgreSQL
    database: every table, ids kept, sequences set so new rows continue. Stop the app first;
    then set DATABASE_URL to the new database."""
    source = database_url()
    db.engine.dispose()
    head = head_revision()
    with reachable(), refused(dbcopy.CopyError, backup.BackupError):
        copied = dbcopy.copy(source, target, db.metadata, head, build_schema=migrate_to_head)
    for table, count in copied.rows.items():
        if count:
            click.echo(f"  {table:<24} {count:>10,}")
    click.echo(
        f"Copied {copied.total:,} rows in {len(copied.rows)} tables. Set DATABASE_URL to the new"
        " database and start Helhet again."
    )


def migrate_to_head(target_url: str) -> None:
    """Create Helhet's schema in the target database by running the migrations there."""
    from helhet import create_app  # inline: helhet imports this module while it starts

    app = create_app({"DATABASE_URL": target_url})
    with app.app_context():
        try:
            upgrade()
        except Exception as error:  # the migration's own error, said in one line
            fail(f"Could not create the schema in the target database: {error}")
        finally:
            db.session.remove()
            db.engine.dispose()


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_cli)
    if "copy" not in db_group.commands:  # Flask-Migrate's `db` group is one object for every app
        db_group.add_command(db_copy)
