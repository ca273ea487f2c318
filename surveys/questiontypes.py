"""Question types: one class per type, and everything that differs between types lives in it.

The registry `TYPES` is keyed by type name (the names of QuestionType); `kind_of(question)` gives a
question's class. Each class says, for its type:

    label, hint                     its name and a one-line explanation in the editor
    editor_fields()                 the editor form fields of its settings (the columns it uses)
    read_form() / fill_form()       its settings from the editor form, and back
    clean_settings()                its settings checked; QuestionnaireError names the form field
    adopt()                         what it keeps of a question of another type (changing the type)
    to_json() / normalise() /       its settings in our JSON format (see surveys.jsonformat), the
      json_problems() / from_json()   rules the schema cannot say, and the settings from the file
    named_texts() / publish_errors() what publishing checks (its texts, its choices)
    make_field() / clean() / rows() / parse() / describe() / check()
                                    the answer: its form field, its draft value, its Answer rows,
                                    a CSV cell, the summary before sending, forged drafts

so that a new type is one class added to TYPES. The collector builds its answer pages from the
registry, the questionnaire preview uses the same pages, and the paper-answer import parses CSV
cells with `parse`. A draft keeps answers as JSON values:

    scale     an int on the scale, or "dk" for "vet ikke"
    single    the chosen value (str)
    multiple  the chosen values (list of str)
    number    a number (int or float)
    text      the text (str)
    info      nothing: information text is shown, never answered
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from helhet.config import RESPONDENT_LANGUAGES as LANGUAGES
from helhet.edge import DECIMAL, usable_number
from helhet.forms import DecimalField, HelhetForm, IntegerField
from helhet.i18n import localized
from helhet.problems import Problem
from surveys.errors import QuestionnaireError
from surveys.models import Choice, Question, Questionnaire, QuestionnaireKind, QuestionType
from surveys.values import (
    SHORT,
    check_texts,
    fill_texts,
    form_texts,
    number,
    text_field_dict,
    texts,
)

DONT_KNOW = "dk"
DEFAULT_MAX_TEXT = 2000
CHOICE_VALUE_PATTERN = re.compile(r"^[^\s,;]{1,64}$")


class AnswerError(ValueError):
    """An answer that does not fit its question; the message is translated and says what fits."""


@dataclass(frozen=True)
class AnswerRow:
    question_key: str
    value: float | None = None
    text: str | None = None
    dont_know: bool = False

    def as_dict(self, response_id: int) -> dict:
        return {
            "response_id": response_id,
            "question_key": self.question_key,
            "value": self.value,
            "text": self.text,
            "dont_know": self.dont_know,
        }


def field_name(question: Question) -> str:
    """Form field name for a question; the prefix keeps keys clear of Form attributes."""
    return f"q_{question.key}"


def _is_empty(value) -> bool:
    return value is None or value == "" or value == []


class Required:
    """Stops validation with a message when a required question has no answer."""

    def __init__(self, message: str):
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form, field):
        if _is_empty(field.data):
            field.errors[:] = []
            raise StopValidation(self.message)


class NotRequired:
    """Lets an unanswered optional question through without further checks."""

    def __call__(self, form, field):
        if _is_empty(field.data):
            field.errors[:] = []
            raise StopValidation()


class ChoiceRadioField(RadioField):
    """Radio buttons that accept nothing outside their options, with our own message."""

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else None

    def pre_validate(self, form):
        if self.data is not None and self.data not in {str(v) for v, _label in self.choices}:
            raise ValidationError(_("Choose one of the options."))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        allowed = {str(v) for v, _label in self.choices}
        if any(v not in allowed for v in self.data or []):
            raise ValidationError(_("Choose among the options shown."))


class NumberInputField(StringField):
    """A number typed as text: accepts a decimal comma and spaces between thousands."""


def parse_number(raw: str) -> float:
    """A number as people write it (decimal comma, spaces between thousands), in ASCII digits.

    ValueError for anything else: float() alone would take "NaN", "inf", "1e400", "1_000" and "١٢".
    Numbers larger than helhet.edge.LARGEST_NUMBER are refused too.
    """
    cleaned = raw.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not DECIMAL.fullmatch(cleaned):
        raise ValueError(raw)
    value = float(cleaned)
    if not usable_number(value):
        raise ValueError(raw)
    return value


def choice_label(question: Question, value: str, language: str) -> str:
    """The label of a choice value (the value itself if the choice is gone)."""
    return next(
        (localized(c.label, language) for c in question.choices if c.value == value), str(value)
    )


def default_scale(questionnaire: Questionnaire) -> tuple[int, int]:
    """1-5 for employee surveys, 1-6 for citizen and service-user surveys (DESIGN.md §4)."""
    return (1, 5) if questionnaire.kind == QuestionnaireKind.EMPLOYEE else (1, 6)


class ChoiceRowForm(Form):
    """One choice in the question form (no CSRF of its own: it lives inside the question form)."""

    value = StringField(
        _l("Value"),
        validators=[Optional(), Length(max=64)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    label_nb = StringField(
        _l("Label – Bokmål"), validators=[Optional(), Length(max=SHORT)], render_kw={"lang": "nb"}
    )
    label_nn = StringField(
        _l("Label – Nynorsk"), validators=[Optional(), Length(max=SHORT)], render_kw={"lang": "nn"}
    )
    label_en = StringField(
        _l("Label – English"), validators=[Optional(), Length(max=SHORT)], render_kw={"lang": "en"}
    )
    label_se = StringField(
        _l("Label – Northern Sami"),
        validators=[Optional(), Length(max=SHORT)],
        render_kw={"lang": "se"},
    )
    label_uk = StringField(
        _l("Label – Ukrainian"),
        validators=[Optional(), Length(max=SHORT)],
        render_kw={"lang": "uk"},
    )
    label_pl = StringField(
        _l("Label – Polish"), validators=[Optional(), Length(max=SHORT)], render_kw={"lang": "pl"}
    )

    def is_blank(self) -> bool:
        return not any(
            (f.data or "").strip()
            for f in (self.value, self.label_nb, self.label_nn, self.label_en)
        )


class QuestionKind:
    """Base for one question type: what every type shares, and the defaults of the hooks."""

    name: QuestionType
    label: str  # lazy: the type's name in the editor
    hint: str  # lazy: one line on what it is for
    answerable = True  # False: shown, never answered (no answer field, never required)
    for_indicators = False  # True: the type's questions can be an indicator's items
    text_label = _l("Question text")  # the editor's legend for the text the respondent reads
    panel: str | None = None  # the macro in templates/surveys/_config.html that edits the settings
    # how templates/surveys/_question.html shows the answer: field, radio, checkbox or scale
    layout = "field"
    stay_anchor = ""  # where the editor opens again after «save and stay»

    # --- the editor --------------------------------------------------------------------------

    def editor_fields(self) -> dict:
        """The editor form fields of this type's settings, by name (unbound, for a form class)."""
        return {}

    def read_form(self, form, data, action: str) -> dict[str, str]:
        """Put the settings the editor form holds into `data` (a services.QuestionData). Returns,
        for fields the services name otherwise than the form does, the form's own name."""
        return {}

    def fill_form(self, data, initial: dict, blank_rows: int) -> None:
        """The form data that shows `data`'s settings in the editor."""

    def defaults(self, data, questionnaire: Questionnaire) -> None:
        """The settings of a new question of this type in `questionnaire`."""

    def clean_settings(self, data, clean) -> None:
        """Check the settings of `data` and put them into `clean`;
        QuestionnaireError names the field.
        """

    def adopt(self, data, question: Question) -> None:
        """`data` is `question`, which has another type, as this type: keep what carries over."""

    def choices_of(self, question: Question) -> list[tuple[str, dict]]:
        """The question's answers as choices (value, label per language), for a change of type."""
        return [
            (c.value, dict(c.label or {}))
            for c in sorted(question.choices, key=lambda c: c.position)
        ]

    def history_problem(self, key: str, earlier, data) -> QuestionnaireError | None:
        """Why `data` cannot have `key`, which an earlier published version asked as `earlier`
        (a queries.KeyHistory): results are compared by key. None when it can."""
        if earlier.type != self.name:
            return QuestionnaireError(
                _(
                    "In version %(version)s, %(key)s is a %(type)s question. Results are compared"
                    " by key, so a question of another type needs a new key.",
                    version=earlier.version,
                    key=key,
                    type=TYPES[earlier.type].label,
                ),
                field="type",
            )
        return None

    def tags(self, question: Question) -> list[str]:
        """What the editor's overview says of the settings, after the type's label."""
        return []

    def short_label(self, question: Question) -> str:
        """The type as the editor's overview names it."""
        return str(self.label)

    # --- our JSON format ---------------------------------------------------------------------

    def to_json(self, question: Question) -> dict:
        """The type's own properties in the canonical form
        (after key, type, text, help, required).
        """
        return {}

    def normalise(self, q: dict) -> dict:
        """The type's own properties of a schema-valid question,
        in canonical shape with defaults.
        """
        return {}

    def json_problems(self, q: dict, here: str) -> list[Problem]:
        """What the schema cannot say about a normalised question at the path `here`."""
        return []

    def from_json(self, question: Question, q: dict) -> None:
        """Set the question's settings from a normalised question of the format."""

    # --- publishing --------------------------------------------------------------------------

    def named_texts(self, question: Question) -> list[tuple[str, dict, bool]]:
        """The type's texts as (what, texts, needs bokmål), for the translation check."""
        return []

    def publish_errors(self, question: Question) -> list[str]:
        """What stops publishing the question."""
        return []

    # --- the answer --------------------------------------------------------------------------

    def make_field(self, question: Question, language: str) -> Field:
        raise TypeError(f"{self.name} questions have no field")

    def validators(self, question: Question) -> list:
        if question.required:
            return [Required(self.required_message(question))]
        return [NotRequired()]

    def required_message(self, question: Question) -> str:
        return _("Answer this question.")

    def clean(self, question: Question, data):
        """The draft value for a validated field's data (None for no answer)."""
        return None if _is_empty(data) else data

    def form_data(self, question: Question, stored):
        """The field data that shows a stored draft value again."""
        return stored

    def rows(self, question: Question, stored) -> list[AnswerRow]:
        raise TypeError(f"{self.name} questions have no answer rows")

    def parse(self, question: Question, raw: str):
        """A draft value from text (CSV import); raises AnswerError."""
        raise AnswerError(_("This question is not answered."))

    def describe(self, question: Question, stored, language: str) -> str:
        """A stored draft value as the respondent chose it (for the summary before sending)."""
        return str(stored)

    def check(self, question: Question, stored) -> None:
        """Raise AnswerError unless `stored` is a valid draft value
        (defends against forged drafts).
        """
        if stored is None:
            return
        self.parse(question, stored if isinstance(stored, str) else _as_text(stored))


