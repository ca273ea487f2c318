"""Conditions while answering, as a browser without JavaScript: hidden questions are not shown and
not required, pages whose questions are all hidden are skipped forward and back, the review lists
only asked questions, and an answer to a question a later change hid is never stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from collector import tallies
from collector.clock import utcnow
from collector.models import Answer, Draft, Response
from collector.survey import load
from helhet.extensions import db
from surveys import conditions
from surveys.models import Questionnaire, QuestionnaireKind, QuestionnaireStatus, Section
from tests import factories as core
from tests.collector import factories, helpers
from tests.collector.factories import make_question


def conditional_questionnaire() -> Questionnaire:
    """Page 1: barn (single a/b/c), alder (number); page 2: barnehage (scale 1-6) only when barn
    is a; page 3 (section condition): eldre only when alder is at least 67; page 4: slutt."""
    questionnaire = Questionnaire(
        key="betinget",
        version=1,
        kind=QuestionnaireKind.CITIZEN,
        title={"nb": "Innbyggerundersøkelse", "en": "Citizen survey"},
        status=QuestionnaireStatus.PUBLISHED,
        published_at=utcnow(),
    )
    pages = [
        (None, [make_question("barn", "single"), make_question("alder", "number", position=1)]),
        (
            None,
            [
                conditional(
                    make_question("barnehage", "scale"),
                    {"question": "barn", "op": "equals", "value": "a"},
                )
            ],
        ),
        ({"question": "alder", "op": "at_least", "value": 67}, [make_question("eldre", "scale")]),
        (None, [make_question("slutt", "scale", required=False)]),
    ]
    for position, (condition, questions) in enumerate(pages, start=1):
        section = Section(position=position, title={"nb": f"Del {position}"}, condition=condition)
        section.questions.extend(questions)
        questionnaire.sections.append(section)
    db.session.add(questionnaire)
    db.session.commit()
    return questionnaire


def conditional(question, condition: dict):
    question.condition = condition
    return question


@pytest.fixture
def answering(any_app):
    tree = core.make_tree()
    questionnaire = conditional_questionnaire()
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit], min_group=1)
    code = factories.make_codes(campaign, unit, 2)
    client = any_app.test_client()
    assert helpers.enter_code(client, code[0]).status_code == 303
    return client, campaign


def post(client, page: int, action: str = "next", **answers):
    data = {f"q_{key}": value for key, value in answers.items()}
    return client.post(f"/svar/side/{page}", data={**data, "action": action})


def location(response) -> str:
    return response.headers["Location"]


def stored_answers() -> dict:
    return {a.question_key: (a.value, a.text) for a in db.session.scalars(select(Answer))}


def test_hidden_pages_are_skipped_forward_and_back_and_not_required(answering):
    client, campaign = answering
    response = post(client, 1, barn="b", alder="30")
    assert location(response).endswith("/svar/side/4")  # 2 (barnehage) and 3 (eldre) hidden
    page = client.get("/svar/side/4").get_data(as_text=True)
    assert "Continue to check and send" in page or "Gå videre" in page
    assert location(post(client, 4, "back")).endswith("/svar/side/1")
    # the address of a hidden page goes on to the next shown one
    assert location(client.get("/svar/side/2")).endswith("/svar/side/4")
    assert location(client.get("/svar/side/3")).endswith("/svar/side/4")
    # a forged answer to a hidden page is not kept
    post(client, 2, barnehage="5")
    assert "barnehage" not in db.session.scalar(select(Draft.answers))
    assert location(post(client, 4)).endswith("/svar/send")
    review = client.get("/svar/send").get_data(as_text=True)
    assert "barnehage" not in review and "Spørsmål eldre" not in review
    assert "Spørsmål barn" in review and "Spørsmål slutt" in review
    response = helpers.send(client)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert set(stored_answers()) == {"barn", "alder"}


def test_a_shown_question_is_required_and_a_section_condition_shows_its_page(answering):
    client, _campaign = answering
    assert location(post(client, 1, barn="a", alder="70")).endswith("/svar/side/2")
    response = post(client, 2)  # barnehage is shown now, and required
    assert response.status_code == 422
    assert location(post(client, 2, barnehage="5")).endswith("/svar/side/3")
    assert location(post(client, 3, eldre="dk")).endswith("/svar/side/4")
    assert location(post(client, 3, "back", eldre="dk")).endswith("/svar/side/2")
    assert location(post(client, 4)).endswith("/svar/send")
    assert helpers.send(client).status_code == 303
    assert set(stored_answers()) == {"barn", "alder", "barnehage", "eldre"}


def test_an_answer_hidden_by_a_later_change_is_dropped_before_sending(answering):
    client, campaign = answering
    post(client, 1, barn="a", alder="70")
    post(client, 2, barnehage="5")
    post(client, 3, eldre="6")
    # back to page 1: now no children and younger; barnehage and eldre become hidden
    post(client, 1, barn="c", alder="40")
    draft = db.session.scalar(select(Draft.answers))
    assert draft["barnehage"] == 5  # kept in the draft: changing back brings it back
    review = client.get("/svar/send").get_data(as_text=True)
    assert "Spørsmål barnehage" not in review and "Spørsmål eldre" not in review
    assert helpers.send(client).status_code == 303
    assert set(stored_answers()) == {"barn", "alder"}
    assert db.session.scalar(select(Response.id)) is not None
    # the results' tallies count no hidden answer: barnehage and eldre were not asked
    counted = tallies.current(campaign)
    assert counted.units and not any(key[1] in ("barnehage", "eldre") for key in counted.items)


def test_the_survey_decides_with_the_one_evaluator(any_app):
    questionnaire = conditional_questionnaire()
    survey = load(questionnaire.id, questionnaire.published_at)
    answers = {"barn": "a", "alder": 70, "barnehage": 3, "eldre": "dk"}
    for change in [{}, {"barn": "b"}, {"alder": 66}, {"barn": None}, {"alder": 67}]:
        given = {k: v for k, v in (answers | change).items() if v is not None}
        expected = conditions.asked(survey.pages, given)
        rows = {r["question_key"] for r in survey.answer_dicts(given, 0)}
        assert rows == set(expected.answers)
        assert {p.path for p in survey.problems(given)} <= expected.questions


def test_a_survey_without_conditions_asks_what_the_evaluator_says(any_app):
    """Survey.asked takes a short way when nothing is conditional; it gives the same answer."""
    questionnaire = factories.make_questionnaire(
        sections=3, questions_per_section=3, extra_types=("single", "multiple", "text", "info")
    )
    survey = load(questionnaire.id, questionnaire.published_at)
    assert not survey.has_conditions
    keys = [q.key for q in survey.questions] + ["not_a_question"]
    values = [None, "", [], 1, 6, "dk", "a", ["a", "c"], "Fint"]
    for n in range(200):
        given = {key: values[(n * 7 + i * 3) % len(values)] for i, key in enumerate(keys)}
        assert survey.asked(given) == conditions.asked(survey.pages, given)
