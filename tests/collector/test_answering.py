"""Answering with a code or an open link, page by page, as a browser without JavaScript does."""

import re
from datetime import date

from sqlalchemy import func, select

from collector import codes
from collector.clock import today
from collector.models import Answer, Draft, Invitation, InvitationStatus, Response, ResponseSource
from helhet.extensions import db
from tests.collector import factories, helpers


def html(response) -> str:
    return response.get_data(as_text=True)


def response_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


# --- code entry -------------------------------------------------------------------------------


def test_the_code_page_is_at_the_short_address_svar(client):
    response = client.get("/svar", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Your code" in html(response)


def test_a_valid_code_leads_to_the_first_page(client, tree):
    open_round = factories.make_open_round(tree)
    response = helpers.enter_code(client, open_round.codes[0])
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/svar/side/1")


def test_a_code_typed_in_lower_case_with_spaces_works(client, tree):
    open_round = factories.make_open_round(tree)
    typed = " ".join(codes.display(open_round.codes[0]).lower())
    assert helpers.enter_code(client, typed).status_code == 303


def test_the_code_never_appears_in_an_address(client, tree):
    open_round = factories.make_open_round(tree)
    code = open_round.codes[0]
    response = helpers.enter_code(client, code)
    assert code not in response.headers["Location"]
    assert codes.display(code) not in response.headers["Location"]


def test_an_unknown_code_gets_a_page_saying_what_to_do(client, tree):
    factories.make_open_round(tree)
    helpers.english(client)
    response = helpers.enter_code(client, "ABCDE-FGHJK")
    assert response.status_code == 404
    assert "We did not find the code" in html(response)
    assert "contact whoever sent you the code" in html(response)
    assert 'value="ABCDE-FGHJK"' in html(response)  # what was typed is kept


def test_text_that_cannot_be_a_code_gets_the_unknown_code_page(client, tree):
    factories.make_open_round(tree)
    helpers.english(client)
    response = helpers.enter_code(client, "hello")
    assert response.status_code == 404
    assert "We did not find the code" in html(response)


def test_an_empty_code_gets_an_error_at_the_field(client):
    helpers.english(client)
    response = helpers.enter_code(client, "")
    assert response.status_code == 422
    assert "Write the code from your letter or email." in html(response)
    assert 'href="#code"' in html(response)


def test_a_used_code_gets_a_page_saying_so(client, tree):
    open_round = factories.make_open_round(tree)
    assert (
        helpers.answer_with_code(client, open_round.questionnaire, open_round.codes[0]).status_code
        == 303
    )
    other = client.application.test_client()
    helpers.english(other)
    response = helpers.enter_code(other, open_round.codes[0])
    assert response.status_code == 409
    assert "This code has already been used" in html(response)


def test_a_code_for_a_round_not_yet_open_gets_a_page_with_the_opening_time(client, tree):
    questionnaire = factories.make_questionnaire()
    campaign = factories.make_campaign(
        questionnaire, [tree["4601-helse-hjemme"]], state="scheduled"
    )
    code = factories.make_codes(campaign, tree["4601-helse-hjemme"], 1)[0]
    helpers.english(client)
    response = helpers.enter_code(client, code)
    assert response.status_code == 409
    assert "The survey has not opened yet" in html(response)
    assert "The survey opens" in html(response)


def test_a_code_for_a_closed_round_gets_a_page_saying_it_is_closed(client, tree):
    questionnaire = factories.make_questionnaire()
    campaign = factories.make_campaign(questionnaire, [tree["4601-helse-hjemme"]], state="closed")
    code = factories.make_codes(campaign, tree["4601-helse-hjemme"], 1)[0]
    helpers.english(client)
    response = helpers.enter_code(client, code)
    assert response.status_code == 410
    assert "The survey is closed" in html(response)


def test_entering_a_code_marks_it_in_progress(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    status = db.session.scalar(
        select(Invitation.status).where(
            Invitation.code_hash == codes.code_hash(open_round.codes[0])
        )
    )
    assert status == InvitationStatus.IN_PROGRESS


# --- pages ------------------------------------------------------------------------------------


def test_a_page_shows_its_place_in_the_survey(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.english(client)
    helpers.enter_code(client, open_round.codes[0])
    assert "Page 2 of 3" in html(client.get("/svar/side/2"))


def test_a_scale_question_is_a_fieldset_with_a_legend_and_radio_buttons(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.english(client)
    helpers.enter_code(client, open_round.codes[0])
    page = html(client.get("/svar/side/1"))
    fieldset = re.search(r'<fieldset[^>]*id="q_s1q1".*?</fieldset>', page, re.S).group(0)
    assert "<legend" in fieldset and "Question s1q1" in fieldset
    assert fieldset.count('type="radio"') == 7  # 1..6 and "don't know"
    assert "1 – Very dissatisfied" in fieldset and "6 – Very satisfied" in fieldset
    assert "Don&#39;t know / not relevant" in fieldset or "Don't know / not relevant" in fieldset


def test_next_without_answers_shows_an_error_summary_linking_to_each_field(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.english(client)
    helpers.enter_code(client, open_round.codes[0])
    response = client.post("/svar/side/1", data={"action": "next"})
    assert response.status_code == 422
    page = html(response)
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    assert 'role="alert"' in summary
    assert 'href="#q_s1q1-0"' in summary and 'id="q_s1q1-0"' in page
    assert 'href="#q_x_number"' in summary and 'id="q_x_number"' in page
    assert 'id="q_s1q1-error"' in page  # the message at the field too


def test_what_was_typed_is_kept_when_a_page_has_errors(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    response = client.post(
        "/svar/side/1", data={"q_x_number": "tjue", "q_x_text": "Godt arbeidsmiljø", "q_s1q2": "5"}
    )
    page = html(response)
    assert response.status_code == 422
    assert 'value="tjue"' in page
    assert "Godt arbeidsmiljø" in page
    assert re.search(
        r'<input[^>]*checked[^>]*id="q_s1q2-4"|<input[^>]*id="q_s1q2-4"[^>]*checked', page
    )


def test_a_number_outside_its_range_gets_a_message_at_the_field(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.english(client)
    helpers.enter_code(client, open_round.codes[0])
    page1 = helpers.pages_of(open_round.questionnaire)[0]
    data = {**helpers.valid_page_data(page1), "q_x_number": "500"}
    response = client.post("/svar/side/1", data=data)
    assert response.status_code == 422
    assert "Write a number from 0 to 120." in html(response)


def test_answers_are_kept_when_going_back(client, tree):
    open_round = factories.make_open_round(tree)
    pages = helpers.pages_of(open_round.questionnaire)
    helpers.enter_code(client, open_round.codes[0])
    client.post("/svar/side/1", data=helpers.valid_page_data(pages[0], "2"))
    client.post("/svar/side/2", data={**helpers.valid_page_data(pages[1], "5"), "action": "back"})
    assert re.search(
        r'id="q_s1q1-1"[^>]*checked|checked[^>]*id="q_s1q1-1"', html(client.get("/svar/side/1"))
    )
    assert re.search(
        r'id="q_s2q1-4"[^>]*checked|checked[^>]*id="q_s2q1-4"', html(client.get("/svar/side/2"))
    )


def test_going_back_does_not_require_the_page_to_be_complete(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    response = client.post("/svar/side/2", data={"q_s2q1": "3", "action": "back"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/svar/side/1")


def test_going_back_with_a_wrongly_typed_answer_shows_it_instead_of_losing_it(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.english(client)
    helpers.enter_code(client, open_round.codes[0])
    response = client.post("/svar/side/1", data={"q_x_number": "mange", "action": "back"})
    assert response.status_code == 422
    assert 'value="mange"' in html(response)
    assert "Answer this question" not in html(response) and "Choose a number" not in html(response)


def test_the_last_page_leads_to_the_page_for_checking_and_sending(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    response = helpers.answer_all_pages(client, open_round.questionnaire)
    assert response.headers["Location"].endswith("/svar/send")


# --- language ---------------------------------------------------------------------------------


def test_switching_language_on_a_page_keeps_its_answers_and_shows_the_same_page(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    response = client.post("/svar/side/1", data={"q_s1q1": "6", "q_x_text": "Trivst", "lang": "nn"})
    page = html(response)
    assert response.status_code == 200
    assert '<html lang="nn">' in page
    assert "Spørsmål s1q1 (nynorsk)" in page
    assert re.search(r'id="q_s1q1-5"[^>]*checked|checked[^>]*id="q_s1q1-5"', page)
    assert "Trivst" in page
    assert "error-summary" not in page  # unanswered questions do not block a language switch
    again = html(client.get("/svar/side/1"))
    assert re.search(r'id="q_s1q1-5"[^>]*checked|checked[^>]*id="q_s1q1-5"', again)


def test_switching_language_keeps_an_answer_that_is_not_valid_yet(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    response = client.post("/svar/side/1", data={"q_x_number": "tolv", "lang": "en"})
    assert 'value="tolv"' in html(response)
    assert "Write a number" in html(response)


def test_the_language_buttons_belong_to_the_answer_form(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    page = html(client.get("/svar/side/1"))
    assert re.search(r'<button[^>]*form="answer-form"[^>]*name="lang"[^>]*value="nn"', page)
    assert re.search(r'<button[^>]*form="answer-form"[^>]*name="lang"[^>]*value="en"', page)


def test_the_first_button_of_the_answer_form_is_next_so_that_enter_goes_forward(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    page = html(client.get("/svar/side/1"))
    first = re.search(
        r'<button[^>]*form="answer-form"[^>]*>|<form[^>]*id="answer-form"', page
    ).group(0)
    assert 'value="next"' in first


def test_switching_language_on_the_code_page_keeps_the_typed_code(client, tree):
    factories.make_open_round(tree)
    response = client.post("/svar", data={"code": "ABCDE", "lang": "en"})
    assert response.status_code == 200
    assert 'value="ABCDE"' in html(response)
    assert '<html lang="en">' in html(response)


# --- save for later ---------------------------------------------------------------------------


def test_a_code_resumes_its_saved_answers_in_another_browser(client, app, tree):
    open_round = factories.make_open_round(tree)
    pages = helpers.pages_of(open_round.questionnaire)
    helpers.enter_code(client, open_round.codes[0])
    client.post("/svar/side/1", data=helpers.valid_page_data(pages[0], "3"))
    response = client.post("/svar/side/2", data={"q_s2q4": "1", "action": "save"})
    assert response.status_code == 303 and "/svar/lagret" in response.headers["Location"]

    other = app.test_client()
    assert helpers.enter_code(other, codes.display(open_round.codes[0]).lower()).status_code == 303
    assert re.search(
        r'id="q_s2q4-0"[^>]*checked|checked[^>]*id="q_s2q4-0"', html(other.get("/svar/side/2"))
    )
    assert re.search(
        r'id="q_s1q1-2"[^>]*checked|checked[^>]*id="q_s1q1-2"', html(other.get("/svar/side/1"))
    )


def test_the_saved_page_tells_a_code_holder_to_enter_the_code_again(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.english(client)
    helpers.enter_code(client, open_round.codes[0])
    client.post("/svar/side/1", data={"action": "save"})
    assert "enter the same code again" in html(client.get("/svar/lagret"))


def test_an_open_link_starts_on_a_page_with_a_start_button(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.english(client)
    token = open_round.campaign.units[0].link_token
    page = html(client.get(f"/s/{token}"))
    assert "Employee survey" in page and "Hjemmetjenesten" in page
    assert 'value="start"' in page


def test_an_open_link_draft_lives_in_the_browser_session(client, app, tree):
    open_round = factories.make_open_round(tree)
    token = open_round.campaign.units[0].link_token
    response = client.post(f"/s/{token}", data={"action": "start"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/svar/side/1")
    client.post("/svar/side/1", data={"q_s1q3": "2", "action": "save"})
    assert re.search(
        r'id="q_s1q3-1"[^>]*checked|checked[^>]*id="q_s1q3-1"', html(client.get("/svar/side/1"))
    )

    stranger = app.test_client()
    assert stranger.get("/svar/side/1").status_code == 303  # nothing in progress there
    stranger.post(f"/s/{token}", data={"action": "start"})
    assert not re.search(
        r'id="q_s1q3-1"[^>]*checked|checked[^>]*id="q_s1q3-1"', html(stranger.get("/svar/side/1"))
    )


def test_an_open_link_resumes_the_draft_of_the_same_browser(client, tree):
    open_round = factories.make_open_round(tree)
    token = open_round.campaign.units[0].link_token
    client.post(f"/s/{token}", data={"action": "start"})
    client.post("/svar/side/1", data={"q_s1q3": "2", "action": "save"})
    helpers.english(client)
    assert "Continue where you left off" in html(client.get(f"/s/{token}"))
    client.post(f"/s/{token}", data={"action": "start"})
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 1


def test_an_open_link_of_a_round_without_open_links_is_not_found(client, tree):
    questionnaire = factories.make_questionnaire()
    campaign = factories.make_campaign(questionnaire, [tree["4601-helse-hjemme"]], open_link=False)
    assert client.get(f"/s/{campaign.units[0].link_token}").status_code == 404


def test_an_unknown_open_link_is_not_found(client, tree):
    factories.make_open_round(tree)
    assert client.get("/s/not-a-link").status_code == 404


def test_an_open_link_of_a_closed_round_says_it_is_closed(client, tree):
    questionnaire = factories.make_questionnaire()
    campaign = factories.make_campaign(questionnaire, [tree["4601-helse-hjemme"]], state="closed")
    helpers.english(client)
    response = client.get(f"/s/{campaign.units[0].link_token}")
    assert response.status_code == 410
    assert "The survey is closed" in html(response)


def test_a_round_that_closes_while_someone_answers_says_so_on_the_next_page(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    open_round.campaign.closes_at = open_round.campaign.opens_at
    db.session.commit()
    helpers.english(client)
    response = client.post("/svar/side/1", data={"q_s1q1": "2"})
    assert response.status_code == 410
    assert "The survey is closed" in html(response)


# --- send ---------------------------------------------------------------------------------------


def test_the_send_page_summarises_the_answers_with_links_to_change_them(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.english(client)
    helpers.enter_code(client, open_round.codes[0])
    helpers.answer_all_pages(client, open_round.questionnaire, "6")
    page = html(client.get("/svar/send"))
    assert "Check your answers before you send them" in page
    assert "6 – Very satisfied" in page
    assert "Option A, Option C" in page
    assert 'href="/svar/side/2?review=1#q_s2q1-0"' in page


def test_changing_an_answer_from_the_send_page_returns_to_it(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    helpers.answer_all_pages(client, open_round.questionnaire)
    response = client.post(
        "/svar/side/2",
        data={
            **helpers.valid_page_data(helpers.pages_of(open_round.questionnaire)[1], "1"),
            "review": "1",
        },
    )
    assert response.headers["Location"].endswith("/svar/send")


def test_sending_leads_to_the_thank_you_page(client, tree):
    open_round = factories.make_open_round(tree)
    response = helpers.answer_with_code(client, open_round.questionnaire, open_round.codes[0])
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/svar/takk")
    helpers.english(client)
    assert "Thank you for your answers" in html(client.get("/svar/takk"))


def test_a_sent_response_has_every_answer_and_only_the_date(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.answer_with_code(client, open_round.questionnaire, open_round.codes[0], "5")
    response = db.session.scalars(select(Response)).one()
    assert response.submitted_on == today() and isinstance(response.submitted_on, date)
    assert response.source == ResponseSource.WEB
    assert response.unit_id == open_round.unit.id
    answers = {a.question_key: a for a in db.session.scalars(select(Answer))}
    assert answers["s3q10"].value == 5.0
    assert answers["x_text"].text == "Fint å jobbe her."
    assert sorted(
        a.text
        for a in db.session.scalars(select(Answer).where(Answer.question_key == "x_multiple"))
    ) == ["a", "c"]
    assert len(answers) == 30 + 4  # 30 scale questions, single, number, text; multiple has 2 rows


def test_sending_marks_the_code_completed_and_deletes_the_draft(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.answer_with_code(client, open_round.questionnaire, open_round.codes[0])
    status = db.session.scalar(
        select(Invitation.status).where(
            Invitation.code_hash == codes.code_hash(open_round.codes[0])
        )
    )
    assert status == InvitationStatus.COMPLETED
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_an_open_link_response_is_stored_as_such(client, tree):
    open_round = factories.make_open_round(tree)
    client.post(f"/s/{open_round.campaign.units[0].link_token}", data={"action": "start"})
    helpers.answer_all_pages(client, open_round.questionnaire)
    assert helpers.send(client).status_code == 303
    assert db.session.scalars(select(Response)).one().source == ResponseSource.OPEN_LINK
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_sending_with_a_required_answer_missing_lists_it_and_stores_nothing(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.english(client)
    pages = helpers.pages_of(open_round.questionnaire)
    helpers.enter_code(client, open_round.codes[0])
    client.post("/svar/side/1", data=helpers.valid_page_data(pages[0]))
    response = helpers.send(client)
    assert response.status_code == 422
    assert "Some answers are missing" in html(response)
    assert 'href="/svar/side/2?review=1#q_s2q1-0"' in html(response)
    assert response_count() == 0


def test_a_response_is_not_linked_to_its_code(app):
    columns = {c.name for c in Response.__table__.columns} | {
        c.name for c in Answer.__table__.columns
    }
    assert (
        not {"invitation_id", "code_hash", "token_hash", "ip", "created_at", "submitted_at"}
        & columns
    )
    assert "submitted_on" in columns
    assert not [
        fk
        for fk in Invitation.__table__.foreign_keys
        if fk.column.table.name in ("response", "answer")
    ]
    assert not [
        fk
        for fk in Response.__table__.foreign_keys
        if fk.column.table.name in ("invitation", "draft")
    ]


def test_an_optional_question_left_empty_stores_no_answer_row(client, tree):
    open_round = factories.make_open_round(tree)
    pages = helpers.pages_of(open_round.questionnaire)
    helpers.enter_code(client, open_round.codes[0])
    data = helpers.valid_page_data(pages[0])
    del data["q_x_text"], data["q_x_multiple"]
    client.post("/svar/side/1", data=data)
    for page in pages[1:]:
        client.post(f"/svar/side/{page.number}", data=helpers.valid_page_data(page))
    assert helpers.send(client).status_code == 303
    keys = set(db.session.scalars(select(Answer.question_key)))
    assert "x_text" not in keys and "x_multiple" not in keys


def test_dont_know_is_stored_as_dont_know_without_a_value(client, tree):
    open_round = factories.make_open_round(tree)
    pages = helpers.pages_of(open_round.questionnaire)
    helpers.enter_code(client, open_round.codes[0])
    client.post("/svar/side/1", data={**helpers.valid_page_data(pages[0]), "q_s1q1": "dk"})
    for page in pages[1:]:
        client.post(f"/svar/side/{page.number}", data=helpers.valid_page_data(page))
    helpers.send(client)
    answer = db.session.scalars(select(Answer).where(Answer.question_key == "s1q1")).one()
    assert answer.dont_know and answer.value is None


def test_switching_language_on_the_send_page_sends_nothing(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    helpers.answer_all_pages(client, open_round.questionnaire)
    response = client.post("/svar/send", data={"lang": "nn"})
    assert response.status_code == 200
    assert '<html lang="nn">' in html(response)
    assert response_count() == 0
    assert helpers.send(client).status_code == 303


def test_the_saved_page_tells_an_open_link_respondent_to_keep_the_browser_open(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.english(client)
    client.post(f"/s/{open_round.campaign.units[0].link_token}", data={"action": "start"})
    client.post("/svar/side/1", data={"action": "save"})
    assert "open the same link again in this browser" in html(client.get("/svar/lagret"))


def test_a_respondent_who_entered_no_code_is_sent_to_the_code_page(client, tree):
    factories.make_open_round(tree)
    response = client.get("/svar/side/1")
    assert response.status_code == 303 and response.headers["Location"].endswith("/svar")