def _as_text(value) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Scale(QuestionKind):
    name = QuestionType.SCALE
    label = _l("Scale")
    hint = _l(
        "A point on a scale such as 1 to 6, with labels at the ends and an optional «Don't know». "
        "Indicators are made of these."
    )
    for_indicators = True
    panel = "scale"
    layout = "scale"

    def editor_fields(self):
        return {
            "scale_min": IntegerField(
                _l("Lowest point"),
                validators=[InputRequired(), NumberRange(min=0, max=10)],
                render_kw={"inputmode": "numeric"},
            ),
            "scale_max": IntegerField(
                _l("Highest point"),
                validators=[InputRequired(), NumberRange(min=1, max=11)],
                render_kw={"inputmode": "numeric"},
            ),
            **text_field_dict("low_label", _l("Label of the lowest point")),
            **text_field_dict("high_label", _l("Label of the highest point")),
            "dont_know": BooleanField(
                _l("Offer «Don't know / not relevant»"),
                description=_l(
                    "It is not a point on the scale: it counts neither for nor against."
                ),
            ),
            "grid": StringField(
                _l("Grid (optional)"),
                validators=[Optional(), Length(max=64)],
                description=_l(
                    "Give questions that follow each other on the same scale the same grid name"
                    " (for example trivsel) to show them as one table on wide screens: the"
                    " statements as rows, the scale points as columns. On phones they are shown"
                    " one by one. Leave empty to show the question on its own."
                ),
            ),
        }

    def read_form(self, form, data, action):
        data.scale_min, data.scale_max = form.scale_min.data, form.scale_max.data
        data.low_label, data.high_label = (
            form_texts(form, "low_label"),
            form_texts(form, "high_label"),
        )
        data.dont_know = bool(form.dont_know.data)
        data.grid = (form.grid.data or "").strip() or None
        return {}

    def fill_form(self, data, initial, blank_rows):
        initial.update(
            scale_min=data.scale_min,
            scale_max=data.scale_max,
            dont_know=data.dont_know,
            grid=data.grid or "",
        )
        fill_texts(initial, "low_label", data.low_label)
        fill_texts(initial, "high_label", data.high_label)

    def defaults(self, data, questionnaire):
        data.scale_min, data.scale_max = default_scale(questionnaire)
        data.dont_know = questionnaire.kind != QuestionnaireKind.EMPLOYEE

    def clean_settings(self, data, clean):
        low, high = data.scale_min, data.scale_max
        if low is None or not 0 <= low <= 10:
            raise QuestionnaireError(
                _("The lowest point is a whole number from 0 to 10."), field="scale_min"
            )
        if high is None or not 1 <= high <= 11:
            raise QuestionnaireError(
                _("The highest point is a whole number from 1 to 11."), field="scale_max"
            )
        if low >= high:
            raise QuestionnaireError(
                _("The highest point must be above the lowest."), field="scale_max"
            )
        clean.scale_min, clean.scale_max = low, high
        clean.low_label = check_texts(data.low_label, "low_label")
        clean.high_label = check_texts(data.high_label, "high_label")
        clean.dont_know = bool(data.dont_know)

    def adopt(self, data, question):
        """Choices that are the numbers of a scale become its points (the first and last labels
        its end labels); otherwise the questionnaire's usual scale."""
        values = [v for v, _label in data.choices]
        numbers = [int(v) for v in values if v.lstrip("-").isdigit()]
        if (
            len(values) >= 2
            and len(numbers) == len(values)
            and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
            and 0 <= numbers[0] <= 10
            and numbers[-1] <= 11
        ):
            data.scale_min, data.scale_max = numbers[0], numbers[-1]
            data.low_label, data.high_label = data.choices[0][1], data.choices[-1][1]
        else:
            data.scale_min, data.scale_max = default_scale(question.questionnaire)
        data.choices = []

    def choices_of(self, question):
        """One choice per point, the end points labelled like "1 – Helt uenig"."""
        low, high = question.scale_min or 1, question.scale_max or 5
        choices = []
        for point in range(low, high + 1):
            label = {lang: str(point) for lang in LANGUAGES}
            ends = (
                question.low_label if point == low else question.high_label if point == high else {}
            )
            for lang, text in texts(ends).items():
                label[lang] = f"{point} – {text}"
            choices.append((str(point), label))
        return choices

    def history_problem(self, key, earlier, data):
        problem = super().history_problem(key, earlier, data)
        if problem is None and (data.scale_min, data.scale_max) != (
            earlier.scale_min,
            earlier.scale_max,
        ):
            return QuestionnaireError(
                _(
                    "In version %(version)s, %(key)s is on a scale from %(low)s to %(high)s."
                    " Results are compared by key, so a question on another scale needs a new key.",
                    version=earlier.version,
                    key=key,
                    low=earlier.scale_min,
                    high=earlier.scale_max,
                ),
                field="scale_min",
            )
        return problem

    def short_label(self, question):
        return f"{self.label} {question.scale_min}–{question.scale_max}"

    def tags(self, question):
        return [_("«don't know»")] if question.dont_know else []

    def to_json(self, question):
        out: dict = {
            "min": question.scale_min if question.scale_min is not None else 1,
            "max": question.scale_max if question.scale_max is not None else 5,
        }
        if texts(question.low_label):
            out["low_label"] = texts(question.low_label)
        if texts(question.high_label):
            out["high_label"] = texts(question.high_label)
        out["dont_know"] = bool(question.dont_know)
        return out

    def normalise(self, q):
        return {
            "min": q["min"],
            "max": q["max"],
            "low_label": texts(q.get("low_label")),
            "high_label": texts(q.get("high_label")),
            "dont_know": bool(q.get("dont_know", False)),
        }

    def json_problems(self, q, here):
        if q["min"] >= q["max"]:
            return [
                Problem(
                    _(
                        "The lowest scale point (%(low)s) must be below the highest (%(high)s).",
                        low=q["min"],
                        high=q["max"],
                    ),
                    path=f"{here}.min",
                )
            ]
        return []

    def from_json(self, question, q):
        question.scale_min, question.scale_max = q["min"], q["max"]
        question.low_label, question.high_label = q["low_label"], q["high_label"]
        question.dont_know = q["dont_know"]

    def named_texts(self, question):
        return [
            (_("label of the lowest point"), question.low_label, False),
            (_("label of the highest point"), question.high_label, False),
        ]

    def points(self, question: Question) -> range:
        return range(question.scale_min or 1, (question.scale_max or 5) + 1)

    def point_label(self, question, point: int, language: str) -> str:
        """ "1 – Svært misfornøyd" at the ends of the scale (where they have a label), else "3"."""
        end = None
        if point == question.scale_min:
            end = localized(question.low_label, language)
        elif point == question.scale_max:
            end = localized(question.high_label, language)
        return f"{point} – {end}" if end else str(point)

    def make_field(self, question, language):
        choices = [(str(p), self.point_label(question, p, language)) for p in self.points(question)]
        if question.dont_know:
            choices.append((DONT_KNOW, _("Don't know / not relevant")))
        return ChoiceRadioField(
            localized(question.text, language),
            choices=choices,
            validators=self.validators(question),
        )

    def required_message(self, question):
        if question.dont_know:
            return _("Choose a number, or «Don't know / not relevant».")
        return _("Choose a number on the scale.")

    def clean(self, question, data):
        if _is_empty(data):
            return None
        return DONT_KNOW if data == DONT_KNOW else int(data)

    def form_data(self, question, stored):
        return None if stored is None else str(stored)

    def describe(self, question, stored, language):
        if stored == DONT_KNOW:
            return _("Don't know / not relevant")
        return self.point_label(question, int(stored), language)

    def rows(self, question, stored):
        if stored == DONT_KNOW:
            return [AnswerRow(question.key, dont_know=True)]
        return [AnswerRow(question.key, value=float(stored))]

    def parse(self, question, raw):
        raw = raw.strip()
        if (
            raw.lower() in {DONT_KNOW, "vet ikke", "veit ikkje", "don't know", "dont know"}
            and question.dont_know
        ):
            return DONT_KNOW
        points = self.points(question)
        try:
            value = parse_number(raw)
        except ValueError:
            value = None
        if value is None or not value.is_integer() or int(value) not in points:
            if question.dont_know:
                raise AnswerError(
                    _(
                        "Write a whole number from %(low)s to %(high)s, or dk for don't know.",
                        low=points[0],
                        high=points[-1],
                    )
                )
            raise AnswerError(
                _("Write a whole number from %(low)s to %(high)s.", low=points[0], high=points[-1])
            )
        return int(value)


