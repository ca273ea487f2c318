"""The plain values a questionnaire keeps, each in one canonical form,
and the editor's fields for a text.

texts({"en": " Hi ", "nb": "Hei"})    # {"nb": "Hei", "en": "Hi"}: nb, nn, en, se, uk, pl
                                      # (RESPONDENT_LANGUAGES), stripped, empty ones left out
number(5.0)                           # 5: a whole number without a decimal point, as JSON
                                      # writes it best
check_texts(value, "title")           # texts(value), or QuestionnaireError at the field of a
                                      # text too long
text_fields(_l("Title"))              # in a form class: one field per language (title_nb, ...)
form_texts(form, "title")             # {"nb": ..., "nn": ..., ...} from those fields
fill_texts(data, "title", value)      # the other way: form data from a stored text
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from helhet.config import RESPONDENT_LANGUAGES as LANGUAGES
from surveys.errors import QuestionnaireError
from surveys.labels import LANGUAGE_LABELS

SHORT, LONG = (
    500,
    5000,
)  # the longest text of one line (titles, labels) and of several (questions, intros)


def texts(value: dict | None) -> dict:
    """Language texts in canonical form: nb, nn, en, se, uk, pl in that order, stripped, empty
    ones left out."""
    value = value or {}
    out = {}
    for lang in LANGUAGES:
        text = value.get(lang)
        if isinstance(text, str) and text.strip():
            out[lang] = text.strip()
    return out


def number(value: float | int | None) -> float | int | None:
    """A number as JSON writes it best: 5 rather than 5.0."""
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def check_texts(value: dict | None, field: str, limit: int = SHORT, required: bool = False) -> dict:
    """texts(value); QuestionnaireError at `<field>_<language>` for a text over `limit`, and at
    `<field>_nb` when `required` and there is no text at all."""
    value = texts(value)
    for lang, text in value.items():
        if len(text) > limit:
            raise QuestionnaireError(
                _("At most %(n)s characters.", n=limit), field=f"{field}_{lang}"
            )
    if required and not value:
        raise QuestionnaireError(
            _("Write the text in at least one language (bokmål is needed before publishing)."),
            field=f"{field}_nb",
        )
    return value


def text_fields(what, long: bool = False, description=None) -> list:
    """Editor fields (nb, nn, en, se, uk, pl) for one text; unpack them into the class body."""
    field_class = TextAreaField if long else StringField
    limit = LONG if long else SHORT
    return [
        field_class(
            _l("%(what)s – %(language)s", what=what, language=LANGUAGE_LABELS[lang]),
            validators=[Optional(), Length(max=limit)],
            description=description if lang == "nb" else None,
            render_kw={"lang": lang, "rows": 3} if long else {"lang": lang},
        )
        for lang in LANGUAGES
    ]


def text_field_dict(name: str, what, long: bool = False, description=None) -> dict:
    """text_fields() by name (`<name>_nb`, `<name>_nn`, ..., `<name>_pl`),
    for a form class built with type().
    """
    return dict(
        zip(
            (f"{name}_{lang}" for lang in LANGUAGES),
            text_fields(what, long, description),
            strict=True,
        )
    )


def form_texts(form, name: str) -> dict:
    """{"nb": ..., "nn": ..., ...} from the form's fields for `name`, one per language."""
    return {lang: (form[f"{name}_{lang}"].data or "").strip() for lang in LANGUAGES}


def fill_texts(data: dict, name: str, value: dict | None) -> None:
    """Put a stored text into form data, one field per language."""
    for lang in LANGUAGES:
        data[f"{name}_{lang}"] = (value or {}).get(lang, "")


# nb, nn and en are always offered to respondents (their missing texts fall back to bokmål);
# se, uk and pl only where the questionnaire has them all (docs/languages.md).
ALWAYS_OFFERED = ("nb", "nn", "en")


def covered_languages(title: dict | None, question_texts, choice_labels) -> tuple[str, ...]:
    """The respondent languages a questionnaire can be answered in: nb, nn and en, and each of
    se, uk and pl in which the title, every question's text and every choice's label is
    written."""
    question_texts, choice_labels = list(question_texts), list(choice_labels)
    return ALWAYS_OFFERED + tuple(
        lang
        for lang in LANGUAGES
        if lang not in ALWAYS_OFFERED
        and texts(title).get(lang)
        and all(texts(t).get(lang) for t in question_texts)
        and all(texts(t).get(lang) for t in choice_labels)
    )
