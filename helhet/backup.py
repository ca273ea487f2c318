"""Backups of the whole database, taken while answers are coming in, and restoring them.

    create("postgresql://.../helhet", Path("helhet-2026-03-02.dump"))   # pg_dump -Fc
    create("sqlite:////srv/helhet/instance/helhet.sqlite", Path("helhet-2026-03-02.sqlite"))
    restore(Path("helhet-2026-03-02.dump"), "postgresql://.../helhet_restored")   # an empty one

PostgreSQL: `pg_dump -Fc` reads the whole database in one snapshot (a repeatable-read transaction)
and blocks no writer, so a backup taken during a burst of sends holds each send whole or not at
all; `pg_restore --single-transaction` restores it all or nothing. pg_dump must be at least the
server's major version (`postgresql-client-NN`); `create` checks that first and says what to
install.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies every page in one step under
one read transaction: in WAL mode writers go on meanwhile, and the copy is the database as of that
moment (committed sends only; the WAL file itself is not copied). The copy is switched to a single
file (journal_mode=DELETE) and checked with `PRAGMA integrity_check`.

Both: the file is written beside its final name and renamed into place when it is complete (an
interrupted backup never leaves a file that looks whole), readable by its owner only (it holds
answers and password hashes), and never overwritten. A restore goes into an empty database only:
it never mixes a backup with other rows.

Not in the backup: the secret key (SECRET_KEY, or instance/secret_key). Keep it apart; a restore
with another key still has every answer, code, user and API token, but signs everyone out and
loses open-link drafts (docs/operations.md, "The secret key").
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from helhet.config import normalise_database_url
from helhet.problems import HelhetError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
TIMEOUT_SECONDS = 6 * 60 * 60  # a pg_dump or pg_restore that runs longer than this is stopped
SQLITE_BUSY_MS = 30_000


class BackupError(HelhetError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str  # "postgresql" or "sqlite"
    size: int  # bytes
    revision: str | None  # the schema's migration (alembic_version), None if it has none


@dataclass(frozen=True)
class Restored:
    kind: str
    revision: str | None


# --- where the database is --------------------------------------------------------------------


def database_kind(database_url: str) -> str:
    """ "postgresql" or "sqlite"; any other database is refused."""
    backend = _url(database_url).get_backend_name()
    if backend not in ("postgresql", "sqlite"):
        raise BackupError(f"Helhet works with PostgreSQL and SQLite databases, not {backend}.")
    return backend


def _url(database_url: str) -> URL:
    """The parsed URL; one that cannot be parsed is refused without repeating it (it may hold a
    password)."""
    try:
        return make_url(normalise_database_url(database_url))
    except ArgumentError:
        raise BackupError(
            "Could not parse the database URL; it looks like postgresql://user@host/name or"
            " sqlite:////path/to/file.sqlite."
        ) from None


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite URL; an in-memory database has none and is refused."""
    database = _url(database_url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("An in-memory SQLite database has no file to back up or restore into.")
    return Path(database)


def libpq_call(database_url: str) -> tuple[str, dict[str, str]]:
    """The connection string for pg_dump / pg_restore and their environment: the password goes
    in PGPASSWORD, never on the command line (where `ps` would show it)."""
    url = _url(database_url)
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def schema_revision(database_url: str) -> str | None:
    """The migration the database's schema is at (alembic_version), or None."""
    engine = create_engine(normalise_database_url(database_url))
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def user_tables(database_url: str) -> list[str]:
    """The tables in the database (PostgreSQL: every schema but the system's)."""
    engine = create_engine(normalise_database_url(database_url))
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                return list(
                    connection.execute(
                        text(
                            "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname"
                            " NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
                        )
                    ).scalars()
                )
            return inspect(connection).get_table_names()
    finally:
        engine.dispose()


# --- writing a file safely --------------------------------------------------------------------


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise BackupError(f"{path} exists already; a backup never overwrites a file.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")


def _write_beside(path: Path, write: Callable[[Path], None]) -> None:
    """Have `write` fill a private file beside `path`, then move it into place."""
    fd, partial_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(fd)
    partial = Path(partial_name)
    os.chmod(partial, 0o600)
    try:
        write(partial)
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        if path.exists():  # made meanwhile by someone else: keep theirs
            raise BackupError(f"{path} exists already; a backup never overwrites a file.")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


# --- create -----------------------------------------------------------------------------------


def create(database_url: str, path: Path, timeout: float = TIMEOUT_SECONDS) -> Backup:
    """Back up the whole database into a new file at `path` (see the module docstring)."""
    kind = database_kind(database_url)
    path = Path(path)
    _refuse_existing(path)
    if kind == "postgresql":
        check_pg_tool("pg_dump", database_url)
        _write_beside(path, lambda partial: _pg_dump(database_url, partial, timeout))
    else:
        source = sqlite_path(database_url)
        if not source.is_file():
            raise BackupError(f"There is no SQLite database at {source}.")
        _write_beside(path, lambda partial: _sqlite_copy(source, partial))
    return Backup(path, kind, path.stat().st_size, revision_in(path, kind))


def _pg_dump(database_url: str, out: Path, timeout: float) -> None:
    conninfo, env = libpq_call(database_url)
    _run(["pg_dump", "--format=custom", "--file", str(out), "--dbname", conninfo], env, timeout)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a SQLite database with the online backup API, in one step (one read transaction),
    into a single file (no WAL), and check the copy."""
    with _sqlite(source) as reader, _sqlite(target) as writer:
        reader.backup(writer, pages=-1)
        writer.execute("PRAGMA journal_mode=DELETE")
        _check_integrity(writer, target)


class _sqlite:
    """A plain sqlite3 connection that waits for locks and is closed on leaving."""

    def __init__(self, path: Path):
        self.connection = sqlite3.connect(str(path), timeout=SQLITE_BUSY_MS / 1000)

    def __enter__(self) -> sqlite3.Connection:
        self.connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        return self.connection

    def __exit__(self, *exc) -> None:
        self.connection.close()


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise BackupError(f"{path} failed SQLite's integrity check: {'; '.join(result[:5])}")


# --- restore ----------------------------------------------------------------------------------


def backup_kind(path: Path) -> str:
    """ "postgresql" (a pg_dump custom-format file) or "sqlite", from the file's first bytes."""
    try:
        with Path(path).open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a folder, not a backup file.") from None
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    if head == SQLITE_MAGIC:
        return "sqlite"
    raise BackupError(
        f"{path} is not a Helhet backup (neither a pg_dump custom-format file nor SQLite)."
    )


def restore(path: Path, database_url: str, timeout: float = TIMEOUT_SECONDS) -> Restored:
    """Restore the backup at `path` into the empty database at `database_url`, all or nothing."""
    path = Path(path)
    kind = database_kind(database_url)
    made_by = backup_kind(path)
    if made_by != kind:
        raise BackupError(
            f"{path} is a {made_by} backup and the database is {kind}. Restore it into a"
            f" {made_by} database; `helhet db copy --to URL` then moves a SQLite database to"
            " PostgreSQL."
        )
    if kind == "postgresql":
        check_pg_tool("pg_restore", database_url)
        _refuse_non_empty(database_url)
        conninfo, env = libpq_call(database_url)
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                conninfo,
                str(path),
            ],
            env,
            timeout,
        )
    else:
        target = sqlite_path(database_url)
        if target.exists():
            _refuse_non_empty(database_url)
        if not target.parent.is_dir():
            raise BackupError(f"The folder {target.parent} does not exist.")
        _sqlite_restore(path, target)
    return Restored(kind, schema_revision(database_url))


