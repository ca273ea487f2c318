"""Northern Sami (se), Ukrainian (uk) and Polish (pl) as respondents' languages.

Every answering page in each language (html lang, no English msgid left over), the language switch
keeps the answers and offers only the languages the questionnaire has texts for, the catalogues
cover every respondent message with the right plural forms, a round that requires a language warns
while the questionnaire lacks it, and letters are written in the three languages.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext
from sqlalchemy import select

from collector import letters, services
from collector.models import Campaign, Draft, Response
from helhet.extensions import db
from surveys import jsonformat
from surveys import queries as survey_queries
from surveys import services as survey_services
from tests import factories as core
from tests.collector import factories, helpers
from tests.collector.pdftext import page_count

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
NEW = ("se", "uk", "pl")
# the templates a respondent can meet: answering, saving, status, thanks, questions, error pages
RESPONDENT_TEMPLATES = [
    *sorted((ROOT / "templates" / "collector").glob("*.html")),
    ROOT / "templates" / "surveys" / "_question.html",
    ROOT / "templates" / "errors" / "error.html",
]
WORDS = {"se": "Giitu vástádusaid ovddas", "uk": "Дякуємо за ваші відповіді", "pl": "Dziękujemy"}
TITLES = {"se": "Bargiidiskkadeapmi", "uk": "Опитування працівників", "pl": "Ankieta pracowników"}


def catalogue(lang: str):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f)


def leftovers(lang: str) -> list[str]:
    """English msgids whose translation differs, long enough to be unmistakable in a page."""
    return [
        m.id
        for m in catalogue(lang)
        if isinstance(m.id, str)
        and m.string
        and m.string != m.id
        and "%(" not in m.id
        and len(m.id) >= 12
    ]


def respondent_msgids() -> set:
    found = set()
    for path in RESPONDENT_TEMPLATES:
        for _line, message, _comments, _context in extract_from_file("jinja2", str(path)):
            found.add(message if isinstance(message, str) else tuple(message))
    return found


def translate(questionnaire, languages=NEW) -> None:
    """Give every text a respondent reads a version in `languages`."""

    def add(texts: dict, base: str | None = None) -> dict:
        source = base or texts.get("en") or texts.get("nb") or ""
        return {**texts, **{lang: f"[{lang}] {source}" for lang in languages}}

    questionnaire.title = {**questionnaire.title, **{lang: TITLES[lang] for lang in languages}}
    questionnaire.description = add(questionnaire.description)
    for section in questionnaire.sections:
        section.title = add(section.title)
        for question in section.questions:
            question.text = add(question.text)
            if question.low_label:
                question.low_label = add(question.low_label)
                question.high_label = add(question.high_label)
            for choice in question.choices:
                choice.label = add(choice.label)
    db.session.commit()


@pytest.fixture
def english(app):
    """Messages in English (the catalogues translate them to nb by default)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def english_in(page: str, lang: str) -> list[str]:
    text = html.unescape(page)
    return [m for m in LEFTOVERS[lang] if m in text]


# any English sentence of the whole app (from the bokmål catalogue), and every message the
# language's own catalogue translates: none may show on a page in the language
ENGLISH = [
    m.id
    for m in catalogue("nb")
    if isinstance(m.id, str) and m.string != m.id and "%(" not in m.id and len(m.id) >= 25
]
LEFTOVERS = {lang: sorted(set(leftovers(lang)) | set(ENGLISH)) for lang in NEW}


def check_page(response, lang: str, status: int = 200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:1500]
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert english_in(page, lang) == []
    return page


