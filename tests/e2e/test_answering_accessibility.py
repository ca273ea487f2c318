"""WCAG 2.1 AA on every answering page, in bokmål and English: axe-core finds no violations, and
nothing overflows a 320 px wide screen."""

from __future__ import annotations

import pytest

from tests import factories as core
from tests.browser import page_width, violations
from tests.collector import factories

pytestmark = pytest.mark.e2e


def overflow(page) -> int:
    return page_width(page)


def make_world(server):
    with server.context():
        tree = core.make_tree()
        questionnaire = factories.make_questionnaire(
            sections=3, questions_per_section=4, extra_types=factories.EXTRA_TYPES
        )
        unit = tree["4601-helse-hjemme"]
        campaign = factories.make_campaign(questionnaire, [unit])
        scheduled = factories.make_campaign(questionnaire, [unit], state="scheduled")
        closed = factories.make_campaign(questionnaire, [unit], state="closed")
        return {
            "codes": factories.make_codes(campaign, unit, 3),
            "scheduled": factories.make_codes(scheduled, unit, 1)[0],
            "closed": factories.make_codes(closed, unit, 1)[0],
            "link": campaign.units[0].link_token,
        }


def fill_page(page) -> None:
    """Answer every question on the current page (mouse-free: via the form API)."""
    page.evaluate("""() => {
        const form = document.getElementById('answer-form');
        const seen = new Set();
        for (const input of form.querySelectorAll('input[type=radio]')) {
            if (!seen.has(input.name)) { seen.add(input.name); input.checked = true; }
        }
        for (const input of form.querySelectorAll('input[type=checkbox]')) {
            input.checked = true; break;
        }
        for (const input of form.querySelectorAll('input[inputmode]')) { input.value = '7'; }
    }""")


def enter(page, url, code) -> None:
    page.goto(url + "/svar")
    page.fill("#code", code)
    with page.expect_navigation():
        page.click("main button[value=continue]")


def visit_every_page(server, page, world):
    """Yield (name, page) for every answering page, in one respondent's order."""
    url = server.url
    page.goto(url + "/svar")
    yield "code entry", page
    with page.expect_navigation():
        page.click("main button[value=continue]")
    yield "code entry with an error", page
    page.fill("#code", "ABCDE-FGHJK")
    with page.expect_navigation():
        page.click("main button[value=continue]")
    yield "unknown code", page
    enter(page, url, world["codes"][0])
    yield "page 1", page
    with page.expect_navigation():
        page.click("main button[value=next]")
    yield "page 1 with errors", page
    for number in (1, 2, 3):
        fill_page(page)
        with page.expect_navigation():
            page.click("main button[value=next]")
        if number < 3:
            yield f"page {number + 1}", page
    yield "check and send", page
    page.goto(url + "/svar/side/2")
    with page.expect_navigation():
        page.click("main button[value=save]")
    yield "saved for later", page
    page.goto(url + "/svar/send")
    with page.expect_navigation():
        page.click("main button[value=send]")
    yield "thank you", page
    enter(page, url, world["codes"][0])
    yield "used code", page
    enter(page, url, world["scheduled"])
    yield "not yet open", page
    enter(page, url, world["closed"])
    yield "closed", page
    enter(page, url, world["codes"][1])
    page.goto(url + "/svar/send")
    yield "check and send with answers missing", page
    with page.expect_navigation():
        page.click("main button[value=send]")
    yield "send refused: answers missing", page
    page.goto(url + f"/s/{world['link']}")
    yield "open link start", page


@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_answering_page_has_no_wcag_violations_and_fits_320_px(
    live_server, new_page, language
):
    world = make_world(live_server)
    page = new_page(width=320, language=language)
    seen, problems = [], []
    for name, current in visit_every_page(live_server, page, world):
        seen.append(name)
        assert current.evaluate("document.documentElement.lang") == language, name
        for problem in violations(current):
            problems.append(f"{name}: {problem}")
        if overflow(current) > 320:
            problems.append(f"{name}: {overflow(current)} px wide at 320 px")
    assert len(seen) == 16, seen
    assert not problems, "\n".join(problems)


def test_the_answer_pages_have_no_wcag_violations_on_a_wide_screen(live_server, new_page):
    world = make_world(live_server)
    page = new_page(width=1280)
    enter(page, live_server.url, world["codes"][0])
    assert violations(page) == []
    with page.expect_navigation():
        page.click("main button[value=next]")
    assert violations(page) == []
