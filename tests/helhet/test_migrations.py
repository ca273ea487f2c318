"""The Alembic migrations build the same schema as the models, on SQLite and on PostgreSQL."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from flask_migrate import downgrade, stamp, upgrade
from sqlalchemy import inspect, text

from helhet.extensions import db
from tests.conftest import PG_URL, make_app, sqlite_url


def _empty_app(url: str):
    app = make_app(url)
    with app.app_context():  # make_app created the tables; start from nothing instead
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    return app


def _differences(app) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


def check_migrations(url: str) -> None:
    app = _empty_app(url)
    with app.app_context():
        upgrade()
        assert "alembic_version" in inspect(db.engine).get_table_names()
        assert _differences(app) == [], (
            "the models have changed: generate a migration (helhet db migrate)"
        )
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.session.remove()
        db.engine.dispose()


def test_migrations_match_the_models_on_sqlite(tmp_path):
    check_migrations(sqlite_url(tmp_path))


def test_migrations_match_the_models_on_postgresql(pg_app):
    check_migrations(PG_URL)


VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"


def _run_migration(file_name: str) -> None:
    spec = importlib.util.spec_from_file_location(file_name, VERSIONS / file_name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with db.engine.begin() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        with Operations.context(context):
            module.upgrade()


def check_upgrade_from_the_earlier_order(url: str) -> None:
    """For a while the migrations ran 0011 -> 0014 (grids) -> 0013 (conditions), without 0012
    (contacts); a database upgraded then is stamped 0013. Upgrading it now must give the same
    schema as the models, with the contact table."""
    app = _empty_app(url)
    with app.app_context():
        upgrade(revision="0011")
        _run_migration("0014_question_grid.py")
        _run_migration("0013_conditions.py")
        stamp(revision="0013")
        assert "contact" not in inspect(db.engine).get_table_names()
        upgrade()
        assert "contact" in inspect(db.engine).get_table_names()
        assert _differences(app) == []
        downgrade(revision="base")
        db.session.remove()
        db.engine.dispose()


def test_a_database_of_the_earlier_order_upgrades_on_sqlite(tmp_path):
    check_upgrade_from_the_earlier_order(sqlite_url(tmp_path))


def test_a_database_of_the_earlier_order_upgrades_on_postgresql(pg_app):
    check_upgrade_from_the_earlier_order(PG_URL)
