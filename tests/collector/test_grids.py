"""Grids on the answering pages: one block of rows on one scale, each row still its own question.

The browser checks (axe-core at 1280 and 320 px, screenshots) are in tests/e2e/test_grids.py.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from collector.models import Answer, Response
from helhet.extensions import db
from tests import factories as core
from tests.collector import factories, helpers

PAGE_ONE_ANSWERS = {f"q_s1q{n}": str(n % 6 + 1) for n in range(1, 5)} | {"q_s1q3": "dk"}


def grid_round(tree, grid_sections=(1,), key="test"):
    questionnaire = factories.make_questionnaire(
        key=key, sections=2, questions_per_section=4, grid_sections=grid_sections
    )
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit])
    return factories.Round(questionnaire, campaign, unit, factories.make_codes(campaign, unit, 2))


def html(response) -> str:
    return response.get_data(as_text=True)


def fieldsets(page: str) -> list[str]:
    return re.findall(r"<fieldset\b.*?</fieldset>", page, re.S)


def test_a_grid_is_one_block_with_a_fieldset_and_legend_per_statement(client, tree):
    answering = grid_round(tree)
    helpers.enter_code(client, answering.codes[0])
    page = html(client.get("/svar/side/1"))
    assert page.count('class="grid grid--cols-7"') == 1  # 6 points and «vet ikke»
    rows = fieldsets(page)
    assert len(rows) == 4
    for n, row in enumerate(rows, start=1):
        assert f'id="q_s1q{n}"' in row
        assert re.search(rf'<legend class="question__text grid__statement">.*Spørsmål s1q{n}', row)
        # every radio has its own label that says the scale point, in the row's fieldset
        for index, label in enumerate(
            [
                "1 – Svært misfornøyd",
                "2",
                "3",
                "4",
                "5",
                "6 – Svært fornøyd",
                "Vet ikke / ikke aktuelt",
            ]
        ):
            assert f'<input class="radio__input" id="q_s1q{n}-{index}" name="q_s1q{n}"' in row
            assert re.search(rf'<label class="radio__label" for="q_s1q{n}-{index}">{label}', row)


def test_the_column_headers_repeat_the_points_for_the_eye_only(client, tree):
    answering = grid_round(tree)
    helpers.enter_code(client, answering.codes[0])
    page = html(client.get("/svar/side/1"))
    head = re.search(r'<div class="grid__head" aria-hidden="true">(.*?)</div>', page, re.S)[1]
    headers = re.findall(r'<span class="grid__colhead[^"]*">([^<]*)</span>', head)
    assert headers == [
        "1 – Svært misfornøyd",
        "2",
        "3",
        "4",
        "5",
        "6 – Svært fornøyd",
        "Vet ikke / ikke aktuelt",
    ]


def test_a_page_without_a_grid_shows_separate_questions(client, tree):
    answering = grid_round(tree)
    helpers.enter_code(client, answering.codes[0])
    page = html(client.get("/svar/side/2"))
    assert "grid" not in page and len(fieldsets(page)) == 4


def test_the_scale_without_dont_know_has_no_dont_know_column(client, tree):
    answering = grid_round(tree)
    for question in answering.questionnaire.sections[0].questions:
        question.dont_know = False
    db.session.commit()
    helpers.enter_code(client, answering.codes[0])
    page = html(client.get("/svar/side/1"))
    assert 'class="grid grid--cols-6"' in page and "Vet ikke" not in page


def test_errors_are_shown_per_row_and_linked_from_the_row_and_the_summary(client, tree):
    answering = grid_round(tree)
    helpers.enter_code(client, answering.codes[0])
    response = client.post(
        "/svar/side/1", data={"q_s1q1": "4", "q_s1q2": "9", "q_s1q4": "2", "action": "next"}
    )
    assert response.status_code == 422
    page = html(response)
    rows = fieldsets(page)
    assert "field--error" not in rows[0] and "field--error" not in rows[3]
    for n in (2, 3):
        row = rows[n - 1]
        assert 'class="question question--scale grid__row field--error"' in row
        assert f'aria-describedby="q_s1q{n}-error"' in row
        assert f'<p class="error-message" id="q_s1q{n}-error">' in row
        assert f'href="#q_s1q{n}-0"' in page  # the error summary leads to the row's first radio
    # what was chosen is kept, in the right row
    assert re.search(r'id="q_s1q1-3" name="q_s1q1" type="radio" value="4" checked', rows[0])
    assert re.search(r'id="q_s1q4-1" name="q_s1q4" type="radio" value="2" checked', rows[3])


def stored(response_id: int) -> list[tuple]:
    return sorted(
        db.session.execute(
            select(Answer.question_key, Answer.value, Answer.text, Answer.dont_know).where(
                Answer.response_id == response_id
            )
        ).all()
    )


def send_answers(client, answering) -> int:
    helpers.enter_code(client, answering.codes[0])
    assert (
        client.post("/svar/side/1", data={**PAGE_ONE_ANSWERS, "action": "next"}).status_code == 303
    )
    page_two = {f"q_s2q{n}": str(n) for n in range(1, 5)}
    assert client.post("/svar/side/2", data={**page_two, "action": "next"}).status_code == 303
    assert helpers.send(client).status_code == 303
    return db.session.scalar(
        select(Response.id).where(Response.campaign_id == answering.campaign.id)
    )


def test_answers_from_a_grid_are_stored_exactly_as_from_separate_questions(any_app):
    tree = core.make_tree()
    in_grid = grid_round(tree, grid_sections=(1, 2), key="grid")
    separate = grid_round(tree, grid_sections=(), key="separate")
    with any_app.test_client() as client:
        grid_response = send_answers(client, in_grid)
    with any_app.test_client() as client:
        separate_response = send_answers(client, separate)
    assert stored(grid_response) == stored(separate_response)
    assert ("s1q3", None, None, True) in stored(grid_response)  # «vet ikke» as always
    assert len(stored(grid_response)) == 8


def test_the_review_page_lists_grid_rows_as_questions_with_their_change_links(client, tree):
    answering = grid_round(tree)
    helpers.enter_code(client, answering.codes[0])
    client.post("/svar/side/1", data={**PAGE_ONE_ANSWERS, "action": "next"})
    page = html(client.get("/svar/send"))
    for n in range(1, 5):
        assert f"Spørsmål s1q{n}" in page
        assert f"#q_s1q{n}-0" in page
    assert "Vet ikke" in page
