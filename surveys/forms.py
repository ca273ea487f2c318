"""Forms for the questionnaire editor, and what each says as the services' data.

Texts the respondent reads come in three fields each (`<name>_nb`, `<name>_nn`, `<name>_en`), shown
side by side (see surveys.values). A question's form is built for its type: the common fields here,
the type's own from the registry (surveys.questiontypes).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from helhet.forms import DecimalField, HelhetForm, IntegerField
from helhet.i18n import localized
from surveys.errors import QuestionnaireError
from surveys.labels import DIMENSION_LABELS, KIND_LABELS
from surveys.models import (
    Dimension,
    Indicator,
    Question,
    Questionnaire,
    QuestionnaireKind,
    QuestionType,
    Section,
)
from surveys.questiontypes import TYPES, QuestionKind, default_scale
from surveys.services import ConditionRow, IndicatorData, QuestionData
from surveys.values import SHORT, fill_texts, form_texts, number, text_fields

KEY_HINT = _l(
    "Lowercase letters a–z, digits and _, starting with a letter. Results are compared across"
    " versions by this key."
)


def key_field() -> StringField:
    """The key of a questionnaire, question or indicator
    (surveys.services says which keys are allowed).
    """
    return StringField(
        _l("Key"),
        validators=[InputRequired(), Length(max=64)],
        description=KEY_HINT,
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class EditorForm(HelhetForm):
    """A form of the editor: a service's QuestionnaireError is shown at the field place() gives."""

    def place(self, error: QuestionnaireError) -> QuestionnaireError:
        return error


def error_items(form) -> list[tuple[str, str, str]]:
    """(field id, label, message) for every error in the form, nested choice rows included."""
    items = []

    def walk(fields, prefix=""):
        for f in fields:
            if f.type == "FieldList":
                for n, entry in enumerate(f.entries, start=1):
                    row = _("Test %(n)s", n=n) if f.name == "rows" else _("Choice %(n)s", n=n)
                    walk(entry.form, row + ": ")
            elif f.errors and isinstance(f.errors, list):
                items.extend((f.id, prefix + str(f.label.text), str(e)) for e in f.errors)

    walk(form)
    items.extend(("", "", str(e)) for e in getattr(form, "form_errors", []))
    return items


def lock(field, why) -> None:
    """Show the field read-only, saying why (the services refuse a change to it anyway)."""
    field.render_kw = {**(field.render_kw or {}), "readonly": True}
    field.description = why


