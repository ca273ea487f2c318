"""The server log as JSON lines: one per request, one per administrator action, and every other
record (errors, warnings), each with the request's id when it was written during a request.

One way to log: every record of the app's logger ("helhet", and its children helhet.request and
helhet.audit) goes through `JsonFormatter` to standard error; under `helhet serve` gunicorn's own
records and those of the libraries do too (helhet/gunicorn_config.py), so the whole stream is JSON.
The formatter builds on helhet/errorlog.py: an exception is written as `redacted_traceback` (frames
and types, never a message), whichever logger it came from.

    {"time": "2026-03-02T08:00:00.123Z", "level": "INFO", "logger": "helhet.request",
     "message": "request", "request_id": "3f2a...", "method": "POST",
     "endpoint": "collector.answer_page", "route": "/svar/side/<int:page>", "status": 303,
     "duration_ms": 12.4}
    {"time": ..., "logger": "helhet.audit", "message": "audit", "request_id": "3f2a...",
     "at": "2026-03-02T08:00:00Z", "actor": "admin@kommune.no", "action": "round.closed",
     "target": "Medarbeiderundersøkelse 2026", "detail": {}}

What a line never holds: the client's address, the path or query string that was asked for (a
request line names the view and its URL rule with placeholders, see helhet/requestinfo.py), header
or cookie values, codes, tokens, answers. The audit line is the audit log's own record
(helhet/audit.py `as_dict`), written once its transaction has committed; actions taken at the
command line are in the audit log (`helhet audit list`), not in a server's log.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from flask import Flask, has_request_context, request_finished
from flask.logging import default_handler

from helhet import audit, requestinfo
from helhet.errorlog import redacted_traceback

APP_LOGGER = "helhet"
REQUESTS = logging.getLogger("helhet.request")
ADMIN_ACTIONS = logging.getLogger("helhet.audit")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line. `extra={"fields": {...}}` adds fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if has_request_context():
            line["request_id"] = requestinfo.request_id()
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info and record.exc_info[1] is not None:
            line["exception"] = redacted_traceback(record.exc_info[1])
        elif record.exc_text:  # already redacted by errorlog.RedactExceptions
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """A stream handler that writes to whatever sys.stderr is when it writes (as Flask's own
    handler does), so a replaced stderr (a test's capture, a daemon's redirect) is followed."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class ScrubServerRecords(logging.Filter):
    """gunicorn writes a few records with the client's address or the requested URI in them
    ("Invalid request from ip=...", "Error handling request GET /s/<token>?..."): keep what
    happened, leave out whom and what."""

    REPLACEMENTS = {
        "Invalid request from ip=": "Invalid request (its address and content are left out)",
        "Error handling request": "Error handling a request (its address is left out)",
    }

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            for start, replacement in self.REPLACEMENTS.items():
                if record.msg.startswith(start):
                    record.msg, record.args = replacement, ()
        return True


def _writes_json(logger: logging.Logger) -> bool:
    """Whether this logger or one it passes records to already writes JSON lines."""
    current: logging.Logger | None = logger
    while current is not None:
        if any(isinstance(h.formatter, JsonFormatter) for h in current.handlers):
            return True
        current = current.parent if current.propagate else None
    return False


def install() -> None:
    """Have the app's logger write JSON lines to stderr (once per process), at INFO."""
    logger = logging.getLogger(APP_LOGGER)
    logger.removeHandler(default_handler)
    if not _writes_json(logger):
        logger.addHandler(StderrHandler())
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)


def _log_request(_sender: Flask, response, **_extra) -> None:
    elapsed = requestinfo.elapsed_seconds()
    REQUESTS.info(
        "request",
        extra={
            "fields": {
                "method": requestinfo.method(),
                "endpoint": requestinfo.endpoint(),
                "route": requestinfo.route(),
                "status": response.status_code,
                "duration_ms": None if elapsed is None else round(elapsed * 1000, 1),
            }
        },
    )


def _log_admin_action(event: dict) -> None:
    if has_request_context():  # the command line's actions: `helhet audit list`
        ADMIN_ACTIONS.info("audit", extra={"fields": event})


def init_app(app: Flask) -> None:
    install()
    request_finished.connect(_log_request, app)
    audit.after_commit(_log_admin_action)