class ChoiceKind(QuestionKind):
    """Base for the types answered by choosing among choices the administrator writes."""

    least_choices = 1
    too_few_choices: str  # lazy: what publishing says with fewer than least_choices
    answer_field: type[Field]  # the respondent's field
    panel = "choices"
    stay_anchor = "choices"

    def editor_fields(self):
        return {"choices": FieldList(FormField(ChoiceRowForm), min_entries=0)}

    def read_form(self, form, data, action):
        """The filled-in choice rows in order, with a row action (up-N, down-N, remove-N) applied;
        the services count choices among these rows, so their row names map back to the form's."""
        rows = [
            (n, entry.form)
            for n, entry in enumerate(form.choices.entries)
            if not entry.form.is_blank()
        ]
        verb, _sep, index = action.partition("-")
        if verb in ("up", "down", "remove") and index.isdigit():
            position = next((i for i, (n, _f) in enumerate(rows) if n == int(index)), None)
            if position is not None:
                if verb == "remove":
                    rows.pop(position)
                else:
                    target = position + (-1 if verb == "up" else 1)
                    if 0 <= target < len(rows):
                        rows.insert(target, rows.pop(position))
        data.choices = [((f.value.data or "").strip(), form_texts(f, "label")) for _n, f in rows]
        return {
            f"choices-{i}-{name}": f"choices-{n}-{name}"
            for i, (n, _f) in enumerate(rows)
            for name in ("value", *(f"label_{lang}" for lang in LANGUAGES))
        }

    def fill_form(self, data, initial, blank_rows):
        rows = []
        for value, label in data.choices:
            row = {"value": value}
            fill_texts(row, "label", label)
            rows.append(row)
        initial["choices"] = rows + [{} for _ in range(blank_rows)]

    def clean_settings(self, data, clean):
        seen: dict[str, int] = {}
        for i, (value, label) in enumerate(data.choices):
            value = (value or "").strip()
            if not CHOICE_VALUE_PATTERN.match(value):
                raise QuestionnaireError(
                    _("Write a value of 1 to 64 characters without spaces, commas or semicolons."),
                    field=f"choices-{i}-value",
                )
            if value in seen:
                raise QuestionnaireError(
                    _(
                        "Choice %(other)s has this value already; values must be unique.",
                        other=seen[value] + 1,
                    ),
                    field=f"choices-{i}-value",
                )
            seen[value] = i
            clean.choices.append((value, check_texts(label, f"choices-{i}-label", required=True)))

    def adopt(self, data, question):
        """The old type's answers become the choices (the points of a scale, for one)."""
        data.choices = kind_of(question).choices_of(question)

    def tags(self, question):
        return [ngettext("%(num)s choice", "%(num)s choices", len(question.choices))]

    def to_json(self, question):
        return {
            "choices": [
                {"value": c.value, "label": texts(c.label)}
                for c in sorted(question.choices, key=lambda c: c.position)
            ]
        }

    def normalise(self, q):
        return {
            "choices": [{"value": c["value"], "label": texts(c["label"])} for c in q["choices"]]
        }

    def json_problems(self, q, here):
        problems = []
        values: dict[str, int] = {}
        for k, choice in enumerate(q["choices"]):
            if choice["value"] in values:
                other = f"{here}.choices[{values[choice['value']]}]"
                problems.append(
                    Problem(
                        _(
                            "The value %(value)s is already used by choice %(other)s; choice values"
                            " must be unique within a question.",
                            value=choice["value"],
                            other=other,
                        ),
                        path=f"{here}.choices[{k}].value",
                    )
                )
            else:
                values[choice["value"]] = k
            if not choice["label"]:
                problems.append(
                    Problem(
                        _("The choice has no label in any language."),
                        path=f"{here}.choices[{k}].label",
                    )
                )
        return problems

    def from_json(self, question, q):
        question.choices = [
            Choice(position=k, value=c["value"], label=c["label"])
            for k, c in enumerate(q["choices"])
        ]

    def named_texts(self, question):
        return [(_("choice %(value)s", value=c.value), c.label, True) for c in question.choices]

    def publish_errors(self, question):
        return [str(self.too_few_choices)] if len(question.choices) < self.least_choices else []

    def make_field(self, question, language):
        choices = [(c.value, localized(c.label, language)) for c in question.choices]
        return self.answer_field(
            localized(question.text, language),
            choices=choices,
            validators=self.validators(question),
        )

    def describe(self, question, stored, language):
        return choice_label(question, stored, language)


