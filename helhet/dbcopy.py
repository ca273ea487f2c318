"""Moving a database to PostgreSQL: every table, row for row, ids kept, sequences set after.

    copy(source_url="sqlite:////srv/helhet/instance/helhet.sqlite",
         target_url="postgresql://helhet@db/helhet", head="0009")

1. The source must be at the newest schema (`head`; run `helhet db upgrade` first) and hold no
   table Helhet does not know (nothing is left behind silently).
2. The target must be empty: no tables, or Helhet's schema at `head` without a single row (what a
   copy that failed half-way leaves). The schema is built by the migrations, so the target is
   exactly what `helhet db upgrade` makes.
3. The rows are read in one consistent state (SQLite: from an online backup taken first, so the
   copy is of one moment even if someone still writes; PostgreSQL: one repeatable-read
   transaction), in batches of `batch` rows, parents before children (org units before their
   sub-units), and written in one transaction on the target: all or nothing.
4. Each table's id sequence is set past its largest id, so new rows continue where the source
   ended; the counts of every table are compared before the commit.

Stop the app (or at least the answering) while copying: what is sent after the copy began stays in
the source only.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Table,
    create_engine,
    func,
    insert,
    select,
    text,
)

from helhet import backup
from helhet.config import normalise_database_url
from helhet.problems import HelhetError

BATCH = 2000
ALEMBIC = "alembic_version"
IGNORED = {ALEMBIC, "sqlite_sequence", "sqlite_stat1"}


class CopyError(HelhetError):
    """A copy that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Copied:
    rows: dict[str, int]  # table -> rows copied

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def copy(
    source_url: str,
    target_url: str,
    metadata: MetaData,
    head: str,
    build_schema,
    batch: int = BATCH,
) -> Copied:
    """Copy every table of `metadata` from the source to the empty PostgreSQL target.

    `build_schema(target_url)` creates the schema on the target (the migrations to `head`).
    """
    if backup.database_kind(target_url) != "postgresql":
        raise CopyError("The target of a copy must be a PostgreSQL database (postgresql://...).")
    if _same_database(source_url, target_url):
        raise CopyError("The source and the target are the same database.")
    _check_source(source_url, metadata, head)
    with _readable(source_url) as readable_url:
        source = create_engine(normalise_database_url(readable_url))
        target = create_engine(normalise_database_url(target_url))
        try:
            if _needs_schema(target, metadata, head):
                build_schema(target_url)
            consistent = {"isolation_level": "REPEATABLE READ"} if _is_pg(source) else {}
            with (
                source.connect().execution_options(**consistent) as reading,
                target.begin() as writing,
            ):
                rows = {
                    table.name: _copy_table(reading, writing, table, batch)
                    for table in metadata.sorted_tables
                }
                _set_sequences(writing, metadata)
                _compare_counts(reading, writing, metadata)
        finally:
            source.dispose()
            target.dispose()
    return Copied(rows)


def _is_pg(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


# --- checks -----------------------------------------------------------------------------------


def _same_database(source_url: str, target_url: str) -> bool:
    a, b = (backup._url(u) for u in (source_url, target_url))
    return (a.get_backend_name(), a.host, a.port, a.database) == (
        b.get_backend_name(),
        b.host,
        b.port,
        b.database,
    )


def _check_source(source_url: str, metadata: MetaData, head: str) -> None:
    revision = backup.schema_revision(source_url)
    if revision != head:
        raise CopyError(
            f"The source database is at schema revision {revision or 'none'}, not {head}:"
            " run `helhet db upgrade` on it first."
        )
    known = set(metadata.tables) | IGNORED
    unknown = sorted(
        name for name in backup.user_tables(source_url) if name.removeprefix("public.") not in known
    )
    if unknown:
        raise CopyError(
            f"The source has tables Helhet does not know ({', '.join(unknown)}); nothing was"
            " copied, so that nothing is left behind."
        )


def _needs_schema(target: Engine, metadata: MetaData, head: str) -> bool:
    """True for a database without tables; False for Helhet's empty schema at `head`; refuses
    anything else (a database with rows, or with other tables)."""
    with target.connect() as connection:
        tables = set(
            connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname NOT IN"
                    " ('pg_catalog', 'information_schema')"
                )
            ).scalars()
        )
        if not tables:
            return True
        expected = set(metadata.tables) | {ALEMBIC}
        revision = (
            connection.execute(text(f"SELECT version_num FROM {ALEMBIC}")).scalar()
            if ALEMBIC in tables
            else None
        )
        if tables != expected or revision != head:
            raise CopyError(
                "The target database is not empty (it has tables). Copy into a new, empty"
                " database (createdb), so that no row is mixed with others."
            )
        for table in metadata.sorted_tables:
            if connection.execute(select(table).limit(1)).first() is not None:
                raise CopyError(
                    f"The target database is not empty (its table {table.name} has rows). Copy"
                    " into a new, empty database (createdb)."
                )
    return False


