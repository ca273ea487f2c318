"""bench/vacuum.py: on a PostgreSQL whose autovacuum is off, the soak vacuums by autovacuum's
default rules; tables under the thresholds are left alone."""

from __future__ import annotations

from sqlalchemy import text

from bench.vacuum import VacuumKeeper
from helhet.extensions import db
from tests.conftest import PG_URL


def _last_vacuum(table: str):
    return db.session.execute(
        text("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = :t"), {"t": table}
    ).scalar_one()


def test_tables_over_autovacuums_thresholds_are_vacuumed_and_the_rest_left(pg_app):
    with pg_app.app_context():
        with db.engine.begin() as connection:
            # autovacuum (where it is on) must not get there first
            connection.execute(
                text("CREATE TABLE churned (id int) WITH (autovacuum_enabled = off)")
            )
            connection.execute(text("CREATE TABLE quiet (id int) WITH (autovacuum_enabled = off)"))
            connection.execute(text("INSERT INTO churned SELECT generate_series(1, 500)"))
            connection.execute(text("INSERT INTO quiet SELECT generate_series(1, 500)"))
            connection.execute(text("ANALYZE churned, quiet"))
            connection.execute(text("DELETE FROM churned WHERE id > 100"))  # 400 dead > 50 + 100
            connection.execute(text("DELETE FROM quiet WHERE id > 490"))  # 10 dead < 50 + 100
            connection.execute(text("SELECT pg_stat_force_next_flush()"))
        keeper = VacuumKeeper(PG_URL)
        try:
            keeper.vacuum_due()
        finally:
            keeper.stop()
        assert keeper.vacuumed >= 1
        db.session.rollback()
        assert _last_vacuum("churned") is not None
        assert _last_vacuum("quiet") is None
        assert ("autovacuum is on" in keeper.describe()) is keeper.autovacuum
        assert "bench/vacuum.py" in keeper.describe() or keeper.autovacuum