class QuestionnaireForm(EditorForm):
    key = key_field()
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()))
    title_nb, title_nn, title_en, title_se, title_uk, title_pl = text_fields(_l("Title"))
    (
        description_nb,
        description_nn,
        description_en,
        description_se,
        description_uk,
        description_pl,
    ) = text_fields(
        _l("Introduction for the respondent"),
        long=True,
        description=_l(
            "Shown before the first question. Say what the survey is about and that answers are"
            " anonymous."
        ),
    )
    hide_unit_items = BooleanField(
        _l("Show only indicators for units, no results per question"),
        description=_l(
            "Many employee surveys promise this: a unit's leader sees the indicators, and the"
            " results per question only for sectors and the whole municipality."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title_nb.validators = [InputRequired(), Length(max=SHORT)]

    @classmethod
    def of(cls, questionnaire: Questionnaire) -> QuestionnaireForm:
        data = {
            "key": questionnaire.key,
            "kind": questionnaire.kind.value,
            "hide_unit_items": bool(questionnaire.hide_unit_items),
        }
        fill_texts(data, "title", questionnaire.title)
        fill_texts(data, "description", questionnaire.description)
        return cls(data=data)

    def settings(self) -> dict:
        """Keyword arguments for services.create_questionnaire and update_questionnaire."""
        return {
            "key": self.key.data,
            "kind": self.kind.data,
            "title": form_texts(self, "title"),
            "description": form_texts(self, "description"),
            "hide_unit_items": bool(self.hide_unit_items.data),
        }


class SectionForm(EditorForm):
    title_nb, title_nn, title_en, title_se, title_uk, title_pl = text_fields(_l("Heading"))
    intro_nb, intro_nn, intro_en, intro_se, intro_uk, intro_pl = text_fields(
        _l("Introduction"),
        long=True,
        description=_l("Optional text shown above the section's questions."),
    )

    @classmethod
    def of(cls, section: Section | None) -> SectionForm:
        data: dict = {}
        if section is not None:
            fill_texts(data, "title", section.title)
            fill_texts(data, "intro", section.intro)
        return cls(data=data)

    def texts(self) -> dict:
        """Keyword arguments for services.add_section and update_section."""
        return {"title": form_texts(self, "title"), "intro": form_texts(self, "intro")}


class QuestionForm(EditorForm):
    """The fields every question has; `question_form(type)` adds the type's own (`kind`)."""

    kind: QuestionKind
    _renames: dict[str, str] = {}
    key = key_field()
    section = SelectField(_l("Section"), coerce=_optional_int)
    text_nb, text_nn, text_en, text_se, text_uk, text_pl = text_fields(
        _l("Question text"), long=True
    )
    help_nb, help_nn, help_en, help_se, help_uk, help_pl = text_fields(
        _l("Help text"), long=True, description=_l("Optional explanation shown under the question.")
    )
    required = BooleanField(_l("The respondent must answer this question"))

    @classmethod
    def of(cls, data: QuestionData, section: Section, blank_rows: int) -> QuestionForm:
        """The form showing `data` (in `section`),
        with `blank_rows` empty choice rows to fill in.
        """
        initial = {"key": data.key, "section": section.id, "required": data.required}
        fill_texts(initial, "text", data.text)
        fill_texts(initial, "help", data.help)
        cls.kind.fill_form(data, initial, blank_rows)
        return cls(data=initial)

    def question_data(self, action: str = "save") -> QuestionData:
        """What the form says (after validate()), with a choice row's action (up-N, down-N,
        remove-N) applied. An error the services raise about it goes through place()."""
        data = QuestionData(
            key=self.key.data or "",
            type=self.kind.name,
            text=form_texts(self, "text"),
            help=form_texts(self, "help"),
            required=self.kind.answerable and bool(self.required.data),
        )
        self._renames = self.kind.read_form(self, data, action)
        return data

    def place(self, error):
        """The error at this form's own field
        (the services count choices among the filled-in rows).
        """
        field = self._renames.get(error.field)
        return error if field is None else QuestionnaireError(error.message, field)

    def offer_sections(self, sections: list[Section]) -> None:
        """Let the question move to any of `sections` (in order)."""
        self.section.choices = [
            (
                s.id,
                _("Section %(n)s", n=n) + (f": {localized(s.title)}" if localized(s.title) else ""),
            )
            for n, s in enumerate(sections, start=1)
        ]


_FORM_CLASSES: dict[QuestionType, type[QuestionForm]] = {}


def question_form(kind: QuestionKind) -> type[QuestionForm]:
    """The form class for a question of the type `kind`: the common fields and the type's own."""
    if kind.name not in _FORM_CLASSES:
        attributes = {"kind": kind, **kind.editor_fields()}
        if not kind.answerable:
            attributes["required"] = None  # information text is never answered
        _FORM_CLASSES[kind.name] = type(
            f"{kind.name.title()}QuestionForm", (QuestionForm,), attributes
        )
    return _FORM_CLASSES[kind.name]


class ChangeTypeForm(HelhetForm):
    type = SelectField(
        _l("New type"), choices=[(name.value, kind.label) for name, kind in TYPES.items()]
    )


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IndicatorForm(EditorForm):
    """An indicator; `items` offers the questionnaire's scale questions (see of())."""

    _offered: dict[int, Question] = {}
    key = key_field()
    name_nb, name_nn, name_en, name_se, name_uk, name_pl = text_fields(_l("Name"))
    dimension = SelectField(_l("Dimension"), choices=list(DIMENSION_LABELS.items()))
    items = CheckboxesField(
        _l("Scale questions in the indicator"),
        coerce=int,
        description=_l(
            "All on the same scale. The indicator score is the mean of the items a respondent"
            " answered."
        ),
    )
    min_share = IntegerField(
        _l("Least share of the items answered (%)"),
        validators=[InputRequired(), NumberRange(min=1, max=100)],
        description=_l(
            "A respondent who answered fewer items gets no score for this indicator. Usually 50."
        ),
        render_kw={"inputmode": "numeric"},
    )
    favourable_from = DecimalField(
        _l("Favourable from"),
        places=None,
        validators=[Optional()],
        description=_l(
            "Answers at or above this point count as favourable, for example 5 on a 1–6 scale or 4"
            " on 1–5."
        ),
        render_kw={"inputmode": "decimal"},
    )

    @classmethod
    def of(
        cls, questionnaire: Questionnaire, indicator: Indicator | None, items: list[Question]
    ) -> IndicatorForm:
        """The form showing `indicator` (None: a new one), offering `items` to choose from."""
        if indicator is None:
            dimension = (
                Dimension.ORGANISATION
                if questionnaire.kind == QuestionnaireKind.EMPLOYEE
                else Dimension.SERVICE
            )
            data = {
                "key": "",
                "dimension": dimension.value,
                "items": [],
                "min_share": 50,
                "favourable_from": default_scale(questionnaire)[1] - 1,
            }
        else:
            data = {
                "key": indicator.key,
                "dimension": indicator.dimension.value,
                "items": [x.id for x in indicator.questions],
                "min_share": round(indicator.min_share * 100),
                "favourable_from": number(indicator.favourable_from),
            }
            fill_texts(data, "name", indicator.name)
        form = cls(data=data)
        form.items.choices = [
            (x.id, f"{x.key} ({x.scale_min}–{x.scale_max}): {localized(x.text)}") for x in items
        ]
        form._offered = {x.id: x for x in items}
        return form

    def indicator_data(self) -> IndicatorData:
        """What the form says (after validate()),
        as services.add_indicator and update_indicator take it.
        """
        return IndicatorData(
            key=self.key.data or "",
            name=form_texts(self, "name"),
            dimension=Dimension(self.dimension.data),
            items=[self._offered[i] for i in self.items.data if i in self._offered],
            min_share=self.min_share.data / 100,
            favourable_from=(
                None if self.favourable_from.data is None else float(self.favourable_from.data)
            ),
        )


class MoveForm(HelhetForm):
    direction = HiddenField(validators=[AnyOf(["up", "down"])])

    @property
    def step(self) -> int:
        """-1 to move up, +1 to move down (after validate())."""
        return -1 if self.direction.data == "up" else 1


class ConfirmForm(HelhetForm):
    """A POST with nothing but the CSRF token (delete, publish, new version, install)."""


class ImportForm(HelhetForm):
    file = FileField(
        _l("File"),
        validators=[
            FileAllowed(
                ["json", "xlsx", "xls", "lss"], _l("Choose a .json, .xlsx, .xls or .lss file.")
            )
        ],
        description=_l(
            "A questionnaire in Helhet's JSON format, an XLSForm workbook (.xlsx or .xls) or a"
            " LimeSurvey survey structure (.lss)."
        ),
    )
    skip_unsupported = BooleanField(_l("Skip what is listed above and import the rest"))
    upload_name = HiddenField()
    upload_data = (
        HiddenField()
    )  # the file from the first attempt (base64), so it need not be chosen again


# --- conditions --------------------------------------------------------------------------------

CONDITION_ROWS = 3  # blank test rows offered (a saved condition shows its own, plus one blank)

OPERATOR_LABELS = [
    ("equals", _l("is (or has chosen)")),
    ("one_of", _l("is one of (values separated by commas)")),
    ("at_least", _l("is at least")),
    ("at_most", _l("is at most")),
    ("answered", _l("is answered")),
    ("not_answered", _l("is not answered")),
]


class ConditionRowForm(Form):
    """One test (no CSRF of its own: it lives inside the condition form)."""

    question = SelectField(_l("Question"), choices=[], validate_choice=False)
    op = SelectField(_l("Test"), choices=OPERATOR_LABELS, validate_choice=False)
    value = StringField(
        _l("Value"),
        validators=[Optional(), Length(max=SHORT)],
        description=_l(
            "A choice's value, a point on the scale (or «vet ikke»), or a number. Leave empty for"
            " «is answered» and «is not answered»."
        ),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class ConditionForm(EditorForm):
    """When a question or a section is shown: tests joined by all (and) or any (or)."""

    join = RadioField(
        _l("Show it when"),
        choices=[("all", _l("all the tests hold (and)")), ("any", _l("any test holds (or)"))],
        default="all",
    )
    rows = FieldList(FormField(ConditionRowForm), min_entries=CONDITION_ROWS)

    @classmethod
    def of(cls, condition: dict | None, targets: list[Question], language: str) -> ConditionForm:
        """The form for a stored condition (a nested group shows as its first level only: see
        `nested`), with the questions it may test."""
        tests, join = [], "all"
        if condition:
            for kind in ("all", "any"):
                if kind in condition:
                    join, tests = kind, [c for c in condition[kind] if "question" in c]
            if "question" in condition:
                tests = [condition]
        rows = [
            {
                "question": t["question"],
                "op": t["op"],
                "value": ", ".join(_shown(v) for v in t["value"])
                if isinstance(t.get("value"), list)
                else _shown(t.get("value", "")),
            }
            for t in tests
        ]
        rows += [{"question": "", "op": "equals", "value": ""}] * max(1, CONDITION_ROWS - len(rows))
        form = cls(data={"join": join, "rows": rows})
        choices = [("", _("– no test –"))] + [
            (q.key, f"{q.key}: {_short(localized(q.text, language))}") for q in targets
        ]
        for entry in form.rows:
            entry.form.question.choices = choices
        return form

    def condition_rows(self) -> list[ConditionRow]:
        return [
            ConditionRow(
                question=(entry.form.question.data or "").strip(),
                op=entry.form.op.data or "equals",
                value=entry.form.value.data or "",
            )
            for entry in self.rows
        ]

    def place(self, error: QuestionnaireError) -> QuestionnaireError:
        if error.field and error.field.startswith("rows-"):
            _rows, n, name = error.field.split("-", 2)
            if int(n) < len(self.rows.entries):
                return error
        return QuestionnaireError(error.message)


def nested(condition: dict | None) -> bool:
    """Whether a condition has a group inside a group, which the form cannot show."""
    return bool(condition) and any(
        "question" not in c for kind in ("all", "any") for c in condition.get(kind, [])
    )


def _shown(value) -> str:
    return str(number(value)) if isinstance(value, int | float) else str(value or "")


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