# --- the catalogues ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", NEW)
def test_the_catalogue_covers_every_respondent_message(lang):
    translated = {
        (m.id if isinstance(m.id, str) else tuple(m.id))
        for m in catalogue(lang)
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    admin_only = {"Main menu", "Overview", "Results", "Sign out"}  # never shown to respondents
    missing = sorted(str(m) for m in respondent_msgids() - translated - admin_only)
    assert missing == []


@pytest.mark.parametrize("lang", NEW)
def test_the_catalogue_says_it_is_not_checked_by_a_native_speaker(lang):
    text = (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert "NOT CHECKED BY A NATIVE SPEAKER" in text
    assert "X-Translation-Status: unchecked machine-assisted translation" in text
    plural = get_plural(lang)
    read = catalogue(lang)
    assert (read.num_plurals, read.plural_expr) == (plural.num_plurals, plural.plural_expr)


PAGES = {
    # n: the form CLDR gives n in the language (one / two / few / many / other)
    "se": {1: "lea 1 siidu", 2: "leaba 2 siiddu", 3: "leat 3 siiddu", 21: "leat 21 siiddu"},
    "uk": {
        1: "1 сторінку",
        2: "2 сторінки",
        4: "4 сторінки",
        5: "5 сторінок",
        11: "11 сторінок",
        12: "12 сторінок",
        21: "21 сторінку",
        22: "22 сторінки",
        25: "25 сторінок",
    },
    "pl": {
        1: "1 stronę",
        2: "2 strony",
        5: "5 stron",
        12: "12 stron",
        21: "21 stron",
        22: "22 strony",
        112: "112 stron",
    },
}


@pytest.mark.parametrize("lang", NEW)
def test_plural_forms_follow_the_language(app, lang):
    with app.test_request_context(), force_locale(lang):
        for n, expected in PAGES[lang].items():
            text = ngettext("The survey has %(num)s page.", "The survey has %(num)s pages.", n)
            assert expected in text, (n, text)


# --- every answering page in each language -----------------------------------------------------


def world(pages: int = 2):
    tree = core.make_tree()
    questionnaire = factories.make_questionnaire(
        sections=pages, questions_per_section=2, extra_types=factories.EXTRA_TYPES
    )
    translate(questionnaire)
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit])
    return questionnaire, campaign, unit, factories.make_codes(campaign, unit, 2)


@pytest.mark.parametrize("lang", NEW)
def test_every_answering_page_reads_in_the_language(any_app, lang):
    questionnaire, campaign, unit, codes = world()
    client = any_app.test_client()
    # the code page: the switch there offers every respondent language
    page = check_page(client.post("/svar", data={"lang": lang}), lang)
    assert f'aria-current="true" lang="{lang}"' in page
    check_page(client.post("/svar", data={"code": "", "action": "continue"}), lang, 422)
    check_page(client.post("/svar", data={"code": "ABCDE-FGHJK"}), lang, 404)
    assert helpers.enter_code(client, codes[0]).status_code == 303
    saved = client.post("/svar/side/1", data={"action": "save"})
    check_page(client.get(saved.headers["Location"]), lang)
    pages = helpers.pages_of(questionnaire)
    for p in pages:
        page = check_page(client.get(f"/svar/side/{p.number}"), lang)
        assert TITLES[lang] in page
        assert f"[{lang}]" in page  # the questions in the language
        check_page(client.post(f"/svar/side/{p.number}", data={"action": "next"}), lang, 422)
        client.post(f"/svar/side/{p.number}", data={**helpers.valid_page_data(p), "action": "next"})
    check_page(client.get("/svar/side/99"), lang, 404)  # the error page
    check_page(client.get("/svar/send"), lang)
    response = helpers.send(client)
    assert response.status_code == 303
    assert WORDS[lang] in check_page(client.get("/svar/takk"), lang)
    check_page(client.post("/svar/send", data={"action": "send"}), lang, 409)  # already sent
    check_page(helpers.enter_code(client, codes[0]), lang, 409)  # used code
    check_page(client.get(f"/s/{campaign.units[0].link_token}"), lang)  # the open link's start
    assert db.session.scalar(select(Response.id)) is not None


