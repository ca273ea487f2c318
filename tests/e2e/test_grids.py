"""Grids in Chromium: axe-core finds no violations at 1280 and 320 px, with and without errors;
the column headers show only on a wide screen, and the rows fit a 320 px screen. Screenshots are
written to $HELHET_SCREENSHOTS (when set) for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import factories as core
from tests.browser import page_width, violations
from tests.collector import factories
from tests.e2e.test_answering_accessibility import enter

pytestmark = pytest.mark.e2e


def make_world(server):
    with server.context():
        tree = core.make_tree()
        questionnaire = factories.make_questionnaire(
            sections=2, questions_per_section=5, grid_sections=(1,)
        )
        unit = tree["4601-helse-hjemme"]
        campaign = factories.make_campaign(questionnaire, [unit])
        return factories.make_codes(campaign, unit, 2)


def screenshot(page, name: str) -> None:
    folder = os.environ.get("HELHET_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def shown(page, selector: str) -> bool:
    return page.evaluate(
        "s => getComputedStyle(document.querySelector(s)).display !== 'none'", selector
    )


@pytest.mark.parametrize("width", [1280, 320])
def test_a_grid_has_no_wcag_violations_with_and_without_errors(live_server, new_page, width):
    codes = make_world(live_server)
    page = new_page(width=width)
    enter(page, live_server.url, codes[0])
    assert page.locator(".grid fieldset").count() == 5
    screenshot(page, f"grid-{width}")
    assert violations(page) == []
    assert page_width(page) <= width
    page.check("#q_s1q1-2")
    page.check("#q_s1q4-6")
    with page.expect_navigation():
        page.click("main button[value=next]")
    assert page.locator(".grid__row.field--error").count() == 3
    screenshot(page, f"grid-{width}-errors")
    assert violations(page) == []
    assert page_width(page) <= width
    assert page.is_checked("#q_s1q1-2") and page.is_checked("#q_s1q4-6")


def test_the_column_headers_show_on_a_wide_screen_and_the_labels_on_a_narrow_one(
    live_server, new_page
):
    codes = make_world(live_server)
    wide = new_page(width=1280)
    enter(wide, live_server.url, codes[0])
    assert shown(wide, ".grid__head")
    assert wide.locator("label[for=q_s1q1-0]").bounding_box()["width"] <= 1
    narrow = new_page(width=320)
    enter(narrow, live_server.url, codes[1])
    assert not shown(narrow, ".grid__head")
    assert narrow.locator("label[for=q_s1q1-0]").bounding_box()["width"] > 100


def test_the_radios_are_named_by_their_scale_point_within_the_statement(live_server, new_page):
    codes = make_world(live_server)
    page = new_page(width=1280)
    enter(page, live_server.url, codes[0])
    group = page.get_by_role("group", name="1. Spørsmål s1q1")
    assert group.get_by_role("radio").count() == 7
    assert group.get_by_role("radio", name="1 – Svært misfornøyd").count() == 1
    assert group.get_by_role("radio", name="Vet ikke / ikke aktuelt").count() == 1


def test_a_grid_row_columns_line_up_with_the_headers(live_server, new_page):
    codes = make_world(live_server)
    page = new_page(width=1280)
    enter(page, live_server.url, codes[0])
    headers = page.locator(".grid__colhead")
    for row in (1, 5):
        for index in range(7):
            header = headers.nth(index).bounding_box()
            radio = page.locator(f"#q_s1q{row}-{index}").bounding_box()
            centre = radio["x"] + radio["width"] / 2
            assert header["x"] <= centre <= header["x"] + header["width"], (row, index)
