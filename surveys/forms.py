"""Forms for the questionnaire editor. Texts the respondent reads come in three fields each
(`<name>_nb`, `<name>_nn`, `<name>_en`), shown side by side; `texts(form, name)` collects them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from helhet.forms import DecimalField, HelhetForm, IntegerField
from surveys.labels import DIMENSION_LABELS, KIND_LABELS, LANGUAGE_LABELS, LANGUAGES, TYPE_LABELS
from surveys.models import QuestionType

SHORT, LONG = 500, 5000

KEY_HINT = _l("Lowercase letters a–z, digits and _, starting with a letter. Results are compared across versions by this key.")


def _lang_label(what, lang):
    return _l("%(what)s – %(language)s", what=what, language=LANGUAGE_LABELS[lang])


def text_fields(what, long: bool = False, description=None) -> list:
    """Three fields (nb, nn, en) for one text; unpack them into the class body."""
    field_class = TextAreaField if long else StringField
    limit = LONG if long else SHORT
    return [
        field_class(_lang_label(what, lang), validators=[Optional(), Length(max=limit)],
                    description=description if lang == "nb" else None,
                    render_kw={"lang": lang, "rows": 3} if long else {"lang": lang})
        for lang in LANGUAGES
    ]


def texts(form, name: str) -> dict:
    """{"nb": ..., "nn": ..., "en": ...} from the form's three fields for `name`."""
    return {lang: (form[f"{name}_{lang}"].data or "").strip() for lang in LANGUAGES}