class Single(ChoiceKind):
    name = QuestionType.SINGLE
    label = _l("Single choice")
    hint = _l("One answer among choices you write.")
    least_choices = 2
    too_few_choices = _l("A single-choice question needs at least two choices.")
    answer_field = ChoiceRadioField
    layout = "radio"

    def required_message(self, question):
        return _("Choose one of the options.")

    def rows(self, question, stored):
        return [AnswerRow(question.key, text=str(stored))]

    def parse(self, question, raw):
        raw = raw.strip()
        values = [c.value for c in question.choices]
        if raw not in values:
            raise AnswerError(
                _(
                    "%(value)s is not one of the options (%(options)s).",
                    value=raw,
                    options=", ".join(values),
                )
            )
        return raw


class Multiple(ChoiceKind):
    name = QuestionType.MULTIPLE
    label = _l("Multiple choice")
    hint = _l("Any number of answers among choices you write.")
    too_few_choices = _l("A multiple-choice question needs at least one choice.")
    answer_field = CheckboxesField
    layout = "checkbox"

    def required_message(self, question):
        return _("Choose at least one option.")

    def clean(self, question, data):
        return list(data) if data else None

    def describe(self, question, stored, language):
        return ", ".join(choice_label(question, v, language) for v in stored)

    def rows(self, question, stored):
        return [AnswerRow(question.key, text=str(v)) for v in stored]

    def parse(self, question, raw):
        chosen = [v.strip() for v in raw.replace(",", ";").split(";") if v.strip()]
        values = [c.value for c in question.choices]
        wrong = [v for v in chosen if v not in values]
        if wrong:
            raise AnswerError(
                _(
                    "%(value)s is not one of the options (%(options)s).",
                    value=", ".join(wrong),
                    options=", ".join(values),
                )
            )
        if len(set(chosen)) != len(chosen):
            raise AnswerError(_("An option is given twice."))
        return chosen

    def check(self, question, stored):
        if stored is not None and (
            not isinstance(stored, list) or not all(isinstance(v, str) for v in stored)
        ):
            raise AnswerError(_("Choose among the options shown."))
        super().check(question, stored)


