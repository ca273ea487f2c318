"""Languages: bokmål by default, the person's choice before the browser's, texts per language."""

from __future__ import annotations

from datetime import datetime

import pytest

from helhet.i18n import localized


def html_lang(response) -> str:
    text = response.get_data(as_text=True)
    return text.split('<html lang="', 1)[1].split('"', 1)[0]


def test_bokmal_is_the_default(client):
    assert html_lang(client.get("/")) == "nb"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nn-NO,nn;q=0.9", "nn"),
        ("en-GB,en;q=0.8", "en"),
        ("no", "nb"),
        ("nb-NO", "nb"),
        ("de-DE", "nb"),
    ],
)
def test_the_browser_language_is_used_when_nothing_was_chosen(client, header, expected):
    assert html_lang(client.get("/", headers={"Accept-Language": header})) == expected


def test_an_explicit_choice_wins_over_the_browser_and_is_remembered(client):
    response = client.get("/sprak/nn?next=/logg-inn")
    assert response.status_code == 303 and response.headers["Location"] == "/logg-inn"
    assert html_lang(client.get("/", headers={"Accept-Language": "en"})) == "nn"


def test_an_unknown_language_is_not_found(client):
    assert client.get("/sprak/sv").status_code == 404


def test_the_language_switch_does_not_redirect_to_other_sites(client):
    assert client.get("/sprak/en?next=https://evil.example/").headers["Location"] == "/"


def test_every_page_offers_the_three_languages(client):
    page = client.get("/").get_data(as_text=True)
    for name in ("Bokmål", "Nynorsk", "English"):
        assert name in page


def test_a_stored_text_falls_back_to_bokmal_then_to_any_language():
    assert localized({"nb": "Hei", "nn": "Hei på deg", "en": "Hi"}, "nn") == "Hei på deg"
    assert localized({"nb": "Hei", "en": ""}, "en") == "Hei"
    assert localized({"en": "Hi"}, "nn") == "Hi"
    assert localized({}, "nb") == ""


def test_stored_utc_times_are_shown_in_norwegian_local_time_summer_and_winter(app):
    from datetime import datetime

    from helhet.i18n import local_date, local_time

    assert local_time(datetime(2026, 7, 1, 10, 0)) == "01.07.2026 12:00"
    assert local_time(datetime(2026, 1, 15, 23, 30)) == "16.01.2026 00:30"
    assert local_date(datetime(2026, 1, 15, 23, 30)) == "16.01.2026"
    assert local_time(None) == ""


# --- the closing time as people read it ----------------------------------------------------------

OPEN_UNTIL = [
    # (stored naive UTC exclusive end, language, what people read)
    (datetime(2026, 12, 31, 23, 0), "nb", "til og med 31.12.2026"),  # winter: midnight is 23 UTC
    (datetime(2026, 12, 31, 23, 0), "nn", "til og med 31.12.2026"),
    (datetime(2026, 12, 31, 23, 0), "en", "until and including 31 December 2026"),
    (datetime(2026, 12, 31, 23, 0), "se", "gitta 31.12.2026 rádjái"),
    (datetime(2026, 12, 31, 23, 0), "uk", "до 31.12.2026 включно"),
    (datetime(2026, 12, 31, 23, 0), "pl", "do 31.12.2026 włącznie"),
    (datetime(2026, 6, 30, 22, 0), "nb", "til og med 30.06.2026"),  # summer: midnight is 22 UTC
    (datetime(2026, 3, 28, 23, 0), "nb", "til og med 28.03.2026"),  # the night clocks go forward
    (datetime(2026, 3, 29, 22, 0), "nb", "til og med 29.03.2026"),  # a 23-hour day
    (datetime(2026, 10, 25, 23, 0), "nb", "til og med 25.10.2026"),  # a 25-hour day
    (datetime(2026, 10, 25, 22, 0), "nb", "til 25.10.2026 kl. 23:00"),  # an hour before midnight
    (datetime(2026, 12, 31, 22, 0), "nb", "til 31.12.2026 kl. 23:00"),  # 23 UTC would be midnight
    (datetime(2026, 6, 30, 12, 0), "nb", "til 30.06.2026 kl. 14:00"),
    (datetime(2026, 6, 30, 12, 0), "nn", "til 30.06.2026 kl. 14:00"),
    (datetime(2026, 6, 30, 12, 0), "en", "until 30 June 2026 at 14:00"),
    (datetime(2026, 6, 30, 12, 0), "uk", "до 30.06.2026, 14:00"),
    (datetime(2026, 6, 30, 12, 0), "pl", "do 30.06.2026, godz. 14:00"),
    (datetime(2026, 6, 30, 12, 0), "se", "30.06.2026 diibmu 14:00 rádjái"),
    (datetime(2026, 6, 30, 22, 1), "nb", "til 01.07.2026 kl. 00:01"),  # a minute past midnight
]


@pytest.mark.parametrize(("closes_at", "lang", "expected"), OPEN_UNTIL)
def test_the_closing_time_reads_as_the_last_open_day_or_the_local_time(
    app, closes_at, lang, expected
):
    from helhet.i18n import open_until

    with app.test_request_context():
        assert open_until(closes_at, lang) == expected


def test_the_closing_time_follows_the_language_of_the_request(app):
    from helhet.i18n import open_until

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert open_until(datetime(2027, 1, 31, 23, 0)) == "until and including 31 January 2027"


def test_the_closing_time_is_in_bokmal_by_default(app):
    from helhet.i18n import open_until

    with app.test_request_context():
        assert open_until(datetime(2027, 1, 31, 23, 0)) == "til og med 31.01.2027"
        assert open_until(None) == ""


def test_the_last_open_day_is_the_day_before_a_local_midnight():
    from datetime import date, time

    from helhet.i18n import last_open

    assert last_open(datetime(2026, 12, 31, 23, 0)) == (date(2026, 12, 31), None)
    assert last_open(datetime(2027, 1, 1, 0, 0)) == (date(2027, 1, 1), time(1, 0))
