"""Bad input gets a clear 4xx page or a field error, never a 500, and never a partial response."""

import io
import logging
import math

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from werkzeug.datastructures import MultiDict

from collector import services
from collector.clock import to_local
from collector.clock import today as local_today
from collector.models import Answer, Campaign, Draft, Invitation, InvitationStatus, Response
from helhet.edge import CONTROL_EXCEPT_NEWLINES
from helhet.extensions import db
from helhet.tabular import ImportFailed
from tests import factories as core
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
    response = client.post(
        "/svar/side/1",
        data={"q_s1q1": "3", "q_s3q9": "6", "q_nope": "1", "__class__": "x", "action": "save"},
    )
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


def stored_free_texts() -> list[str]:
    return list(db.session.scalars(select(Answer.text).where(Answer.question_key == "x_text")))


def answer_with_text(client, questionnaire, free_text):
    """Every page answered validly, with `free_text` as the free-text answer;
    returns the last page's response.
    """
    response = None
    for page in helpers.pages_of(questionnaire):
        data = {**helpers.valid_page_data(page), "action": "next"}
        if "q_x_text" in data:
            data["q_x_text"] = free_text
        response = client.post(f"/svar/side/{page.number}", data=data)
    return response


@pytest.fixture
def any_round(any_app):
    """An open round on SQLite and on PostgreSQL (made once per test, also for hypothesis)."""
    return factories.make_open_round(core.make_tree())


def test_a_nul_in_a_free_text_answer_is_left_out_and_the_answers_can_be_sent(any_app, any_round):
    client = any_app.test_client()
    helpers.enter_code(client, any_round.codes[0])
    assert (
        answer_with_text(
            client, any_round.questionnaire, "Godt\x00 arbeids\x1bmiljø\nhos oss"
        ).status_code
        == 303
    )
    assert helpers.send(client).status_code == 303
    assert response_count() == 1
    assert stored_free_texts() == ["Godt arbeidsmiljø\nhos oss"]


def test_a_file_posted_as_a_free_text_answer_is_ignored(any_app, any_round):
    client = any_app.test_client()
    helpers.enter_code(client, any_round.codes[0])
    response = client.post(
        "/svar/side/1",
        data={"q_x_text": (io.BytesIO(b"secret" * 100), "notes.txt"), "action": "save"},
    )
    assert response.status_code == 303
    assert "x_text" not in stored_answers()


def test_a_file_posted_as_the_code_asks_for_the_code(any_app, any_round):
    client = any_app.test_client()
    helpers.english(client)
    response = client.post(
        "/svar", data={"code": (io.BytesIO(any_round.codes[0].encode()), "code.txt")}
    )
    assert response.status_code == 422
    assert "Write the code from your letter or email." in html(response)


SECRET = "Lederen min Per Hansen gjør meg syk"


def test_a_database_error_on_send_leaves_no_answer_in_the_log(
    any_app, any_round, monkeypatch, caplog
):
    """Forced: the send fails in the database with the answer as a parameter (and, on PostgreSQL, in
    the database's own message). The log says where it failed and of what kind, never the answer."""
    real_submit = services.submit

    def failing_submit(*args, **kwargs):
        result = real_submit(*args, **kwargs)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SELECT CAST(:answer AS INTEGER)"), {"answer": SECRET})
        else:
            db.session.execute(
                text("INSERT INTO no_such_table VALUES (:answer)"), {"answer": SECRET}
            )
        return result

    monkeypatch.setattr(services, "submit", failing_submit)
    any_app.config["PROPAGATE_EXCEPTIONS"] = False
    client = any_app.test_client()
    helpers.enter_code(client, any_round.codes[0])
    answer_with_text(client, any_round.questionnaire, SECRET)
    with caplog.at_level(logging.ERROR):
        response = helpers.send(client)
    assert response.status_code == 500
    assert "Exception in collector.review [POST]" in caplog.text  # the view, never the path
    assert "sqlalchemy.exc." in caplog.text  # what kind of error, and the frames, stay
    assert "Per Hansen" not in caplog.text
    assert all("Per Hansen" not in record.getMessage() for record in caplog.records)
    db.session.rollback()
    assert response_count() == 0


