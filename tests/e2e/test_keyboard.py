"""A respondent on a 320 px phone, in nynorsk, answers a whole survey with the keyboard alone
(Tab, arrows, Space, Enter), and the answer is counted exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from collector.models import Answer, Response
from helhet.extensions import db
from tests import factories as core
from tests.collector import factories

pytestmark = pytest.mark.e2e

FOCUSED = """() => { const e = document.activeElement;
  return {tag: e.tagName, type: e.type || '', name: e.name || '', value: e.value || '',
    id: e.id || ''}; }"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_until(page, wanted, limit: int = 300) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if wanted(element):
            return element
    raise AssertionError("never reached the element by Tab")


def answer_page_by_keyboard(page, submit_with_enter_on_last_radio: bool = False) -> None:
    """Tab through the page, answering each question; then go on with the Next button."""
    answered: set[str] = set()
    last_radio = None
    for _ in range(400):
        page.keyboard.press("Tab")
        element = focused(page)
        name = element["name"]
        if element["type"] == "radio" and name.startswith("q_") and name not in answered:
            page.keyboard.press("ArrowDown")  # moves to the second option and selects it
            answered.add(name)
            last_radio = name
        elif element["type"] == "checkbox" and name.startswith("q_"):
            page.keyboard.press("Space")
        elif element["tag"] == "INPUT" and element["type"] == "text" and name.startswith("q_"):
            page.keyboard.type("42")
        elif element["tag"] == "TEXTAREA":
            page.keyboard.type("Fint")
        elif element["tag"] == "BUTTON" and element["value"] == "next":
            if submit_with_enter_on_last_radio:
                page.keyboard.press("Shift+Tab")
                assert focused(page)["name"] == last_radio
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
    raise AssertionError("never reached the Next button")


def test_a_whole_survey_can_be_answered_in_nynorsk_with_the_keyboard_alone_on_a_phone(
    live_server, new_page
):
    with live_server.context():
        tree = core.make_tree()
        questionnaire = factories.make_questionnaire(
            sections=3, questions_per_section=4, extra_types=factories.EXTRA_TYPES
        )
        unit = tree["4601-helse-hjemme"]
        campaign = factories.make_campaign(questionnaire, [unit])
        (code,) = factories.make_codes(campaign, unit, 1)
    page = new_page(width=320, language="nb")
    page.goto(live_server.url + "/svar")

    tab_until(page, lambda e: e["id"] == "code")
    page.keyboard.type(code.lower())
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in the field continues (it does not switch language)
    assert page.url.endswith("/svar/side/1")

    page.keyboard.press("Shift+Tab")  # back to the top of the page; then to the language buttons
    tab_until(page, lambda e: e["name"] == "lang" and e["value"] == "nn")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.lang") == "nn"
    assert page.url.endswith("/svar/side/1")

    answer_page_by_keyboard(page)
    assert page.url.endswith("/svar/side/2"), page.url
    answer_page_by_keyboard(page)
    answer_page_by_keyboard(page, submit_with_enter_on_last_radio=True)
    assert page.url.endswith("/svar/send"), page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    tab_until(page, lambda e: e["tag"] == "BUTTON" and e["value"] == "send")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/svar/takk")
    assert page.evaluate("document.documentElement.lang") == "nn"

    with live_server.context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        answers = dict(
            db.session.execute(
                select(Answer.question_key, Answer.value).where(Answer.value.is_not(None))
            ).all()
        )
        assert answers["s1q1"] == 2.0 and answers["s3q4"] == 2.0 and answers["x_number"] == 42.0


def test_the_error_summary_takes_the_focus_and_its_links_lead_to_the_fields(live_server, new_page):
    with live_server.context():
        tree = core.make_tree()
        questionnaire = factories.make_questionnaire(sections=1, questions_per_section=2)
        unit = tree["4601-helse-hjemme"]
        campaign = factories.make_campaign(questionnaire, [unit])
        (code,) = factories.make_codes(campaign, unit, 1)
    page = new_page(width=360, language="en")
    page.goto(live_server.url + "/svar")
    page.fill("#code", code)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with page.expect_navigation():
        page.click("main button[value=next]")
    page.wait_for_function(
        "document.activeElement.classList.contains('error-summary')", timeout=5000
    )
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "q_s1q1-0"
