"""A response the server acknowledged is durable: kill the server (SIGKILL) in the middle of a
burst of submissions, and every acknowledged response is in the database, whole."""

import queue
import threading

import pytest
import requests
from sqlalchemy import func, select

from collector import codes
from collector.models import Answer, Invitation, InvitationStatus, Response
from helhet.extensions import db
from tests import factories as core
from tests.collector import factories, helpers
from tests.collector.serving import start_gunicorn

pytestmark = pytest.mark.slow

SETTINGS = "WTF_CSRF_ENABLED = False\nRATELIMIT_ENABLED = False\n"


def answer_over_http(base: str, code: str, pages) -> bool:
    """The whole survey with one code over HTTP; True if the server acknowledged the send."""
    with requests.Session() as browser:
        response = browser.post(
            f"{base}/svar", data={"code": code}, allow_redirects=False, timeout=10
        )
        if response.status_code != 303:
            return False
        for page in pages:
            browser.post(
                f"{base}/svar/side/{page.number}",
                data={**helpers.valid_page_data(page), "action": "next"},
                allow_redirects=False,
                timeout=10,
            )
        response = browser.post(
            f"{base}/svar/send", data={"action": "send"}, allow_redirects=False, timeout=10
        )
        return response.status_code == 303 and response.headers.get("Location", "").endswith(
            "/svar/takk"
        )


def test_every_acknowledged_response_survives_a_killed_server(app, tmp_path):
    tree = core.make_tree()
    questionnaire = factories.make_questionnaire(sections=3, questions_per_section=10)
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit])
    issued = factories.make_codes(campaign, unit, 400)
    pages = helpers.pages_of(questionnaire)
    db.session.remove()

    server = start_gunicorn(
        app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "instance", workers=2, settings=SETTINGS
    )
    work: queue.Queue = queue.Queue()
    for code in issued:
        work.put(code)
    acknowledged: list[str] = []
    enough = threading.Event()

    def respondent():
        while not work.empty():
            try:
                code = work.get_nowait()
            except queue.Empty:
                return
            try:
                if answer_over_http(server.url, code, pages):
                    acknowledged.append(code)
                    if len(acknowledged) >= 25:
                        enough.set()
            except requests.RequestException:
                return  # the server is gone

    threads = [threading.Thread(target=respondent) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        assert enough.wait(timeout=120), "the server acknowledged too few responses"
        server.kill()  # mid-burst: other submissions are in flight
    finally:
        server.stop()
        for thread in threads:
            thread.join(timeout=60)

    db.session.remove()
    db.engine.dispose()
    completed = set(
        db.session.scalars(
            select(Invitation.code_hash).where(Invitation.status == InvitationStatus.COMPLETED)
        )
    )
    assert {codes.code_hash(c) for c in acknowledged} <= completed
    responses = db.session.scalar(select(func.count()).select_from(Response))
    assert responses == len(completed) >= len(acknowledged) >= 25
    assert responses < len(issued), "the kill should interrupt the burst"
    per_response = set(
        db.session.scalars(select(func.count()).select_from(Answer).group_by(Answer.response_id))
    )
    assert per_response == {30}  # none half-stored