# --- random form data at every answering endpoint -----------------------------------------------

FIELD_NAMES = st.one_of(
    st.sampled_from(
        [
            "q_s1q1",
            "q_x_single",
            "q_x_multiple",
            "q_x_number",
            "q_x_text",
            "action",
            "lang",
            "code",
            "csrf_token",
            "review",
            "q_s2q1",
            "q_s3q10",
        ]
    ),
    st.text(min_size=0, max_size=20),
)
VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "1",
            "6",
            "7",
            "0",
            "-1",
            "dk",
            "a",
            "c",
            "zz",
            "next",
            "back",
            "save",
            "send",
            "nn",
            "xx",
            "1e309",
            "NaN",
            "inf",
            "ABCDE-FGHJK",
            "\x00",
            "9" * 40,
            "a\x00b",
            "\x1b[2J",
            "١٢",
            "²",
            "1e3",
            "9" * 400,
            "\r\n",
        ]
    ),
    st.text(max_size=200),
    st.binary(max_size=20).map(
        lambda content: (io.BytesIO(content), "svar.txt")
    ),  # a file where text belongs
)
FORMS = st.lists(st.tuples(FIELD_NAMES, VALUES), max_size=12)
PATHS = st.sampled_from(
    [
        "/svar",
        "/svar/side/1",
        "/svar/side/2",
        "/svar/side/3",
        "/svar/send",
        "/svar/lagret",
        "/svar/takk",
        "LINK",
    ]
)


def stored_text_is_clean() -> bool:
    """No control character (but tab and line breaks) in any stored answer or draft."""
    texts = list(db.session.scalars(select(Answer.text).where(Answer.text.is_not(None))))
    for draft in db.session.scalars(select(Draft)):
        for value in (draft.answers or {}).values():
            texts.extend(
                v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)
            )
    return not any(CONTROL_EXCEPT_NEWLINES.search(text) for text in texts)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(PATHS, st.sampled_from(["GET", "POST"]), FORMS), min_size=1, max_size=6
    )
)
def test_random_form_data_never_gives_a_server_error_or_a_partial_response(
    any_app, any_round, steps
):
    open_round = any_round
    client = any_app.test_client()
    helpers.enter_code(client, open_round.codes[0])
    link = f"/s/{open_round.campaign.units[0].link_token}"
    for path, method, form in steps:
        url = link if path == "LINK" else path
        response = client.open(
            url, method=method, data=MultiDict(form) if method == "POST" else None
        )
        assert response.status_code < 500, (method, url, form, response.status_code)
    db.session.rollback()
    # No required answers were given, so nothing could be sent; and no half-stored response exists.
    assert response_count() == 0
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    assert stored_text_is_clean()
    db.session.execute(Draft.__table__.delete())
    db.session.commit()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(form=FORMS, path=PATHS)
