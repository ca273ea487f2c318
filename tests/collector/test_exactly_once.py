"""A code yields at most one response: concurrent sends from many browsers, double clicks and
replayed forms all end with exactly one response (on SQLite and on PostgreSQL)."""

from sqlalchemy import func, select

from collector.models import Answer, Response
from helhet.extensions import db
from tests import factories as core
from tests.collector import factories, helpers
from tests.concurrency import run_concurrently

SESSION_COOKIE = "session"


def counts() -> tuple[int, int]:
    db.session.rollback()  # see what the other connections committed
    return (
        db.session.scalar(select(func.count()).select_from(Response)),
        db.session.scalar(select(func.count()).select_from(Answer)),
    )


def make_round(units=1):
    tree = core.make_tree()
    questionnaire = factories.make_questionnaire(sections=3, questions_per_section=10)
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit])
    return questionnaire, campaign, factories.make_codes(campaign, unit, units)


def copy_session(source, target) -> None:
    cookie = source.get_cookie(SESSION_COOKIE)
    target.set_cookie(SESSION_COOKIE, cookie.value)


def test_one_code_sent_from_eight_browsers_at_once_gives_exactly_one_response(any_app):
    questionnaire, _campaign, (code,) = make_round()
    browsers = [any_app.test_client() for _ in range(8)]
    helpers.enter_code(browsers[0], code)
    helpers.answer_all_pages(browsers[0], questionnaire)
    for browser in browsers[1:]:
        assert helpers.enter_code(browser, code).status_code == 303

    results = run_concurrently([lambda b=b: helpers.send(b) for b in browsers])

    statuses = sorted(r.status_code for r in results)
    assert statuses.count(303) == 1, statuses
    assert all(s == 409 for s in statuses if s != 303), statuses
    assert counts() == (1, 30)


def test_a_double_click_on_send_gives_exactly_one_response(any_app):
    questionnaire, _campaign, (code,) = make_round()
    first = any_app.test_client()
    helpers.enter_code(first, code)
    helpers.answer_all_pages(first, questionnaire)
    second = any_app.test_client()  # the same browser: the same session cookie
    copy_session(first, second)

    results = run_concurrently([lambda: helpers.send(first), lambda: helpers.send(second)])

    assert sorted(r.status_code for r in results) == [303, 409]
    assert counts() == (1, 30)


def test_a_double_click_on_an_open_link_send_gives_exactly_one_response(any_app):
    questionnaire, campaign, _codes = make_round()
    first = any_app.test_client()
    first.post(f"/s/{campaign.units[0].link_token}", data={"action": "start"})
    helpers.answer_all_pages(first, questionnaire)
    second = any_app.test_client()
    copy_session(first, second)

    results = run_concurrently([lambda: helpers.send(first), lambda: helpers.send(second)])

    assert sorted(r.status_code for r in results) == [303, 409]
    assert counts() == (1, 30)


def test_many_codes_sent_at_once_each_give_one_response(any_app):
    questionnaire, _campaign, issued = make_round(units=6)
    browsers = []
    for code in issued:
        browser = any_app.test_client()
        helpers.enter_code(browser, code)
        helpers.answer_all_pages(browser, questionnaire)
        browsers.append(browser)

    results = run_concurrently([lambda b=b: helpers.send(b) for b in browsers])

    assert [r.status_code for r in results] == [303] * 6
    assert counts() == (6, 180)


def test_a_replayed_send_after_success_stores_nothing_more(app, tree):
    open_round = factories.make_open_round(tree)
    client = app.test_client()
    helpers.enter_code(client, open_round.codes[0])
    helpers.answer_all_pages(client, open_round.questionnaire)
    before = client.get_cookie(SESSION_COOKIE).value
    assert helpers.send(client).status_code == 303

    client.set_cookie(SESSION_COOKIE, before)  # the very same request again
    response = helpers.send(client)

    assert response.status_code == 409
    assert counts()[0] == 1


def test_the_same_code_entered_in_two_browsers_at_once_makes_one_draft(any_app):
    _questionnaire, _campaign, (code,) = make_round()
    browsers = [any_app.test_client() for _ in range(4)]

    results = run_concurrently([lambda b=b: helpers.enter_code(b, code) for b in browsers])

    assert [r.status_code for r in results] == [303] * 4
    from collector.models import Draft

    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 1
