"""The result pages in a real browser: axe-core finds no WCAG 2.1 AA violations on a leader's
summary, an indicator's drill-down (with both charts) and the administrator's free-text page, at
1280 px and 320 px, also with the changes of items since the previous round and a questionnaire
that shows units no items; and on a narrow screen (320 and 360 px) no results page is wider than
the screen: wide tables scroll inside a labelled, focusable region, charts and links fit."""

from __future__ import annotations

import pytest

from tests import factories as core
from tests.browser import page_width, violations
from tests.results.test_pages import closed_round, every_unit, questionnaire
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


LOW = [("1", "2"), ("2", "1")] * 6
HIGH = [("5", "4"), ("4", "5"), ("3", "dk")] * 4


def changed_world() -> dict[str, tuple[str, str]]:
    """A round after an earlier one (items changed), whose questionnaire shows units no items:
    (email, path) of its result pages."""
    data = questionnaire(a_dont_know=False, hide=True)
    campaign, tree, _admin = closed_round(every_unit(HIGH), data, earlier=every_unit(LOW))
    core.make_user("leder@test.no", role="leader", unit=tree["4601-helse"])
    base = f"/resultater/{campaign.id}/enhet"
    return {
        "list": ("admin@test.no", "/resultater"),
        "administrator's summary": ("admin@test.no", f"{base}/{tree['4601'].id}"),
        "a unit's summary with changes": (
            "leder@test.no",
            f"{base}/{tree['4601-helse-hjemme'].id}",
        ),
        "a sector's drill-down with item changes": (
            "leder@test.no",
            f"{base}/{tree['4601-helse'].id}/indikator/trivsel",
        ),
        "a unit's drill-down without items": (
            "leder@test.no",
            f"{base}/{tree['4601-helse-hjemme'].id}/indikator/trivsel",
        ),
    }


def small_pages() -> dict[str, tuple[str, str]]:
    """Every results page of the small round (a unit under min_group, one hidden to protect it)."""
    world = small_world()
    cid = world["campaign"].id
    units = {code: unit.id for code, unit in world["units"].items()}
    return {
        "leader's list": ("leder@test.no", "/resultater"),
        "leader's summary": ("leder@test.no", f"/resultater/{cid}"),
        "leader's drill-down": (
            "leder@test.no",
            f"/resultater/{cid}/enhet/{units['4601-helse']}/indikator/trivsel",
        ),
        "a hidden unit's summary": (
            "leder@test.no",
            f"/resultater/{cid}/enhet/{units['4601-helse-hjemme']}",
        ),
        "administrator's summary": ("admin@test.no", f"/resultater/{cid}/enhet/{units['4601']}"),
        "administrator's drill-down": (
            "admin@test.no",
            f"/resultater/{cid}/enhet/{units['4601']}/indikator/trivsel",
        ),
        "administrator's free text": (
            "admin@test.no",
            f"/resultater/{cid}/enhet/{units['4601']}/fritekst",
        ),
    }


def visit(live_server, new_page, width: int, pages: dict[str, tuple[str, str]]):
    """Each page, signed in as its reader: yields (name, page)."""
    signed_in = {}
    for name, (email, path) in pages.items():
        if email not in signed_in:
            signed_in[email] = new_page(width=width)
            sign_in(signed_in[email], live_server.url, email)
        page = signed_in[email]
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1, name
        yield name, page


@pytest.mark.parametrize("width", [1280, 320])
def test_item_changes_and_hidden_items_pass_axe_at_every_width(live_server, new_page, width):
    with live_server.context():
        pages = changed_world()
    for name, page in visit(live_server, new_page, width, pages):
        assert violations(page) == [], f"{name} at {width} px"


# Outside a table's scrolling region, nothing may reach past the right edge of the screen.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((el) => !el.closest(".table-wrap") || el.matches(".table-wrap"))
    .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > width + 0.5)
    .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
}"""
REGIONS = """() => [...document.querySelectorAll(".table-wrap")].map((el) => ({
  role: el.getAttribute("role"),
  label: el.getAttribute("aria-label"),
  tabindex: el.getAttribute("tabindex"),
  caption: el.querySelector("caption") ? el.querySelector("caption").textContent.trim() : null,
}))"""
CHARTS = """() => [...document.querySelectorAll("figure.chart img")].map((img) => ({
  width: img.getBoundingClientRect().width,
  room: img.parentElement.getBoundingClientRect().width,
  loaded: img.complete && img.naturalWidth > 0,
}))"""


def check_narrow(page, name: str, width: int) -> None:
    assert page.evaluate("window.innerWidth") == width
    assert page_width(page) <= width, f"{name} scrolls sideways at {width} px"
    assert page.evaluate(OVERFLOWING) == [], f"{name} at {width} px"
    for region in page.evaluate(REGIONS):
        assert region["role"] == "region" and region["tabindex"] == "0", (name, region)
        assert region["label"] and region["label"] == region["caption"], (name, region)
    for chart in page.evaluate(CHARTS):
        assert chart["loaded"] and 0 < chart["width"] <= chart["room"] + 0.5, (name, chart)


@pytest.mark.parametrize("width", [320, 360])
def test_no_results_page_is_wider_than_a_narrow_screen(live_server, new_page, width):
    with live_server.context():
        pages = small_pages()
    for name, page in visit(live_server, new_page, width, pages):
        check_narrow(page, name, width)
        if "summary" in name:  # the downloads and the PDF report are linked, and fit
            assert page.locator("main a[href$='rapport.pdf']").count() == 1, name
            assert page.locator("main a[href*='/resultater.']").count() == 3, name


@pytest.mark.parametrize("width", [320, 360])
def test_pages_with_changes_and_without_items_fit_a_narrow_screen(live_server, new_page, width):
    with live_server.context():
        pages = changed_world()
    for name, page in visit(live_server, new_page, width, pages):
        check_narrow(page, name, width)
