"""The result pages in a real browser: axe-core finds no WCAG 2.1 AA violations on a leader's
summary, an indicator's drill-down (with both charts) and the administrator's free-text page, at
1280 px and 320 px, and nothing scrolls sideways on a narrow screen."""

from __future__ import annotations

import pytest

from tests import factories as core
from tests.browser import page_width, violations
from tests.results.test_routes import small_world

pytestmark = pytest.mark.e2e


def sign_in(page, url: str, email: str) -> None:
    page.goto(url + "/logg-inn")
    page.fill("#email", email)
    page.fill("#password", core.PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


@pytest.mark.parametrize("width", [1280, 320])
def test_the_summary_and_the_drill_down_pass_axe_at_every_width(live_server, new_page, width):
    with live_server.context():
        world = small_world()
        cid = world["campaign"].id
        helse = world["units"]["4601-helse"].id
        municipality = world["units"]["4601"].id
    pages = {
        "leader's summary": ("leder@test.no", f"/resultater/{cid}"),
        "leader's drill-down": (
            "leder@test.no",
            f"/resultater/{cid}/enhet/{helse}/indikator/trivsel",
        ),
        "administrator's summary": ("admin@test.no", f"/resultater/{cid}/enhet/{municipality}"),
        "list": ("admin@test.no", "/resultater"),
        "administrator's drill-down": (
            "admin@test.no",
            f"/resultater/{cid}/enhet/{municipality}/indikator/trivsel",
        ),
        "administrator's free text": (
            "admin@test.no",
            f"/resultater/{cid}/enhet/{municipality}/fritekst",
        ),
    }
    signed_in = {}
    for name, (email, path) in pages.items():
        if email not in signed_in:
            signed_in[email] = new_page(width=width)
            sign_in(signed_in[email], live_server.url, email)
        page = signed_in[email]
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1, name
        assert violations(page) == [], f"{name} at {width} px"
        if width == 320:
            assert page_width(page) <= 320, f"{name} scrolls sideways at 320 px"


@pytest.mark.parametrize("width", [1280, 320])
def test_the_follow_up_pages_pass_axe_at_every_width(live_server, new_page, width):
    """The leader's follow-up page, a point, an action and the delete question, with a done, an
    overdue and an open action whose texts have long words (tests/results/test_followup.py)."""
    from tests.results.test_followup import make_followup_pages

    with live_server.context():
        followup_pages = make_followup_pages(small_world())
    page = new_page(width=width)
    sign_in(page, live_server.url, "leder@test.no")
    for name, path in followup_pages.items():
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1, name
        assert violations(page) == [], f"{name} at {width} px"
        if width == 320:
            assert page_width(page) <= 320, f"{name} scrolls sideways at 320 px"
