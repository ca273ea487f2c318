"""The goal and scorecard pages in a real browser: axe-core finds no WCAG 2.1 AA violations on the
scorecard (the four dimensions, drill-down), a goal with its chart, the follow-up, the goal list,
the goal form with errors, the import with problems, copying, the summary, publication and the
public scorecard, at 1280 px and 320 px, and nothing scrolls sideways on a narrow screen. CSRF is
on here, as in production."""

from __future__ import annotations

import pytest

from helhet.extensions import db
from scorecard import goal_services
from scorecard.models import Dimension
from tests.scorecard.test_goal_pages import setup_world
from tests.scorecard.test_pages_browser import check, sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 320])
def test_the_goal_and_scorecard_pages_pass_axe_at_every_width(live_server, new_page, width):
    with live_server.context():
        world = setup_world()
        goal_services.save_summary("2026", Dimension.ECONOMY, "Et stramt år.", world["admin"])
        goal_services.publish("2026", world["admin"])
        db.session.commit()
        ids = {name: world[name].id for name in ("top", "helse", "hidden", "school")}
        measure_id = world["top"].measures[0].id

    admin = new_page(width=width)
    sign_in(admin, live_server.url, "admin@test.no")
    for name, path in {
        "scorecard": "/styringskort?periode=2026",
        "scorecard with the units below": "/styringskort?periode=2026&under=1",
        "a sector's scorecard": "/styringskort?periode=2026&enhet=4601-helse",
        "a figure goal with its chart": f"/mal/{ids['top']}",
        "a suppressed survey goal": f"/mal/{ids['hidden']}",
        "a survey goal": f"/mal/{ids['school']}",
        "follow-up": f"/mal/{ids['top']}/oppfolging",
        "a measure": f"/mal/{ids['top']}/tiltak/{measure_id}",
        "goals": "/mal?periode=2026",
        "new goal": "/mal/ny",
        "edit goal": f"/mal/{ids['top']}/endre",
        "delete goal": f"/mal/{ids['top']}/slett",
        "copy goals": "/mal/kopier",
        "import goals": "/mal/import",
        "summary": "/styringskort/2026/sammendrag/economy",
        "publication": "/styringskort/publisering",
    }.items():
        admin.goto(live_server.url + path)
        check(admin, name, width)

    admin.goto(live_server.url + "/mal/ny")
    admin.fill("#target", "fire")
    admin.fill("#period", "2026T1")
    with admin.expect_navigation():
        admin.click("main form button[type=submit]")
    assert "Noe må rettes" in admin.content()  # the error summary
    check(admin, "goal form with errors", width)

    admin.goto(live_server.url + "/mal/import")
    admin.set_input_files(
        "#file",
        files=[
            {
                "name": "mål.csv",
                "mimeType": "text/csv",
                "buffer": b"indicator;unit;period;target\nsykefravaer;9999;2026;x\n",
            }
        ],
    )
    with admin.expect_navigation():
        admin.click("main form button[type=submit]")
    check(admin, "import with problems", width)

    leader = new_page(width=width)
    sign_in(leader, live_server.url, "leder@test.no")
    for name, path in {
        "leader's scorecard": "/styringskort",
        "leader's goal": f"/mal/{ids['helse']}",
        "propose a goal": "/mal/ny",
        "summary, read only": "/styringskort/2026/sammendrag/economy",
    }.items():
        leader.goto(live_server.url + path)
        check(leader, name, width)

    visitor = new_page(width=width)
    for name, path in {
        "public index": "/offentlig/styringskort",
        "public scorecard": "/offentlig/styringskort/2026?under=1",
        "public goal": f"/offentlig/styringskort/2026/mal/{ids['top']}",
    }.items():
        visitor.goto(live_server.url + path)
        check(visitor, name, width)
