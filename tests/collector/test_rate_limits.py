"""Code entry and sending are rate-limited per client, so an open link cannot flood a unit and
codes cannot be guessed in bulk. Tests turn the limits on explicitly (conftest turns them off)."""

import uuid

import pytest
from sqlalchemy import func, select

from collector.models import Response
from helhet import privacy
from helhet.extensions import db
from tests import factories as core
from tests.collector import factories, helpers
from tests.conftest import make_app, sqlite_url

LIMITS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_CODE_ENTRY": "3 per minute",
    "RATELIMIT_SUBMIT": "2 per minute",
}


@pytest.fixture
def limited_app(tmp_path):
    app = make_app(sqlite_url(tmp_path), **LIMITS, RATELIMIT_KEY_PREFIX=f"t-{uuid.uuid4().hex}")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def open_link_round():
    tree = core.make_tree()
    questionnaire = factories.make_questionnaire(sections=1, questions_per_section=2)
    campaign = factories.make_campaign(questionnaire, [tree["4601-helse-hjemme"]])
    return questionnaire, campaign


def test_code_entry_is_refused_with_429_after_the_limit(limited_app):
    client = limited_app.test_client()
    statuses = [helpers.enter_code(client, "ABCDE-FGHJK").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_the_limit_page_says_to_wait(limited_app):
    client = limited_app.test_client()
    helpers.english(client)
    for _ in range(3):
        helpers.enter_code(client, "ABCDE-FGHJK")
    assert "Wait a minute and try again." in helpers.enter_code(client, "ABCDE-FGHJK").get_data(
        as_text=True
    )


def test_a_refused_request_says_when_to_try_again(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        allowed = helpers.enter_code(client, "ABCDE-FGHJK")
        # no counters on the answers that were let through: reading them costs a round trip
        assert not [k for k, _v in allowed.headers.items() if k.lower().startswith("x-ratelimit")]
    refused = helpers.enter_code(client, "ABCDE-FGHJK")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 61


def test_personal_links_share_the_limit_of_typed_codes(limited_app):
    _questionnaire, campaign = open_link_round()
    [code] = factories.make_codes(campaign, campaign.units[0].unit, 1)
    client = limited_app.test_client()
    assert helpers.enter_code(client, "ABCDE-FGHJK").status_code == 404
    assert client.get("/k/ABCDEFGHJK").status_code == 404
    assert client.get(f"/k/{code}").status_code == 303
    refused = client.get(f"/k/{code}")  # the fourth try of this minute, however it came
    assert refused.status_code == 429
    assert code not in refused.get_data(as_text=True)
    assert helpers.enter_code(client, code).status_code == 429


def test_showing_the_code_page_is_not_limited(limited_app):
    client = limited_app.test_client()
    assert {client.get("/svar").status_code for _ in range(10)} == {200}


def test_starting_from_an_open_link_is_limited_like_code_entry(limited_app):
    _questionnaire, campaign = open_link_round()
    client = limited_app.test_client()
    link = f"/s/{campaign.units[0].link_token}"
    statuses = [client.post(link, data={"action": "start"}).status_code for _ in range(4)]
    assert statuses == [303, 303, 303, 429]


def test_an_open_link_cannot_be_used_to_send_answers_in_bulk(limited_app):
    questionnaire, campaign = open_link_round()
    client = limited_app.test_client()
    link = f"/s/{campaign.units[0].link_token}"
    statuses = []
    for _ in range(3):
        client.post(link, data={"action": "start"})
        helpers.answer_all_pages(client, questionnaire)
        statuses.append(helpers.send(client).status_code)
    assert statuses == [303, 303, 429]
    assert db.session.scalar(select(func.count()).select_from(Response)) == 2


def test_different_clients_have_their_own_limits(limited_app):
    first = limited_app.test_client()
    second = limited_app.test_client()
    for _ in range(3):
        helpers.enter_code(first, "ABCDE-FGHJK")
    assert helpers.enter_code(first, "ABCDE-FGHJK").status_code == 429
    response = second.post(
        "/svar", data={"code": "ABCDE-FGHJK"}, environ_base={"REMOTE_ADDR": "10.0.0.2"}
    )
    assert response.status_code == 404


def test_the_rate_limit_key_is_not_the_client_address(limited_app):
    with limited_app.test_request_context("/svar", environ_base={"REMOTE_ADDR": "192.0.2.17"}):
        key = privacy.client_key()
    assert "192.0.2.17" not in key
    with limited_app.test_request_context("/svar", environ_base={"REMOTE_ADDR": "192.0.2.18"}):
        assert privacy.client_key() != key


def test_limits_are_shared_through_redis_when_configured(tmp_path):
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    overrides = {
        **LIMITS,
        "RATELIMIT_STORAGE_URI": url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    first = make_app(sqlite_url(tmp_path), **overrides)
    second = make_app(f"sqlite:///{tmp_path / 'other.sqlite'}", **overrides)
    statuses = []
    for app in (first, second, first, second):
        with app.app_context():
            statuses.append(
                app.test_client().post("/svar", data={"code": "ABCDE-FGHJK"}).status_code
            )
    assert statuses == [404, 404, 404, 429]
