"""The round page's invitations section (counts, refused addresses, a contact list with problems)
and the personal link's error page in a real browser: axe-core finds no WCAG 2.1 AA violations at
1280 px and 320 px, and nothing scrolls sideways on a narrow screen."""

from __future__ import annotations

import pytest

from collector import invitations
from collector.models import ContactChannel
from helhet.extensions import db
from tests import factories as core
from tests.collector import factories
from tests.collector.messageservers import SmtpServer
from tests.scorecard.test_pages_browser import check, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_invitation_pages_pass_axe_at_every_width(live_server, new_page, smtp, width):
    live_server.app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_DEFAULT_SENDER="kommunen@example.no"
    )
    smtp.recorder.refuse = {"borte@example.no"}
    with live_server.context():
        tree = core.make_tree()
        core.make_user("admin@test.no", role="admin")
        questionnaire = factories.make_questionnaire(sections=1, questions_per_section=2)
        unit = tree["4601-helse-hjemme"]
        campaign = factories.make_campaign(questionnaire, [unit])
        invitations.import_contacts(
            campaign,
            unit,
            ContactChannel.EMAIL,
            "liste.csv",
            b"email\nkari@example.no\nborte@example.no\n",
        )
        db.session.commit()
        report = invitations.send_invitations(campaign, live_server.url + "/svar")
        assert report.sent == 1 and len(report.refused) == 1
        campaign_id = campaign.id

    admin = new_page(width=width)
    sign_in(admin, live_server.url, "admin@test.no")
    admin.goto(f"{live_server.url}/admin/runder/{campaign_id}")
    assert "borte@example.no" in admin.content()
    check(admin, "round page with invitations", width)

    admin.set_input_files(
        "#file",
        files=[
            {"name": "liste.csv", "mimeType": "text/csv", "buffer": b"email\nikke-en-adresse\n"}
        ],
    )
    with admin.expect_navigation():
        admin.click("text=Legg til listen og send invitasjonene")
    assert "Nothing was imported" in admin.content() or "Ingenting ble importert" in (
        admin.content()
    )
    check(admin, "round page with a contact list's problems", width)

    respondent = new_page(width=width)
    respondent.goto(live_server.url + "/k/ABCDEFGHJK")
    check(respondent, "personal link with an unknown code", width)
