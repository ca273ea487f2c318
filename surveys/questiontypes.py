"""Question types: each type says how it becomes a form field, what a valid answer is, how the
answer is kept in a draft and how it is stored as Answer rows.

The registry `TYPES` is keyed by type name (the same names as QuestionType). The collector builds
its answer pages from it, the questionnaire preview uses the same pages, and the paper-answer
import parses CSV cells with `parse`. A draft keeps answers as JSON values:

    scale     an int on the scale, or "dk" for "vet ikke"
    single    the chosen value (str)
    multiple  the chosen values (list of str)
    number    a number (int or float)
    text      the text (str)
    info      nothing: information text is shown, never answered
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from helhet.edge import DECIMAL, usable_number
from helhet.forms import HelhetForm
from helhet.i18n import localized
from surveys.models import Question, QuestionType

DONT_KNOW = "dk"
DEFAULT_MAX_TEXT = 2000


class AnswerError(ValueError):
    """An answer that does not fit its question; the message is translated and says what fits."""


@dataclass(frozen=True)
class AnswerRow:
    question_key: str
    value: float | None = None
    text: str | None = None
    dont_know: bool = False

    def as_dict(self, response_id: int) -> dict:
        return {"response_id": response_id, "question_key": self.question_key, "value": self.value,
                "text": self.text, "dont_know": self.dont_know}


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
    return next((localized(c.label, language) for c in question.choices if c.value == value), str(value))


class QuestionKind:
    """Base for one question type."""

    name: QuestionType
    answerable = True

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
        """Raise AnswerError unless `stored` is a valid draft value (defends against forged drafts)."""
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

    def points(self, question: Question) -> range:
        return range(question.scale_min or 1, (question.scale_max or 5) + 1)

    def point_label(self, question, point: int, language: str) -> str:
        """"1 – Svært misfornøyd" at the ends of the scale (where they have a label), else "3"."""
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
        return ChoiceRadioField(localized(question.text, language), choices=choices,
                                validators=self.validators(question))

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
        if raw.lower() in {DONT_KNOW, "vet ikke", "veit ikkje", "don't know", "dont know"} and question.dont_know:
            return DONT_KNOW
        points = self.points(question)
        try:
            value = parse_number(raw)
        except ValueError:
            value = None
        if value is None or not value.is_integer() or int(value) not in points:
            if question.dont_know:
                raise AnswerError(_("Write a whole number from %(low)s to %(high)s, or dk for don't know.",
                                    low=points[0], high=points[-1]))
            raise AnswerError(_("Write a whole number from %(low)s to %(high)s.", low=points[0], high=points[-1]))
        return int(value)


class Single(QuestionKind):
    name = QuestionType.SINGLE

    def make_field(self, question, language):
        choices = [(c.value, localized(c.label, language)) for c in question.choices]
        return ChoiceRadioField(localized(question.text, language), choices=choices,
                                validators=self.validators(question))

    def required_message(self, question):
        return _("Choose one of the options.")

    def describe(self, question, stored, language):
        return choice_label(question, stored, language)

    def rows(self, question, stored):
        return [AnswerRow(question.key, text=str(stored))]

    def parse(self, question, raw):
        raw = raw.strip()
        values = [c.value for c in question.choices]
        if raw not in values:
            raise AnswerError(_("%(value)s is not one of the options (%(options)s).",
                                value=raw, options=", ".join(values)))
        return raw


class Multiple(QuestionKind):
    name = QuestionType.MULTIPLE

    def make_field(self, question, language):
        choices = [(c.value, localized(c.label, language)) for c in question.choices]
        return CheckboxesField(localized(question.text, language), choices=choices,
                               validators=self.validators(question))

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
            raise AnswerError(_("%(value)s is not one of the options (%(options)s).",
                                value=", ".join(wrong), options=", ".join(values)))
        if len(set(chosen)) != len(chosen):
            raise AnswerError(_("An option is given twice."))
        return chosen

    def check(self, question, stored):
        if stored is not None and (not isinstance(stored, list) or not all(isinstance(v, str) for v in stored)):
            raise AnswerError(_("Choose among the options shown."))
        super().check(question, stored)


class Number(QuestionKind):
    name = QuestionType.NUMBER

    def make_field(self, question, language):
        return NumberInputField(
            localized(question.text, language),
            validators=[*self.validators(question), self._in_range(question)],
            render_kw={"inputmode": "numeric" if question.integer_only else "decimal", "autocomplete": "off"},
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

    def limit(self, question) -> int:
        return question.max_length or DEFAULT_MAX_TEXT

    def make_field(self, question, language):
        limit = self.limit(question)

        def short_enough(form, field):
            if field.data and len(field.data) > limit:
                raise ValidationError(_("Write at most %(n)s characters (you wrote %(m)s).", n=limit, m=len(field.data)))

        return TextAreaField(localized(question.text, language),
                             validators=[*self.validators(question), short_enough],
                             render_kw={"maxlength": limit, "rows": 5})

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
            raise AnswerError(_("Write at most %(n)s characters (you wrote %(m)s).", n=self.limit(question), m=len(raw)))
        return raw


class Info(QuestionKind):
    name = QuestionType.INFO
    answerable = False


TYPES: dict[QuestionType, QuestionKind] = {kind.name: kind for kind in (Scale(), Single(), Multiple(), Number(), Text(), Info())}


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
            q.key: kind_of(q).clean(q, field.data)
            for q, field in self.items()
            if field is not None
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
