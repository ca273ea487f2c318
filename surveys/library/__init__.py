"""Helhet's standard questionnaires, written for Helhet (not copies of anyone's instruments), in
bokmål, nynorsk and English, stored as files in our JSON format next to this module:

    innbyggerundersokelse.json     citizen survey: the services and the municipality as a place to
                                   live (service quality and community quality indicators), 1-6
    bruker_hjemmetjenester.json    service-user survey template (home care), 1-6: results for the
                                   user, respectful treatment, information, influence, overall;
                                   also in Northern Sami, Ukrainian and Polish, marked as unchecked
                                   machine-assisted translations (unchecked_translations)
    medarbeiderundersokelse.json   employee survey, 1-5: ten factors of three or four statements

`install_standard()` imports those whose key is not in the database yet (as version 1).
"""

from __future__ import annotations

from pathlib import Path

from surveys import jsonformat
from surveys.models import Questionnaire

LIBRARY = Path(__file__).parent
STANDARD_KEYS = ("innbyggerundersokelse", "bruker_hjemmetjenester", "medarbeiderundersokelse")


def path(key: str) -> Path:
    return LIBRARY / f"{key}.json"


def load(key: str) -> dict:
    """One standard questionnaire as a dict in our format."""
    return jsonformat.loads(path(key).read_bytes())


def install_standard(publish: bool = True) -> list[Questionnaire]:
    """Install the standard questionnaires that are missing (no version with their key exists) and
    return them; published if `publish`, else drafts. Flushes; the caller commits."""
    from surveys import services

    installed = []
    for key in STANDARD_KEYS:
        questionnaire = services.install(load(key), publish_it=publish)
        if questionnaire is not None:
            installed.append(questionnaire)
    return installed
