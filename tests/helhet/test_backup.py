"""`helhet backup create|restore`: a backup taken while answers come in restores into a fresh
database as the round was at one moment (responses, codes, results), on SQLite and PostgreSQL; a
backup made with the first migration's schema restores and upgrades to the current one; and what
a backup refuses to do."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, insert, select, text

from collector import codes as code_hashing
from collector.models import Campaign, Response
from helhet import backup, create_app
from helhet.dbcli import head_revision
from helhet.extensions import db
from results import queries as results_queries
from results import services as results_services
from surveys.models import Questionnaire
from tests import factories as core
from tests.collector import helpers
from tests.collector.serving import start_gunicorn
from tests.conftest import PG_URL, _dispose, _require_postgres, app_config, make_app, sqlite_url
from tests.helhet.roundtrip import (
    cli,
    fresh_postgres,
    make_standard_round,
    migrated_app,
    round_results_json,
    round_state,
    same_results,
)
from tests.respondents import HttpRespondent, answers_for

SETTINGS = "WTF_CSRF_ENABLED = False\nRATELIMIT_ENABLED = False\n"


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated(request, tmp_path):
    """An app on a database whose schema the migrations made, on SQLite and on PostgreSQL."""
    if request.param == "postgresql":
        _require_postgres()
        url = PG_URL
    else:
        url = sqlite_url(tmp_path)
    app = migrated_app(url)
    with app.app_context():
        yield app
    _dispose(app)


def restore_target(app, tmp_path):
    """A fresh database of the same kind as the app's: a new file, or a new PostgreSQL database."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from contextlib import nullcontext

        return nullcontext(f"sqlite:///{tmp_path / 'restored.sqlite'}")
    return fresh_postgres("restore")


# --- a backup of a round while answers come in ----------------------------------------------------


class Stream:
    """One respondent after another sends the whole survey; after every request the round's state
    (and, after each send, its results) is recorded, so the moment a backup caught is known."""

    def __init__(self, app, url: str, round_, pages):
        self.app, self.url, self.round, self.pages = app, url, round_, pages
        self.states: list[tuple[tuple, str]] = []
        self.sent = 0
        self.enough = threading.Event()  # enough sends before the backup
        self.backed_up = threading.Event()
        self.stop = threading.Event()  # the test gives up: stop at once
        self.after_backup = 0
        self.error: BaseException | None = None

    def record(self, results: str | None = None) -> None:
        db.session.rollback()  # a new transaction: what the server committed
        state = round_state(self.round.campaign_id)
        self.states.append((state, results or self.states[-1][1]))

    def run(self) -> None:
        try:
            with self.app.app_context():
                self.record(round_results_json(self.round.campaign_id))
                for number, code in enumerate(self.round.all_codes()):
                    if self.after_backup >= 3 or self.stop.is_set():
                        break
                    self.respond(number, code)
                    if self.backed_up.is_set():
                        self.after_backup += 1
                db.session.remove()
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error
            self.enough.set()

    def respond(self, number: int, code: str) -> None:
        respondent = HttpRespondent()
        assert respondent.enter_code(self.url, code).status_code == 303
        self.record()
        for page in self.pages:
            answered = respondent.answer(self.url, page, answers_for(page, number))
            assert answered.status_code == 303
            self.record()
        assert respondent.send(self.url)
        self.sent += 1
        self.record(round_results_json(self.round.campaign_id))
        if self.sent >= 8:
            self.enough.set()


