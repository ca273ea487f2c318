"""The read-only JSON API (/api/v1), its OpenAPI document, and the page where users keep tokens.

    GET /api/v1/orgunits  /questionnaires  /rounds  /rounds/<id>  /rounds/<id>/results
    GET /api/v1/openapi.json                           (no token needed)
    Authorization: Bearer <token>                      tokens: /konto/tokener, `helhet token`

The API authenticates with per-user tokens, never with the session: its views are marked
`Access.TOKEN` by `api.auth.token_required`, which also checks the token (401 with a JSON body
and WWW-Authenticate otherwise). The access rules and the suppression are those of the pages.

Why flask-smorest: it documents a plain `flask.Blueprint` subclass registered on our own app
factory (APIFlask would replace the Flask class), generates the OpenAPI 3 document from the views
and their marshmallow schemas (apispec, same maintainers, both kept up to date), and can be told
not to take over the app: we let it neither register its own docs blueprint (its views would
carry no access decision) nor its app-wide error handlers (the pages keep their HTML errors).
spectree would do as well, but wants pydantic and wraps the views in its own validation.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_smorest import Api
from flask_smorest import Blueprint as ApiBlueprint

from api.schemas import ErrorSchema
from helhet.extensions import csrf

bp = ApiBlueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Helhet's read-only API: org units, questionnaires, survey rounds and results.",
    cli_group=None,  # cli.py adds `helhet token`
)
pages = Blueprint("api_tokens", __name__)  # /konto/tokener: a user's own tokens


class _Api(Api):
    """flask-smorest's Api, documenting our blueprint only: no error handlers for the whole app,
    and errors in our shape ({"error": "..."}), each documented where a view can give it."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        pass


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Helhet API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", None)  # we serve openapi.json ourselves
    api = _Api(app, spec_kwargs={"security": [{"bearer": []}]})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    csrf.exempt(bp)  # read-only GETs with a token, never a session cookie
    api.register_blueprint(bp)
    app.register_blueprint(pages)


from api import cli, models, routes, scorecard_routes, token_pages  # noqa: E402,F401
