"""The tallies the results are computed from (collector/tallies.py) equal a recount of the
released answers after every kind of write: batches released by sends (also concurrent ones on
PostgreSQL), the seal, held answers accepted or discarded, the paper import; and they never move by
one sent response."""

from __future__ import annotations

import random

from flask_migrate import stamp
from sqlalchemy import func, select

from collector import tallies
from collector.models import Campaign, Response, ResponseState, TallyUnit
from helhet.extensions import db
from tests import factories as core
from tests.collector import factories, helpers
from tests.collector.test_anonymity import make_round
from tests.collector.test_held import answer_open_link, open_round
from tests.concurrency import run_concurrently


def _stored_equals_a_recount(campaign_id: int) -> tallies.Tallies:
    db.session.rollback()
    campaign = db.session.get(Campaign, campaign_id)
    kept = tallies.stored(campaign_id)
    recounted = tallies.recount(campaign)
    db.session.rollback()  # recount rewrote the rows in this transaction: leave them as kept
    assert kept == recounted
    return kept


def _send(app, questionnaire, code: str, seed: int) -> None:
    client = app.test_client()
    assert helpers.enter_code(client, code).status_code == 303
    rng = random.Random(seed)
    for page in helpers.pages_of(questionnaire):
        data = {**helpers.valid_page_data(page, str(rng.randint(1, 6))), "action": "next"}
        assert client.post(f"/svar/side/{page.number}", data=data).status_code == 303
    assert helpers.send(client).status_code == 303


def test_a_tally_moves_only_when_a_whole_batch_is_released(any_app):
    questionnaire, campaign, issued = make_round(min_group=5, respondents=12)
    for number, code in enumerate(issued[:4]):
        _send(any_app, questionnaire, code, number)
        db.session.rollback()
        assert not tallies.stored(campaign.id), "a single sent response must not move a tally"
    db.session.rollback()
    assert sum(tallies.current(db.session.get(Campaign, campaign.id)).units.values()) == 4

    _send(any_app, questionnaire, issued[4], 4)
    assert sum(_stored_equals_a_recount(campaign.id).units.values()) == 5
    for number, code in enumerate(issued[5:], start=5):
        _send(any_app, questionnaire, code, number)
    kept = _stored_equals_a_recount(campaign.id)
    assert sum(kept.units.values()) == 10
    current = tallies.current(db.session.get(Campaign, campaign.id))
    assert sum(current.units.values()) == 12  # the two waiting ones are counted when read
    assert sum(current.items.values()) == 12 * 2  # two scale questions each


def test_the_seal_tallies_the_responses_that_were_still_waiting(app):
    questionnaire, campaign, issued = make_round(min_group=5, respondents=7)
    for number, code in enumerate(issued):
        _send(app, questionnaire, code, number)
    before = tallies.current(db.session.get(Campaign, campaign.id))
    result = app.test_cli_runner().invoke(args=["round", "close", str(campaign.id)])
    assert result.exit_code == 0, result.output

    kept = _stored_equals_a_recount(campaign.id)
    assert kept == before
    assert tallies.received_count(campaign.id) == 0


def test_accepted_held_answers_are_tallied_and_discarded_ones_never(app, admin_client):
    questionnaire, campaign, unit = open_round(population=1)
    for _ in range(3):
        answer_open_link(app.test_client(), questionnaire, campaign)
    db.session.rollback()
    assert sum(tallies.current(db.session.get(Campaign, campaign.id)).units.values()) == 1

    admin_client.post(f"/admin/runder/{campaign.id}/holdt/{unit.id}", data={"decision": "accept"})
    db.session.rollback()
    assert sum(tallies.current(db.session.get(Campaign, campaign.id)).units.values()) == 3
    _stored_equals_a_recount(campaign.id)


def test_discarded_held_answers_leave_the_tallies_alone(app, admin_client):
    questionnaire, campaign, unit = open_round(population=1)
    for _ in range(3):
        answer_open_link(app.test_client(), questionnaire, campaign)
    admin_client.post(f"/admin/runder/{campaign.id}/holdt/{unit.id}", data={"decision": "discard"})
    db.session.rollback()
    assert sum(tallies.current(db.session.get(Campaign, campaign.id)).units.values()) == 1
    _stored_equals_a_recount(campaign.id)


def test_paper_answers_are_tallied_as_they_are_imported(any_app):
    from collector import services

    tree = core.make_tree()
    questionnaire = factories.make_questionnaire(sections=1, questions_per_section=3)
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit])
    lines = ["unit;s1q1;s1q2;s1q3"] + [
        f"4601-helse-hjemme;{1 + i % 6};{'' if i % 4 else 3};{'vet ikke' if i % 5 == 0 else 2}"
        for i in range(9)
    ]
    services.import_responses(campaign, "\n".join(lines) + "\n")
    db.session.commit()

    kept = _stored_equals_a_recount(campaign.id)
    assert kept.units == {unit.id: 9}
    assert kept.items[(unit.id, "s1q3", True, 0.0)] == 2  # "vet ikke" on lines 0 and 5


def test_sends_completing_batches_at_once_keep_the_tallies_exact(pg_app):
    questionnaire, campaign, issued = make_round(min_group=3, respondents=12)
    clients = []
    for number, code in enumerate(issued):
        client = pg_app.test_client()
        assert helpers.enter_code(client, code).status_code == 303
        helpers.answer_all_pages(client, questionnaire, value=str(1 + number % 6))
        clients.append(client)
    assert (
        run_concurrently([lambda c=c: helpers.send(c).status_code for c in clients]) == [303] * 12
    )

    kept = _stored_equals_a_recount(campaign.id)
    # under concurrency a send may leave its batch to the next one: what waits is read live
    assert sum(kept.units.values()) + tallies.received_count(campaign.id) == 12


def test_init_db_tallies_rounds_stored_before_tallies_existed(app, runner):
    questionnaire, campaign, issued = make_round(min_group=2, respondents=4)
    for number, code in enumerate(issued):
        _send(app, questionnaire, code, number)
    db.session.rollback()
    expected = tallies.stored(campaign.id)
    db.session.execute(TallyUnit.__table__.delete())
    db.session.commit()
    assert tallies.untallied_rounds() == [db.session.get(Campaign, campaign.id)]
    stamp()  # the test database was made from the models: it is at the latest revision

    result = runner.invoke(args=["init-db"])

    assert result.exit_code == 0, result.output
    assert f"Tallied the answers of round {campaign.id}" in result.output
    db.session.rollback()
    assert tallies.stored(campaign.id) == expected
    assert tallies.untallied_rounds() == []


def test_the_partial_index_counts_only_waiting_responses(any_app):
    questionnaire, campaign, issued = make_round(min_group=5, respondents=3)
    for number, code in enumerate(issued):
        _send(any_app, questionnaire, code, number)
    db.session.rollback()
    assert tallies.received_count(campaign.id) == 3
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Response)
            .where(Response.state == ResponseState.RECEIVED)
        )
        == 3
    )


def test_a_published_version_s_spec_is_built_once_per_process_and_a_draft_s_every_time(app):
    published = factories.make_questionnaire(sections=1, questions_per_section=2)
    draft = factories.make_questionnaire("utkast", 1, 2, published=False)
    spec = tallies.TallySpec.of(published)
    assert spec.scale_keys and tallies.TallySpec.of(published) is spec  # every mixed batch reads it
    assert tallies.TallySpec.of(draft) is not tallies.TallySpec.of(draft)
    assert tallies.TallySpec.of(draft) == tallies.TallySpec._build(draft)
