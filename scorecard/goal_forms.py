"""Forms of the goal and scorecard pages. What may be written (keys, scales, lengths, deadlines)
is scorecard/goal_services.py's decision; these read what was typed, through HelhetForm (no
control characters, no files in text fields). Numbers are read as Norwegians write them (4,5 or
4.5; spaces between thousands) by the figure files' parser."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from analysis.formatting import format_number
from helhet.forms import HelhetForm
from helhet.i18n import current_language
from helhet.models import OrgUnit
from results.forms import DayField
from scorecard.card import target_decimals
from scorecard.figurefiles import parse_number
from scorecard.goal_models import (
    COMMENT_LENGTH,
    EXPLANATION_LENGTH,
    MEASURE_LENGTH,
    OWNER_LENGTH,
    RATIONALE_LENGTH,
    SUMMARY_LENGTH,
    Goal,
    GoalMeasure,
)
from scorecard.goal_services import GoalData


class NumberText(StringField):
    """A number typed as 4,5 or 4.5 (spaces between thousands are fine), or nothing (data
    None); anything else is an error at the field."""

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist and isinstance(valuelist[0], str) else ""
        self.data = None
        if raw.strip():
            self.data = parse_number(raw)
            if self.data is None:
                raise ValueError(_l("Write a number, e.g. 4,5 or 2.0."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_number(self.data, target_decimals(self.data, 0), current_language()).replace(
            "\u00a0", " "
        )


class GoalForm(HelhetForm):
    indicator = SelectField(
        _l("Indicator"),
        validate_choice=False,  # goal_services says what is wrong with an unknown key
        description=_l(
            "The dimension and the direction (higher or lower is better) come from the indicator."
        ),
    )
    unit = SelectField(_l("Org unit"), validate_choice=False)
    period = StringField(
        _l("Period"),
        description=_l("A year, e.g. 2026."),
        validators=[Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    target = NumberText(
        _l("Target"),
        description=_l(
            "On the indicator's own scale: 4,5 on a 1–6 scale for a survey indicator, 2,0 for a"
            " figure in percent."
        ),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    tolerance = NumberText(
        _l("Tolerance (figures only)"),
        description=_l(
            "How far on the wrong side of the target a figure may be and still count as close to"
            " the target. Leave it empty for survey indicators: they are judged by their 95 %"
            " interval."
        ),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    owner = StringField(
        _l("Owner"),
        description=_l("Who answers for the goal: a name or a role."),
        render_kw={"maxlength": OWNER_LENGTH, "autocomplete": "off"},
    )
    rationale = TextAreaField(
        _l("Rationale"),
        description=_l("Why this goal, and why this target."),
        render_kw={"rows": 3, "maxlength": RATIONALE_LENGTH},
    )

    def fill_choices(self, indicator_groups: dict, units: list[tuple[OrgUnit, int]]) -> None:
        """The indicators by dimension, and the org units the person may set goals for."""
        self.indicator.choices = indicator_groups
        self.unit.choices = [
            (str(unit.id), "\u00a0\u00a0" * depth + unit.name) for unit, depth in units
        ]

    def to_data(self, units: dict[str, OrgUnit]) -> GoalData:
        return GoalData(
            indicator=(self.indicator.data or "").strip(),
            unit=units.get(self.unit.data or ""),
            period=(self.period.data or "").strip(),
            target=self.target.data,
            tolerance=self.tolerance.data,
            owner=self.owner.data or "",
            rationale=self.rationale.data or "",
        )

    @classmethod
    def of(cls, goal: Goal) -> GoalForm:
        return cls(
            formdata=None,
            data={
                "indicator": goal.indicator_key,
                "unit": str(goal.unit_id),
                "period": goal.period,
                "target": goal.target,
                "tolerance": goal.tolerance,
                "owner": goal.owner,
                "rationale": goal.rationale,
            },
        )


class CommentForm(HelhetForm):
    text = TextAreaField(
        _l("Comment"),
        render_kw={"rows": 3, "maxlength": COMMENT_LENGTH},
    )


class ExplanationForm(HelhetForm):
    explanation = TextAreaField(
        _l("Explanation"),
        description=_l(
            "Why the goal is not reached, or may not be: what lies behind the result. It stands"
            " beside the status on the scorecard and in the council report."
        ),
        render_kw={"rows": 5, "maxlength": EXPLANATION_LENGTH},
    )


class MeasureForm(HelhetForm):
    text = TextAreaField(
        _l("Measure"),
        description=_l("What will be done to reach the goal."),
        render_kw={"rows": 3, "maxlength": MEASURE_LENGTH},
    )
    responsible = StringField(
        _l("Responsible"),
        description=_l("A name or a role, for example the unit leader."),
        render_kw={"maxlength": OWNER_LENGTH, "autocomplete": "off"},
    )
    deadline = DayField(_l("Deadline"))

    @classmethod
    def of(cls, measure: GoalMeasure) -> MeasureForm:
        return cls(
            formdata=None,
            data={
                "text": measure.text,
                "responsible": measure.responsible,
                "deadline": measure.deadline,
            },
        )


class DoneForm(HelhetForm):
    """Mark a measure carried out ("yes") or not ("no"): one button with the value it sets."""

    done = RadioField(choices=[("yes", "yes"), ("no", "no")], validators=[InputRequired()])


class ConfirmForm(HelhetForm):
    """A POST with nothing but the CSRF token (accept, reject, delete, copy one goal)."""


class CopyForm(HelhetForm):
    source = SelectField(_l("Copy the goals of"), validate_choice=False)
    destination = StringField(
        _l("To the period"),
        description=_l("A year, e.g. 2027."),
        validators=[Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class GoalImportForm(HelhetForm):
    file = FileField(
        _l("File"),
        validators=[
            FileRequired(message=_l("Choose a file.")),
            FileAllowed(["csv", "txt", "xlsx"], _l("Choose a .csv or .xlsx file.")),
        ],
        description=_l(
            "Columns indicator, unit, period, target, and optionally tolerance, owner, rationale."
        ),
    )


class SummaryForm(HelhetForm):
    text = TextAreaField(
        _l("Summary"),
        description=_l("A few sentences on the dimension this period. Leave empty to remove it."),
        render_kw={"rows": 6, "maxlength": SUMMARY_LENGTH},
    )


class PublishForm(HelhetForm):
    period = HiddenField(validators=[InputRequired(), Length(max=20)])
    action = RadioField(
        choices=[("publish", "publish"), ("withdraw", "withdraw")], validators=[InputRequired()]
    )