@pytest.mark.parametrize("lang", NEW)
def test_status_pages_of_a_closed_round_read_in_the_language(app, lang):
    tree = core.make_tree()
    questionnaire = factories.make_questionnaire(sections=1, questions_per_section=1)
    translate(questionnaire)
    unit = tree["4601-helse-hjemme"]
    closed = factories.make_campaign(questionnaire, [unit], state="closed")
    code = factories.make_codes(closed, unit, 1)[0]
    client = app.test_client()
    client.get(f"/sprak/{lang}")
    check_page(helpers.enter_code(client, code), lang, 410)
    check_page(client.post("/svar/side/1", data={"action": "next"}), lang, 409)  # no draft


# --- the switch -------------------------------------------------------------------------------


def test_switching_to_each_new_language_keeps_the_answers(any_app):
    questionnaire, _campaign, _unit, codes = world()
    client = any_app.test_client()
    helpers.enter_code(client, codes[0])
    first = helpers.pages_of(questionnaire)[0]
    data = helpers.valid_page_data(first, value="5")
    data["q_x_text"] = "Svar som skal bli med"
    page = check_page(client.post("/svar/side/1", data={**data, "lang": "se"}), "se")
    assert 'value="5" checked' in page.replace(
        'checked value="5"', 'value="5" checked'
    ) or re.search(r'value="5"[^>]*checked', page)
    assert "Svar som skal bli med" in page
    for lang in ("uk", "pl"):
        page = check_page(client.post("/svar/side/1", data={**data, "lang": lang}), lang)
        assert "Svar som skal bli med" in page
    page = check_page(client.get("/svar/side/1"), "pl")  # stored, not only shown again
    assert "Svar som skal bli med" in page
    draft = db.session.scalar(select(Draft))
    assert draft.answers["x_text"] == "Svar som skal bli med"
    assert draft.answers["s1q1"] == 5


def test_only_languages_the_questionnaire_has_texts_for_are_offered(app):
    tree = core.make_tree()
    questionnaire = factories.make_questionnaire(sections=1, questions_per_section=2)
    translate(questionnaire, languages=("uk",))  # Ukrainian only, and Sami half-way
    questionnaire.title = {**questionnaire.title, "se": "Bargiidiskkadeapmi"}
    db.session.commit()
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit])
    code = factories.make_codes(campaign, unit, 1)[0]
    client = app.test_client()
    client.get("/sprak/se")  # chosen on the code page, before the questionnaire was known
    assert helpers.enter_code(client, code).status_code == 303
    page = client.get("/svar/side/1").get_data(as_text=True)
    assert '<html lang="nb">' in page  # no Sami questionnaire: the fallback (nb)
    assert 'value="uk"' in page and 'value="se"' not in page and 'value="pl"' not in page
    assert "Davvisámegiella" not in page
    # a crafted press of a language the questionnaire lacks shows the page again, no step on
    response = client.post("/svar/side/1", data={"lang": "pl", "q_s1q1": "3"})
    assert response.status_code == 200
    assert '<html lang="nb">' in response.get_data(as_text=True)
    assert db.session.scalar(select(Draft)).answers["s1q1"] == 3
    page = check_page(client.post("/svar/side/1", data={"lang": "uk", "q_s1q1": "3"}), "uk")
    assert survey_queries.answer_languages(questionnaire) == ("nb", "nn", "en", "uk")


def test_administrators_pages_stay_in_their_languages(app, admin):
    client = app.test_client()
    core.login(client, admin)
    client.get("/sprak/se")
    page = client.get("/admin/runder").get_data(as_text=True)
    assert '<html lang="se">' not in page
    assert "Davvisámegiella" not in page  # the admin switch offers nb, nn and en only


# --- required languages -----------------------------------------------------------------------


def new_round(questionnaire, unit, required):
    from datetime import timedelta

    from collector.clock import utcnow

    campaign = services.create_campaign(
        name="Runde",
        questionnaire=questionnaire,
        units=[unit],
        opens_at=utcnow(),
        closes_at=utcnow() + timedelta(days=7),
        open_link=True,
        use_codes=True,
        required_languages=required,
    )
    db.session.commit()
    return campaign