@contextmanager
def _readable(source_url: str) -> Iterator[str]:
    """The URL to read the source from: a PostgreSQL source as it is, a SQLite source through an
    online backup beside it (one consistent moment), removed afterwards."""
    if backup.database_kind(source_url) != "sqlite":
        yield source_url
        return
    source = backup.sqlite_path(source_url)
    if not source.is_file():
        raise CopyError(f"There is no SQLite database at {source}.")
    folder = Path(tempfile.mkdtemp(prefix=".helhet-copy-", dir=source.parent))
    try:
        snapshot = folder / "snapshot.sqlite"
        backup.create(source_url, snapshot)
        yield f"sqlite:///{snapshot}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- copying ----------------------------------------------------------------------------------


def _copy_table(reading: Connection, writing: Connection, table: Table, batch: int) -> int:
    copied = 0
    for rows in _batches(reading, table, batch):
        writing.execute(insert(table), rows)
        copied += len(rows)
    return copied


def _batches(reading: Connection, table: Table, batch: int) -> Iterator[list[dict]]:
    """The table's rows in batches, in primary-key order; a table that refers to itself (an org
    unit to its parent) in an order where every row comes after the row it refers to."""
    if _self_references(table):
        ordered = _parents_first(
            table, [dict(r) for r in reading.execute(select(table)).mappings()]
        )
        for start in range(0, len(ordered), batch):
            yield ordered[start : start + batch]
        return
    query = select(table).order_by(*table.primary_key.columns)
    result = reading.execution_options(stream_results=True, yield_per=batch).execute(query)
    for part in result.mappings().partitions(batch):
        yield [dict(row) for row in part]


def _self_references(table: Table) -> list[tuple[str, str]]:
    """(column, referred column) of each foreign key from the table to itself."""
    return [
        (fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table
    ]


def _parents_first(table: Table, rows: list[dict]) -> list[dict]:
    """The rows so that each comes after the row its self-reference points to (bounded: one pass
    per level of the tree; a cycle is refused)."""
    links = _self_references(table)
    placed: set = set()
    ordered: list[dict] = []
    waiting = rows
    for _level in range(len(rows) + 1):
        if not waiting:
            return ordered
        ready = [
            row
            for row in waiting
            if all(row[column] is None or row[column] in placed for column, _ in links)
        ]
        if not ready:
            break
        ordered.extend(ready)
        for row in ready:
            placed.update(row[referred] for _, referred in links)
        ready_ids = {id(row) for row in ready}
        waiting = [row for row in waiting if id(row) not in ready_ids]
    raise CopyError(f"The table {table.name} refers to itself in a cycle; nothing was copied.")


def _set_sequences(writing: Connection, metadata: MetaData) -> None:
    """Set every id sequence past the largest id copied, so that new rows continue."""
    quote = writing.dialect.identifier_preparer.quote
    for table in metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        largest = writing.execute(select(func.max(column))).scalar()
        writing.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, :column), :value, :called)"),
            {
                "table": quote(table.name),
                "column": column.name,
                "value": largest or 1,
                "called": largest is not None,
            },
        )


def _compare_counts(reading: Connection, writing: Connection, metadata: MetaData) -> None:
    for table in metadata.sorted_tables:
        count = select(func.count()).select_from(table)
        source, target = reading.execute(count).scalar(), writing.execute(count).scalar()
        if source != target:
            raise CopyError(
                f"The table {table.name} has {source} rows in the source but {target} in the"
                " copy; nothing was copied."
            )
