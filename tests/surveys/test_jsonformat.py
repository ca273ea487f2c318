"""Our JSON format: export -> import -> export gives the same bytes, and every bad file is refused
with the place (JSON path) named and nothing imported."""

from __future__ import annotations

import copy
import json

import pytest

from helhet.extensions import db
from surveys import jsonformat, library, queries, services
from surveys.errors import InvalidQuestionnaire
from tests.surveys.conftest import row_counts
from tests.surveys.factories import make_small_questionnaire


def small_data() -> dict:
    return {
        "format": "helhet-questionnaire",
        "format_version": 1,
        "key": "liten",
        "kind": "citizen",
        "title": {"nb": "Liten", "en": "Small"},
        "sections": [
            {
                "title": {"nb": "Del 1"},
                "questions": [
                    {"key": "a", "type": "scale", "text": {"nb": "A?"}, "min": 1, "max": 6},
                    {
                        "key": "b",
                        "type": "single",
                        "text": {"nb": "B?"},
                        "choices": [
                            {"value": "1", "label": {"nb": "En"}},
                            {"value": "2", "label": {"nb": "To"}},
                        ],
                    },
                ],
            },
            {"questions": [{"key": "c", "type": "text", "text": {"nb": "C?"}}]},
        ],
        "indicators": [
            {"key": "ind", "name": {"nb": "Indikator"}, "dimension": "service", "items": ["a"]}
        ],
    }


def problems_of(data) -> list[tuple[str, str]]:
    with pytest.raises(InvalidQuestionnaire) as refused:
        services.import_data(data)
    return [(p.path, p.message) for p in refused.value.problems]


def paths_of(data) -> list[str]:
    return [path for path, _message in problems_of(data)]


@pytest.mark.parametrize("key", library.STANDARD_KEYS)
def test_a_library_questionnaire_exports_imports_and_exports_to_the_same_bytes(any_app, key):
    first = library.path(key).read_text(encoding="utf-8")
    imported = services.import_data(json.loads(first))
    db.session.commit()
    db.session.expire_all()
    assert jsonformat.dumps(queries.get(imported.id)) == first


def test_an_edited_questionnaire_round_trips_to_the_same_bytes(any_app):
    q = make_small_questionnaire(publish=True)
    db.session.commit()
    exported = jsonformat.dumps(q)
    services.delete_draft(services.new_version(q))
    services.import_data(json.loads(exported))  # the key exists: becomes version 2
    db.session.commit()
    db.session.expire_all()
    again = queries.version(q.key, 2)
    assert jsonformat.dumps(again) == exported


def test_export_writes_texts_in_language_order_and_whole_numbers_without_decimals(app):
    q = make_small_questionnaire()
    text = jsonformat.dumps(q)
    assert text.endswith("}\n") and '"min": 0,' in text and '"favourable_from": 5' in text
    assert list(jsonformat.to_dict(q)["sections"][0]["title"]) == ["nb", "nn", "en"]


def test_the_schema_itself_is_valid_draft_2020_12():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(jsonformat.schema())


def test_every_library_file_is_valid_against_the_schema():
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(jsonformat.schema())
    for key in library.STANDARD_KEYS:
        assert list(validator.iter_errors(library.load(key))) == []


def test_importing_an_existing_key_makes_the_next_version_as_a_draft(app):
    q = make_small_questionnaire(publish=True)
    again = services.import_data(jsonformat.to_dict(q))
    assert (again.version, again.is_published) == (2, False)


def test_importing_a_key_that_has_a_draft_is_refused_at_the_key(app, english):
    q = make_small_questionnaire()
    assert problems_of(jsonformat.to_dict(q)) == [
        (
            "key",
            (
                "liten already has a draft (version 1). Publish or delete that draft before"
                " importing a new version."
            ),
        )
    ]


def test_an_unknown_question_type_names_its_path(app, english):
    data = small_data()
    data["sections"][1]["questions"][0]["type"] = "radio"
    problems = problems_of(data)
    assert problems == [
        (
            "sections[1].questions[0].type",
            (
                'Unknown question type "radio"; use one of: scale, single, multiple, number, text,'
                " info."
            ),
        )
    ]


def test_a_missing_property_names_the_path_of_what_is_missing(app, english):
    data = small_data()
    del data["sections"][0]["questions"][0]["max"]
    del data["kind"]
    assert paths_of(data) == ["kind", "sections[0].questions[0].max"]


