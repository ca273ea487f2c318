"""Languages: bokmål by default, the person's choice before the browser's, texts per language."""

from __future__ import annotations

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