def _refuse_non_empty(database_url: str) -> None:
    tables = user_tables(database_url)
    if tables:
        shown = ", ".join(tables[:5]) + (" ..." if len(tables) > 5 else "")
        raise BackupError(
            f"The database is not empty (it has the tables {shown}). Restore into a new, empty"
            " database and point DATABASE_URL at it; a restore never mixes a backup with other"
            " rows."
        )


def _sqlite_restore(backup: Path, target: Path) -> None:
    with _sqlite(backup) as reader:
        _check_integrity(reader, backup)
        for suffix in ("-wal", "-shm"):  # leftovers of an earlier, empty file would be replayed
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        with _sqlite(target) as writer:
            reader.backup(writer, pages=-1)
            writer.execute("PRAGMA journal_mode=WAL")  # as the app runs it
            _check_integrity(writer, target)
    os.chmod(target, 0o600)


def revision_in(path: Path, kind: str) -> str | None:
    """The schema revision recorded in a backup file (its alembic_version row), or None."""
    if kind == "sqlite":
        with _sqlite(path) as connection:
            try:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            except sqlite3.OperationalError:
                return None
        return row[0] if row else None
    listing = _run(["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(path)])
    match = re.search(r"^COPY [^\n]*alembic_version[^\n]*\n([^\n\\]+)\n", listing, re.MULTILINE)
    return match.group(1).strip() if match else None


# --- the PostgreSQL client tools ----------------------------------------------------------------


def check_pg_tool(tool: str, database_url: str) -> None:
    """Refuse when `tool` is missing or older than the server (it cannot read a newer server)."""
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} is not installed. Install PostgreSQL's client tools of the server's major"
            " version (Debian: apt-get install postgresql-client)."
        )
    version = _run([tool, "--version"])
    match = re.search(r"(\d+)(?:\.\d+)?", version)
    tool_major = int(match.group(1)) if match else 0
    server_major = _server_major(database_url)
    if tool_major < server_major:
        raise BackupError(
            f"{tool} is version {tool_major}, older than the server ({server_major}); install"
            f" postgresql-client-{server_major}."
        )


def _server_major(database_url: str) -> int:
    engine = create_engine(normalise_database_url(database_url))
    try:
        with engine.connect() as connection:
            number = connection.execute(text("SHOW server_version_num")).scalar()
    except Exception as error:  # any failure to reach the server is reported the same way
        raise BackupError(f"Cannot reach the database: {error.__class__.__name__}.") from None
    finally:
        engine.dispose()
    return int(number) // 10000


def _run(command: list[str], env: dict[str, str] | None = None, timeout: float = 60) -> str:
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{command[0]} did not finish within {timeout:.0f} s.") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout
