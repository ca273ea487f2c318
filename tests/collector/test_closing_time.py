"""The closing time as people read it on every page that says it: a round stored as closing at
01.01.2100 00:00 in Norway is "åpen til og med 31.12.2099", never "til 01.01.2100 00:00"."""

from __future__ import annotations

import html as markup
from datetime import datetime

import pytest

from helhet.extensions import db
from tests.collector import factories, helpers
from tests.collector.test_respondent_languages import translate

MIDNIGHT = datetime(2099, 12, 31, 23, 0)  # 01.01.2100 00:00 in Norway (winter time, UTC+1)
AFTERNOON = datetime(2099, 6, 30, 12, 0)  # 30.06.2099 14:00 in Norway (summer time, UTC+2)


def text(response) -> str:
    return markup.unescape(response.get_data(as_text=True))


def round_closing(tree, closes_at: datetime, state: str = "open"):
    questionnaire = factories.make_questionnaire(sections=1, questions_per_section=2)
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit], state=state)
    if state != "closed":
        campaign.closes_at = closes_at
    db.session.commit()
    return factories.Round(questionnaire, campaign, unit, factories.make_codes(campaign, unit, 1))


def never_the_exclusive_end(page: str) -> None:
    assert "01.01.2100" not in page and "00:00" not in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", "Du kan svare til og med 31.12.2099."),
        ("nn", "Du kan svare til og med 31.12.2099."),
        ("en", "It is open until and including 31 December 2099."),
        ("uk", "Воно відкрите до 31.12.2099 включно."),
        ("pl", "Jest otwarta do 31.12.2099 włącznie."),
        ("se", "Dat lea rabas gitta 31.12.2099 rádjái."),
    ],
)
def test_the_open_link_start_page_says_the_last_day(client, tree, language, expected):
    answering = round_closing(tree, MIDNIGHT)
    translate(answering.questionnaire)  # texts in se, uk and pl, so that they are offered
    client.get(f"/sprak/{language}")
    page = text(client.get(f"/s/{answering.campaign.units[0].link_token}"))
    assert expected in page
    never_the_exclusive_end(page)


def test_a_round_closing_in_the_afternoon_says_the_day_and_the_time(client, tree):
    answering = round_closing(tree, AFTERNOON)
    page = text(client.get(f"/s/{answering.campaign.units[0].link_token}"))
    assert "Du kan svare til 30.06.2099 kl. 14:00." in page


def test_the_saved_page_says_the_last_day(client, tree):
    answering = round_closing(tree, MIDNIGHT)
    helpers.enter_code(client, answering.codes[0])
    client.post("/svar/side/1", data={"action": "save"})
    page = text(client.get("/svar/lagret"))
    assert "Undersøkelsen er åpen til og med 31.12.2099." in page
    never_the_exclusive_end(page)


def test_a_round_not_open_yet_says_the_last_day(client, tree):
    answering = round_closing(tree, MIDNIGHT, state="scheduled")
    page = text(helpers.enter_code(client, answering.codes[0]))
    assert "Undersøkelsen er åpen til og med 31.12.2099." in page
    never_the_exclusive_end(page)


def test_a_closed_round_says_until_when_it_was_open(client, tree):
    answering = round_closing(tree, MIDNIGHT, state="closed")
    answering.campaign.closes_at = datetime(2026, 11, 30, 23, 0)  # 01.12.2026 00:00 in Norway
    db.session.commit()
    page = text(helpers.enter_code(client, answering.codes[0]))
    assert "Undersøkelsen var åpen til og med 30.11.2026" in page
    assert "01.12.2026" not in page


def test_the_round_pages_say_the_last_day(admin_client, tree):
    answering = round_closing(tree, MIDNIGHT)
    for url in ("/admin/runder", f"/admin/runder/{answering.campaign.id}"):
        page = text(admin_client.get(url))
        assert "til og med 31.12.2099" in page, url
        assert "01.01.2100" not in page, url


def test_extending_a_round_says_the_new_last_day(admin_client, tree):
    answering = round_closing(tree, MIDNIGHT)
    response = admin_client.post(
        f"/admin/runder/{answering.campaign.id}/forleng",
        data={"closes": "2100-01-31T00:00"},
        follow_redirects=True,
    )
    assert "Runden er forlenget og er åpen til og med 30.01.2100." in text(response)
