"""What the log says when a request fails: where, and what kind of error, never its message.

Exception messages quote data. PostgreSQL's DETAIL repeats the failing row ("Failing row contains
(..., the respondent's answer, ...)"), a conversion error repeats the text it could not read, and
SQLAlchemy lists a statement's parameters. Flask logs every unhandled exception with its traceback,
so an answer could end up in the error log next to a time. Two things prevent it:

- the engine runs with hide_parameters=True (helhet.config), so SQLAlchemy never lists values;
- `RedactExceptions`, a filter on the app's logger, replaces the traceback of every record with one
  that keeps every frame (file, line, code) and each exception's type, and for database errors the
  SQLSTATE and the names of the constraint, table and column, but no message. Flask's own line
  ("Exception on /s/<the link token> [GET]") names the view instead of the path.

The log's lines are JSON (helhet/logging_json.py), whose formatter uses `redacted_traceback` too.
"""

from __future__ import annotations

import logging
import traceback

from flask import Flask, has_request_context, request

LEFT_OUT = "(message left out of the log: it may quote what someone sent)"
FLASK_EXCEPTION_LINE = "Exception on "  # Flask.log_exception: f"Exception on {request.path} [...]"


def _chain(error: BaseException) -> list[BaseException]:
    """The exception and the ones it came from, oldest first (as Python prints them)."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return chain[::-1]


def _database_facts(error: BaseException) -> list[str]:
    """Names from the database's report that say where, never what:
    SQLSTATE, constraint, table, column.
    """
    facts = []
    diag = getattr(error, "diag", None)  # psycopg
    if diag is not None:
        for name in ("sqlstate", "constraint_name", "table_name", "column_name"):
            value = getattr(diag, name, None)
            if value:
                facts.append(f"{name}={value}")
    sqlite_name = getattr(error, "sqlite_errorname", None)  # sqlite3
    if sqlite_name:
        facts.append(f"sqlite={sqlite_name}")
    return facts


def redacted_traceback(error: BaseException) -> str:
    parts = []
    for position, link in enumerate(_chain(error)):
        if position:
            parts.append("\nThe exception above led to the following one:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(link.__traceback__))
        kind = type(link)
        facts = _database_facts(link)
        where = f" [{', '.join(facts)}]" if facts else ""
        parts.append(f"{kind.__module__}.{kind.__qualname__}{where}: {LEFT_OUT}\n")
    return "".join(parts).rstrip("\n")


class RedactExceptions(logging.Filter):
    """Replace a record's traceback with `redacted_traceback` (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            isinstance(record.msg, str)
            and record.msg.startswith(FLASK_EXCEPTION_LINE)
            and has_request_context()
        ):
            endpoint = request.url_rule.endpoint if request.url_rule else "-"
            record.msg, record.args = "Exception in %s [%s]", (endpoint, request.method)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redacted_traceback(record.exc_info[1])
            record.exc_info = None
        return True


def init_app(app: Flask) -> None:
    if not any(isinstance(f, RedactExceptions) for f in app.logger.filters):
        app.logger.addFilter(RedactExceptions())
