"""Answering pages that only read run without a transaction (collector.queries.read_only_request),
and the connection is back in transactions for the next request, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event

from collector import queries
from helhet.extensions import db
from tests import factories as core
from tests.collector import factories, helpers


def dbapi_connection():
    return db.session.connection().connection.dbapi_connection


def in_autocommit(connection) -> bool:
    """psycopg's autocommit flag; Python's sqlite3 says it with isolation_level None."""
    if hasattr(connection, "pgconn"):  # psycopg
        return connection.autocommit is True
    return connection.isolation_level is None


def test_a_read_only_request_runs_without_a_transaction_and_the_next_one_with(any_app):
    with any_app.test_request_context("/svar/side/1"):
        queries.read_only_request()
        reading = dbapi_connection()
        assert in_autocommit(reading)
        db.session.remove()
    with any_app.test_request_context("/svar/side/1", method="POST"):
        assert dbapi_connection() is reading  # the same pooled connection, back in transactions
        assert not in_autocommit(reading)
        db.session.remove()


def test_showing_pages_sends_no_begin_and_sending_is_one_transaction(any_app):
    """A GET of a page: the draft's one SELECT, outside a transaction; the send after it: its
    writes in one transaction that commits."""
    tree = core.make_tree()
    questionnaire = factories.make_questionnaire(sections=2, questions_per_section=2)
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit])
    code = factories.make_codes(campaign, unit, 1)[0]
    client = any_app.test_client()
    helpers.enter_code(client, code)
    helpers.answer_all_pages(client, questionnaire)

    statements: list[str] = []
    engine = db.engine

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement.split()[0].upper())

    def record_commit(_conn):
        statements.append("COMMIT")

    def record_rollback(_conn):
        statements.append("ROLLBACK")

    def in_own_context(call):
        # as in a server: each request in its own app context with a fresh session (this test
        # holds an app context of its own, which a request in this thread would share)
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(call).result()

    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "commit", record_commit)
    event.listen(engine, "rollback", record_rollback)
    try:
        assert in_own_context(lambda: client.get("/svar/side/1").status_code) == 200
        assert in_own_context(lambda: client.get("/svar/send").status_code) == 200
        shown = list(statements)
        statements.clear()
        assert in_own_context(lambda: helpers.send(client).status_code) == 303
        sent = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine, "commit", record_commit)
        event.remove(engine, "rollback", record_rollback)
    # one SELECT each, no BEGIN; SQLAlchemy's closing "rollback" of an autocommit connection
    # sends nothing (the connection is not in a transaction)
    assert [s for s in shown if s != "ROLLBACK"] == ["SELECT", "SELECT"]
    assert sent[-1] == "COMMIT" and "INSERT" in sent and "DELETE" in sent
    assert "ROLLBACK" not in sent