@pytest.mark.slow
def test_a_backup_taken_while_answers_come_in_restores_the_round_as_it_was_then(migrated, tmp_path):
    tree = core.make_tree()
    round_ = make_standard_round(
        [tree["4601-helse-hjemme"], tree["4601-helse-sykehjem"]], codes_per_unit=20, min_group=3
    )
    pages = helpers.pages_of(db.session.get(Questionnaire, round_.questionnaire_id))
    source_url = migrated.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()
    server = start_gunicorn(source_url, tmp_path / "instance", workers=2, settings=SETTINGS)
    stream = Stream(migrated, server.url, round_, pages)
    thread = threading.Thread(target=stream.run)
    file = tmp_path / "during.backup"
    try:
        thread.start()
        assert stream.enough.wait(timeout=180) and stream.error is None, stream.error
        made = migrated.test_cli_runner().invoke(args=["backup", "create", str(file)])
        stream.backed_up.set()
        thread.join(timeout=180)
    finally:
        stream.stop.set()
        thread.join(timeout=60)
        server.stop()
    assert stream.error is None, stream.error
    assert made.exit_code == 0, made.output
    assert "secret key is not in the backup" in made.output
    assert file.stat().st_mode & 0o077 == 0, "a backup holds answers: its owner's only"

    with restore_target(migrated, tmp_path) as target_url:
        restored = cli(target_url, "backup", "restore", str(file))
        assert restored.exit_code == 0, restored.output
        upgraded = cli(target_url, "db", "upgrade")
        assert upgraded.exit_code == 0, upgraded.output
        app = create_app(app_config(target_url))
        with app.app_context():
            state = round_state(round_.campaign_id)
            results = round_results_json(round_.campaign_id, fresh=True)
            db.session.remove()
            db.engine.dispose()

    moments = [i for i, (recorded, _) in enumerate(stream.states) if recorded == state]
    assert moments, "the restored round is not the source at any one moment"
    # the same figures (to the last bits a different order of summing the tallies may change)
    assert same_results(stream.states[moments[0]][1], results), "the results differ from then"
    completed = sum(status == "completed" for _, status in state[0])
    assert 8 <= completed < stream.sent, "the backup was taken while sends went on"


# --- a backup of the first schema ---------------------------------------------------------------

SCORES = [(5, 4, 4), (3, 3, 2), (4, 5, 5), (2, 3, 4), (5, 5, 5), (1, 2, 2)]