def test_wrong_kinds_of_values_and_unknown_properties_are_all_reported_at_once(app, english):
    data = small_data()
    data["sections"][0]["questions"][0]["min"] = "1"
    data["sections"][0]["questions"][1]["choices"][0]["colour"] = "red"
    data["indicators"][0]["min_share"] = 0
    problems = dict(problems_of(data))
    assert problems["sections[0].questions[0].min"] == "Must be a whole number, not a text."
    assert problems["sections[0].questions[1].choices[0].colour"].startswith(
        "Unknown property colour"
    )
    assert problems["indicators[0].min_share"] == "Must be more than 0."


def test_a_key_outside_the_pattern_names_its_path(app):
    data = small_data()
    data["sections"][0]["questions"][1]["key"] = "B-spørsmål"
    assert paths_of(data) == ["sections[0].questions[1].key"]


def test_a_property_of_another_type_is_unknown(app):
    data = small_data()
    data["sections"][1]["questions"][0]["choices"] = []
    assert paths_of(data) == ["sections[1].questions[0].choices"]


def test_another_format_version_is_named(app, english):
    data = small_data()
    data["format_version"] = 2
    assert problems_of(data) == [
        ("format_version", "This file has format version 2; this Helhet reads version 1.")
    ]


def test_duplicate_question_keys_name_the_second_one_and_the_first(app, english):
    data = small_data()
    data["sections"][1]["questions"][0]["key"] = "a"
    path, message = problems_of(data)[0]
    assert path == "sections[1].questions[0].key" and "sections[0].questions[0]" in message


def test_duplicate_choice_values_and_indicator_keys_are_named(app):
    data = small_data()
    data["sections"][0]["questions"][1]["choices"][1]["value"] = "1"
    data["indicators"].append(copy.deepcopy(data["indicators"][0]))
    assert paths_of(data) == ["sections[0].questions[1].choices[1].value", "indicators[1].key"]


def test_indicator_items_must_be_scale_questions_of_this_questionnaire(app, english):
    data = small_data()
    data["indicators"][0]["items"] = ["a", "b", "finnes_ikke"]
    problems = problems_of(data)
    assert [p for p, _m in problems] == ["indicators[0].items[1]", "indicators[0].items[2]"]
    assert "not a scale question" in problems[0][1] and "No question" in problems[1][1]


def test_a_scale_whose_min_is_not_below_its_max_is_refused(app):
    data = small_data()
    data["sections"][0]["questions"][0]["min"] = 6
    assert paths_of(data) == ["sections[0].questions[0].min"]


def test_missing_texts_are_refused(app, english):
    data = small_data()
    data["title"] = {"en": "Only English"}
    data["sections"][0]["questions"][0]["text"] = {"nb": "  "}
    data["sections"][0]["questions"][1]["choices"][0]["label"] = {}
    assert paths_of(data) == [
        "title.nb",
        "sections[0].questions[0].text",
        "sections[0].questions[1].choices[0].label",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "The file is empty."),
        (b'{"key": ', "This is not valid JSON: Expecting value at line 1, column 9."),
        (
            b"[1, 2]",
            (
                "The file must hold one JSON object {\u2026} with the questionnaire, not a list"
                " [\u2026]."
            ),
        ),
        (b"\xff\xfe{}", "The file is not UTF-8 text (byte 1). Save it as UTF-8 JSON."),
    ],
)
def test_a_file_that_is_not_a_json_object_is_refused_with_the_place(app, english, raw, expected):
    before = row_counts()
    with pytest.raises(InvalidQuestionnaire) as refused:
        services.import_file("skjema.json", raw)
    assert [str(p) for p in refused.value.problems] == [f"the whole file: {expected}"]
    assert row_counts() == before


def test_a_refused_file_leaves_the_database_as_it_was(any_app):
    make_small_questionnaire(publish=True)
    db.session.commit()
    before = row_counts()
    data = small_data()
    data["indicators"][0]["items"] = ["c"]
    with pytest.raises(InvalidQuestionnaire):
        services.import_file("liten.json", json.dumps(data).encode())
    db.session.rollback()
    assert row_counts() == before


def test_a_file_with_another_suffix_is_refused(app, english):
    with pytest.raises(InvalidQuestionnaire, match="none of them"):
        services.import_file("skjema.csv", b"a,b")


def test_empty_texts_are_dropped_and_texts_are_trimmed_on_import(app):
    data = small_data()
    data["title"] = {"nb": "  Liten  ", "nn": "", "en": "Small"}
    q = services.import_data(data)
    assert q.title == {"nb": "Liten", "en": "Small"}