class Number(QuestionKind):
    name = QuestionType.NUMBER
    label = _l("Number")
    hint = _l("A number, with an optional smallest and largest value.")
    panel = "number"

    def editor_fields(self):
        return {
            "min_value": DecimalField(
                _l("Smallest number allowed"),
                places=None,
                validators=[Optional()],
                render_kw={"inputmode": "decimal"},
            ),
            "max_value": DecimalField(
                _l("Largest number allowed"),
                places=None,
                validators=[Optional()],
                render_kw={"inputmode": "decimal"},
            ),
            "integer_only": BooleanField(_l("Whole numbers only")),
        }

    def read_form(self, form, data, action):
        data.min_value = None if form.min_value.data is None else float(form.min_value.data)
        data.max_value = None if form.max_value.data is None else float(form.max_value.data)
        data.integer_only = bool(form.integer_only.data)
        return {}

    def fill_form(self, data, initial, blank_rows):
        initial.update(
            min_value=number(data.min_value),
            max_value=number(data.max_value),
            integer_only=data.integer_only,
        )

    def clean_settings(self, data, clean):
        if (
            data.min_value is not None
            and data.max_value is not None
            and data.min_value > data.max_value
        ):
            raise QuestionnaireError(
                _("The largest number must not be below the smallest."), field="max_value"
            )
        clean.min_value, clean.max_value = data.min_value, data.max_value
        clean.integer_only = bool(data.integer_only)

    def tags(self, question):
        low, high = number(question.min_value), number(question.max_value)
        if low is None and high is None:
            return []
        if low is not None and high is not None:
            return [f"{low}–{high}"]
        return [f"≥ {low}" if low is not None else f"≤ {high}"]

    def to_json(self, question):
        out: dict = {}
        if question.min_value is not None:
            out["min"] = number(question.min_value)
        if question.max_value is not None:
            out["max"] = number(question.max_value)
        out["integer"] = bool(question.integer_only)
        return out

    def normalise(self, q):
        return {"min": q.get("min"), "max": q.get("max"), "integer": bool(q.get("integer", True))}

    def json_problems(self, q, here):
        if q["min"] is not None and q["max"] is not None and q["min"] > q["max"]:
            return [
                Problem(
                    _(
                        "The smallest number allowed (%(low)s) is larger than the largest"
                        " (%(high)s).",
                        low=number(q["min"]),
                        high=number(q["max"]),
                    ),
                    path=f"{here}.min",
                )
            ]
        return []

    def from_json(self, question, q):
        question.min_value = None if q["min"] is None else float(q["min"])
        question.max_value = None if q["max"] is None else float(q["max"])
        question.integer_only = q["integer"]

    def make_field(self, question, language):
        return NumberInputField(
            localized(question.text, language),
            validators=[*self.validators(question), self._in_range(question)],
            render_kw={
                "inputmode": "numeric" if question.integer_only else "decimal",
                "autocomplete": "off",
            },
        )

    def _in_range(self, question):
        def validate(form, field):
            try:
                field.data = self.parse(question, field.data)
            except AnswerError as error:
                raise ValidationError(str(error)) from None

        return validate

    def required_message(self, question):
        return _("Write a number.")

    def form_data(self, question, stored):
        if stored is None:
            return None
        return _as_text(stored)

    def describe(self, question, stored, language):
        text = _as_text(float(stored))
        return text.replace(".", ",") if language in ("nb", "nn") else text

    def rows(self, question, stored):
        return [AnswerRow(question.key, value=float(stored))]

    def parse(self, question, raw):
        try:
            value = parse_number(str(raw))
        except ValueError:
            raise AnswerError(_("Write a number, for example 12.")) from None
        if question.integer_only and not value.is_integer():
            raise AnswerError(_("Write a whole number."))
        low, high = question.min_value, question.max_value
        if (low is not None and value < low) or (high is not None and value > high):
            raise AnswerError(self._range_message(question))
        return int(value) if question.integer_only else value

    def _range_message(self, question):
        fmt = "{:g}".format
        low, high = question.min_value, question.max_value
        if low is not None and high is not None:
            return _("Write a number from %(low)s to %(high)s.", low=fmt(low), high=fmt(high))
        if low is not None:
            return _("Write a number of at least %(low)s.", low=fmt(low))
        return _("Write a number of at most %(high)s.", high=fmt(high))


