"""The server log is JSON lines: one per request, one per administrator action, each with the
request's id, and never a client's address, a code, a token, a query string or an answer."""

from __future__ import annotations

import io
import json
import logging

import pytest

from helhet import audit, logging_json
from helhet.extensions import db
from tests.conftest import make_app, sqlite_url
from tests.helhet.answering import answer_with_code_and_with_open_link


def lines(captured: str) -> list[dict]:
    """Every line the app wrote to stderr, each parsed as JSON (the test fails on any other)."""
    return [json.loads(line) for line in captured.splitlines() if line.strip()]


def audit_lines(captured: str) -> list[dict]:
    return [line for line in lines(captured) if line["logger"] == "helhet.audit"]


def requests_of(logged: list[dict]) -> list[dict]:
    return [line for line in logged if line["logger"] == "helhet.request"]


def test_a_whole_answering_session_leaves_no_address_code_token_query_or_answer_in_the_log(
    any_app, capsys, caplog
):
    caplog.set_level(logging.DEBUG)  # every logger, every level, as text too
    capsys.readouterr()
    secrets = answer_with_code_and_with_open_link(any_app)
    captured = capsys.readouterr().err
    logged = lines(captured)

    assert len(requests_of(logged)) == secrets.requests  # one line per request, not none
    everything = captured + caplog.text
    leaked = [s for s in secrets.strings if s in everything]
    assert leaked == []


def test_each_request_is_one_line_naming_the_view_not_the_path(client, capsys):
    capsys.readouterr()
    response = client.get("/s/a-link-token-nobody-has?x=1")
    (line,) = requests_of(lines(capsys.readouterr().err))
    assert line["endpoint"] == "collector.open_link"
    assert line["route"] == "/s/<link_token>"
    assert line["method"] == "GET" and line["status"] == response.status_code == 404
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert isinstance(line["duration_ms"], float) and line["level"] == "INFO"
    assert "a-link-token-nobody-has" not in json.dumps(line)


def test_a_path_no_view_serves_is_logged_as_unmatched(client, capsys):
    capsys.readouterr()
    client.get("/no/such/page/secret-part")
    (line,) = requests_of(lines(capsys.readouterr().err))
    assert line["endpoint"] == "unmatched" and line["route"] is None and line["status"] == 404


def test_an_administrator_action_is_one_audit_line_with_the_request_id(admin_client, tree, capsys):
    capsys.readouterr()
    response = admin_client.post(
        "/admin/enheter/import",
        data={"file": (io.BytesIO(b"code;name;parent\n4601-ny;Ny enhet;4601-helse\n"), "u.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    logged = lines(capsys.readouterr().err)
    (action,) = [line for line in logged if line["logger"] == "helhet.audit"]
    (request_line,) = requests_of(logged)
    assert action["action"] == "units.imported"
    assert action["actor"] == "admin@test.no"
    assert action["message"] == "audit"
    assert action["request_id"] == request_line["request_id"] == response.headers["X-Request-ID"]
    stored = audit.recent().events[0]
    assert audit.as_dict(stored) == {
        k: action[k] for k in ("at", "actor", "action", "target", "detail")
    }


def test_a_refused_administrator_action_writes_no_audit_line(admin_client, tree, capsys):
    capsys.readouterr()
    response = admin_client.post(
        "/admin/enheter/import",
        data={"file": (io.BytesIO(b"code;name;parent\n;;nowhere\n"), "u.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert audit_lines(capsys.readouterr().err) == []


def test_an_audit_event_is_logged_after_its_commit_and_not_after_a_rollback(app, capsys):
    capsys.readouterr()
    with app.test_request_context("/"):
        audit.record("unit.saved", "rolled back")
        db.session.flush()
        db.session.rollback()
        audit.record("unit.saved", "committed")
        db.session.commit()
    logged = audit_lines(capsys.readouterr().err)
    assert [line["target"] for line in logged] == ["committed"]


def test_a_command_line_action_writes_no_server_log_line(app, capsys):
    capsys.readouterr()
    audit.record("unit.saved", "from the command line")
    db.session.commit()
    assert audit_lines(capsys.readouterr().err) == []


@pytest.mark.parametrize(
    ("proxies", "offered", "kept"),
    [
        (1, "0f1e2d3c4b5a69788796a5b4c3d2e1f0", True),  # nginx's $request_id
        (1, "req-2026.03_02-abc", True),
        (0, "0f1e2d3c4b5a69788796a5b4c3d2e1f0", False),  # no trusted proxy: not believed
        (1, "short", False),
        (1, "has space and <html>", False),
        (1, "x" * 129, False),
    ],
)
def test_a_request_id_is_taken_only_from_a_trusted_proxy_and_only_if_safe(
    tmp_path, capsys, proxies, offered, kept
):
    app = make_app(sqlite_url(tmp_path), PROXY_FIX=proxies)
    with app.app_context():
        capsys.readouterr()
        response = app.test_client().get("/health", headers={"X-Request-ID": offered})
        db.engine.dispose()
    (line,) = requests_of(lines(capsys.readouterr().err))
    assert (response.headers["X-Request-ID"] == offered) is kept
    assert line["request_id"] == response.headers["X-Request-ID"]
    if not kept:
        assert len(line["request_id"]) == 32 and offered not in capsys.readouterr().err


def test_an_error_is_one_json_line_with_a_redacted_traceback_and_no_path(app, capsys):
    from helhet.access import public

    answer = "-".join(["hemmelig", "svar", "123"])  # not in the source line the traceback shows

    @public
    def broken(**_kwargs):
        raise ValueError(f"the respondent wrote: {answer}")

    app.view_functions["collector.open_link"] = broken
    app.config["PROPAGATE_EXCEPTIONS"] = False
    capsys.readouterr()
    response = app.test_client().get("/s/secret-link-token-456")
    assert response.status_code == 500
    captured = capsys.readouterr().err
    logged = lines(captured)
    (error,) = [line for line in logged if line["level"] == "ERROR"]
    assert error["message"] == "Exception in collector.open_link [GET]"
    assert "builtins.ValueError: (message left out of the log" in error["exception"]
    assert error["request_id"] == response.headers["X-Request-ID"]
    assert answer not in captured and "secret-link-token-456" not in captured


def test_gunicorn_lines_with_an_address_or_a_uri_are_scrubbed():
    formatter = logging_json.JsonFormatter()
    scrub = logging_json.ScrubServerRecords()
    records = [
        logging.LogRecord(
            "gunicorn.error",
            logging.WARNING,
            __file__,
            1,
            "Invalid request from ip=198.51.100.7: Invalid HTTP request line: 'GET /s/tok-789'",
            (),
            None,
        ),
        logging.LogRecord(
            "gunicorn.error",
            logging.ERROR,
            __file__,
            1,
            "Error handling request %s %s",
            ("GET", "/s/tok-789?code=ABCDE"),
            None,
        ),
    ]
    for record in records:
        scrub.filter(record)
        line = formatter.format(record)
        assert "198.51.100.7" not in line and "tok-789" not in line and "ABCDE" not in line
        assert json.loads(line)["logger"] == "gunicorn.error"
