"""Several app servers, one PostgreSQL, one Redis, one secret key (DESIGN §6: no state in a
process): two gunicorn instances on two ports serve one respondent, one administrator and one
rate limit as if they were one server."""

from __future__ import annotations

import uuid

import pytest
import redis
from sqlalchemy import func, select

from collector.models import Answer, Response
from helhet.extensions import db
from tests import factories as core
from tests.collector import factories, helpers
from tests.collector.serving import start_gunicorn
from tests.conftest import PG_URL
from tests.respondents import HttpRespondent, answer_vector, answers_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

REDIS = "redis://127.0.0.1:6379/4"
LOGIN_LIMIT = 6


@pytest.fixture
def two_servers(pg_app, tmp_path):
    """Two gunicorn instances (two workers each) on one PostgreSQL and one Redis, CSRF on."""
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings = "\n".join(
        [
            f"RATELIMIT_STORAGE_URI = {REDIS!r}",
            f"RATELIMIT_KEY_PREFIX = 'several-{uuid.uuid4().hex}'",
            f"RATELIMIT_LOGIN = '{LOGIN_LIMIT} per minute'",
            "",
        ]
    )
    servers = []
    try:
        for name in ("first", "second"):  # both get the same SECRET_KEY from start_gunicorn
            servers.append(start_gunicorn(PG_URL, tmp_path / name, workers=2, settings=settings))
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_a_respondent_goes_back_and_forth_between_two_servers_and_one_response_is_stored(
    pg_app, two_servers
):
    first, second = (server.url for server in two_servers)
    tree = core.make_tree()
    questionnaire = factories.make_questionnaire(sections=3, questions_per_section=4)
    campaign = factories.make_campaign(questionnaire, [tree["4601-helse-hjemme"]])
    (code,) = factories.make_codes(campaign, tree["4601-helse-hjemme"], 1)
    pages = helpers.pages_of(questionnaire)
    db.session.remove()

    browser = HttpRespondent()
    assert browser.enter_code(first, code).status_code == 303
    assert browser.answer(second, pages[0], answers_for(pages[0], 7)).status_code == 303
    switched = browser.answer(first, pages[1], answers_for(pages[1], 7), lang="en")
    assert switched.status_code == 200 and '<html lang="en"' in switched.text
    assert browser.answer(second, pages[1], answers_for(pages[1], 7)).status_code == 303
    assert browser.answer(second, pages[2], answers_for(pages[2], 7)).status_code == 303
    assert browser.send(second)
    assert browser.post(f"{first}/svar/send", {"action": "send"}).status_code == 409

    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    stored = tuple(
        sorted(tuple(r) for r in db.session.execute(select(Answer.question_key, Answer.value)))
    )
    assert stored == answer_vector(pages, 7)


def test_an_administrator_signed_in_on_one_server_is_signed_in_on_both_until_signing_out(
    pg_app, two_servers
):
    first, second = (server.url for server in two_servers)
    email = core.make_user("admin@test.no", role="admin").email
    db.session.remove()

    browser = HttpRespondent()
    browser.get(f"{first}/logg-inn")
    signed_in = browser.post(f"{first}/logg-inn", {"email": email, "password": core.PASSWORD})
    assert signed_in.status_code == 303
    dashboard = signed_in.headers["Location"]
    assert browser.get(f"{second}{dashboard}").status_code == 200
    assert browser.get(f"{first}{dashboard}").status_code == 200
    other_tab = HttpRespondent()  # the same session cookie, kept elsewhere
    other_tab.browser.cookies.update(browser.browser.cookies)

    assert browser.post(f"{second}/logg-ut", {}).status_code == 303
    assert browser.get(f"{first}{dashboard}").status_code == 302  # to the login page
    assert other_tab.get(f"{first}{dashboard}").status_code == 302  # that session ended too
    assert other_tab.get(f"{second}{dashboard}").status_code == 302


def test_a_rate_limit_counts_the_requests_to_both_servers(pg_app, two_servers):
    first, second = (server.url for server in two_servers)
    attempts = HttpRespondent()
    attempts.get(f"{first}/logg-inn")
    statuses = []
    for number in range(LOGIN_LIMIT):
        server = (first, second)[number % 2]
        wrong = {"email": "noen@test.no", "password": f"feil {number}"}
        statuses.append(attempts.post(f"{server}/logg-inn", wrong).status_code)
    assert 429 not in statuses  # half of them on each server: each alone is far below the limit
    assert (
        attempts.post(f"{first}/logg-inn", {"email": "x@test.no", "password": "y"}).status_code
        == 429
    )
    assert (
        attempts.post(f"{second}/logg-inn", {"email": "x@test.no", "password": "y"}).status_code
        == 429
    )
