"""The Alembic migrations build the same schema as the models, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
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
