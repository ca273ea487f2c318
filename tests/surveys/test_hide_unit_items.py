"""The questionnaire setting `hide_unit_items` (results show units their indicators only): the
settings page, the JSON format, new versions, and the migration that adds it, on SQLite and
PostgreSQL."""

from __future__ import annotations

import json

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from helhet.extensions import db
from surveys import jsonformat, queries, services
from surveys.errors import InvalidQuestionnaire, QuestionnaireError
from tests import factories as core
from tests.conftest import PG_URL, sqlite_url
from tests.helhet.test_migrations import _empty_app
from tests.surveys.factories import make_small_questionnaire

BASE = "/admin/sporreskjema"
FIELD = "hide_unit_items"


def settings_form(questionnaire, **changes) -> dict:
    data = {
        "key": questionnaire.key,
        "kind": questionnaire.kind.value,
        "title_nb": questionnaire.title["nb"],
    }
    return data | changes


def admin_client(app):
    client = app.test_client()
    core.login(client, core.make_user("admin@test.no", role="admin"))
    client.get("/sprak/en")
    return client


def checkbox(page: str) -> str:
    start = page.index(f'id="{FIELD}"')
    return page[page.rindex("<input", 0, start) : page.index(">", start)]


def test_the_settings_page_stores_the_promise_and_shows_it_ticked(any_app):
    client = admin_client(any_app)
    q = make_small_questionnaire()
    db.session.commit()

    saved = client.post(f"{BASE}/{q.id}/innstillinger", data=settings_form(q, **{FIELD: "y"}))

    assert saved.status_code == 303
    db.session.expire_all()
    assert queries.get(q.id).hide_unit_items is True
    assert "checked" in checkbox(client.get(f"{BASE}/{q.id}/innstillinger").get_data(as_text=True))
    overview = client.get(f"{BASE}/{q.id}").get_data(as_text=True)
    assert "Only indicators, no results per question" in overview


def test_unticking_the_box_shows_units_their_questions_again(any_app):
    client = admin_client(any_app)
    q = make_small_questionnaire()
    q.hide_unit_items = True
    db.session.commit()

    client.post(f"{BASE}/{q.id}/innstillinger", data=settings_form(q))

    db.session.expire_all()
    assert queries.get(q.id).hide_unit_items is False
    assert "checked" not in checkbox(
        client.get(f"{BASE}/{q.id}/innstillinger").get_data(as_text=True)
    )


def test_a_new_questionnaire_can_make_the_promise_from_the_start(app):
    client = admin_client(app)

    created = client.post(
        f"{BASE}/nytt",
        data={"key": "medarbeidere", "kind": "employee", "title_nb": "Medarbeidere", FIELD: "y"},
    )

    assert created.status_code == 303
    assert queries.latest("medarbeidere").hide_unit_items is True


def test_a_new_questionnaire_shows_units_their_questions_unless_told(app):
    q = services.create_questionnaire("skjema", "employee", {"nb": "Skjema"})

    assert q.hide_unit_items is False
    assert FIELD not in jsonformat.to_dict(q)


def test_a_published_version_keeps_its_setting(app):
    q = make_small_questionnaire(publish=True)
    db.session.commit()

    with pytest.raises(QuestionnaireError):
        services.update_questionnaire(q, q.key, q.kind, q.title, q.description, True)
    db.session.rollback()
    assert queries.get(q.id).hide_unit_items is False


def test_the_json_export_carries_the_setting_and_an_import_restores_it(any_app):
    q = make_small_questionnaire()
    q.hide_unit_items = True
    db.session.commit()

    exported = jsonformat.dumps(q)
    assert json.loads(exported)[FIELD] is True
    keys = list(json.loads(exported))
    assert keys.index("title") < keys.index(FIELD) < keys.index("sections")  # the documented order

    q.key = "annet"  # free the key, then import the file as a new questionnaire
    db.session.commit()
    imported = services.import_data(json.loads(exported))
    db.session.commit()
    db.session.expire_all()
    again = queries.get(imported.id)
    assert again.hide_unit_items is True
    assert jsonformat.dumps(again) == exported


def test_an_import_without_the_setting_shows_units_their_questions(app):
    q = make_small_questionnaire()
    data = jsonformat.to_dict(q)
    data["key"] = "uten"

    assert FIELD not in data
    assert services.import_data(data).hide_unit_items is False


@pytest.mark.parametrize("value", ["yes", 1, None, [True]])
def test_a_setting_that_is_not_true_or_false_is_refused_at_its_place(app, value):
    data = jsonformat.to_dict(make_small_questionnaire())
    data[FIELD] = value

    with pytest.raises(InvalidQuestionnaire) as refused:
        jsonformat.validate(data)

    assert [p.path for p in refused.value.problems] == [FIELD]


def test_a_new_version_copies_the_setting(app):
    q = make_small_questionnaire()
    q.hide_unit_items = True
    services.publish(q)
    db.session.commit()

    draft = services.new_version(q)

    assert draft.version == 2 and draft.hide_unit_items is True


# --- the migration --------------------------------------------------------------------------------


def migrate_a_stored_questionnaire(url: str) -> None:
    """Upgrade a database holding a questionnaire from 0006 to 0007 and back."""
    app = _empty_app(url)
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO questionnaire (key, version, kind, status, title, description,"
                    " created_at) VALUES ('gammel', 1, 'employee', 'published', '{}', '{}',"
                    " '2026-01-01 00:00:00')"
                )
            )
        upgrade(revision="0007")
        with db.engine.begin() as connection:
            stored = connection.execute(text("SELECT hide_unit_items FROM questionnaire")).all()
            assert [bool(row[0]) for row in stored] == [False]
            connection.execute(text("UPDATE questionnaire SET hide_unit_items = true"))
            assert connection.execute(text("SELECT hide_unit_items FROM questionnaire")).scalar()
        downgrade(revision="0006")
        columns = {c["name"] for c in inspect(db.engine).get_columns("questionnaire")}
        assert FIELD not in columns and "key" in columns
        downgrade(revision="base")
        db.session.remove()
        db.engine.dispose()


def test_the_migration_adds_the_setting_as_false_to_stored_questionnaires_on_sqlite(tmp_path):
    migrate_a_stored_questionnaire(sqlite_url(tmp_path))


def test_the_migration_adds_the_setting_as_false_to_stored_questionnaires_on_postgresql(pg_app):
    migrate_a_stored_questionnaire(PG_URL)
