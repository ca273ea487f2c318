"""Autovacuum's work during a benchmark, on a PostgreSQL server that has it switched off.

A production PostgreSQL vacuums by itself (autovacuum is on by default, and docs/operations.md
says to keep it on). The server of a CI machine may have it off; there, a soak of ten minutes
leaves every sent draft, every mixed-away response and every replaced tally row behind as a dead
row version, each index lookup steps over more of them, and PostgreSQL's CPU per statement grows
through the run (measured: from 0.16 to 0.30 of a core). That is not what a municipality's server
does, so the benchmark does autovacuum's job itself, by autovacuum's default rules:

- every `NAPTIME` seconds (autovacuum_naptime, 1 min), each table of the database whose dead rows
  exceed 50 + 0.2 x its rows (autovacuum_vacuum_threshold and _scale_factor), or whose rows
  inserted since its last vacuum exceed 1000 + 0.2 x its rows (the _insert_ settings), is
  vacuumed, and analysed when the rows changed since its last analysis exceed 50 + 0.1 x its rows;
- throttled as autovacuum is (vacuum_cost_delay 2 ms, vacuum_cost_limit 200).

With autovacuum on, the keeper does nothing. The report says which it was and how many tables it
vacuumed; the CPU it makes PostgreSQL spend is part of the machine's load, as autovacuum's is.
"""

from __future__ import annotations

import threading

from sqlalchemy.pool import NullPool

NAPTIME = 60.0
DUE = """
SELECT s.relname,
       s.n_dead_tup > 50 + 0.2 * c.reltuples
           OR s.n_ins_since_vacuum > 1000 + 0.2 * c.reltuples AS vacuum,
       s.n_mod_since_analyze > 50 + 0.1 * c.reltuples AS analyze
FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
WHERE s.schemaname = current_schema()
"""


class VacuumKeeper:
    """Runs autovacuum's rounds in a thread while autovacuum is off; `stop()` ends it."""

    def __init__(self, database_url: str, naptime: float = NAPTIME) -> None:
        from sqlalchemy import create_engine

        from helhet.config import normalise_database_url

        self.engine = create_engine(
            normalise_database_url(database_url), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        self.connection = self.engine.connect()
        self.autovacuum = self.connection.exec_driver_sql("SHOW autovacuum").scalar() == "on"
        self.naptime = naptime
        self.vacuumed = 0
        self.analysed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vacuum-keeper", daemon=True)

    def start(self) -> VacuumKeeper:
        if not self.autovacuum:
            self.connection.exec_driver_sql("SET vacuum_cost_delay = '2ms'")
            self.connection.exec_driver_sql("SET vacuum_cost_limit = 200")
            self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.naptime):
            self.vacuum_due()

    def vacuum_due(self) -> None:
        """One of autovacuum's rounds: vacuum (and analyse) the tables over its thresholds."""
        quote = self.connection.dialect.identifier_preparer.quote
        for table, vacuum, analyse in self.connection.exec_driver_sql(DUE).all():
            if self._stop.is_set():
                return
            if vacuum:
                self.connection.exec_driver_sql(
                    f"VACUUM {'(ANALYZE) ' if analyse else ''}{quote(table)}"
                )
                self.vacuumed += 1
                self.analysed += bool(analyse)
            elif analyse:
                self.connection.exec_driver_sql(f"ANALYZE {quote(table)}")
                self.analysed += 1

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=300)
        self.connection.close()
        self.engine.dispose()

    def describe(self) -> str:
        if self.autovacuum:
            return "PostgreSQL's autovacuum is on: it vacuumed as it does in production"
        return (
            "PostgreSQL's autovacuum is off on this server: the soak did its work by its default"
            f" rules every {self.naptime:.0f} s ({self.vacuumed} vacuums, {self.analysed}"
            " analyses of tables over the thresholds; bench/vacuum.py)"
        )
