"""Setting and clearing conditions in the questionnaire editor, without JavaScript (English
interface; the Norwegian texts are checked once)."""

from __future__ import annotations

import pytest

from helhet.extensions import db
from surveys import queries
from surveys.models import QuestionnaireStatus
from tests.surveys.factories import make_question, make_questionnaire, make_section

BASE = "/admin/sporreskjema"


@pytest.fixture
def admin_en(admin_client):
    admin_client.get("/sprak/en")
    return admin_client


@pytest.fixture
def draft(app):
    """Page 1: barn (yes/no), alder (number 0-120), tilfreds (scale 1-6); page 2: oppfolging;
    page 3: slutt."""
    q = make_questionnaire()
    first = q.sections[0]
    make_question(first, "barn", "single", "Har du barn?")
    make_question(first, "alder", "number", "Alder", min_value=0, max_value=120)
    make_question(first, "tilfreds", "scale", "Hvor fornøyd?", dont_know=True)
    second = make_section(q, "Del 2")
    make_question(second, "oppfolging", "scale")
    third = make_section(q, "Del 3")
    make_question(third, "slutt", "scale")
    db.session.commit()
    return q


def rows(*tests, join="all") -> dict:
    data = {"join": join, "action": "save"}
    for n, (question, op, value) in enumerate(tests):
        data |= {f"rows-{n}-question": question, f"rows-{n}-op": op, f"rows-{n}-value": value}
    return data


def test_an_admin_sets_and_clears_a_question_condition(admin_en, draft):
    question = queries.question_by_key(draft, "oppfolging")
    url = f"{BASE}/{draft.id}/sporsmal/{question.id}/vilkar"
    page = admin_en.get(url).get_data(as_text=True)
    assert "When is question oppfolging shown?" in page
    assert 'value="barn"' in page and 'value="slutt"' not in page  # earlier pages only
    assert 'value="oppfolging"' not in page
    response = admin_en.post(url, data=rows(("barn", "equals", "ja"), ("alder", "at_least", "67")))
    assert response.status_code == 303
    db.session.expire_all()
    assert queries.question_by_key(draft, "oppfolging").condition == {
        "all": [
            {"question": "alder", "op": "at_least", "value": 67},
            {"question": "barn", "op": "equals", "value": "ja"},
        ]
    }
    overview = admin_en.get(f"{BASE}/{draft.id}").get_data(as_text=True)
    assert "Shown only when «Alder» is at least 67 and «Har du barn?» is «Ja»." in overview
    # the form shows the saved tests again, and Remove clears them
    page = admin_en.get(url).get_data(as_text=True)
    assert "Remove the condition" in page
    response = admin_en.post(url, data={"action": "clear", "join": "all"})
    assert response.status_code == 303
    db.session.expire_all()
    assert queries.question_by_key(draft, "oppfolging").condition is None


