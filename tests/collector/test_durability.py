"""A crash loses nothing that was acknowledged: kill the server (SIGKILL, master and workers) in the
middle of a burst of sends with codes, on SQLite and on PostgreSQL, start it again, and find every
acknowledged send stored exactly once with all its answers, no half-written response, every
interrupted respondent able to go on (with the same session cookie, or by entering the code again),
and on SQLite a file that passes `PRAGMA integrity_check`."""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections import Counter

import pytest
import requests
from sqlalchemy import func, select

from collector import codes as code_hashing
from collector.models import Answer, Invitation, InvitationStatus, Response
from helhet.extensions import db
from tests import factories as core
from tests.collector import factories, helpers
from tests.collector.serving import start_gunicorn
from tests.respondents import HttpRespondent, answer_vector, answers_for

pytestmark = pytest.mark.slow

SETTINGS = "WTF_CSRF_ENABLED = False\nRATELIMIT_ENABLED = False\n"
INTERRUPTED = 6  # respondents half-way through (two of three pages) when the server dies
ENOUGH = 25  # acknowledged sends before the kill


def integrity(app) -> list[str]:
    """SQLite's own check of the database file (after the WAL is replayed)."""
    connection = sqlite3.connect(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()


def stored_vectors() -> Counter:
    """Each stored response as its sorted (question, value) pairs, counted."""
    answers: dict[int, list] = {}
    for row in db.session.execute(select(Answer.response_id, Answer.question_key, Answer.value)):
        answers.setdefault(row.response_id, []).append((row.question_key, row.value))
    responses = db.session.scalars(select(Response.id)).all()
    return Counter(tuple(sorted(answers.get(r, []))) for r in responses)


def completed_hashes() -> set[str]:
    return set(
        db.session.scalars(
            select(Invitation.code_hash).where(Invitation.status == InvitationStatus.COMPLETED)
        )
    )


def test_every_acknowledged_send_survives_a_killed_server_and_the_others_can_go_on(
    any_app, tmp_path
):
    tree = core.make_tree()
    questionnaire = factories.make_questionnaire(sections=3, questions_per_section=10)
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit])
    issued = factories.make_codes(campaign, unit, 400)
    pages = helpers.pages_of(questionnaire)
    signature = {code: number for number, code in enumerate(issued)}
    url = any_app.config["SQLALCHEMY_DATABASE_URI"]
    sqlite = url.startswith("sqlite")
    db.session.remove()
    instance = tmp_path / "instance"
    server = start_gunicorn(url, instance, workers=2, settings=SETTINGS)

    # respondents half-way through: two of the three pages saved
    interrupted = {code: HttpRespondent() for code in issued[:INTERRUPTED]}
    for code, respondent in interrupted.items():
        assert respondent.enter_code(server.url, code).status_code == 303
        for page in pages[:2]:
            saved = respondent.answer(server.url, page, answers_for(page, signature[code]))
            assert saved.status_code == 303

    work: queue.Queue = queue.Queue()
    for code in issued[INTERRUPTED:]:
        work.put(code)
    acknowledged: list[str] = []
    started: list[str] = []
    enough = threading.Event()

    def respondent():
        while True:
            try:
                code = work.get_nowait()
            except queue.Empty:
                return
            started.append(code)
            try:
                if HttpRespondent().whole_survey(server.url, code, pages, signature[code]):
                    acknowledged.append(code)
                    if len(acknowledged) >= ENOUGH:
                        enough.set()
            except requests.RequestException:
                return  # the server is gone

    threads = [threading.Thread(target=respondent) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        assert enough.wait(timeout=180), "the server acknowledged too few responses"
        server.kill()  # mid-burst: other sends are in flight
    finally:
        server.stop()
        for thread in threads:
            thread.join(timeout=60)
    assert len(started) < len(issued) - INTERRUPTED, "the kill should interrupt the burst"

    # right after the crash: what was acknowledged is there, whole, once
    db.session.remove()
    db.engine.dispose()
    if sqlite:
        assert integrity(any_app) == ["ok"]
    assert {code_hashing.code_hash(c) for c in acknowledged} <= completed_hashes()
    vectors = stored_vectors()
    for code in acknowledged:
        assert vectors[answer_vector(pages, signature[code])] == 1, "stored once, all answers"
    assert sum(vectors.values()) == len(completed_hashes()), "a response per completed code"
    assert {len(vector) for vector in vectors} == {30}, "no half-written response"

    # the server comes back with the same secret key; everyone who was cut off goes on
    server = start_gunicorn(url, instance, workers=2, settings=SETTINGS)
    try:
        for number, (code, respondent) in enumerate(interrupted.items()):
            if number % 2:  # a new browser: the code finds the draft again
                respondent = HttpRespondent()
                assert respondent.enter_code(server.url, code).status_code == 303
            # the session (or the code) still works; only the last page is answered now: the
            # send is complete only if the two pages saved before the crash are in the draft
            assert respondent.get(f"{server.url}/svar/side/3").status_code == 200
            last = respondent.answer(server.url, pages[2], answers_for(pages[2], signature[code]))
            assert last.status_code == 303
            assert respondent.send(server.url)
        for code in started:
            if code in acknowledged:
                continue
            retry = HttpRespondent()
            entered = retry.enter_code(server.url, code)
            if entered.status_code == 409:  # stored, but the acknowledgement was lost in the crash
                continue
            assert entered.status_code == 303
            for page in pages:
                answered = retry.answer(server.url, page, answers_for(page, signature[code]))
                assert answered.status_code == 303
            assert retry.send(server.url)
    finally:
        server.stop()

    db.session.remove()
    db.engine.dispose()
    if sqlite:
        assert integrity(any_app) == ["ok"]
    everyone = [*interrupted, *started]
    assert completed_hashes() == {code_hashing.code_hash(c) for c in everyone}
    vectors = stored_vectors()
    assert vectors == Counter(answer_vector(pages, signature[c]) for c in everyone), (
        "every respondent stored exactly once, with all answers"
    )
    answered = db.session.scalar(select(func.count(func.distinct(Answer.response_id))))
    assert answered == db.session.scalar(select(func.count()).select_from(Response))
