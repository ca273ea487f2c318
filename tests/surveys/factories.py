"""Factories for questionnaires in tests. Each makes one thing through the services, with defaults
a test can override, and flushes (the test commits when it needs to)."""

from __future__ import annotations

from helhet.extensions import db
from surveys import services
from surveys.models import Dimension, Question, Questionnaire, QuestionType, Section


def make_questionnaire(
    key: str = "testskjema", kind: str = "citizen", title: dict | None = None
) -> Questionnaire:
    """A draft with one empty section."""
    return services.create_questionnaire(
        key, kind, title or {"nb": "Testskjema", "nn": "Testskjema", "en": "Test form"}
    )


def make_section(questionnaire: Questionnaire, title: str = "Del", **texts) -> Section:
    return services.add_section(questionnaire, {"nb": title, **texts})


SETTINGS = {
    QuestionType.SCALE: {
        "scale_min": 1,
        "scale_max": 6,
        "low_label": {"nb": "Helt uenig"},
        "high_label": {"nb": "Helt enig"},
    },
    QuestionType.SINGLE: {"choices": [("ja", {"nb": "Ja"}), ("nei", {"nb": "Nei"})]},
    QuestionType.MULTIPLE: {"choices": [("ja", {"nb": "Ja"}), ("nei", {"nb": "Nei"})]},
}


def make_question(
    section: Section, key: str, type: str = "scale", text: str | None = None, **props
) -> Question:
    """A question; scale questions default to 1-6 with end labels, choice questions to yes/no."""
    kind = QuestionType(type)
    data = services.QuestionData(key=key, type=kind, text={"nb": text or f"Spørsmål {key}"})
    for name, value in {**SETTINGS.get(kind, {}), **props}.items():
        setattr(data, name, value)
    return services.add_question(section, data)


def make_indicator(
    questionnaire: Questionnaire,
    key: str,
    items: list[Question],
    dimension: str = "service",
    **props,
):
    data = services.IndicatorData(
        key=key,
        name={"nb": f"Indikator {key}"},
        dimension=Dimension(dimension),
        items=items,
        **props,
    )
    return services.add_indicator(questionnaire, data)


def make_small_questionnaire(key: str = "liten", publish: bool = False) -> Questionnaire:
    """Two sections (scale, single, number, text, info), one indicator; published if asked."""
    questionnaire = make_questionnaire(key)
    first = questionnaire.sections[0]
    services.update_section(
        first, {"nb": "Tjenestene", "nn": "Tenestene", "en": "The services"}, {}
    )
    a = make_question(first, "fornoyd", text="Hvor fornøyd er du?", required=True)
    b = make_question(first, "respekt", text="Blir du behandlet med respekt?", dont_know=True)
    second = make_section(questionnaire, "Om deg")
    make_question(second, "alder", "single", text="Hvor gammel er du?")
    make_question(
        second, "antall", "number", text="Hvor mange ganger?", min_value=0.0, max_value=50.0
    )
    make_question(second, "kommentar", "text", text="Noe mer?")
    make_question(second, "takk", "info", text="Takk for svarene.")
    make_indicator(questionnaire, "kvalitet", [a, b], favourable_from=5.0)
    if publish:
        services.publish(questionnaire)
    db.session.flush()
    return questionnaire