def test_a_section_condition_with_one_of_and_vet_ikke(admin_en, draft):
    section = draft.sections[2]
    url = f"{BASE}/{draft.id}/deler/{section.id}/vilkar"
    response = admin_en.post(
        url,
        data=rows(
            ("tilfreds", "one_of", "1, 2,vet ikke"), ("oppfolging", "answered", ""), join="any"
        ),
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    assert draft.sections[2].condition == {
        "any": [
            {"question": "oppfolging", "op": "answered"},
            {"question": "tilfreds", "op": "one_of", "value": [1, 2, "dk"]},
        ]
    }


@pytest.mark.parametrize(
    ("test", "field", "message"),
    [
        (
            ("barn", "equals", "kanskje"),
            "rows-0-value",
            "is not a choice of barn; use one of: ja, nei",
        ),
        (("tilfreds", "at_least", "9"), "rows-0-value", "from 1 to 6"),
        (("alder", "at_most", "two"), "rows-0-value", "is answered with a number"),
        (("barn", "at_least", "1"), "rows-0-value", "need a scale or number question"),
        (("barn", "equals", ""), "rows-0-value", "Write the value to compare with."),
        (("slutt", "answered", ""), "rows-0-question", "Choose a question on an earlier page."),
        (("", "equals", "ja"), "rows-0-question", "Choose the question to test."),
    ],
)
def test_a_wrong_test_is_shown_at_its_field(admin_en, draft, test, field, message):
    question = queries.question_by_key(draft, "oppfolging")
    response = admin_en.post(f"{BASE}/{draft.id}/sporsmal/{question.id}/vilkar", data=rows(test))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page and f'href="#{field}"' in page
    db.session.expire_all()
    assert queries.question_by_key(draft, "oppfolging").condition is None


def test_the_first_page_has_nothing_to_test(admin_en, draft):
    question = queries.question_by_key(draft, "alder")
    page = admin_en.get(f"{BASE}/{draft.id}/sporsmal/{question.id}/vilkar").get_data(as_text=True)
    assert "there is no question on an earlier page" in page
    assert 'name="rows-0-question"' not in page


def test_a_change_that_breaks_a_condition_is_refused(admin_en, draft):
    question = queries.question_by_key(draft, "oppfolging")
    admin_en.post(
        f"{BASE}/{draft.id}/sporsmal/{question.id}/vilkar", data=rows(("barn", "answered", ""))
    )
    barn = queries.question_by_key(draft, "barn")
    response = admin_en.post(f"{BASE}/{draft.id}/sporsmal/{barn.id}/slett", data={})
    db.session.expire_all()
    assert queries.question_by_key(draft, "barn") is not None  # still there: oppfolging reads it
    follow = admin_en.get(response.headers["Location"]).get_data(as_text=True)
    assert "This would break the condition of question oppfolging" in follow
    assert "No question in this questionnaire has the key barn." in follow
    # moving oppfolging up onto page 1, beside barn, is refused the same way
    response = admin_en.post(
        f"{BASE}/{draft.id}/sporsmal/{question.id}/flytt", data={"direction": "up"}
    )
    follow = admin_en.get(response.headers["Location"]).get_data(as_text=True)
    assert "This would break the condition of question oppfolging" in follow
    assert "is not on an earlier page" in follow


def test_a_published_version_cannot_change_its_conditions(admin_en, draft):
    draft.status = QuestionnaireStatus.PUBLISHED
    db.session.commit()
    question = queries.question_by_key(draft, "oppfolging")
    response = admin_en.post(
        f"{BASE}/{draft.id}/sporsmal/{question.id}/vilkar", data=rows(("barn", "answered", ""))
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert queries.question_by_key(draft, "oppfolging").condition is None


def test_the_page_in_bokmal(admin_client, draft):
    question = queries.question_by_key(draft, "oppfolging")
    page = admin_client.get(f"{BASE}/{draft.id}/sporsmal/{question.id}/vilkar").get_data(
        as_text=True
    )
    assert "Når vises spørsmål oppfolging?" in page


# --- the preview follows the conditions ------------------------------------------------------


def test_the_preview_skips_and_hides_what_the_real_survey_would(admin_en, draft):
    from surveys import services

    oppfolging = queries.question_by_key(draft, "oppfolging")
    services.set_condition(draft, oppfolging, {"question": "barn", "op": "equals", "value": "ja"})
    services.set_condition(
        draft, draft.sections[2], {"question": "tilfreds", "op": "at_most", "value": 2}
    )
    db.session.commit()
    url = f"{BASE}/{draft.id}/forhandsvisning"
    admin_en.get(f"{url}/1")
    answers = {"q_barn": "nei", "q_alder": "40", "q_tilfreds": "5"}
    response = admin_en.post(f"{url}/1", data=answers)
    assert response.headers["Location"].endswith("/forhandsvisning/4")  # pages 2 and 3 hidden
    end = admin_en.get(f"{url}/4").get_data(as_text=True)
    assert f'href="{url}/1"' in end  # Back goes to the last shown page
    assert admin_en.get(f"{url}/2").headers["Location"].endswith("/forhandsvisning/4")
    # yes to barn and a low tilfreds: both shown, and the required question on page 2 is asked
    response = admin_en.post(f"{url}/1", data=answers | {"q_barn": "ja", "q_tilfreds": "dk"})
    assert response.headers["Location"].endswith("/forhandsvisning/2")
    page = admin_en.get(f"{url}/2").get_data(as_text=True)
    assert "q_oppfolging" in page
    response = admin_en.post(f"{url}/2", data={"q_oppfolging": "3"})
    assert response.headers["Location"].endswith("/forhandsvisning/4")  # dk is not at most 2
    response = admin_en.post(f"{url}/1", data=answers | {"q_barn": "ja", "q_tilfreds": "1"})
    admin_en.post(f"{url}/2", data={"q_oppfolging": "3"})
    assert "q_slutt" in admin_en.get(f"{url}/3").get_data(as_text=True)
    # starting again forgets the preview's answers
    admin_en.get(f"{url}/1")
    assert admin_en.get(f"{url}/3").headers["Location"].endswith("/forhandsvisning/4")
