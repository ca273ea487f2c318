"""The question-type registry: how each type shows a stored answer back to the respondent, and
that each type's settings survive the JSON format and the editor form."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from helhet.extensions import db
from surveys import jsonformat, queries, services
from surveys.forms import ChangeTypeForm, question_form
from surveys.models import Choice, Question, QuestionType
from surveys.questiontypes import DONT_KNOW, TYPES, describe_answer
from tests.surveys.factories import make_question, make_questionnaire
from tests.surveys.test_jsonformat import small_data


def scale(**extra) -> Question:
    return Question(
        key="q",
        type=QuestionType.SCALE,
        scale_min=1,
        scale_max=6,
        dont_know=True,
        low_label={"nb": "Svært misfornøyd"},
        high_label={"nb": "Svært fornøyd"},
        **extra,
    )


def choices(kind: QuestionType) -> Question:
    return Question(
        key="c",
        type=kind,
        choices=[
            Choice(value="a", label={"nb": "Alltid", "en": "Always"}),
            Choice(value="b", label={"nb": "Bare iblant"}),
        ],
    )


def test_a_scale_answer_shows_its_end_point_label(app):
    assert describe_answer(scale(), 6, "nb") == "6 – Svært fornøyd"
    assert describe_answer(scale(), 3, "nb") == "3"


def test_dont_know_and_no_answer_are_said_in_words(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert describe_answer(scale(), DONT_KNOW, "en") == "Don't know / not relevant"
        assert describe_answer(scale(), None, "en") == "Not answered"


def test_choices_show_their_labels_in_the_respondents_language(app):
    assert describe_answer(choices(QuestionType.SINGLE), "a", "en") == "Always"
    assert (
        describe_answer(choices(QuestionType.MULTIPLE), ["a", "b"], "nb") == "Alltid, Bare iblant"
    )


def test_numbers_use_a_decimal_comma_in_norwegian(app):
    number = Question(key="n", type=QuestionType.NUMBER, integer_only=False)
    assert describe_answer(number, 2.5, "nb") == "2,5"
    assert describe_answer(number, 2.5, "en") == "2.5"
    assert describe_answer(number, 12.0, "nn") == "12"


# --- the registry: each type owns its settings, and they survive every way they travel ---------

# Settings that differ from the defaults, one entry per type: a new type must add its own here.
EXAMPLES = {
    QuestionType.SCALE: {
        "scale_min": 0,
        "scale_max": 10,
        "low_label": {"nb": "Aldri", "en": "Never"},
        "high_label": {"nb": "Alltid"},
        "dont_know": True,
        "required": True,
    },
    QuestionType.SINGLE: {
        "choices": [("a", {"nb": "Alltid", "nn": "Alltid"}), ("b", {"nb": "Aldri"})]
    },
    QuestionType.MULTIPLE: {
        "choices": [("buss", {"nb": "Buss"}), ("tog", {"nb": "Tog", "en": "Train"})],
        "required": True,
    },
    QuestionType.NUMBER: {"min_value": -2.5, "max_value": 1000.0, "integer_only": False},
    QuestionType.TEXT: {"max_length": 300},
    QuestionType.INFO: {"help": {"nb": "Les dette først."}},
}


def example_question(kind: QuestionType):
    questionnaire = make_questionnaire("eksempel")
    return make_question(
        questionnaire.sections[0], "eksempel", kind.value, text="Et eksempel", **EXAMPLES[kind]
    )


def test_every_registered_type_has_an_example_here():
    assert set(EXAMPLES) == set(TYPES) == set(QuestionType)


@pytest.mark.parametrize("kind", list(QuestionType))
def test_every_type_keeps_its_settings_through_the_json_format(app, kind):
    question = example_question(kind)
    exported = jsonformat.question_to_dict(question)
    data = {**small_data(), "sections": [{"questions": [exported]}], "indicators": []}
    again = jsonformat.build_question(jsonformat.validate(data)["sections"][0]["questions"][0])
    assert jsonformat.question_to_dict(again) == exported
    assert services.QuestionData.of(again) == services.QuestionData.of(question)


def submitted(form) -> MultiDict:
    """What a browser sends for the form as it is shown (ticked boxes only, like a browser)."""
    sent = MultiDict()
    fields = [
        sub
        for f in form
        for sub in (
            [s for entry in f.entries for s in entry.form] if f.type == "FieldList" else [f]
        )
    ]
    for field in fields:
        if field.type == "BooleanField":
            if field.data:
                sent.add(field.name, "y")
        elif field.type == "SelectField":
            sent.add(field.name, str(field.data))
        elif field.type != "CSRFTokenField":
            sent.add(field.name, field._value())
    return sent


@pytest.mark.parametrize("kind", list(QuestionType))
def test_every_type_keeps_its_settings_through_the_editor_form(app, kind):
    question = example_question(kind)
    shown = services.QuestionData.of(question)
    form_class = question_form(TYPES[kind])
    with app.test_request_context():
        sent = submitted(form_class.of(shown, question.section, blank_rows=2))
    with app.test_request_context(method="POST", data=sent):
        form = form_class.of(shown, question.section, blank_rows=2)
        form.offer_sections(queries.sections(question.questionnaire))
        assert form.validate(), form.errors
        services.update_question(question, form.question_data("save"))
    assert services.QuestionData.of(question) == shown


@pytest.mark.parametrize("kind", list(QuestionType))
def test_every_type_can_be_added_in_the_editor_under_its_own_name(admin_client, kind):
    admin_client.get("/sprak/en")
    questionnaire = make_questionnaire("ny_type")
    db.session.commit()
    page = admin_client.get(
        f"/admin/sporreskjema/{questionnaire.id}/deler/{questionnaire.sections[0].id}"
        f"/sporsmal/ny/{kind.value}"
    )
    assert page.status_code == 200
    assert f"New question: {TYPES[kind].label}".encode() in page.data
    overview = admin_client.get(f"/admin/sporreskjema/{questionnaire.id}").data
    assert f'/sporsmal/ny/{kind.value}"'.encode() in overview


def test_changing_the_type_offers_every_registered_type(app):
    with app.test_request_context():
        assert [value for value, _label in ChangeTypeForm().type.choices] == [
            kind.value for kind in TYPES
        ]