def test_random_form_data_without_a_csrf_token_is_refused_cleanly(csrf_app, form, path):
    app, link = csrf_app
    client = app.test_client()
    url = link if path == "LINK" else path
    response = client.post(url, data=MultiDict([(k, v) for k, v in form if k != "csrf_token"]))
    assert response.status_code in (400, 404, 405, 413)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(PATHS, st.sampled_from(["GET", "POST"]), FORMS), min_size=1, max_size=5
    )
)
def test_a_finished_draft_hit_by_random_data_is_stored_whole_or_not_at_all(
    any_app, any_round, steps
):
    open_round = any_round
    client = any_app.test_client()
    helpers.enter_code(client, open_round.codes[0])
    helpers.answer_all_pages(client, open_round.questionnaire)
    link = f"/s/{open_round.campaign.units[0].link_token}"
    for path, method, form in [*steps, ("/svar/send", "POST", [("action", "send")])]:
        url = link if path == "LINK" else path
        response = client.open(
            url, method=method, data=MultiDict(form) if method == "POST" else None
        )
        assert response.status_code < 500, (method, url, form, response.status_code)
    db.session.rollback()
    responses = list(db.session.scalars(select(Response)))
    assert len(responses) <= 1
    for response in responses:
        keys = set(
            db.session.scalars(select(Answer.question_key).where(Answer.response_id == response.id))
        )
        required = {f"s{s}q{n}" for s in (1, 2, 3) for n in range(1, 11)} | {"x_single", "x_number"}
        assert required <= keys
    assert stored_text_is_clean()
    # start over for the next example
    db.session.execute(Answer.__table__.delete())
    db.session.execute(Response.__table__.delete())
    db.session.execute(Draft.__table__.delete())
    db.session.execute(Invitation.__table__.update().values(status=InvitationStatus.UNUSED.value))
    db.session.commit()


# --- paper answers ------------------------------------------------------------------------------


def test_a_control_character_in_a_paper_answer_is_refused_at_its_line_and_column(
    any_app, any_round
):
    data = (
        f"unit,s1q1,x_text\n{any_round.unit.code},4,Fint\n{any_round.unit.code},5,Hei\x00du\n"
    ).encode()
    with pytest.raises(ImportFailed) as refused:
        services.import_responses(any_round.campaign, data)
    db.session.rollback()
    assert [(e.line, e.column) for e in refused.value.problems] == [(3, "x_text")]
    assert response_count() == 0


@pytest.fixture
def paper_admin(any_app, any_round):
    client = any_app.test_client()
    core.login(client, core.make_user("admin@test.no", role="admin"))
    return client, any_round


PAPER_COLUMNS = [
    "unit",
    "s1q1",
    "s1q2",
    "x_number",
    "x_text",
    "x_single",
    "x_multiple",
    "submitted_on",
    "age_group",
    "gender",
    "ukjent",
]
TODAY = local_today().isoformat()
PAPER_CELL = st.one_of(
    st.sampled_from(
        [
            "4601-helse-hjemme",
            "4601-helse-hjemme",
            "4601",
            "",
            "4",
            "6",
            "7",
            "dk",
            "a",
            "a;c",
            "z",
            "42",
            "NaN",
            "inf",
            "1e400",
            "9" * 400,
            "١٢",
            "²",
            "-1",
            TODAY,
            "0001-01-01",
            "9999-12-31",
            "31.12.2025",
            "2026-02-30",
            "\x00",
            "Hei\x00du",
            '"',
            '"a""b"',
            "x" * 30,
        ]
    ),
    st.text(max_size=20),
)


RANDOM_PAPER = st.tuples(
    st.lists(st.sampled_from(PAPER_COLUMNS), min_size=1, max_size=6),
    st.lists(st.lists(PAPER_CELL, max_size=6), max_size=4),
)
NEARLY_RIGHT_PAPER = st.tuples(  # the right columns, so that some files are imported
    st.just(["unit", "s1q1", "x_number", "x_text", "submitted_on"]),
    st.lists(
        st.tuples(
            st.sampled_from(["4601-helse-hjemme", "4601-helse-hjemme", "4601"]),
            st.sampled_from(["4", "dk", "7", ""]),
            st.sampled_from(["42", "", "NaN", "1e400", "١٢"]),
            st.text(max_size=20).map(lambda t: '"' + t.replace('"', '""') + '"'),
            st.sampled_from([TODAY, "", "0001-01-01", "9999-12-31"]),
        ).map(list),
        min_size=1,
        max_size=4,
    ),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=st.one_of(RANDOM_PAPER, NEARLY_RIGHT_PAPER), delimiter=st.sampled_from([",", ";"]))
