"""The issue's "done": on the demo municipality an administrator creates a round with codes for a
unit, downloads the letters, and a respondent answers on a phone-sized screen in nynorsk with a
code; the answer is counted exactly once."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from collector.models import Campaign, Response
from helhet import demo
from helhet.extensions import db
from tests.collector import pdftext

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("HELHET_SCREENSHOTS")  # a folder: save screenshots there to look at


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def answer_visible_page(page) -> None:
    for fieldset in page.locator("#answer-form fieldset").all():
        radios = fieldset.locator("input[type=radio]")
        if radios.count():
            radios.nth(min(3, radios.count() - 1)).check()
    for field in page.locator("#answer-form input[inputmode]").all():
        field.fill("1")


def test_an_administrator_issues_codes_and_a_respondent_answers_in_nynorsk_on_a_phone(
    live_server, new_page
):
    with live_server.context():
        demo.load()
        db.session.commit()
    admin_email, admin_password = demo.ADMIN[1], demo.ADMIN[2]

    admin = new_page(width=1280, language="nb")
    admin.goto(live_server.url + "/logg-inn")
    admin.fill("#email", admin_email)
    admin.fill("#password", admin_password)
    with admin.expect_navigation():
        admin.click("main button[type=submit]")
    admin.goto(live_server.url + "/admin/runder/ny")
    admin.fill("#name", "Brukarundersøking heimetenester")
    options = admin.locator("#questionnaire option").all_inner_texts()
    admin.select_option(
        "#questionnaire",
        index=next(i for i, o in enumerate(options) if "bruker_hjemmetjenester" in o),
    )
    admin.check("label:has-text('Hjemmetjenesten')")
    shot(admin, "done-1-new-round")
    with admin.expect_navigation():
        admin.click("main button[type=submit]")
    assert "/admin/runder/" in admin.url, admin.content()[:3000]
    shot(admin, "done-2-round-page")

    admin.fill("input[name^=count_]", "3")
    admin.check("input[name=output][value=zip]")
    with admin.expect_download() as download:
        admin.click("main form[action$=koder] button[type=submit]")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    names = sorted(archive.namelist())
    rows = list(
        csv.DictReader(io.StringIO(archive.read(names[0]).decode("utf-8-sig")), delimiter=";")
    )
    letters = archive.read(names[1])
    assert len(rows) == 3 and pdftext.page_count(letters) == 3
    assert rows[0]["code"] in pdftext.text(letters)

    phone = new_page(width=320, language="nn")
    phone.goto(live_server.url + "/svar")
    assert phone.evaluate("document.documentElement.lang") == "nn"
    phone.fill("#code", rows[0]["code"].lower().replace("-", " "))
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    shot(phone, "done-3-phone-page-1")
    pages = 0
    while "/svar/side/" in phone.url:
        answer_visible_page(phone)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 320
        with phone.expect_navigation():
            phone.click("#answer-form button[value=next]")
        pages += 1
        assert pages < 20
    assert phone.url.endswith("/svar/send")
    shot(phone, "done-4-phone-send")
    with phone.expect_navigation():
        phone.click("main button[value=send]")
    assert phone.url.endswith("/svar/takk")
    shot(phone, "done-5-phone-thanks")

    with live_server.context():
        campaign = db.session.scalars(
            select(Campaign).where(Campaign.name == "Brukarundersøking heimetenester")
        ).one()
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Response)
                .where(Response.campaign_id == campaign.id)
            )
            == 1
        )

    admin.reload()
    shot(admin, "done-6-round-page-after")
    row = admin.locator("tr", has_text="Hjemmetjenesten").first.inner_text()
    assert "\t1\t" in row or " 1 " in row