def fill_first_schema(connection) -> None:
    """A round of the first release (revision 0001), written with that schema's own tables: a
    unit, a published questionnaire of three 1-5 questions forming one indicator, a closed round
    with eight codes of which six sent a response, and an administrator."""
    tables = MetaData()
    tables.reflect(connection)
    t = tables.tables
    now = datetime(2025, 3, 1, 12, 0)

    def add(table: str, /, **values) -> int:
        return connection.execute(insert(t[table]).returning(t[table].c.id), values).scalar()

    nb = {"nb": "x", "nn": "x", "en": "x"}
    unit = add("org_unit", code="4601", name="Gamlekommune", level="municipality")
    connection.execute(insert(t["unit_population"]), {"unit_id": unit, "period": 2025, "count": 8})
    questionnaire = add(
        "questionnaire", key="gammel", version=1, kind="employee", status="published",
        title=nb, description=nb, created_at=now, published_at=now,
    )  # fmt: skip
    section = add("section", questionnaire_id=questionnaire, position=1, title=nb, intro={})
    indicator = add(
        "indicator", questionnaire_id=questionnaire, position=1, key="trivsel", name=nb,
        dimension="organisation", min_share=0.5, favourable_from=4,
    )  # fmt: skip
    for position in (1, 2, 3):
        question = add(
            "question", questionnaire_id=questionnaire, section_id=section, position=position,
            key=f"q{position}", type="scale", text=nb, help={}, required=True, scale_min=1,
            scale_max=5, low_label=nb, high_label=nb, dont_know=True, integer_only=False,
        )  # fmt: skip
        connection.execute(
            insert(t["indicator_item"]), {"indicator_id": indicator, "question_id": question}
        )
    campaign = add(
        "campaign", name="Runde 2025", questionnaire_id=questionnaire, period=2025,
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1), open_link=False,
        use_codes=True, min_group=5, created_at=now - timedelta(days=31),
    )  # fmt: skip
    connection.execute(
        insert(t["campaign_unit"]), {"campaign_id": campaign, "unit_id": unit, "link_token": "l1"}
    )
    for number in range(8):
        connection.execute(
            insert(t["invitation"]),
            {
                "campaign_id": campaign,
                "unit_id": unit,
                "code_hash": code_hashing.code_hash(f"CODE{number:06d}"),
                "status": "completed" if number < len(SCORES) else "unused",
            },
        )
    for scores in SCORES:
        response = add(
            "response", campaign_id=campaign, unit_id=unit, submitted_on=date(2025, 2, 20),
            source="web",
        )  # fmt: skip
        connection.execute(
            insert(t["answer"]),
            [
                {
                    "response_id": response,
                    "question_key": f"q{i}",
                    "value": float(v),
                    "dont_know": False,
                }
                for i, v in enumerate(scores, start=1)
            ],  # fmt: skip
        )
    add(
        "user", email="admin@gamle.no", name="Admin", password_hash="pbkdf2:sha256:1$x$y",
        role="admin", active=True, created_at=now,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_backup_of_the_first_schema_restores_and_upgrades_to_the_current_one(kind, tmp_path):
    if kind == "postgresql":
        _require_postgres()
        url = PG_URL
    else:
        url = sqlite_url(tmp_path)
    app = make_app(url)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            fill_first_schema(connection)
        db.session.remove()
    file = tmp_path / "first-schema.backup"
    made = cli(url, "backup", "create", str(file))
    assert made.exit_code == 0 and "(schema 0001)" in made.output, made.output
    _dispose(app)

    with restore_target(app, tmp_path) as target_url:
        restored = cli(target_url, "backup", "restore", str(file))
        assert restored.exit_code == 0, restored.output
        assert "schema is at 0001" in restored.output and "helhet init-db" in restored.output
        assert cli(target_url, "db", "upgrade").exit_code == 0
        current = create_app(app_config(target_url))
        with current.app_context():
            assert backup.schema_revision(target_url) == head_revision()
        tallied = cli(target_url, "init-db")  # what the newer version adds: the round's tallies
        assert tallied.exit_code == 0 and "Tallied the answers of round" in tallied.output
        with current.app_context():
            campaign = db.session.scalar(select(Campaign))
            states = set(db.session.scalars(select(Response.state)))
            results = results_services.round_results(
                campaign, results_queries.round_tree(campaign).nodes
            )
            db.session.remove()
            db.engine.dispose()

    assert {str(s) for s in states} == {"released"}
    cell = results.cell("4601", "trivsel")
    assert cell.n == len(SCORES) and not cell.suppressed
    expected = sum(sum(s) / 3 for s in SCORES) / len(SCORES)
    assert cell.estimate == pytest.approx(expected, rel=1e-12)
    assert results.unit("4601").respondents == len(SCORES)


# --- what a backup refuses -----------------------------------------------------------------------


def test_a_backup_never_overwrites_a_file(app, tmp_path):
    existing = tmp_path / "taken.backup"
    existing.write_bytes(b"something else")
    result = app.test_cli_runner().invoke(args=["backup", "create", str(existing)])
    assert result.exit_code == 1 and "exists already" in result.output
    assert existing.read_bytes() == b"something else"


def test_a_restore_refuses_a_database_that_has_tables(app, tmp_path):
    file = tmp_path / "a.backup"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(file)]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(file)])
    assert result.exit_code == 1 and "not empty" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a Helhet backup"),
        (b"PK\x03\x04 a zip file", "not a Helhet backup"),
        ("ÆØÅ tekst".encode(), "not a Helhet backup"),
    ],
)
def test_a_restore_of_a_file_that_is_no_backup_says_so(tmp_path, content, message):
    file = tmp_path / "not.backup"
    file.write_bytes(content)
    result = cli(f"sqlite:///{tmp_path / 'new.sqlite'}", "backup", "restore", str(file))
    assert result.exit_code == 1 and message in result.output
    assert (
        not (tmp_path / "new.sqlite").exists()
        or backup.user_tables(f"sqlite:///{tmp_path / 'new.sqlite'}") == []
    )


def test_a_restore_of_a_missing_file_says_so(tmp_path):
    result = cli(f"sqlite:///{tmp_path / 'new.sqlite'}", "backup", "restore", "/nonexistent/x")
    assert result.exit_code == 1 and "There is no file" in result.output


def test_a_sqlite_backup_is_not_restored_into_postgresql(app, tmp_path):
    _require_postgres()
    file = tmp_path / "a.backup"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(file)]).exit_code == 0
    with fresh_postgres("restore") as target_url:
        result = cli(target_url, "backup", "restore", str(file))
        assert backup.user_tables(target_url) == []
    assert result.exit_code == 1 and "helhet db copy" in result.output


def test_a_backup_of_an_in_memory_database_is_refused(tmp_path):
    result = cli("sqlite://", "backup", "create", str(tmp_path / "x.backup"))
    assert result.exit_code == 1 and "in-memory" in result.output
    assert not Path(tmp_path / "x.backup").exists()
