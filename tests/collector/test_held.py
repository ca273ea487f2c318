"""Open-link answers beyond the unit's headcount, or several at once from one client, are held
for an administrator to count or delete: never counted silently, never lost silently."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from collector import dataset
from collector.models import HoldReason, Response, ResponseState
from helhet.extensions import db
from helhet.models import UnitPopulation
from tests import factories as core
from tests.collector import factories, helpers
from tests.conftest import make_app, sqlite_url


def open_round(population: int | None = None, tree=None):
    tree = tree or core.make_tree()
    unit = tree["4601-helse-hjemme"]
    if population is not None:
        db.session.execute(
            UnitPopulation.__table__.update()
            .where(UnitPopulation.unit_id == unit.id)
            .values(count=population)
        )
        db.session.commit()
    questionnaire = factories.make_questionnaire(sections=1, questions_per_section=2)
    campaign = factories.make_campaign(questionnaire, [unit])
    return questionnaire, campaign, unit


def answer_open_link(client, questionnaire, campaign) -> int:
    assert (
        client.post(f"/s/{campaign.units[0].link_token}", data={"action": "start"}).status_code
        == 303
    )
    helpers.answer_all_pages(client, questionnaire)
    return helpers.send(client).status_code


def states() -> dict[str, int]:
    db.session.rollback()
    return dict(
        db.session.execute(select(Response.state, func.count()).group_by(Response.state)).all()
    )


def test_open_link_answers_beyond_the_headcount_are_held(any_app):
    questionnaire, campaign, _unit = open_round(population=2)
    for _ in range(3):
        assert answer_open_link(any_app.test_client(), questionnaire, campaign) == 303

    assert states() == {ResponseState.RECEIVED: 2, ResponseState.HELD: 1}
    held = db.session.scalars(select(Response).where(Response.state == ResponseState.HELD)).one()
    assert held.held_reason == HoldReason.OVER_POPULATION


def test_held_answers_are_not_part_of_the_data(any_app):
    questionnaire, campaign, _unit = open_round(population=1)
    for _ in range(2):
        answer_open_link(any_app.test_client(), questionnaire, campaign)

    assert len(dataset.answers_frame(campaign)) == 1
    assert int(dataset.item_sums(campaign)["respondents"].max()) == 1


def test_the_round_status_shows_held_answers_apart_from_the_counted_ones(app, runner):
    questionnaire, campaign, _unit = open_round(population=1)
    for _ in range(3):
        answer_open_link(app.test_client(), questionnaire, campaign)

    data = json.loads(
        runner.invoke(args=["campaign", "status", str(campaign.id), "--format", "json"]).output
    )
    assert data["responses"] == 1 and data["held"] == 2
    assert data["units"][0]["held"] == {"over_population": 2}
    text = runner.invoke(args=["campaign", "status", str(campaign.id)]).output
    assert "2 HELD" in text


@pytest.fixture
def burst_app(tmp_path):
    app = make_app(
        sqlite_url(tmp_path),
        RATELIMIT_ENABLED=True,
        RATELIMIT_SUBMIT="100 per minute",
        RATELIMIT_CODE_ENTRY="100 per minute",
        OPEN_LINK_BURST="3 per minute",
        RATELIMIT_KEY_PREFIX=f"t-{uuid.uuid4().hex}",
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_a_burst_of_open_link_answers_from_one_client_is_held_after_the_third(burst_app):
    questionnaire, campaign, _unit = open_round()
    for _ in range(5):  # one person, five browsers (or one browser that clears its cookies)
        assert answer_open_link(burst_app.test_client(), questionnaire, campaign) == 303

    assert states() == {ResponseState.RECEIVED: 3, ResponseState.HELD: 2}
    reasons = set(
        db.session.scalars(select(Response.held_reason).where(Response.state == ResponseState.HELD))
    )
    assert reasons == {HoldReason.BURST}


def test_code_answers_are_never_held(app):
    questionnaire, campaign, unit = open_round(population=1)
    issued = factories.make_codes(campaign, unit, 3)
    for code in issued:
        assert helpers.answer_with_code(app.test_client(), questionnaire, code).status_code == 303

    assert states() == {ResponseState.RECEIVED: 3}


def test_an_administrator_counts_held_answers_on_the_round_page(app, admin_client):
    questionnaire, campaign, unit = open_round(population=1)
    for _ in range(3):
        answer_open_link(app.test_client(), questionnaire, campaign)
    page = admin_client.get(f"/admin/runder/{campaign.id}").get_data(as_text=True)
    assert "holdt tilbake" in page

    response = admin_client.post(
        f"/admin/runder/{campaign.id}/holdt/{unit.id}", data={"decision": "accept"}
    )

    assert response.status_code == 303
    assert ResponseState.HELD not in states()
    assert sum(states().values()) == 3


def test_an_administrator_deletes_held_answers_with_their_answers(app, admin_client):
    questionnaire, campaign, unit = open_round(population=1)
    for _ in range(3):
        answer_open_link(app.test_client(), questionnaire, campaign)

    admin_client.post(f"/admin/runder/{campaign.id}/holdt/{unit.id}", data={"decision": "discard"})

    assert states() == {ResponseState.RECEIVED: 1}
    assert len(dataset.answers_long(campaign)) == 2  # the one counted response's two answers


def test_held_answers_are_decided_on_from_the_command_line(app, runner):
    questionnaire, campaign, unit = open_round(population=1)
    for _ in range(2):
        answer_open_link(app.test_client(), questionnaire, campaign)

    result = runner.invoke(
        args=["campaign", "held", str(campaign.id), "--unit", unit.code, "--accept"]
    )

    assert result.exit_code == 0 and "1 held answers" in result.output
    assert states() == {ResponseState.RECEIVED: 2}


def test_a_leader_cannot_decide_on_held_answers(app, tree, leader_client):
    questionnaire, campaign, unit = open_round(population=1, tree=tree)
    for _ in range(2):
        answer_open_link(app.test_client(), questionnaire, campaign)

    response = leader_client.post(
        f"/admin/runder/{campaign.id}/holdt/{unit.id}", data={"decision": "accept"}
    )

    assert response.status_code == 403
    assert states() == {ResponseState.RECEIVED: 1, ResponseState.HELD: 1}
