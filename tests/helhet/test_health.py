"""/health says the process answers; /ready says whether it can serve: the database answers, its
schema is at the migrations' head, and Redis answers when it is configured. On SQLite and
PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
import redis
from alembic.script import ScriptDirectory
from sqlalchemy import text

from helhet import create_app
from helhet.extensions import db, migrate
from tests import factories
from tests.collector import factories as collector_factories
from tests.collector import helpers
from tests.conftest import app_config

REDIS_DB3 = "redis://127.0.0.1:6379/3"


def migrated(app):
    """The test database rebuilt by `helhet init-db` (the migrations), as in production."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    return app


def require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_DB3).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")


def test_health_answers_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_a_database_made_by_the_migrations_is_ready(any_app):
    migrated(any_app)
    response = any_app.test_client().get("/ready")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "redis": "not configured"},
    }


def test_a_database_behind_the_migrations_is_not_ready_and_says_to_upgrade(any_app):
    migrated(any_app)
    scripts = ScriptDirectory(str(migrate.directory))
    head = scripts.get_current_head()
    previous = scripts.get_revision(head).down_revision
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": previous})
    response = any_app.test_client().get("/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["migrations"] == (
        f"the database is at {previous}, the code at {head}: run helhet db upgrade"
    )
    assert body["reasons"] == [f"migrations: {body['checks']['migrations']}"]


def test_a_database_made_without_the_migrations_is_not_ready(any_app):
    response = any_app.test_client().get("/ready")  # conftest's create_all: no revision
    assert response.status_code == 503
    assert response.get_json()["checks"]["migrations"] == (
        "the database has no schema revision: run helhet init-db"
    )


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://helhet:s3cret-pw@127.0.0.1:1/helhet?connect_timeout=3",
        "sqlite:////nonexistent-folder/helhet.sqlite",
    ],
    ids=["postgresql", "sqlite"],
)
def test_an_unreachable_database_makes_ready_503_and_leaves_health_200(url):
    app = create_app(app_config(url))
    with app.app_context():
        client = app.test_client()
        health = client.get("/health")
        ready = client.get("/ready")
        db.engine.dispose()
    assert health.status_code == 200
    assert ready.status_code == 503
    body = ready.get_json()
    assert body["checks"]["database"] == "unreachable (OperationalError)"
    assert body["checks"]["migrations"] == "not checked (the database does not answer)"
    assert "s3cret-pw" not in ready.get_data(as_text=True)  # no message, no connection string
    assert "nonexistent-folder" not in ready.get_data(as_text=True)


def test_ready_checks_redis_when_the_rate_limits_are_kept_there(tmp_path):
    require_redis()
    from tests.conftest import make_app, sqlite_url

    app = make_app(
        sqlite_url(tmp_path),
        RATELIMIT_STORAGE_URI=REDIS_DB3,
        RATELIMIT_KEY_PREFIX=f"test-ready-{uuid.uuid4().hex}",
    )
    with app.app_context():
        migrated(app)
        response = app.test_client().get("/ready")
        db.engine.dispose()
    assert response.status_code == 200
    assert response.get_json()["checks"]["redis"] == "ok"


def test_ready_is_503_when_the_configured_redis_does_not_answer(tmp_path):
    from tests.conftest import make_app, sqlite_url

    app = make_app(sqlite_url(tmp_path), RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/3")
    with app.app_context():
        migrated(app)
        response = app.test_client().get("/ready")
        db.engine.dispose()
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["redis"].startswith("unreachable")
    assert body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "ok"
    assert body["reasons"] == [f"redis: {body['checks']['redis']}"]


@pytest.mark.parametrize("path", ["/health", "/ready"])
def test_health_and_ready_set_no_cookie_even_for_a_respondent_in_the_middle_of_answering(app, path):
    tree = factories.make_tree()
    round_ = collector_factories.make_open_round(tree, codes=1)
    client = app.test_client()
    assert helpers.enter_code(client, round_.codes[0]).status_code == 303  # a session now
    response = client.get(path)
    assert "Set-Cookie" not in response.headers
    fresh = app.test_client().get(path)
    assert "Set-Cookie" not in fresh.headers


@pytest.mark.parametrize("path", ["/health", "/ready"])
def test_health_and_ready_need_no_login(app, path):
    response = app.test_client().get(path)
    assert response.status_code in (200, 503)
    assert response.is_json and "Location" not in response.headers
