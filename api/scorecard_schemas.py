"""The shapes of the scorecard's API responses (marshmallow), from which the OpenAPI document is
made: goals, and the evaluated scorecard's rows (scorecard.card.CardRow.as_dict, the rows of
`helhet scorecard --format json`)."""

from __future__ import annotations

from marshmallow import Schema, fields

STATUSES = ["achieved", "not_achieved", "uncertain", "no_data"]
TRENDS = ["better", "worse", "no_clear_change", "unchanged", None]
DIMENSIONS = ["economy", "service", "organisation", "community"]


def _number(description: str) -> fields.Float:
    return fields.Float(required=True, allow_none=True, metadata={"description": description})


class GoalSchema(Schema):
    id = fields.Integer(required=True)
    indicator = fields.String(
        required=True,
        metadata={"description": "A figure indicator's key, or <questionnaire>.<indicator>."},
    )
    dimension = fields.String(
        required=True, allow_none=True, metadata={"enum": [*DIMENSIONS, None]}
    )
    unit = fields.String(required=True, metadata={"description": "The org unit's code."})
    period = fields.String(required=True, metadata={"description": "A year, e.g. 2026."})
    target = fields.Float(required=True)
    tolerance = fields.Float(required=True, allow_none=True)
    owner = fields.String(required=True)
    rationale = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": ["proposed", "accepted", "rejected"]})


class RegionValueSchema(Schema):
    region = fields.String(required=True)
    name = fields.String(required=True)
    value = fields.Float(required=True, allow_none=True)
    status = fields.String(
        required=True, allow_none=True, metadata={"description": "SSB's symbol of a missing value."}
    )


class MeasureSchema(Schema):
    text = fields.String(required=True)
    responsible = fields.String(required=True)
    deadline = fields.String(required=True, metadata={"format": "date"})
    done_on = fields.String(required=True, allow_none=True, metadata={"format": "date"})
    status = fields.String(required=True, metadata={"enum": ["done", "planned", "overdue"]})


class ScorecardRowSchema(Schema):
    """One evaluated goal: the row of `helhet scorecard --format json` (docs/scorecard.md). A row
    with status no_data has no value, interval or change."""

    goal = fields.Integer(required=True)
    dimension = fields.String(required=True, metadata={"enum": [*DIMENSIONS, ""]})
    indicator = fields.String(required=True)
    indicator_name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["survey", "figure", ""]})
    direction = fields.String(required=True, metadata={"enum": ["higher", "lower", ""]})
    unit = fields.String(required=True)
    unit_name = fields.String(required=True)
    period = fields.String(required=True)
    value = _number("The result on the indicator's own scale; null when there is none.")
    ci_low = _number("The 95 % interval's lower bound (survey indicators).")
    ci_high = _number("The 95 % interval's upper bound (survey indicators).")
    target = fields.Float(required=True)
    tolerance = fields.Float(required=True, allow_none=True)
    status = fields.String(required=True, metadata={"enum": STATUSES})
    status_reason = fields.String(required=True)
    explanation = fields.String(
        required=True, metadata={"description": "Why the goal has its status, in words."}
    )
    trend = fields.String(required=True, allow_none=True, metadata={"enum": TRENDS})
    change = _number("The value minus the previous period's.")
    previous_value = _number("The previous period's value.")
    trend_p_adjusted = _number("Survey results: the Holm-adjusted p-value of the change.")
    source = fields.String(required=True)
    round = fields.Integer(required=True, allow_none=True)
    revision = fields.Integer(required=True, allow_none=True)
    comparison = fields.List(fields.Nested(RegionValueSchema), required=True)
    owner = fields.String(required=True)
    leader_explanation = fields.String(required=True)
    measures = fields.List(fields.Nested(MeasureSchema), required=True)
    previous_measures = fields.List(fields.Nested(MeasureSchema), required=True)


_NO_CONTROLS = r"^[^\x00-\x1f\x7f-\x9f]*$"  # Helhet refuses control characters in any address
_YEAR = r"^(19[0-9][0-9]|20[0-9][0-9]|2100)$"  # scorecard.periods: a year from 1900 to 2100


class GoalsQuerySchema(Schema):
    period = fields.String(
        metadata={
            "description": "Only the goals of this year (e.g. 2026). Another value answers 400.",
            "pattern": _YEAR,
        }
    )


class ScorecardQuerySchema(Schema):
    period = fields.String(
        required=True,
        metadata={
            "description": "The year of the goals, e.g. 2026. Another value answers 400.",
            "pattern": _YEAR,
        },
    )
    unit = fields.String(
        metadata={
            "description": (
                "An org unit's code: only its goals and those of the units below it that the"
                " reader may read. An unknown code and a unit outside the reader's subtree both"
                " answer 404."
            ),
            "maxLength": 64,
            "pattern": _NO_CONTROLS,
        }
    )
