"""Conditions in the JSON format: schema-checked, validated against earlier questions, stored,
and exported in canonical form; questionnaires without conditions are unchanged."""

from __future__ import annotations

import json

from helhet.extensions import db
from surveys import jsonformat, queries, services
from tests.surveys.test_jsonformat import problems_of, small_data


def with_conditions() -> dict:
    """small_data with a third page shown when b is 1 or 2 (written out of canonical order), and
    a question on it shown when a is at least 4.0."""
    data = small_data()
    data["sections"].append(
        {
            "condition": {
                "any": [
                    {"value": "2", "op": "equals", "question": "b"},
                    {"question": "b", "op": "equals", "value": "1"},
                ]
            },
            "questions": [
                {
                    "key": "d",
                    "type": "scale",
                    "text": {"nb": "D?"},
                    "min": 1,
                    "max": 6,
                    "condition": {"all": [{"question": "a", "op": "at_least", "value": 4.0}]},
                }
            ],
        }
    )
    return data


def test_conditions_are_stored_and_exported_in_canonical_form(any_app):
    q = services.import_data(with_conditions())
    db.session.commit()
    db.session.expire_all()
    q = queries.get(q.id)
    exported = json.loads(jsonformat.dumps(q))
    assert exported["sections"][2]["condition"] == {
        "any": [
            {"question": "b", "op": "equals", "value": "1"},
            {"question": "b", "op": "equals", "value": "2"},
        ]
    }
    assert exported["sections"][2]["questions"][0]["condition"] == {
        "question": "a",
        "op": "at_least",
        "value": 4,
    }
    assert list(exported["sections"][2]["questions"][0])[-1] == "condition"
    # the same bytes again after a round trip, and a new version keeps the conditions
    services.delete_draft(q)
    again = services.import_data(exported)
    db.session.commit()
    assert json.loads(jsonformat.dumps(again)) == exported


def test_a_questionnaire_without_conditions_exports_no_condition_key(any_app):
    q = services.import_data(small_data())
    db.session.commit()
    assert "condition" not in jsonformat.dumps(q)


def test_the_schema_and_the_shape_rules_name_the_place(app, english):
    data = with_conditions()
    data["sections"][2]["condition"] = {"question": "b", "op": "is", "value": "1"}
    assert problems_of(data) == [
        (
            "sections[2].condition.op",
            'Unknown value "is"; use one of: equals, one_of, at_least, at_most, answered,'
            " not_answered.",
        )
    ]
    data["sections"][2]["condition"] = {"question": "b", "op": "answered", "value": "1"}
    assert problems_of(data) == [
        ("sections[2].condition.value", "answered and not_answered take no value; leave it out.")
    ]
    data["sections"][2]["condition"] = {"all": []}
    assert problems_of(data) == [
        ("sections[2].condition.all", "A group of conditions must list at least one condition.")
    ]
    data["sections"][2]["condition"] = {"question": "b", "op": "equals", "valeu": "1"}
    assert [p for p, _m in problems_of(data)] == ["sections[2].condition.valeu"]


def test_a_condition_may_only_read_earlier_pages_and_values_that_fit(app, english):
    data = with_conditions()
    # a forward reference, a reference to its own page, a wrong choice, and a number off the scale
    data["sections"][0]["questions"][1]["condition"] = {"question": "c", "op": "answered"}
    data["sections"][1]["questions"][0]["condition"] = {
        "all": [
            {"question": "c", "op": "answered"},
            {"question": "b", "op": "one_of", "value": ["1", "3"]},
            {"question": "a", "op": "equals", "value": 9},
            {"question": "nope", "op": "answered"},
        ]
    }
    found = dict(problems_of(data))
    assert found["sections[0].questions[1].condition.question"].startswith(
        "c is not on an earlier page."
    )
    assert found["sections[1].questions[0].condition.all[0].question"].startswith(
        "c is not on an earlier page."
    )
    assert found["sections[1].questions[0].condition.all[1].value"] == (
        '"3" is not a choice of b; use one of: 1, 2.'
    )
    assert found["sections[1].questions[0].condition.all[2].value"] == (
        "Must be a whole point on the scale of a, from 1 to 6."
    )
    assert found["sections[1].questions[0].condition.all[3].question"] == (
        "No question in this questionnaire has the key nope."
    )
    data = with_conditions()
    data["sections"][2]["questions"][0]["condition"] = {
        "question": "c",
        "op": "equals",
        "value": "x",
    }
    assert problems_of(data) == [
        (
            "sections[2].questions[0].condition.value",
            "c is a text question; a condition can only test whether it is answered or not.",
        )
    ]
