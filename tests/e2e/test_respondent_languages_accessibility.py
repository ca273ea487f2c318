"""Northern Sami, Ukrainian and Polish answering pages: axe-core finds no WCAG 2.1 AA violations
and nothing overflows a 320 px wide screen; the language button on the page switches to them."""

from __future__ import annotations

import pytest

from tests import factories as core
from tests.browser import page_width, violations
from tests.collector import factories
from tests.collector.test_respondent_languages import translate
from tests.e2e.test_answering_accessibility import fill_page

pytestmark = pytest.mark.e2e


def make_world(server):
    with server.context():
        tree = core.make_tree()
        questionnaire = factories.make_questionnaire(
            sections=2, questions_per_section=3, extra_types=factories.EXTRA_TYPES
        )
        translate(questionnaire)
        unit = tree["4601-helse-hjemme"]
        campaign = factories.make_campaign(questionnaire, [unit])
        return factories.make_codes(campaign, unit, 1)[0]


@pytest.mark.parametrize("language", ["se", "uk", "pl"])
def test_answering_pages_in_the_new_languages_are_accessible_at_320_px(
    live_server, new_page, language
):
    code = make_world(live_server)
    page = new_page(width=320, language="en")
    url = live_server.url
    page.goto(url + "/svar")
    with page.expect_navigation():
        page.click(f"main button[name=lang][value={language}], nav button[value={language}]")
    seen, problems = [], []

    def check(name):
        seen.append(name)
        assert page.evaluate("document.documentElement.lang") == language, name
        problems.extend(f"{name}: {problem}" for problem in violations(page))
        if page_width(page) > 320:
            problems.append(f"{name}: {page_width(page)} px wide at 320 px")

    check("code entry")
    page.fill("#code", code)
    with page.expect_navigation():
        page.click("main button[value=continue]")
    check("page 1")
    with page.expect_navigation():
        page.click("main button[value=next]")
    check("page 1 with errors")
    for _number in (1, 2):
        fill_page(page)
        with page.expect_navigation():
            page.click("main button[value=next]")
    check("check and send")
    with page.expect_navigation():
        page.click("main button[value=send]")
    check("thank you")
    assert len(seen) == 5
    assert not problems, "\n".join(problems)
