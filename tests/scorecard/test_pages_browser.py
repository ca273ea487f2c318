"""The scorecard's pages in a real browser: axe-core finds no WCAG 2.1 AA violations on the
indicator catalogue and form, the key figures (with revisions and missing values), the import
page and its preview (with problems, and ready to import), at 1280 px and 320 px, and nothing
scrolls sideways on a narrow screen. CSRF is on here, as in production."""

from __future__ import annotations

import pytest

from tests import factories as core
from tests.browser import page_width, violations
from tests.scorecard.factories import DATA, import_file, import_kostra, starter

pytestmark = pytest.mark.e2e


def sign_in(page, url: str, email: str) -> None:
    page.goto(url + "/logg-inn")
    page.fill("#email", email)
    page.fill("#password", core.PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def check(page, name: str, width: int) -> None:
    assert page.locator("h1").count() == 1, name
    assert violations(page) == [], f"{name} at {width} px"
    if width == 320:
        assert page_width(page) <= 320, f"{name} scrolls sideways at 320 px"


@pytest.mark.parametrize("width", [1280, 320])
def test_the_scorecard_pages_pass_axe_at_every_width(live_server, new_page, width):
    with live_server.context():
        tree = core.make_tree()
        core.make_user("admin@test.no", role="admin")
        core.make_user("leder@test.no", role="leader", unit=tree["4601-helse"])
        starter()
        import_kostra()
        import_file("rev.json", (DATA / "kostra_12134_revised.json").read_bytes())
        import_file("figures.csv", (DATA / "figures.csv").read_bytes())
        from scorecard import queries

        indicator_id = queries.figure_indicator("netto_lanegjeld").id
    admin = new_page(width=width)
    sign_in(admin, live_server.url, "admin@test.no")
    for name, path in {
        "catalogue": "/indikatorer",
        "new indicator": "/indikatorer/ny",
        "edit indicator": f"/indikatorer/{indicator_id}",
        "key figures": "/nokkeltall",
        "import": "/nokkeltall/import",
    }.items():
        admin.goto(live_server.url + path)
        check(admin, name, width)

    admin.goto(live_server.url + "/nokkeltall/import")
    admin.set_input_files("#file", str(DATA / "kostra_12134.json"))
    with admin.expect_navigation():
        admin.click("main button[type=submit]")
    assert "KOSdispfond0000" in admin.content()
    check(admin, "preview with problems", width)
    admin.fill(
        "#mappings",
        "KOSnettodriftsres0000=netto_driftsresultat\nKOSdispfond0000=disposisjonsfond\n"
        "KOSnettolaanegj0000=-",
    )
    with admin.expect_navigation():
        admin.click("main form[action$='kart'] button[type=submit]")
    check(admin, "preview ready to import", width)
    with admin.expect_navigation():
        admin.click("main form[action$='bekreft'] button[type=submit]")
    assert admin.url.endswith("/nokkeltall")

    leader = new_page(width=width)
    sign_in(leader, live_server.url, "leder@test.no")
    leader.goto(live_server.url + "/nokkeltall")
    check(leader, "leader's key figures", width)
