"""Sample URL values for the questionnaire pages (see tests/test_access.py): a draft with a section,
a question and an indicator. Routes are checked for every method and role on these."""

from __future__ import annotations

from helhet.extensions import db
from tests.surveys.factories import make_small_questionnaire


def samples(world) -> dict:
    draft = make_small_questionnaire("tilgang")
    section = draft.sections[0]
    db.session.commit()
    return {
        "questionnaire_id": draft.id,
        "section_id": section.id,
        "question_id": section.questions[0].id,
        "indicator_id": draft.indicators[0].id,
        "question_type": "scale",
        "page": 1,
    }
