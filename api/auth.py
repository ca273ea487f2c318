"""Token authentication for the API: `token_required` marks a view and checks its token.

    @bp.route("/rounds")
    @token_required
    def rounds(): ... g.api_user ...

The mark (`Access.TOKEN`) tells helhet.access that the session does not count here; the check
answers 401 with a JSON error and WWW-Authenticate for no token, a wrong or revoked one, or a
deactivated user's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, jsonify, request
from flask_babel import gettext as _

from api import queries
from helhet.access import Access

CHALLENGE = 'Bearer realm="helhet"'


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def error(status: int, message: str, **headers: str):
    response = jsonify(error=message)
    response.status_code = status
    response.headers.update(headers)
    return response


def unauthorized():
    if bearer_token() is None:
        return error(401, _("A bearer token is required."), **{"WWW-Authenticate": CHALLENGE})
    return error(
        401,
        _("The token is not valid."),
        **{"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'},
    )


def token_required(view: Callable) -> Callable:
    @wraps(view)
    def checked(*args, **kwargs):
        user = queries.user_for_secret(bearer_token())
        if user is None:
            return unauthorized()
        g.api_user = user
        return view(*args, **kwargs)

    checked.access = Access.TOKEN
    return checked
