"""The API's views: thin, over api.queries and the one results service (results.services).

Every view but the OpenAPI document needs a bearer token (`token_required`); a round the reader
may not read is a 404, as one that does not exist.
"""

from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _

from api import bp
from api import queries as api_queries
from api.auth import error, token_required
from api.schemas import (
    ErrorSchema,
    OrgUnitSchema,
    QuestionnaireSchema,
    ResultRowSchema,
    ResultsQuerySchema,
    RoundSchema,
)
from helhet import access
from helhet.access import public
from results import pages as results_pages
from results import services as results_services
from results.exports import FORMATS, export_rows

UNAUTHORIZED = {"schema": ErrorSchema, "description": "No token, or a wrong or revoked one."}
NOT_FOUND = {"schema": ErrorSchema, "description": "No such round, or not one the reader may read."}
RESULTS_NOT_FOUND = {
    "schema": ErrorSchema,
    "description": (
        "No such round, or not one the reader may read; or (with `unit`) no org unit with that"
        " code in the round's results that the reader may read."
    ),
}
UNIT_QUERY = [{"in": "query", "schema": ResultsQuerySchema}]


def _round_or_404(round_id: int):
    campaign = api_queries.round_for(g.api_user, round_id)
    if campaign is None:
        return None, error(404, _("No survey round with this id that you may read."))
    return campaign, None


def _round_dict(campaign) -> dict:
    return {
        "id": campaign.id,
        "name": campaign.name,
        "questionnaire_id": campaign.questionnaire_id,
        "period": campaign.period,
        "opens_at": campaign.opens_at,
        "closes_at": campaign.closes_at,
        "state": campaign.state().value,
        "min_group": campaign.min_group,
        "units": api_queries.round_unit_codes(g.api_user, campaign),
    }


@bp.route("/openapi.json")
@bp.doc(security=[], responses={"200": {"description": "The OpenAPI 3 document."}})
@public
def openapi():
    """The OpenAPI 3 document of this API (no token needed)."""
    return jsonify(current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict())


@bp.route("/orgunits")
@token_required
@bp.response(200, OrgUnitSchema(many=True))
@bp.alt_response(401, **UNAUTHORIZED)
def orgunits():
    """The org units the reader may read (administrators: all), in tree order."""
    return api_queries.orgunits(g.api_user)


@bp.route("/questionnaires")
@token_required
@bp.response(200, QuestionnaireSchema(many=True))
@bp.alt_response(401, **UNAUTHORIZED)
def questionnaires():
    """Every published questionnaire version."""
    return api_queries.questionnaires()


@bp.route("/rounds")
@token_required
@bp.response(200, RoundSchema(many=True))
@bp.alt_response(401, **UNAUTHORIZED)
def rounds():
    """The survey rounds the reader may read, newest first (leaders: closed rounds with a unit
    in their subtree; administrators: every round)."""
    return [_round_dict(campaign) for campaign in api_queries.rounds(g.api_user)]


@bp.route("/rounds/<int:round_id>")
@token_required
@bp.response(200, RoundSchema)
@bp.alt_response(401, **UNAUTHORIZED)
@bp.alt_response(404, **NOT_FOUND)
def round_detail(round_id: int):
    """One survey round."""
    campaign, problem = _round_or_404(round_id)
    return problem or _round_dict(campaign)


def _results(round_id: int):
    campaign, problem = _round_or_404(round_id)
    if problem is not None:
        return problem
    code = request.args.get("unit")
    if code is None:
        units = api_queries.result_units(g.api_user, campaign)
        results = results_services.round_results(campaign, units)
    else:
        unit = api_queries.result_unit(g.api_user, campaign, code)
        if unit is None:
            return error(
                404, _("No org unit with this code in the round's results that you may read.")
            )
        reader = results_pages.Reader(access.readable_unit_ids(g.api_user))
        results = results_pages.download_results(campaign, unit, reader)
    export = FORMATS["json"]  # the very bytes of `helhet results ROUND [--unit CODE] --format json`
    body = export.render(export_rows(results))
    return current_app.response_class(body, mimetype=export.mimetype)


@bp.route("/rounds/<int:round_id>/results")
@token_required
@bp.response(200, ResultRowSchema(many=True))
@bp.alt_response(401, **UNAUTHORIZED)
@bp.alt_response(404, **RESULTS_NOT_FOUND)
@bp.doc(parameters=UNIT_QUERY)
def round_results(round_id: int):
    """The round's results for the org units the reader may read (with `unit`: that unit's
    subtree): the rows of `helhet results ROUND --format json`, with the same suppression as the
    pages. Where the questionnaire shows units no results per question (`hide_unit_items`), a
    unit has its indicators' rows only."""
    return _results(round_id)


@bp.route("/campaigns/<int:round_id>/results")
@token_required
@bp.response(200, ResultRowSchema(many=True))
@bp.alt_response(401, **UNAUTHORIZED)
@bp.alt_response(404, **RESULTS_NOT_FOUND)
@bp.doc(deprecated=True, parameters=UNIT_QUERY)
def campaign_results(round_id: int):
    """Deprecated: the same as /rounds/{round_id}/results (the public word is "round")."""
    return _results(round_id)
