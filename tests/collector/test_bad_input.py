"""Bad input gets a clear 4xx page or a field error, never a 500, and never a partial response."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from collector.models import Answer, Draft, Response
from helhet.extensions import db
from tests.collector import factories, helpers
from tests.conftest import make_app, sqlite_url


def html(response) -> str:
    return response.get_data(as_text=True)


def response_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def stored_answers() -> dict:
    return db.session.scalars(select(Draft)).one().answers


def test_forged_field_names_are_ignored(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    response = client.post("/svar/side/1", data={"q_s1q1": "3", "q_s3q9": "6", "q_nope": "1", "__class__": "x",
                                                 "action": "save"})
    assert response.status_code == 303
    assert stored_answers() == {"s1q1": 3}


def test_a_value_outside_the_scale_is_a_field_error_and_is_not_kept(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.english(client)
    helpers.enter_code(client, open_round.codes[0])
    response = client.post("/svar/side/1", data={"q_s1q1": "7"})
    assert response.status_code == 422
    assert "Choose one of the options." in html(response)
    assert "s1q1" not in stored_answers()


def test_a_choice_not_in_the_list_is_a_field_error(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.english(client)
    helpers.enter_code(client, open_round.codes[0])
    response = client.post("/svar/side/1", data={"q_x_single": "z", "q_x_multiple": ["a", "zz"]})
    assert response.status_code == 422
    assert "Choose one of the options." in html(response)
    assert "Choose among the options shown." in html(response)
    assert "x_single" not in stored_answers() and "x_multiple" not in stored_answers()


def test_oversized_text_is_a_field_error_and_the_text_is_kept_on_the_page(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.english(client)
    helpers.enter_code(client, open_round.codes[0])
    text = "å" * 600
    response = client.post("/svar/side/1", data={"q_x_text": text})
    assert response.status_code == 422
    assert "Write at most 500 characters (you wrote 600)." in html(response)
    assert text in html(response)


def test_a_request_larger_than_the_limit_is_refused_with_413(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    response = client.post("/svar/side/1", data={"q_x_text": "x" * (17 * 1024 * 1024)})
    assert response.status_code == 413


def test_a_missing_csrf_token_gets_a_clear_400_page(tmp_path):
    app = make_app(sqlite_url(tmp_path), WTF_CSRF_ENABLED=True)
    client = app.test_client()
    helpers.english(client)
    response = client.post("/svar", data={"code": "ABCDE-FGHJK"})
    assert response.status_code == 400
    assert "The form has expired" in html(response)


def test_a_wrong_method_gets_405(client, tree):
    factories.make_open_round(tree)
    assert client.put("/svar").status_code == 405
    assert client.post("/svar/takk").status_code == 405
    assert client.delete("/svar/send").status_code == 405


def test_a_page_number_outside_the_survey_is_not_found(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    assert client.get("/svar/side/4").status_code == 404
    assert client.get("/svar/side/0").status_code == 404


def test_posting_a_page_without_answers_in_progress_says_so(client, tree):
    factories.make_open_round(tree)
    helpers.english(client)
    response = client.post("/svar/side/1", data={"q_s1q1": "3"})
    assert response.status_code == 409
    assert "We could not find your answers" in html(response)


def test_a_replayed_page_after_sending_stores_nothing(client, tree):
    open_round = factories.make_open_round(tree)
    helpers.enter_code(client, open_round.codes[0])
    helpers.answer_all_pages(client, open_round.questionnaire)
    before = client.get_cookie("session").value
    helpers.send(client)
    client.set_cookie("session", before)
    response = client.post("/svar/side/1", data={"q_s1q1": "1"})
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 0
    assert response_count() == 1


# --- random form data at every answering endpoint -----------------------------------------------

@pytest.fixture
def one_round(tree):
    """Hypothesis runs a test's body once per example; the round is made once per test."""
    return factories.make_open_round(tree)


FIELD_NAMES = st.one_of(
    st.sampled_from(["q_s1q1", "q_x_single", "q_x_multiple", "q_x_number", "q_x_text", "action", "lang",
                     "code", "csrf_token", "review", "q_s2q1", "q_s3q10"]),
    st.text(min_size=0, max_size=20),
)
VALUES = st.one_of(
    st.sampled_from(["", "1", "6", "7", "0", "-1", "dk", "a", "c", "zz", "next", "back", "save", "send", "nn", "xx",
                     "1e309", "NaN", "inf", "ABCDE-FGHJK", "\x00", "9" * 40]),
    st.text(max_size=200),
)
FORMS = st.lists(st.tuples(FIELD_NAMES, VALUES), max_size=12)
PATHS = st.sampled_from(["/svar", "/svar/side/1", "/svar/side/2", "/svar/side/3", "/svar/send", "/svar/lagret",
                         "/svar/takk", "LINK"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(PATHS, st.sampled_from(["GET", "POST"]), FORMS), min_size=1, max_size=6))
def test_random_form_data_never_gives_a_server_error_or_a_partial_response(app, one_round, steps):
    open_round = one_round
    client = app.test_client()
    helpers.enter_code(client, open_round.codes[0])
    link = f"/s/{open_round.campaign.units[0].link_token}"
    for path, method, form in steps:
        url = link if path == "LINK" else path
        response = client.open(url, method=method, data=MultiDict(form) if method == "POST" else None)
        assert response.status_code < 500, (method, url, form, response.status_code)
    db.session.rollback()
    # No required answers were given, so nothing could be sent; and no half-stored response exists.
    assert response_count() == 0
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    db.session.execute(Draft.__table__.delete())
    db.session.commit()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=FORMS, path=PATHS)
def test_random_form_data_without_a_csrf_token_is_refused_cleanly(csrf_app, form, path):
    app, link = csrf_app
    client = app.test_client()
    url = link if path == "LINK" else path
    response = client.post(url, data=MultiDict([(k, v) for k, v in form if k != "csrf_token"]))
    assert response.status_code in (400, 404, 405, 413)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(PATHS, st.sampled_from(["GET", "POST"]), FORMS), min_size=1, max_size=5))
def test_a_finished_draft_hit_by_random_data_is_stored_whole_or_not_at_all(app, one_round, steps):
    open_round = one_round
    client = app.test_client()
    helpers.enter_code(client, open_round.codes[0])
    helpers.answer_all_pages(client, open_round.questionnaire)
    link = f"/s/{open_round.campaign.units[0].link_token}"
    for path, method, form in [*steps, ("/svar/send", "POST", [("action", "send")])]:
        url = link if path == "LINK" else path
        response = client.open(url, method=method, data=MultiDict(form) if method == "POST" else None)
        assert response.status_code < 500, (method, url, form, response.status_code)
    db.session.rollback()
    responses = list(db.session.scalars(select(Response)))
    assert len(responses) <= 1
    for response in responses:
        keys = set(db.session.scalars(select(Answer.question_key).where(Answer.response_id == response.id)))
        required = {f"s{s}q{n}" for s in (1, 2, 3) for n in range(1, 11)} | {"x_single", "x_number"}
        assert required <= keys
    # start over for the next example
    db.session.execute(Answer.__table__.delete())
    db.session.execute(Response.__table__.delete())
    db.session.execute(Draft.__table__.delete())
    from collector.models import Invitation, InvitationStatus

    db.session.execute(Invitation.__table__.update().values(status=InvitationStatus.UNUSED.value))
    db.session.commit()
