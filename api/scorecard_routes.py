"""The scorecard's API views: goals and the evaluated scorecard, thin over scorecard.goal_queries
and scorecard.card (the rows of `helhet scorecard --format json`), with the pages' access: a
leader's token reads the goals of their subtree, an administrator's every goal.

    GET /api/v1/goals[?period=2026]
    GET /api/v1/scorecard?period=2026[&unit=CODE]

Names and explanations are in the request's language (Accept-Language; nb when it names none of
nb, nn and en), as the pages; `helhet scorecard --language` gives the same rows on the command
line.
"""

from __future__ import annotations

import json

from flask import current_app, g, request
from flask_babel import gettext as _

from api import bp
from api.auth import error, token_required
from api.routes import UNAUTHORIZED
from api.schemas import ErrorSchema
from api.scorecard_schemas import (
    GoalSchema,
    GoalsQuerySchema,
    ScorecardQuerySchema,
    ScorecardRowSchema,
)
from helhet import access
from helhet import queries as core_queries
from helhet.edge import first_control
from scorecard import card, goal_queries
from scorecard.periods import Period

BAD_PERIOD = {"schema": ErrorSchema, "description": "The period is not a year (e.g. 2026)."}
NO_UNIT = {
    "schema": ErrorSchema,
    "description": "No org unit with this code that the reader may read.",
}


def _year(text: str | None):
    period = Period.parse(text[:20]) if text else None
    if period is None or not period.is_year:
        return None, error(400, _("Give the period as a year, e.g. 2026."))
    return str(period), None


@bp.route("/goals")
@token_required
@bp.response(200, GoalSchema(many=True))
@bp.alt_response(400, **BAD_PERIOD)
@bp.alt_response(401, **UNAUTHORIZED)
@bp.doc(parameters=[{"in": "query", "schema": GoalsQuerySchema}])
def goals():
    """The goals of the org units the reader may read (every state: proposed, accepted,
    rejected), by period, indicator and unit."""
    period = None
    if request.args.get("period") is not None:
        period, problem = _year(request.args.get("period"))
        if problem is not None:
            return problem
    entries = goal_queries.indicator_entries()
    found = goal_queries.goals(
        period=period, readable=access.readable_unit_ids(g.api_user), states=None
    )
    return [
        {
            "id": goal.id,
            "indicator": goal.indicator_key,
            "dimension": entries[goal.indicator_key].dimension.value
            if goal.indicator_key in entries
            else None,
            "unit": goal.unit.code,
            "period": goal.period,
            "target": goal.target,
            "tolerance": goal.tolerance,
            "owner": goal.owner,
            "rationale": goal.rationale,
            "state": goal.state.value,
        }
        for goal in found
    ]


@bp.route("/scorecard")
@token_required
@bp.response(200, ScorecardRowSchema(many=True))
@bp.alt_response(400, **BAD_PERIOD)
@bp.alt_response(401, **UNAUTHORIZED)
@bp.alt_response(404, **NO_UNIT)
@bp.doc(parameters=[{"in": "query", "schema": ScorecardQuerySchema}])
def scorecard():
    """The evaluated scorecard of a period: one row per accepted goal of the org units the reader
    may read (with `unit`: that unit and the units below it), as `helhet scorecard --format json`
    prints them. Survey results obey the result pages' suppression: a hidden result has no
    number, and its status is no_data."""
    period, problem = _year(request.args.get("period"))
    if problem is not None:
        return problem
    readable = access.readable_unit_ids(g.api_user)
    within = None
    code = request.args.get("unit")
    if code is not None:
        within = (
            core_queries.unit_by_code(code)
            if code and len(code) <= 64 and not first_control(code)
            else None
        )
        if within is None or (readable is not None and within.id not in readable):
            return error(404, _("No org unit with this code that you may read."))
    rows = card.scorecard(period, readable=readable, within=within)
    body = json.dumps([row.as_dict() for row in rows], ensure_ascii=False)
    return current_app.response_class(body, mimetype="application/json")