class Text(QuestionKind):
    name = QuestionType.TEXT
    label = _l("Free text")
    hint = _l("An answer in the respondent's own words. Shown only to administrators.")
    panel = "text"

    def editor_fields(self):
        return {
            "max_length": IntegerField(
                _l("Longest answer (characters)"),
                validators=[Optional(), NumberRange(min=1, max=10000)],
                description=_l("Leave empty for 2000."),
                render_kw={"inputmode": "numeric"},
            )
        }

    def read_form(self, form, data, action):
        data.max_length = form.max_length.data
        return {}

    def fill_form(self, data, initial, blank_rows):
        initial["max_length"] = data.max_length

    def clean_settings(self, data, clean):
        if data.max_length is not None and not 1 <= data.max_length <= 10000:
            raise QuestionnaireError(_("Allow from 1 to 10000 characters."), field="max_length")
        clean.max_length = data.max_length

    def to_json(self, question):
        return {} if question.max_length is None else {"max_length": question.max_length}

    def normalise(self, q):
        return {"max_length": q.get("max_length")}

    def from_json(self, question, q):
        question.max_length = q["max_length"]

    def limit(self, question) -> int:
        return question.max_length or DEFAULT_MAX_TEXT

    def make_field(self, question, language):
        limit = self.limit(question)

        def short_enough(form, field):
            if field.data and len(field.data) > limit:
                raise ValidationError(
                    _(
                        "Write at most %(n)s characters (you wrote %(m)s).",
                        n=limit,
                        m=len(field.data),
                    )
                )

        return TextAreaField(
            localized(question.text, language),
            validators=[*self.validators(question), short_enough],
            render_kw={"maxlength": limit, "rows": 5},
        )

    def clean(self, question, data):
        data = (data or "").strip()
        return data or None

    def required_message(self, question):
        return _("Write an answer.")

    def rows(self, question, stored):
        return [AnswerRow(question.key, text=stored)]

    def parse(self, question, raw):
        raw = raw.strip()
        if len(raw) > self.limit(question):
            raise AnswerError(
                _(
                    "Write at most %(n)s characters (you wrote %(m)s).",
                    n=self.limit(question),
                    m=len(raw),
                )
            )
        return raw


