"""Helhet's standard questionnaires: complete in bokmål, nynorsk and English,
on the right scales.
"""

from __future__ import annotations

import pytest

from helhet import demo
from helhet.extensions import db
from surveys import library, queries, services
from tests.surveys.factories import make_questionnaire

LANGUAGES = ("nb", "nn", "en")


def all_texts(data: dict):
    """(place, texts) for every text in a questionnaire file."""
    yield "title", data["title"]
    yield "description", data["description"]
    for i, section in enumerate(data["sections"]):
        yield f"sections[{i}].title", section["title"]
        if "intro" in section:
            yield f"sections[{i}].intro", section["intro"]
        for j, q in enumerate(section["questions"]):
            here = f"sections[{i}].questions[{j}]"
            yield f"{here}.text", q["text"]
            for name in ("help", "low_label", "high_label"):
                if name in q:
                    yield f"{here}.{name}", q[name]
            for k, choice in enumerate(q.get("choices", [])):
                yield f"{here}.choices[{k}].label", choice["label"]
    for i, indicator in enumerate(data["indicators"]):
        yield f"indicators[{i}].name", indicator["name"]


def scale_questions(data: dict) -> dict[str, dict]:
    return {q["key"]: q for s in data["sections"] for q in s["questions"] if q["type"] == "scale"}


@pytest.mark.parametrize("key", library.STANDARD_KEYS)
def test_every_text_of_a_standard_questionnaire_is_there_in_all_three_languages(key):
    data = library.load(key)
    missing = [
        (place, lang)
        for place, texts in all_texts(data)
        for lang in LANGUAGES
        if not texts.get(lang, "").strip()
    ]
    assert missing == []


@pytest.mark.parametrize("key", library.STANDARD_KEYS)
def test_the_three_language_versions_of_a_text_are_not_copies_of_each_other(key):
    copies = [
        place
        for place, texts in all_texts(library.load(key))
        if texts["nb"] == texts["en"] and not any(c.isdigit() for c in texts["nb"])
    ]
    assert copies == []


def test_the_employee_survey_has_about_ten_factors_of_three_or_four_statements_on_1_to_5():
    data = library.load("medarbeiderundersokelse")
    scales = scale_questions(data)
    assert data["kind"] == "employee" and len(data["indicators"]) == 10
    for indicator in data["indicators"]:
        assert 3 <= len(indicator["items"]) <= 4, indicator["key"]
        assert indicator["dimension"] == "organisation"
        assert {(scales[k]["min"], scales[k]["max"]) for k in indicator["items"]} == {(1, 5)}
    assert {k for i in data["indicators"] for k in i["items"]} == set(
        scales
    )  # every statement counts
    names = {i["name"]["en"] for i in data["indicators"]}
    assert {
        "Motivation",
        "Mastery",
        "Autonomy",
        "Use of competence",
        "Leadership",
        "Role clarity",
        "Collaboration",
        "Workload",
        "Overall",
    } <= names


def test_the_service_user_survey_uses_a_1_to_6_scale_with_the_five_indicators():
    data = library.load("bruker_hjemmetjenester")
    assert data["kind"] == "service_user"
    assert {(q["min"], q["max"]) for q in scale_questions(data).values()} == {(1, 6)}
    assert [i["key"] for i in data["indicators"]] == [
        "resultat",
        "respektfull_behandling",
        "informasjon",
        "brukermedvirkning",
        "helhetsvurdering",
    ]
    assert all(
        i["dimension"] == "service" and i["favourable_from"] == 5 for i in data["indicators"]
    )


def test_the_citizen_survey_covers_service_quality_and_community_quality_on_1_to_6():
    data = library.load("innbyggerundersokelse")
    assert data["kind"] == "citizen"
    assert {(q["min"], q["max"]) for q in scale_questions(data).values()} == {(1, 6)}
    assert {i["dimension"] for i in data["indicators"]} == {"service", "community"}


def test_the_standard_questionnaires_install_published_and_only_once(app):
    installed = library.install_standard(publish=True)
    assert sorted(q.key for q in installed) == sorted(library.STANDARD_KEYS)
    assert all(q.is_published and q.version == 1 for q in installed)
    assert library.install_standard(publish=True) == []


def test_a_standard_key_that_exists_is_left_alone(app):
    own = make_questionnaire("medarbeiderundersokelse", "employee")
    installed = library.install_standard(publish=False)
    assert "medarbeiderundersokelse" not in [q.key for q in installed]
    assert [v.id for v in queries.versions("medarbeiderundersokelse")] == [own.id]
    assert all(not q.is_published for q in installed)


@pytest.mark.parametrize("key", library.STANDARD_KEYS)
def test_a_standard_questionnaire_publishes_without_errors_or_missing_translations(app, key):
    questionnaire = services.import_data(library.load(key))
    check = services.publish_check(questionnaire)
    # the only warning: se, uk and pl texts that no native speaker has checked (where there are)
    unchecked = questionnaire.unchecked_translations or []
    expected = [services.unchecked_message(unchecked)] if unchecked else []
    assert (check.errors, [w.message for w in check.warnings]) == ([], expected)


def test_the_home_care_survey_can_be_answered_in_sami_ukrainian_and_polish(app):
    questionnaire = services.import_data(library.load("bruker_hjemmetjenester"))
    assert queries.answer_languages(questionnaire) == ("nb", "nn", "en", "se", "uk", "pl")
    assert questionnaire.unchecked_translations == ["se", "uk", "pl"]


def test_the_demo_municipality_comes_with_the_standard_questionnaires_published(app):
    demo.load()
    db.session.commit()
    published = {q.key for q in queries.all_published()}
    # and the demo's own citizen questionnaire with conditions and grids (helhet/data)
    assert published == {*library.STANDARD_KEYS, "tjenester_demo"}
