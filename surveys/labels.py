"""Translated names of the questionnaire vocabulary (languages, kinds, dimensions), shared by the
editor's forms, its pages and the services' messages. A question type's name is its class's
`label` (surveys.questiontypes)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from surveys.models import Dimension, QuestionnaireKind

LANGUAGE_LABELS = {
    "nb": _l("Bokmål"),
    "nn": _l("Nynorsk"),
    "en": _l("English"),
    "se": _l("Northern Sami"),
    "uk": _l("Ukrainian"),
    "pl": _l("Polish"),
}
KIND_LABELS = {
    QuestionnaireKind.CITIZEN.value: _l("Citizen survey"),
    QuestionnaireKind.SERVICE_USER.value: _l("Service-user survey"),
    QuestionnaireKind.EMPLOYEE.value: _l("Employee survey"),
}
DIMENSION_LABELS = {
    Dimension.ECONOMY.value: _l("Economy"),
    Dimension.SERVICE.value: _l("Service quality"),
    Dimension.ORGANISATION.value: _l("Organisational quality"),
    Dimension.COMMUNITY.value: _l("Community quality"),
}
