"""`helhet db copy --to postgresql://...`: a SQLite database moves to PostgreSQL whole (every table,
row for row), new ids continue after the copy, and a copy refuses what would mix or lose rows."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select

from collector.models import Response
from helhet import create_app
from helhet.config import normalise_database_url
from helhet.extensions import db
from surveys.models import Questionnaire
from tests import factories as core
from tests.collector import helpers
from tests.conftest import _dispose, _require_postgres, app_config, make_app, sqlite_url
from tests.helhet.roundtrip import cli, fresh_postgres, make_standard_round, migrated_app
from tests.respondents import answers_for


def answer_in_test_client(app, code: str, pages, signature: int, send: bool = True) -> int:
    client = app.test_client()
    assert client.post("/svar", data={"code": code}).status_code == 303
    for page in pages:
        data = {**answers_for(page, signature), "action": "next"}
        assert client.post(f"/svar/side/{page.number}", data=data).status_code == 303
    return client.post("/svar/send", data={"action": "send"}).status_code if send else 0


@pytest.fixture
def sqlite_source(tmp_path):
    """A SQLite database at the newest schema with a bit of everything: org units (a tree), users,
    the standard questionnaires, a round with codes, sent responses (mixed into batches, tallied),
    an answer in progress, results kept in the cache, audit events."""
    _require_postgres()
    app = migrated_app(sqlite_url(tmp_path))
    with app.app_context():
        tree = core.make_tree()
        admin = core.make_user("admin@test.no", role="admin")
        core.make_user("leder@test.no", role="leader", unit=tree["4601-helse"])
        round_ = make_standard_round([tree["4601-helse-hjemme"]], codes_per_unit=12, min_group=5)
        pages = helpers.pages_of(db.session.get(Questionnaire, round_.questionnaire_id))
        codes = round_.all_codes()
        for number, code in enumerate(codes[:7]):
            assert answer_in_test_client(app, code, pages, number) == 303
        answer_in_test_client(app, codes[7], pages, 7, send=False)
        core.login(app.test_client(), admin)
        assert app.test_client().get("/health").status_code == 200
        yield app, round_, pages
    _dispose(app)


def table_rows(url: str) -> dict[str, list[dict]]:
    """Every row of every table of Helhet's schema, in primary-key order."""
    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    dict(row)
                    for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    ).mappings()
                ]
                for table in db.metadata.sorted_tables
            }
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_sqlite_database_moves_to_postgresql_whole_and_new_ids_continue(sqlite_source):
    app, round_, pages = sqlite_source
    source_url = app.config["SQLALCHEMY_DATABASE_URI"]
    with fresh_postgres("copy") as target_url:
        copied = cli(source_url, "db", "copy", "--to", target_url)
        assert copied.exit_code == 0, copied.output
        before, after = table_rows(source_url), table_rows(target_url)
        assert {name: len(rows) for name, rows in after.items() if rows} == {
            name: len(rows) for name, rows in before.items() if rows
        }
        for name in before:
            assert after[name] == before[name], name
        assert len(before["response"]) == 7 and len(before["draft"]) >= 1

        target = create_app(app_config(target_url))
        with target.app_context():
            largest = db.session.scalar(select(func.max(Response.id)))
            unit = core.make_unit("4601-ny", "Ny enhet")  # a new id from the sequence
            assert unit.id == max(r["id"] for r in before["org_unit"]) + 1
            codes = round_.all_codes()
            # the answer in progress goes on in PostgreSQL; a new respondent answers too
            client = target.test_client()
            assert client.post("/svar", data={"code": codes[7]}).status_code == 303
            assert client.post("/svar/send", data={"action": "send"}).status_code == 303
            assert answer_in_test_client(target, codes[8], pages, 8) == 303
            assert db.session.scalar(select(func.count()).select_from(Response)) == 9
            assert db.session.scalar(select(func.min(Response.id))) > 0
            assert db.session.scalar(select(func.max(Response.id))) > largest
            db.session.remove()
            db.engine.dispose()


def test_a_copy_refuses_a_target_that_is_not_empty(sqlite_source):
    app, _round, _pages = sqlite_source
    source_url = app.config["SQLALCHEMY_DATABASE_URI"]
    with fresh_postgres("copy") as target_url:
        assert cli(source_url, "db", "copy", "--to", target_url).exit_code == 0
        counted = {name: len(rows) for name, rows in table_rows(target_url).items()}
        again = cli(source_url, "db", "copy", "--to", target_url)
        assert again.exit_code == 1 and "not empty" in again.output
        assert {name: len(rows) for name, rows in table_rows(target_url).items()} == counted


def test_a_copy_refuses_a_target_with_other_tables(sqlite_source):
    app, _round, _pages = sqlite_source
    with fresh_postgres("copy") as target_url:
        engine = create_engine(normalise_database_url(target_url))
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE something_else (id integer)")
        engine.dispose()
        result = cli(app.config["SQLALCHEMY_DATABASE_URI"], "db", "copy", "--to", target_url)
        assert result.exit_code == 1 and "not empty" in result.output


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("sqlite:////tmp/helhet-copy-target.sqlite", "must be a PostgreSQL database"),
        ("mysql://someone:hemmelig@127.0.0.1/helhet", "PostgreSQL and SQLite"),
        ("not a url at all", "Could not parse"),
    ],
)
def test_a_copy_to_anything_but_postgresql_is_refused(app, tmp_path, target, message):
    result = cli(app.config["SQLALCHEMY_DATABASE_URI"], "db", "copy", "--to", target)
    assert result.exit_code == 1 and message in result.output, result.output
    assert "hemmelig" not in result.output


def test_a_source_behind_the_newest_schema_is_refused(tmp_path):
    _require_postgres()
    source = make_app(sqlite_url(tmp_path))  # tables made by create_all: no revision recorded
    _dispose(source)
    with fresh_postgres("copy") as target_url:
        result = cli(source.config["SQLALCHEMY_DATABASE_URI"], "db", "copy", "--to", target_url)
    assert result.exit_code == 1 and "helhet db upgrade" in result.output


def test_a_target_that_cannot_be_reached_is_said_in_one_line(tmp_path):
    source = migrated_app(sqlite_url(tmp_path))
    _dispose(source)
    target = "postgresql://someone:hemmelig@127.0.0.1:9/helhet"  # nothing listens on port 9
    result = cli(source.config["SQLALCHEMY_DATABASE_URI"], "db", "copy", "--to", target)
    assert result.exit_code == 1 and "Cannot reach the database" in result.output
    assert "hemmelig" not in result.output and "Traceback" not in result.output