def fill_texts(data: dict, name: str, value: dict | None) -> None:
    for lang in LANGUAGES:
        data[f"{name}_{lang}"] = (value or {}).get(lang, "")


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class QuestionnaireForm(HelhetForm):
    key = StringField(_l("Key"), validators=[InputRequired(), Length(max=64)], description=KEY_HINT,
                      render_kw={"autocomplete": "off", "spellcheck": "false"})
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()))
    title_nb, title_nn, title_en = text_fields(_l("Title"))
    description_nb, description_nn, description_en = text_fields(
        _l("Introduction for the respondent"), long=True,
        description=_l("Shown before the first question. Say what the survey is about and that answers are anonymous."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title_nb.validators = [InputRequired(), Length(max=SHORT)]


class SectionForm(HelhetForm):
    title_nb, title_nn, title_en = text_fields(_l("Heading"))
    intro_nb, intro_nn, intro_en = text_fields(_l("Introduction"), long=True,
                                               description=_l("Optional text shown above the section's questions."))


class ChoiceRowForm(Form):
    """One choice in the question form (no CSRF of its own: it lives inside the question form)."""

    value = StringField(_l("Value"), validators=[Optional(), Length(max=64)],
                        render_kw={"autocomplete": "off", "spellcheck": "false"})
    label_nb = StringField(_l("Label – Bokmål"), validators=[Optional(), Length(max=SHORT)], render_kw={"lang": "nb"})
    label_nn = StringField(_l("Label – Nynorsk"), validators=[Optional(), Length(max=SHORT)], render_kw={"lang": "nn"})
    label_en = StringField(_l("Label – English"), validators=[Optional(), Length(max=SHORT)], render_kw={"lang": "en"})

    def is_blank(self) -> bool:
        return not any((f.data or "").strip() for f in (self.value, self.label_nb, self.label_nn, self.label_en))


class QuestionForm(HelhetForm):
    """The fields every question has; `question_form(type)` adds the type's own."""

    key = StringField(_l("Key"), validators=[InputRequired(), Length(max=64)], description=KEY_HINT,
                      render_kw={"autocomplete": "off", "spellcheck": "false"})
    section = SelectField(_l("Section"), coerce=_optional_int)
    text_nb, text_nn, text_en = text_fields(_l("Question text"), long=True)
    help_nb, help_nn, help_en = text_fields(_l("Help text"), long=True,
                                            description=_l("Optional explanation shown under the question."))
    required = BooleanField(_l("The respondent must answer this question"))


class ScaleFields:
    scale_min = IntegerField(_l("Lowest point"), validators=[InputRequired(), NumberRange(min=0, max=10)],
                             render_kw={"inputmode": "numeric"})
    scale_max = IntegerField(_l("Highest point"), validators=[InputRequired(), NumberRange(min=1, max=11)],
                             render_kw={"inputmode": "numeric"})
    low_label_nb, low_label_nn, low_label_en = text_fields(_l("Label of the lowest point"))
    high_label_nb, high_label_nn, high_label_en = text_fields(_l("Label of the highest point"))
    dont_know = BooleanField(_l("Offer «Don't know / not relevant»"),
                             description=_l("It is not a point on the scale: it counts neither for nor against."))


class ChoiceFields:
    choices = FieldList(FormField(ChoiceRowForm), min_entries=0)


class NumberFields:
    min_value = DecimalField(_l("Smallest number allowed"), places=None, validators=[Optional()],
                             render_kw={"inputmode": "decimal"})
    max_value = DecimalField(_l("Largest number allowed"), places=None, validators=[Optional()],
                             render_kw={"inputmode": "decimal"})
    integer_only = BooleanField(_l("Whole numbers only"))


class TextFields:
    max_length = IntegerField(_l("Longest answer (characters)"), validators=[Optional(), NumberRange(min=1, max=10000)],
                              description=_l("Leave empty for 2000."), render_kw={"inputmode": "numeric"})


_FORM_CLASSES: dict[str, type[QuestionForm]] = {}


def question_form(kind: QuestionType | str) -> type[QuestionForm]:
    """The form class for a question of type `kind`."""
    kind = QuestionType(kind).value
    if kind not in _FORM_CLASSES:
        extra = {"scale": (ScaleFields,), "single": (ChoiceFields,), "multiple": (ChoiceFields,),
                 "number": (NumberFields,), "text": (TextFields,), "info": ()}[kind]
        attributes = {}
        for mixin in extra:
            attributes.update({k: v for k, v in vars(mixin).items() if not k.startswith("_")})
        if kind == "info":
            attributes["required"] = None  # information text is never answered
        _FORM_CLASSES[kind] = type(f"{kind.title()}QuestionForm", (QuestionForm,), attributes)
    return _FORM_CLASSES[kind]


class ChangeTypeForm(HelhetForm):
    type = SelectField(_l("New type"), choices=list(TYPE_LABELS.items()))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IndicatorForm(HelhetForm):
    key = StringField(_l("Key"), validators=[InputRequired(), Length(max=64)], description=KEY_HINT,
                      render_kw={"autocomplete": "off", "spellcheck": "false"})
    name_nb, name_nn, name_en = text_fields(_l("Name"))
    dimension = SelectField(_l("Dimension"), choices=list(DIMENSION_LABELS.items()))
    items = CheckboxesField(_l("Scale questions in the indicator"), coerce=int,
                            description=_l("All on the same scale. The indicator score is the mean of the items a respondent answered."))
    min_share = IntegerField(_l("Least share of the items answered (%)"),
                             validators=[InputRequired(), NumberRange(min=1, max=100)],
                             description=_l("A respondent who answered fewer items gets no score for this indicator. Usually 50."),
                             render_kw={"inputmode": "numeric"})
    favourable_from = DecimalField(_l("Favourable from"), places=None, validators=[Optional()],
                                   description=_l("Answers at or above this point count as favourable, for example 5 on a 1–6 scale or 4 on 1–5."),
                                   render_kw={"inputmode": "decimal"})


class MoveForm(HelhetForm):
    direction = HiddenField(validators=[AnyOf(["up", "down"])])


class ConfirmForm(HelhetForm):
    """A POST with nothing but the CSRF token (delete, publish, new version, install)."""


class ImportForm(HelhetForm):
    file = FileField(_l("File"), validators=[FileAllowed(["json", "xlsx", "xls"], _l("Choose a .json, .xlsx or .xls file."))],
                     description=_l("A questionnaire in Helhet's JSON format, or an XLSForm workbook (.xlsx or .xls)."))
    skip_unsupported = BooleanField(_l("Skip what is listed above and import the rest"))
    upload_name = HiddenField()
    upload_data = HiddenField()  # the file from the first attempt (base64), so it need not be chosen again