def test_a_random_paper_answer_file_is_imported_whole_or_refused_with_its_lines(
    paper_admin, table, delimiter
):
    client, open_round = paper_admin
    header, rows = table
    content = "\n".join(delimiter.join(line) for line in [header, *rows]).encode()
    before = response_count()
    response = client.post(
        f"/admin/runder/{open_round.campaign.id}/papirsvar",
        data={"file": (io.BytesIO(content), "papir.csv")},
    )
    assert response.status_code in (303, 422), response.status_code
    event(f"status {response.status_code}")
    db.session.rollback()
    if response.status_code == 422:
        assert "error-summary" in html(response)
        assert response_count() == before
    campaign = open_round.campaign
    first, last = to_local(campaign.opens_at).date(), to_local(campaign.closes_at).date()
    for stored in db.session.scalars(select(Response)):
        assert first <= stored.submitted_on <= min(last, local_today())
    for value in db.session.scalars(select(Answer.value).where(Answer.value.is_not(None))):
        assert math.isfinite(value) and abs(value) <= 10**15
    assert stored_text_is_clean()


# --- the round forms ----------------------------------------------------------------------------

ROUND_VALUE = st.one_of(
    st.sampled_from(
        [
            "",
            "1",
            "3",
            "5",
            "2026",
            "²",
            "١٢",
            "9" * 40,
            "NaN",
            "\x00",
            "y",
            "on",
            "zip",
            "csv",
            "pdf",
            "nb",
            "xx",
            "2026-03-01T08:00",
            "2026-03-01",
            "9999-12-31",
            "9999-12-31T23:59",
            "0001-01-01",
            "0001-01-01T00:00",
            "31.12.9999 23:59",
            "2026-02-30",
            "a\x00b",
        ]
    ),
    st.text(max_size=20),
    st.binary(max_size=10).map(lambda content: (io.BytesIO(content), "fil.txt")),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.lists(
        st.tuples(
            st.one_of(
                st.sampled_from(
                    [
                        "name",
                        "questionnaire",
                        "units",
                        "all_under",
                        "opens",
                        "closes",
                        "open_link",
                        "use_codes",
                        "min_group",
                        "period",
                        "output",
                        "language",
                        "count_1",
                        "count_2",
                        "count_3",
                        "count_4",
                    ]
                ),
                st.text(max_size=8),
            ),
            ROUND_VALUE,
        ),
        max_size=10,
    ),
    where=st.sampled_from(["ny", "forleng", "koder"]),
)
def test_random_data_in_the_round_forms_never_gives_a_server_error(paper_admin, data, where):
    client, open_round = paper_admin
    url = "/admin/runder/ny" if where == "ny" else f"/admin/runder/{open_round.campaign.id}/{where}"
    response = client.post(url, data=MultiDict(data))
    # 400: a file part whose name the multipart parser cannot read (e.g. "\r")
    # is refused at the edge
    assert response.status_code in (200, 303, 400, 422), response.status_code
    if response.status_code == 422:
        assert "error-summary" in html(response) or "error-message" in html(response)


@pytest.mark.parametrize(
    ("opens", "closes"),
    [
        ("0001-01-01", "2026-12-01"),
        ("0001-01-01T00:00", "2026-12-01"),
        ("2026-03-01", "9999-12-31"),
    ],
)
def test_a_round_at_the_ends_of_the_calendar_is_refused_at_its_date_field(
    paper_admin, opens, closes
):
    client, open_round = paper_admin
    client.get("/sprak/en")
    before = db.session.scalar(select(func.count()).select_from(Campaign))
    response = client.post(
        "/admin/runder/ny",
        data={
            "questionnaire": open_round.questionnaire.id,
            "units": open_round.unit.id,
            "opens": opens,
            "closes": closes,
            "min_group": "5",
            "use_codes": "y",
        },
    )
    assert response.status_code == 422
    assert "Write the date and time as YYYY-MM-DD HH:MM" in html(response)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == before