class Info(QuestionKind):
    name = QuestionType.INFO
    label = _l("Information text")
    hint = _l("Text shown between the questions; nothing to answer.")
    answerable = False
    text_label = _l("Information text")


TYPES: dict[QuestionType, QuestionKind] = {
    kind.name: kind for kind in (Scale(), Single(), Multiple(), Number(), Text(), Info())
}


def kind_of(question: Question) -> QuestionKind:
    return TYPES[QuestionType(question.type)]


class AnswerForm(HelhetForm):
    """A page of questions. `items()` gives (question, field or None) in the order shown."""

    _questions: list[Question] = []

    def items(self):
        for question in self._questions:
            yield question, (self[field_name(question)] if kind_of(question).answerable else None)

    def answers(self) -> dict:
        """The page's answers as draft values (after validate()); unanswered questions give None."""
        return {
            q.key: kind_of(q).clean(q, field.data) for q, field in self.items() if field is not None
        }


def build_answer_form(questions: list[Question], language: str) -> type[AnswerForm]:
    """A form class with one field per answerable question, labelled in `language`."""
    attributes = {"_questions": list(questions)}
    for question in questions:
        kind = kind_of(question)
        if kind.answerable:
            attributes[field_name(question)] = kind.make_field(question, language)
    return type("AnswerPageForm", (AnswerForm,), attributes)


def initial_data(questions: list[Question], stored: dict) -> dict:
    """Field data that shows a draft's stored answers again (pass as `data=` to the form)."""
    return {
        field_name(q): kind_of(q).form_data(q, stored[q.key])
        for q in questions
        if kind_of(q).answerable and stored.get(q.key) is not None
    }


def describe_answer(question: Question, stored, language: str) -> str:
    """A draft value as text for the respondent; "Not answered" when there is none."""
    if stored is None:
        return _("Not answered")
    return kind_of(question).describe(question, stored, language)


def answer_rows(questions: list[Question], stored: dict) -> list[AnswerRow]:
    """Answer rows for the answered questions of a draft, in questionnaire order."""
    rows: list[AnswerRow] = []
    for q in questions:
        kind = kind_of(q)
        if kind.answerable and stored.get(q.key) is not None:
            rows.extend(kind.rows(q, stored[q.key]))
    return rows