def test_a_round_requiring_sami_warns_while_the_questionnaire_lacks_it(any_app):
    tree = core.make_tree()
    unit = tree["4601-helse-hjemme"]
    plain = factories.make_questionnaire(sections=1, questions_per_section=2)
    campaign = new_round(plain, unit, ["se"])
    assert db.session.get(Campaign, campaign.id).required_languages == ["se"]
    assert services.missing_languages(campaign) == ["se"]
    assert "Northern Sami (se)" in services.missing_languages_message(["se"])
    sami = factories.make_questionnaire(key="samisk", sections=1, questions_per_section=2)
    translate(sami, languages=("se",))
    assert services.missing_languages(new_round(sami, unit, ["se"])) == []
    assert services.missing_languages(new_round(plain, unit, None)) == []
    with pytest.raises(services.CampaignError):
        new_round(plain, unit, ["fr"])


def test_the_round_pages_and_the_command_warn_of_a_missing_required_language(app, admin):
    from helhet.config import RESPONDENT_LANGUAGES  # noqa: F401

    tree = core.make_tree()
    unit = tree["4601-helse-hjemme"]
    plain = factories.make_questionnaire(sections=1, questions_per_section=2)
    client = app.test_client()
    core.login(client, admin)
    client.get("/sprak/en")
    response = client.post(
        "/admin/runder/ny",
        data={
            "questionnaire": plain.id,
            "units": [unit.id],
            "opens": "2026-01-01T08:00",
            "closes": "2099-01-01T23:59",
            "use_codes": "y",
            "min_group": "5",
            "required_languages": ["se"],
        },
        follow_redirects=True,
    )
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200, page[:2000]
    assert "A required language is missing" in page
    assert page.count("Northern Sami (se)") >= 2  # the flash and the notice
    result = app.test_cli_runner().invoke(
        args=[
            "round",
            "create",
            "--questionnaire",
            plain.key,
            "--unit",
            unit.code,
            "--opens",
            "2026-01-01",
            "--closes",
            "2099-01-01",
            "--require-language",
            "se",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Warning: The round must offer Northern Sami (se)" in result.output


# --- questionnaire texts: JSON and XLSForm ---------------------------------------------------


def test_se_uk_pl_texts_and_unchecked_translations_round_trip_in_json(any_app):
    questionnaire = factories.make_questionnaire(
        sections=1, questions_per_section=2, extra_types=("single",)
    )
    translate(questionnaire)
    questionnaire.unchecked_translations = ["pl", "se", "uk"]
    db.session.commit()
    data = jsonformat.to_dict(questionnaire)
    assert data["title"]["se"] == TITLES["se"]
    assert data["unchecked_translations"] == ["se", "uk", "pl"]
    assert data["sections"][0]["questions"][-1]["choices"][0]["label"]["uk"].startswith("[uk]")
    copy = jsonformat.from_dict(data)
    copy.key = "kopi"
    copy.version = 1
    db.session.add(copy)
    db.session.commit()
    again = jsonformat.to_dict(copy)
    assert {k: v for k, v in again.items() if k != "key"} == {
        k: v for k, v in data.items() if k != "key"
    }
    check = survey_services.publish_check(copy)
    assert any("no native speaker has checked" in w.message for w in check.warnings)


def test_the_schema_refuses_a_language_helhet_does_not_keep(app, english):
    questionnaire = factories.make_questionnaire(sections=1, questions_per_section=1)
    data = jsonformat.to_dict(questionnaire)
    data["title"]["fr"] = "Enquête"
    with pytest.raises(jsonformat.InvalidQuestionnaire):
        jsonformat.validate(data)


def test_a_half_translated_language_is_a_publishing_warning(app, english):
    questionnaire = factories.make_questionnaire(
        sections=1, questions_per_section=2, published=False
    )
    questionnaire.title = {**questionnaire.title, "pl": "Ankieta"}
    db.session.commit()
    check = survey_services.publish_check(questionnaire)
    assert any("Polish (pl)" in w.message for w in check.warnings)


def test_xlsform_label_columns_in_sami_ukrainian_and_polish(app):
    from tests.surveys.test_xlsform import workbook

    content = workbook(
        survey=[
            [
                "type",
                "name",
                "label::Norsk bokmål (nb)",
                "label::Davvisámegiella (se)",
                "label::Українська (uk)",
                "label::Polski (pl)",
            ],
            [
                "select_one yn",
                "trives",
                "Trives du?",
                "Leatgo don duhtavaš?",
                "Вам добре?",
                "Czy dobrze się czujesz?",
            ],
        ],
        choices=[
            [
                "list_name",
                "name",
                "label::Norsk bokmål (nb)",
                "label::Davvisámegiella (se)",
                "label::Українська (uk)",
                "label::Polski (pl)",
            ],
            ["yn", "ja", "Ja", "Juo", "Так", "Tak"],
            ["yn", "nei", "Nei", "Ii", "Ні", "Nie"],
        ],
        settings=[["form_id", "form_title"], ["trivsel", "Trivsel"]],
    )
    questionnaire = survey_services.import_file("trivsel.xlsx", content).questionnaire
    question = questionnaire.questions[0]
    assert question.text == {
        "nb": "Trives du?",
        "se": "Leatgo don duhtavaš?",
        "uk": "Вам добре?",
        "pl": "Czy dobrze się czujesz?",
    }
    assert question.choices[0].label == {"nb": "Ja", "se": "Juo", "uk": "Так", "pl": "Tak"}
    data = jsonformat.to_dict(questionnaire)
    assert data["sections"][0]["questions"][0]["text"]["se"] == "Leatgo don duhtavaš?"


# --- letters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("se", "Bovdehus vástidit jearahallamii"),
        ("uk", "Запрошення взяти участь в опитуванні"),
        ("pl", "Zaproszenie do udziału w ankiecie"),
    ],
)
def test_letters_in_the_new_languages(app, lang, heading):
    if letters.unicode_font_dir() is None:
        pytest.skip("DejaVu Sans is not installed (fonts-dejavu-core)")
    from datetime import datetime

    info = letters.LetterInfo(
        "Kommune", TITLES, "https://svar.kommune.no/svar", datetime(2026, 12, 31, 22, 59)
    )
    issued = [
        letters.IssuedCode("K7MQ2XH9TD", "u1", "Hjemmetjenesten"),
        letters.IssuedCode("A7MQ2XH9TD", "u1", "Hjemmetjenesten"),
    ]
    pdf = letters.pdf_bytes(issued, info, lang)
    assert page_count(pdf) == 2
    title = re.search(rb"/Title <feff([0-9a-f]+)>", pdf).group(1)
    assert bytes.fromhex(title.decode()).decode("utf-16-be") == heading
    assert b"DejaVu" in pdf or b"/FontFile2" in pdf


def test_the_round_page_says_the_questionnaire_has_unchecked_translations(app, admin):
    tree = core.make_tree()
    questionnaire = factories.make_questionnaire(sections=1, questions_per_section=1)
    translate(questionnaire)
    campaign = factories.make_campaign(questionnaire, [tree["4601-helse-hjemme"]])
    client = app.test_client()
    core.login(client, admin)
    client.get("/sprak/en")
    url = f"/admin/runder/{campaign.id}"
    assert "no native speaker has checked" not in client.get(url).get_data(as_text=True)
    questionnaire.unchecked_translations = ["se", "uk", "pl"]
    db.session.commit()
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert "Northern Sami (se), Ukrainian (uk), Polish (pl) are machine-assisted" in page
