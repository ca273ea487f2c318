"""Forms of the scorecard pages: a figure indicator, a figure file to import (with its map of
ContentsCodes), the confirmation of an import, and the filters of the figure list."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from helhet.forms import HelhetForm, IntegerField
from scorecard.labels import DIMENSION_LABELS, DIRECTION_LABELS, MEASURE_LABELS
from scorecard.models import Dimension, Direction, Measure
from scorecard.queries import DIMENSION_ORDER
from scorecard.services import IndicatorData, ScorecardError, parse_mapping

LANGUAGE_NAMES = {"nb": _l("bokmål"), "nn": _l("nynorsk"), "en": _l("English")}


class IndicatorForm(HelhetForm):
    key = StringField(
        _l("Key"),
        validators=[Optional(), Length(max=64)],
        description=_l(
            "Lower-case letters, digits and _, e.g. netto_driftsresultat. Files and goals refer"
            " to the key, so it cannot be changed later."
        ),
    )
    name_nb = StringField(
        _l("Name (bokmål)"),
        validators=[DataRequired(message=_l("Write the name in bokmål.")), Length(max=200)],
    )
    name_nn = StringField(_l("Name (nynorsk)"), validators=[Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=200)])
    dimension = SelectField(
        _l("Dimension"), choices=[(d.value, DIMENSION_LABELS[d.value]) for d in DIMENSION_ORDER]
    )
    measure = SelectField(
        _l("Unit of measure"), choices=[(m.value, MEASURE_LABELS[m.value]) for m in Measure]
    )
    direction = SelectField(
        _l("Direction"), choices=[(d.value, DIRECTION_LABELS[d.value]) for d in Direction]
    )
    decimals = IntegerField(
        _l("Decimals shown"),
        default=1,
        validators=[Optional(), NumberRange(0, 6, message=_l("Write a whole number from 0 to 6."))],
    )
    description_nb = TextAreaField(_l("Description (bokmål)"), validators=[Length(max=2000)])
    description_nn = TextAreaField(_l("Description (nynorsk)"), validators=[Length(max=2000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=2000)])
    source = StringField(
        _l("Source"),
        validators=[Length(max=200)],
        description=_l("Where the figures come from, e.g. SSB, KOSTRA."),
    )

    def to_data(self) -> IndicatorData:
        return IndicatorData(
            key=(self.key.data or "").strip(),
            name={lang: getattr(self, f"name_{lang}").data or "" for lang in ("nb", "nn", "en")},
            dimension=Dimension(self.dimension.data),
            measure=Measure(self.measure.data),
            direction=Direction(self.direction.data),
            decimals=1 if self.decimals.data is None else self.decimals.data,
            description={
                lang: getattr(self, f"description_{lang}").data or "" for lang in ("nb", "nn", "en")
            },
            source=self.source.data or "",
        )


class FigureImportForm(HelhetForm):
    file = FileField(
        _l("File"),
        validators=[
            FileRequired(message=_l("Choose a file.")),
            FileAllowed(["csv", "txt", "xlsx", "json"], _l("Choose a .csv, .xlsx or .json file.")),
        ],
        description=_l(
            "CSV or XLSX with the columns indicator, unit, period, value (and optionally status,"
            " note, region_label), or JSON-stat 2.0 from SSB's statbank API."
        ),
    )
    mappings = TextAreaField(
        _l("Map of ContentsCodes (JSON-stat)"),
        validators=[Length(max=5000)],
        description=_l(
            "One per line: CODE=INDICATOR_KEY, or CODE=- to leave a code out. The map is saved for"
            " the table and used again next time."
        ),
    )

    def parsed_mappings(self) -> dict[str, str | None]:
        """The map the person wrote; raises ScorecardError (field "mappings") for a bad line."""
        return parse_mapping_lines(self.mappings.data or "")


def parse_mapping_lines(text: str) -> dict[str, str | None]:
    """CODE=KEY lines (CODE=- leaves a code out) as {code: key or None}; raises ScorecardError."""
    found: dict[str, str | None] = {}
    for line in text.splitlines():
        if line.strip():
            code, key = parse_mapping(line)
            if code in found and found[code] != key:
                raise ScorecardError(_("%(code)s is mapped twice.", code=code), "mappings")
            found[code] = key
    return found


class RemapForm(HelhetForm):
    """The preview's form: the same upload, planned again with another map."""

    token = HiddenField(validators=[DataRequired(), Length(max=64)])
    mappings = TextAreaField(
        _l("Map of ContentsCodes (JSON-stat)"),
        validators=[Length(max=5000)],
        description=_l(
            "One per line: CODE=INDICATOR_KEY, or CODE=- to leave a code out. The map is saved for"
            " the table and used again next time."
        ),
    )

    def parsed_mappings(self) -> dict[str, str | None]:
        return parse_mapping_lines(self.mappings.data or "")


class ConfirmImportForm(HelhetForm):
    token = HiddenField(validators=[DataRequired(), Length(max=64)])
    fingerprint = HiddenField(validators=[DataRequired(), Length(max=64)])
