"""What the logs and the metrics may say about a request: its id, the view that served it, its
URL rule and how long it took. Never the path that was asked for (it holds ids and link tokens),
the query string, the client's address, a header's value or anything that was sent.

The id: a proxy the app trusts (PROXY_FIX > 0) may pass one in X-Request-ID (nginx's
$request_id; docs/deploy/nginx.conf sets it on every request, so a browser cannot choose it),
used if it is a safe token (8-128 letters, digits, ".", "_", "-"); otherwise, and always without a
trusted proxy, the app makes one. Every response carries it back in X-Request-ID.
"""

from __future__ import annotations

import re
import secrets
import time

from flask import Flask, Response, current_app, request, request_started

SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")
HEADER = "X-Request-ID"
_ID = "helhet.request_id"
_STARTED = "helhet.started"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # no view: a 404 or 405 from routing


def request_id() -> str:
    """The id of the current request (taken from the trusted proxy or made once)."""
    environ = request.environ
    found = environ.get(_ID)
    if found is None:
        offered = request.headers.get(HEADER, "")
        trusted = bool(current_app.config.get("PROXY_FIX"))
        found = offered if trusted and SAFE_ID.fullmatch(offered) else secrets.token_hex(16)
        environ[_ID] = found
    return found


def method() -> str:
    """The request's method, one of the standard ones or "other" (a bounded set)."""
    return request.method if request.method in METHODS else "other"


def endpoint() -> str:
    """The Flask endpoint that served the request (e.g. collector.answer_page), a bounded set."""
    rule = request.url_rule
    return rule.endpoint if rule is not None else UNMATCHED


def route() -> str | None:
    """The URL rule with its placeholders (e.g. /s/<link_token>), never their values."""
    rule = request.url_rule
    return rule.rule if rule is not None else None


def elapsed_seconds() -> float | None:
    started = request.environ.get(_STARTED)
    return None if started is None else time.perf_counter() - started


def _started(_sender: Flask, **_extra) -> None:
    request.environ.setdefault(_STARTED, time.perf_counter())
    request_id()


def _add_header(response: Response) -> Response:
    response.headers[HEADER] = request_id()
    return response


def init_app(app: Flask) -> None:
    request_started.connect(_started, app)
    app.after_request(_add_header)
