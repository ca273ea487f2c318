"""A database connection found broken (PostgreSQL restarted, a connection cut) costs one request a
"try again" page with 503, never a stack trace; the next request connects afresh. Connections are
not pinged before each use (helhet/config.py says why)."""

from __future__ import annotations

import psycopg
import pytest

from tests.conftest import PG_URL

pytestmark = pytest.mark.postgres


def cut_the_app_s_connections() -> int:
    """What a PostgreSQL restart does to the app's pooled connections."""
    url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]


def test_a_broken_connection_answers_503_try_again_and_the_next_request_reconnects(pg_app):
    pg_app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: errors become pages
    client = pg_app.test_client()
    unknown_code = {"code": "ABCDE-FGHJK"}
    first = client.post("/svar", data=unknown_code)  # reads the invitations: holds a connection
    assert first.status_code not in (500, 503)
    assert cut_the_app_s_connections() >= 1

    broken = client.post("/svar", data=unknown_code)
    assert broken.status_code == 503
    page = broken.get_data(as_text=True)
    assert "Noe gikk galt hos oss" in page and "Prøv igjen" in page
    assert "Traceback" not in page and "psycopg" not in page

    again = client.post("/svar", data=unknown_code)
    assert again.status_code == first.status_code
    assert again.get_data(as_text=True).count("ABCDE") == first.get_data(as_text=True).count(
        "ABCDE"
    )


def test_the_pool_is_not_pinged_on_every_request_and_is_renewed(pg_app):
    options = pg_app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert not options.get("pool_pre_ping") and options["pool_recycle"] <= 3600
