"""The shapes of the API's responses (marshmallow), from which the OpenAPI document is made."""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, fields

from results.exports import EXPORT_COLUMNS


class UtcDateTime(fields.DateTime):
    """A naive UTC datetime (how Helhet stores them) written with its offset: RFC 3339."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class ErrorSchema(Schema):
    error = fields.String(required=True, metadata={"description": "What went wrong."})


class OrgUnitSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.Function(
        lambda unit: unit.level.value,
        required=True,
        metadata={"type": "string", "enum": ["municipality", "sector", "unit"]},
    )
    parent = fields.Function(
        lambda unit: unit.parent.code if unit.parent else None,
        allow_none=True,
        metadata={
            "type": "string",
            "nullable": True,
            "description": "The parent's code; null at the top of the reader's tree.",
        },
    )


class QuestionnaireSchema(Schema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    version = fields.Integer(required=True)
    kind = fields.Function(lambda q: q.kind.value, required=True, metadata={"type": "string"})
    title = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "The title per language (nb, nn, en)."},
    )
    hide_unit_items = fields.Boolean(
        required=True,
        metadata={
            "description": (
                "true: the results show org units of level unit their indicators only: no rows"
                " per question (item) for them."
            )
        },
    )
    published_at = UtcDateTime(allow_none=True)


class RoundSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    questionnaire_id = fields.Integer(required=True)
    period = fields.Integer(required=True, metadata={"description": "The population year."})
    opens_at = UtcDateTime(required=True)
    closes_at = UtcDateTime(required=True)
    state = fields.String(required=True, metadata={"enum": ["scheduled", "open", "closed"]})
    min_group = fields.Integer(
        required=True, metadata={"description": "Cells with fewer valid answers are hidden."}
    )
    units = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Codes of the round's units the reader may read."},
    )


_NUMBERS = {
    "n": fields.Integer,
    "estimate": fields.Float,
    "se": fields.Float,
    "ci_low": fields.Float,
    "ci_high": fields.Float,
    "score_0_100": fields.Float,
    "favourable_share": fields.Float,
    "dont_know_share": fields.Float,
}


def _row_field(column: str) -> fields.Field:
    if column == "suppressed":
        return fields.Boolean(required=True)
    if column == "level":
        return fields.String(required=True, metadata={"enum": ["municipality", "sector", "unit"]})
    if column == "reason":
        return fields.String(
            required=True,
            allow_none=True,
            metadata={"enum": ["under_min_group", "complementary", None]},
        )
    if column in _NUMBERS:
        return _NUMBERS[column](required=True, allow_none=True)
    return fields.String(required=True, allow_none=column != "unit")


ResultRowSchema = Schema.from_dict(
    {column: _row_field(column) for column in EXPORT_COLUMNS}, name="ResultRow"
)
ResultRowSchema.__doc__ = (
    "One row of `helhet results --format json` (docs/results.md): a suppressed row has no numbers."
)


class ResultsQuerySchema(Schema):
    """The query of the results endpoints."""

    unit = fields.String(
        metadata={
            "description": (
                "An org unit's code: only the rows of that unit and of the units below it that"
                " the reader may read (the rows of the result pages' download for that unit, and"
                " of `helhet results ROUND --unit CODE` for an administrator). An unknown code,"
                " a unit outside the round's results and a unit outside the reader's subtree"
                " all answer 404."
            ),
            "maxLength": 64,
            # no control characters: Helhet refuses them in any address (helhet.edge, 400)
            "pattern": r"^[^\x00-\x1f\x7f-\x9f]*$",
        }
    )
