"""Shared fixtures: an app on a fresh database per test, a client, a CLI runner, and logins.

Databases: `app` runs on a fresh SQLite file. Tests that must also hold on PostgreSQL use
`any_app` (parametrized over sqlite and postgresql) or `pg_app`. PostgreSQL comes from
HELHET_TEST_DATABASE_URL; without it those tests skip, and with CI=true a missing or unreachable
server stops the run with a clear message instead. The same holds for the shared inputs
(../shared or HELHET_SHARED_DIR; see tests/shared.py).
"""

from __future__ import annotations

import os
import tempfile

# Tests never read the developer's instance/ folder (config, secret key, database).
os.environ["HELHET_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="helhet-test-instance-")
for _name in ("DATABASE_URL", "SECRET_KEY", "RATELIMIT_STORAGE_URI", "PROXY_FIX"):
    os.environ.pop(_name, None)

import pytest  # noqa: E402
from flask import g, has_app_context  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from helhet import create_app  # noqa: E402
from helhet.config import normalise_database_url  # noqa: E402
from helhet.extensions import db  # noqa: E402
from tests import factories  # noqa: E402
from tests.browser import browser, live_server, new_page  # noqa: E402,F401  (browser fixtures)
from tests.shared import shared_problem  # noqa: E402

PG_URL = os.environ.get("HELHET_TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _postgres_problem() -> str | None:
    if not PG_URL:
        return "HELHET_TEST_DATABASE_URL is not set"
    try:
        engine = create_engine(normalise_database_url(PG_URL))
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect is reported the same way
        return f"cannot connect to {PG_URL}: {exc.__class__.__name__}: {exc}"
    return None


def pytest_sessionstart(session):
    if IN_CI:
        missing = shared_problem()
        if missing:
            pytest.exit(
                f"CI=true but the shared inputs are missing ({missing}); set HELHET_SHARED_DIR or "
                "put them in ../shared: the R reference tests must run in CI, not skip.",
                returncode=3,
            )
        problem = _postgres_problem()
        if problem:
            pytest.exit(
                f"CI=true but PostgreSQL is not usable ({problem}); the PostgreSQL tests must run"
                " in CI.",
                returncode=3,
            )


def app_config(database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests; production uses scrypt
    }
    config.update(overrides)
    return config


class FreshRequestClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as in production.

    The fixtures keep an app context pushed so that tests can use the database directly; Flask
    reuses that context for the client's requests, so without this the signed-in user
    (Flask-Login) and the locale (Flask-Babel) cached on `g` by one request would leak into the
    next, even from another client. The database session is still shared, so a test sees what
    a request committed.
    """

    def open(self, *args, **kwargs):
        if has_app_context():  # without one, the request makes its own context anyway
            g.__dict__.clear()
        return super().open(*args, **kwargs)


def make_app(database_url: str, **overrides):
    app = create_app(app_config(database_url, **overrides))
    app.test_client_class = FreshRequestClient
    with app.app_context():
        if database_url.startswith("postgresql"):
            _reset_postgres()
        db.create_all()
    return app


def _reset_postgres() -> None:
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path):
    app = make_app(sqlite_url(tmp_path))
    with app.app_context():
        yield app
    _dispose(app)


def _require_postgres() -> None:
    problem = _postgres_problem()
    if problem:
        pytest.skip(f"PostgreSQL tests skipped: {problem}")


@pytest.fixture
def pg_app():
    _require_postgres()
    app = make_app(PG_URL)
    with app.app_context():
        yield app
    _dispose(app)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request, tmp_path):
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "postgresql":
        _require_postgres()
        url = PG_URL
    else:
        url = sqlite_url(tmp_path)
    app = make_app(url)
    with app.app_context():
        yield app
    _dispose(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def tree(app):
    """A small municipality: 4601 > helse > (hjemme, sykehjem); 4601 > oppvekst > skole."""
    return factories.make_tree()


@pytest.fixture
def admin(app):
    return factories.make_user("admin@test.no", role="admin")


@pytest.fixture
def leader(app, tree):
    return factories.make_user("leder@test.no", role="leader", unit=tree["4601-helse"])


@pytest.fixture
def admin_client(app, admin):
    client = app.test_client()
    factories.login(client, admin)
    return client


@pytest.fixture
def leader_client(app, leader):
    client = app.test_client()
    factories.login(client, leader)
    return client
