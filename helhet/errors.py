"""Error pages in the person's language: never a stack trace, always what to do next."""

from __future__ import annotations

import time

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from helhet.extensions import db, limiter

EXPLANATIONS = {
    400: (
        _l("Something in the request was wrong"),
        _l("Go back, check what you filled in and try again."),
    ),
    403: (
        _l("You do not have access to this page"),
        _l("If you think you should have access, contact your administrator."),
    ),
    404: (
        _l("We could not find the page"),
        _l("Check the address, or start again from the front page."),
    ),
    405: (
        _l("That did not work"),
        _l(
            "The page was opened in a way it does not support. Go back and use the buttons on the"
            " page."
        ),
    ),
    413: (
        _l("The file is too large"),
        _l("Files can be at most 16 MB. Split the file or remove what is not needed."),
    ),
    429: (_l("Too many attempts"), _l("Wait a minute and try again.")),
    500: (
        _l("Something went wrong on our side"),
        _l(
            "Nothing you did caused this. Try again in a moment; if it happens again, contact your"
            " administrator."
        ),
    ),
}


def render_error(status: int, title=None, message=None):
    default_title, default_message = EXPLANATIONS.get(status, EXPLANATIONS[400])
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=title or default_title,
            message=message or default_message,
        ),
        status,
    )


def handle_http_error(error: HTTPException):
    if isinstance(error, InternalServerError):
        db.session.rollback()
        if lost_connection(error.original_exception):
            return render_error(503, *EXPLANATIONS[500])  # "try again in a moment" holds
    return render_error(error.code or 500)


def handle_rate_limited(error: RateLimitExceeded):
    """The "too many attempts" page, with Retry-After: the seconds until the limit that was
    exceeded lets the client in again."""
    body, status = render_error(429)
    exceeded = limiter.current_limit
    wait = 60 if exceeded is None else max(1, int(exceeded.reset_at - time.time()))
    return body, status, {"Retry-After": str(wait)}


def lost_connection(error: BaseException | None) -> bool:
    """Whether the database connection was found broken (PostgreSQL restarted, a connection cut):
    SQLAlchemy has then dropped the process's pooled connections, and the next request connects
    afresh. Connections are not tested before each use (no pool_pre_ping: a round trip on every
    request), so the one request that finds a connection broken answers 503, "try again"."""
    return isinstance(error, DBAPIError) and error.connection_invalidated


def handle_csrf_error(error: CSRFError):
    return render_error(
        400,
        _l("The form has expired"),
        _l("For your security, forms expire. Go back, reload the page and send it again."),
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)
    app.register_error_handler(HTTPException, handle_http_error)
