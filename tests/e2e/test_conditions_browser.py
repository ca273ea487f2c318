"""Conditions in a real browser (Chromium, no JavaScript needed by the pages): a respondent sees a
conditional question only after the answer that asks for it, skips a hidden page, and the pages,
the editor's condition page and the drill-down note have no WCAG 2.1 AA violations (axe-core) at
1280 and 320 px, without sideways scrolling."""

from __future__ import annotations

import pytest

from helhet.extensions import db
from surveys import queries
from tests import factories as core
from tests.browser import page_width, violations
from tests.collector import factories
from tests.collector.test_conditions_answering import conditional_questionnaire
from tests.e2e.test_answering_accessibility import enter
from tests.surveys.factories import make_question, make_questionnaire, make_section
from tests.surveys.test_editor_browser import sign_in

pytestmark = pytest.mark.e2e


def make_world(server):
    with server.context():
        tree = core.make_tree()
        questionnaire = conditional_questionnaire()
        unit = tree["4601-helse-hjemme"]
        campaign = factories.make_campaign(questionnaire, [unit])
        return factories.make_codes(campaign, unit, 2)


def next_page(page) -> None:
    with page.expect_navigation():
        page.click("main button[value=next]")


def checked(page, problems: list, name: str, width: int) -> None:
    problems += [f"{name}: {v}" for v in violations(page)]
    if page_width(page) > width:
        problems.append(f"{name}: {page_width(page)} px wide at {width} px")


@pytest.mark.parametrize("width", [1280, 320])
def test_a_conditional_question_appears_only_when_asked_for(live_server, new_page, width):
    codes = make_world(live_server)
    page = new_page(width=width)
    problems: list[str] = []
    url = live_server.url
    # no children, 40 years old: pages 2 and 3 are skipped
    enter(page, url, codes[0])
    page.check("input[name=q_barn][value=b]")
    page.fill("input[name=q_alder]", "40")
    next_page(page)
    assert page.url.endswith("/svar/side/4")
    assert "Side 4 av 4" in page.content()
    checked(page, problems, "after a skip", width)
    with page.expect_navigation():
        page.click("main button[value=back]")
    assert page.url.endswith("/svar/side/1")
    # children: the conditional page shows its question, and it is required
    page.check("input[name=q_barn][value=a]")
    next_page(page)
    assert page.url.endswith("/svar/side/2")
    assert page.locator("input[name=q_barnehage]").count() == 7  # 1-6 and vet ikke
    checked(page, problems, "the conditional question", width)
    next_page(page)
    assert "Spørsmål 3: Velg et tall" in page.locator(".error-summary").inner_text()
    checked(page, problems, "the conditional question required", width)
    page.check("input[name=q_barnehage][value='5']")
    next_page(page)
    assert page.url.endswith("/svar/side/4")  # 40 years old: page 3 skipped
    next_page(page)
    review = page.locator("main").inner_text()
    assert "Spørsmål barnehage" in review and "Spørsmål eldre" not in review
    checked(page, problems, "check and send", width)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [1280, 320])
def test_the_editors_condition_page_and_overview(live_server, new_page, width):
    with live_server.context():
        core.make_user("admin@test.no", role="admin")
        q = make_questionnaire()
        make_question(q.sections[0], "barn", "single", "Har du barn i barnehagen?")
        second = make_section(q, "Barnehagen")
        follow = make_question(second, "fornoyd", "scale", "Hvor fornøyd er du med barnehagen?")
        db.session.commit()
        qid, question_id = q.id, follow.id
    url = live_server.url
    page = new_page(width=width)
    problems: list[str] = []
    sign_in(page, url)
    page.goto(f"{url}/admin/sporreskjema/{qid}/sporsmal/{question_id}/vilkar")
    checked(page, problems, "condition page", width)
    page.select_option("#rows-0-question", "barn")
    page.select_option("#rows-0-op", "equals")
    page.fill("#rows-0-value", "kanskje")
    with page.expect_navigation():
        page.click("main button[value=save]")
    assert "er ikke et svaralternativ i barn" in page.content()
    checked(page, problems, "condition page with an error", width)
    page.fill("#rows-0-value", "ja")
    with page.expect_navigation():
        page.click("main button[value=save]")
    assert "Vises bare når «Har du barn i barnehagen?» er «Ja»." in page.content()
    checked(page, problems, "overview with a condition", width)
    with live_server.context():
        assert queries.question_by_key(queries.get(qid), "fornoyd").condition == {
            "question": "barn",
            "op": "equals",
            "value": "ja",
        }
    assert not problems, "\n".join(problems)
