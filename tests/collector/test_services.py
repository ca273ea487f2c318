"""Round services: what is refused, and what closing a round cleans up."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from collector import services
from collector.clock import utcnow
from collector.models import Draft
from collector.queries import spike
from helhet.extensions import db
from tests.collector import factories, helpers


def make(tree, **changes):
    questionnaire = changes.pop("questionnaire", None) or factories.make_questionnaire()
    now = utcnow()
    arguments = {
        "name": "",
        "questionnaire": questionnaire,
        "units": [tree["4601-helse-hjemme"]],
        "opens_at": now,
        "closes_at": now + timedelta(days=7),
        "open_link": True,
        "use_codes": True,
    }
    arguments.update(changes)
    return services.create_campaign(**arguments)


def test_a_round_without_a_name_is_named_after_its_questionnaire_and_year(app, tree):
    campaign = make(tree)
    assert campaign.name == f"Medarbeiderundersøkelse {utcnow().year}"


def test_a_round_gets_one_open_link_per_unit(app, tree):
    campaign = make(
        tree,
        units=[tree["4601-helse-hjemme"], tree["4601-helse-sykehjem"], tree["4601-helse-hjemme"]],
    )
    tokens = [cu.link_token for cu in campaign.units]
    assert len(tokens) == 2 and len(set(tokens)) == 2 and all(len(t) >= 16 for t in tokens)


def test_a_minimum_group_below_3_is_refused(app, tree):
    with pytest.raises(services.CampaignError) as error:
        make(tree, min_group=2)
    assert error.value.field == "min_group"


def test_an_unpublished_questionnaire_is_refused(app, tree):
    with pytest.raises(services.CampaignError):
        make(tree, questionnaire=factories.make_questionnaire(published=False))


def test_a_round_that_has_already_closed_cannot_be_created(app, tree):
    with pytest.raises(services.CampaignError):
        make(tree, opens_at=utcnow() - timedelta(days=9), closes_at=utcnow() - timedelta(days=1))


def test_codes_are_refused_for_a_round_without_codes(app, tree):
    campaign = make(tree, use_codes=False)
    with pytest.raises(services.CampaignError):
        services.add_codes(campaign, tree["4601-helse-hjemme"], 3)


def test_closing_a_round_removes_its_open_link_drafts_but_keeps_code_drafts(app, tree):
    open_round = factories.make_open_round(tree)
    link_browser = app.test_client()
    link_browser.post(f"/s/{open_round.campaign.units[0].link_token}", data={"action": "start"})
    helpers.enter_code(app.test_client(), open_round.codes[0])
    assert services.close_now(open_round.campaign) == 1
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 1
    assert db.session.scalars(select(Draft)).one().invitation_id is not None


def test_idle_open_link_drafts_can_be_purged_in_an_open_round(app, tree):
    open_round = factories.make_open_round(tree)
    app.test_client().post(
        f"/s/{open_round.campaign.units[0].link_token}", data={"action": "start"}
    )
    db.session.execute(Draft.__table__.update().values(updated_at=utcnow() - timedelta(days=40)))
    assert services.purge_open_link_drafts(idle_before=utcnow() - timedelta(days=30)) == 1


def test_merging_a_page_lays_its_answers_over_the_draft_and_none_removes():
    assert services.merged({"a": 1, "b": 2}, {"b": None, "c": 3}) == {"a": 1, "c": 3}


# --- the spike rule -----------------------------------------------------------------------------

OPENED = date(2026, 3, 2)


def test_no_spike_on_an_ordinary_day():
    daily = {OPENED: 8, OPENED + timedelta(days=1): 6, OPENED + timedelta(days=2): 9}
    assert spike(daily, 23, 200, OPENED, OPENED + timedelta(days=2)) is None


def test_more_than_three_times_the_daily_average_and_more_than_ten_is_a_spike():
    daily = {OPENED: 4, OPENED + timedelta(days=1): 2, OPENED + timedelta(days=2): 13}
    found = spike(daily, 19, 200, OPENED, OPENED + timedelta(days=2))
    assert found is not None and found.kind == "today" and found.average == 3.0


def test_a_small_unit_needs_more_than_ten_answers_today_to_spike():
    daily = {OPENED: 1, OPENED + timedelta(days=1): 9}
    assert spike(daily, 10, 40, OPENED, OPENED + timedelta(days=1)) is None


def test_the_first_day_has_no_average_to_compare_with():
    assert spike({OPENED: 30}, 30, 200, OPENED, OPENED) is None


def test_more_answers_than_people_is_always_a_spike():
    found = spike({OPENED: 16}, 16, 15, OPENED, OPENED)
    assert found is not None and found.kind == "over_population"
