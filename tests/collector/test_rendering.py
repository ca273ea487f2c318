"""Kept question fragments (collector/rendering.py): the same HTML as writing each question anew,
for every language and answer, and never one respondent's answer on another's page."""

from __future__ import annotations

import itertools
import re

import pytest
from flask import render_template_string
from flask_babel import force_locale

from collector import rendering
from collector.survey import load
from helhet.extensions import db
from surveys.questiontypes import initial_data
from tests.collector import factories, helpers

WRITTEN_ANEW = (
    '{% from "surveys/_question.html" import render_questions %}{{ render_questions(items) }}'
)


def squeezed(html: str) -> str:
    return " ".join(str(html).split())


def checked(page: str) -> dict[str, str]:
    """{field name: checked value} of a page's radio buttons."""
    return dict(re.findall(r'name="(q_[^"]+)" type="radio" value="([^"]+)" checked', page))


def mixed_questionnaire():
    """A scale page with a single choice, several choices, a number, a text and an information
    text, and a page that is one grid."""
    return factories.make_questionnaire(
        sections=2,
        questions_per_section=2,
        extra_types=("single", "multiple", "number", "text", "info"),
        grid_sections=(2,),
    )


def page_form(survey, page, language, answers):
    form_class = survey.form_class(page, language, page.questions)
    return form_class(formdata=None, data=initial_data(list(page.questions), answers))


def test_kept_fragments_are_the_html_written_anew_for_every_language_and_answer(app):
    questionnaire = mixed_questionnaire()
    survey = load(questionnaire.id, questionnaire.published_at)
    scale_values = [None, 1, 3, 6, "dk"]
    with app.test_request_context("/svar/side/1"):
        for language in ("nb", "nn", "en"):
            with force_locale(language):
                for a, b, single in itertools.product(scale_values, scale_values, [None, "a", "c"]):
                    answers = {
                        "s1q1": a,
                        "s1q2": b,
                        "s2q1": b,
                        "s2q2": a,
                        "x_single": single,
                        "x_multiple": ["a", "c"],
                        "x_number": 42,
                        "x_text": "Fint å jobbe her.",
                    }
                    for page in survey.pages:
                        items = list(page_form(survey, page, language, answers).items())
                        anew = squeezed(render_template_string(WRITTEN_ANEW, items=items))
                        first = squeezed(rendering.questions_html(survey, items))
                        again = squeezed(rendering.questions_html(survey, items))  # from the cache
                        assert first == anew
                        assert again == anew
    # kept: the scale and single-choice questions, the grid and the information text; the number,
    # text and several-choices questions (what someone typed or chose several of) never
    kept_keys = {row[0] for key in survey.fragments for row in key[2]}
    assert kept_keys == {"s1q1", "s1q2", "s2q1", "s2q2", "x_single", "x_info"}
    assert len(survey.fragments) <= 3 * (5 + 5 + 3 + 1 + 5 * 5)


def test_a_question_with_an_error_is_written_anew(app):
    questionnaire = factories.make_questionnaire(sections=1, questions_per_section=2)
    survey = load(questionnaire.id, questionnaire.published_at)
    page = survey.pages[0]
    with app.test_request_context("/svar/side/1", method="POST", data={"q_s1q1": "9"}):
        form = survey.form_class(page, "nb", page.questions)()
        form.validate()
        html = str(rendering.questions_html(survey, list(form.items())))
    assert html.count('class="error-message"') == 2
    assert not survey.fragments  # both have an error ("9" is not a point, s1q2 is missing)


def test_one_respondents_answers_never_reach_another_page(client, tree, app):
    questionnaire = factories.make_questionnaire(sections=2, questions_per_section=3)
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit])
    first_code, second_code = factories.make_codes(campaign, unit, 2)
    other = app.test_client()

    helpers.enter_code(client, first_code)
    client.post("/svar/side/1", data={"q_s1q1": "6", "q_s1q2": "dk", "q_s1q3": "1"})
    assert checked(client.get("/svar/side/1").get_data(as_text=True)) == {
        "q_s1q1": "6",
        "q_s1q2": "dk",
        "q_s1q3": "1",
    }

    helpers.enter_code(other, second_code)
    assert checked(other.get("/svar/side/1").get_data(as_text=True)) == {}
    other.post("/svar/side/1", data={"q_s1q1": "2", "q_s1q3": "1", "action": "save"})
    assert checked(other.get("/svar/side/1").get_data(as_text=True)) == {
        "q_s1q1": "2",
        "q_s1q3": "1",
    }
    # and the first respondent still sees only their own
    assert checked(client.get("/svar/side/1").get_data(as_text=True)) == {
        "q_s1q1": "6",
        "q_s1q2": "dk",
        "q_s1q3": "1",
    }


def test_an_unpublished_questionnaire_keeps_nothing_between_requests(app):
    questionnaire = factories.make_questionnaire(sections=1, questions_per_section=2)
    questionnaire.published_at = None
    db.session.commit()
    assert load(questionnaire.id) is not load(questionnaire.id)


@pytest.mark.parametrize("value", ["7", "x", "<b>"])
def test_an_answer_that_is_not_a_choice_is_not_kept(app, value):
    questionnaire = factories.make_questionnaire(sections=1, questions_per_section=1)
    survey = load(questionnaire.id, questionnaire.published_at)
    page = survey.pages[0]
    with app.test_request_context("/svar/side/1"), force_locale("nb"):
        form = survey.form_class(page, "nb", page.questions)(formdata=None, data={"q_s1q1": value})
        rendering.questions_html(survey, list(form.items()))
    assert not survey.fragments


def test_the_answering_pages_use_the_kept_fragments(client, tree):
    questionnaire = factories.make_questionnaire(sections=2, questions_per_section=3)
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit])
    helpers.enter_code(client, factories.make_codes(campaign, unit, 1)[0])
    client.get("/svar/side/1")
    survey = load(questionnaire.id, questionnaire.published_at)
    assert {row[0] for key in survey.fragments for row in key[2]} == {"s1q1", "s1q2", "s1q3"}
