"""Translated names of the questionnaire vocabulary (languages, kinds, question types,
dimensions), shared by the editor's forms, its pages and the services' messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from helhet.config import LANGUAGES  # noqa: F401  (re-exported for the editor)
from surveys.models import Dimension, QuestionnaireKind, QuestionType

LANGUAGE_LABELS = {"nb": _l("Bokmål"), "nn": _l("Nynorsk"), "en": _l("English")}
KIND_LABELS = {
    QuestionnaireKind.CITIZEN.value: _l("Citizen survey"),
    QuestionnaireKind.SERVICE_USER.value: _l("Service-user survey"),
    QuestionnaireKind.EMPLOYEE.value: _l("Employee survey"),
}
TYPE_LABELS = {
    QuestionType.SCALE.value: _l("Scale"),
    QuestionType.SINGLE.value: _l("Single choice"),
    QuestionType.MULTIPLE.value: _l("Multiple choice"),
    QuestionType.NUMBER.value: _l("Number"),
    QuestionType.TEXT.value: _l("Free text"),
    QuestionType.INFO.value: _l("Information text"),
}
TYPE_HINTS = {
    QuestionType.SCALE.value: _l("A point on a scale such as 1 to 6, with labels at the ends and an optional «Don't know». Indicators are made of these."),
    QuestionType.SINGLE.value: _l("One answer among choices you write."),
    QuestionType.MULTIPLE.value: _l("Any number of answers among choices you write."),
    QuestionType.NUMBER.value: _l("A number, with an optional smallest and largest value."),
    QuestionType.TEXT.value: _l("An answer in the respondent's own words. Shown only to administrators."),
    QuestionType.INFO.value: _l("Text shown between the questions; nothing to answer."),
}
DIMENSION_LABELS = {
    Dimension.ECONOMY.value: _l("Economy"),
    Dimension.SERVICE.value: _l("Service quality"),
    Dimension.ORGANISATION.value: _l("Organisational quality"),
    Dimension.COMMUNITY.value: _l("Community quality"),
}
