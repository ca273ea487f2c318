"""The questionnaire editor in a real browser, with CSRF on as in production: an administrator
builds, reorders, previews and publishes a questionnaire by clicking, and axe-core finds no
WCAG 2.1 AA violations on the editor's pages, at 360 px and 1280 px, without sideways scrolling."""

from __future__ import annotations

import re

import pytest

from helhet.extensions import db
from surveys import queries
from tests import factories as core
from tests.browser import page_width, violations
from tests.surveys.conftest import XLSFORM_FIXTURES
from tests.surveys.factories import make_small_questionnaire

pytestmark = pytest.mark.e2e

BASE = "/admin/sporreskjema"


def sign_in(page, url: str) -> None:
    page.goto(url + "/logg-inn")
    page.fill("#email", "admin@test.no")
    page.fill("#password", core.PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def submit(page, selector: str = "main form .button-row button[type=submit] >> nth=0") -> None:
    with page.expect_navigation():
        page.click(selector)


def question_id(server, qid: int, key: str) -> int:
    with server.context():
        return queries.question_by_key(queries.get(qid), key).id


def test_an_administrator_builds_reorders_previews_and_publishes_by_clicking(live_server, new_page):
    with live_server.context():
        core.make_user("admin@test.no", role="admin")
    url = live_server.url

    def build(page) -> int:
        sign_in(page, url)
        page.goto(url + BASE + "/nytt")
        page.fill("#key", "svommehall")
        page.fill("#title_nb", "Svømmehallundersøkelse")
        submit(page)
        qid = int(re.search(r"/sporreskjema/(\d+)", page.url).group(1))
        for key, text in (
            ("temperatur", "Hvor fornøyd er du med temperaturen?"),
            ("renhold", "Hvor fornøyd er du med renholdet?"),
        ):
            page.click("a[href$='/ny/scale']")
            page.fill("#key", key)
            page.fill("#text_nb", text)
            submit(page, ".button-row button[value=save]")
        page.click("a[href$='/ny/single']")
        page.fill("#key", "hvor_ofte")
        page.fill("#text_nb", "Hvor ofte bruker du svømmehallen?")
        for row, (value, label) in enumerate(
            (("ukentlig", "Hver uke"), ("sjeldnere", "Sjeldnere"))
        ):
            page.fill(f"#choices-{row}-value", value)
            page.fill(f"#choices-{row}-label_nb", label)
        submit(page, ".button-row button[value=save]")
        # move "renhold" up with the (CSRF-protected) button beside it
        submit(page, f"#q-{question_id(live_server, qid, 'renhold')} button:has-text('Up')")
        page.click("a[href$='/indikatorer/ny']")
        page.fill("#key", "anlegget")
        page.fill("#name_nb", "Anlegget")
        page.check("input[name=items] >> nth=0")
        page.check("input[name=items] >> nth=1")
        submit(page)
        page.goto(f"{url}{BASE}/{qid}/forhandsvisning/1")
        page.check("#q_renhold-0")
        submit(page, "main form button[type=submit]")
        assert "/forhandsvisning/2" in page.url
        page.goto(f"{url}{BASE}/{qid}/publiser")
        submit(page, "main form button[type=submit]")
        return qid

    qid = build(new_page(width=1280, language="en"))
    with live_server.context():
        questionnaire = queries.get(qid)
        assert questionnaire.is_published
        assert [q.key for q in queries.questions(questionnaire)] == [
            "renhold",
            "temperatur",
            "hvor_ofte",
        ]
        assert [q.key for q in questionnaire.indicators[0].questions] == ["renhold", "temperatur"]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_editor_pages_have_no_accessibility_violations_and_fit_the_screen(
    live_server, new_page, width
):
    with live_server.context():
        core.make_user("admin@test.no", role="admin")
        q = make_small_questionnaire()
        db.session.commit()
        qid, scale, choice, indicator = (
            q.id,
            queries.question_by_key(q, "fornoyd").id,
            queries.question_by_key(q, "alder").id,
            q.indicators[0].id,
        )
    url = live_server.url
    paths = [
        BASE,
        f"{BASE}/nytt",
        f"{BASE}/{qid}",
        f"{BASE}/{qid}/sporsmal/{scale}",
        f"{BASE}/{qid}/sporsmal/{choice}",
        f"{BASE}/{qid}/indikatorer/{indicator}",
        f"{BASE}/{qid}/publiser",
        f"{BASE}/{qid}/forhandsvisning/1",
        f"{BASE}/{qid}/innstillinger",
        f"{BASE}/import",
    ]

    def check(page) -> dict:
        found = {}

        def record(name):
            problems = violations(page)
            if page_width(page) > width:
                problems.append("the page scrolls sideways")
            if problems:
                found[name] = problems

        sign_in(page, url)
        for path in paths:
            page.goto(url + path)
            record(path)
        page.goto(f"{url}{BASE}/{qid}/sporsmal/{scale}")  # a question form with errors
        page.fill("#text_nb", "")
        submit(page, ".button-row button[value=save]")
        record("question form with errors")
        tutorial = XLSFORM_FIXTURES / "tutorial.xls"
        if tutorial.exists():  # the list of what an XLSForm cannot keep
            page.goto(f"{url}{BASE}/import")
            page.set_input_files("#file", str(tutorial))
            submit(page, "main form button[type=submit]")
            record("import with unsupported rows")
        return found

    assert check(new_page(width=width, language="en")) == {}
