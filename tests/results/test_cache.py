"""Results are computed once per state of a round and kept in the database (results/cache.py):
a second view reads no tally, any change to what they are computed from gives fresh numbers,
two servers read the same entries, and nothing kept is a number suppression hid."""

from __future__ import annotations

import json
import re

from sqlalchemy import event, select, update

from collector import services as collector_services
from helhet import create_app
from helhet.extensions import db
from helhet.models import OrgUnit, UnitPopulation
from results import queries, services
from results.cache import ResultCache
from tests.conftest import app_config
from tests.results.factories import make_small_round, paper


def everything(campaign):
    return services.round_results(campaign, queries.round_tree(campaign).nodes)


def _item_a(results):
    return next(c for c in results.cells if c.unit == "4601-oppvekst-skole" and c.item == "a")


def _statements(function) -> list[str]:
    seen: list[str] = []

    def remember(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()).lower())

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        function()
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    return seen


def test_a_second_view_reads_the_kept_results_and_no_tally(any_app):
    campaign = make_small_round()
    first = everything(campaign)
    seen = _statements(lambda: everything(campaign))
    assert everything(campaign) == first
    assert not any("tally_item" in s or "tally_score" in s for s in seen)
    assert not any(s.startswith(("insert", "delete")) for s in seen)


def test_one_units_view_reads_only_its_own_entry(any_app):
    campaign = make_small_round()
    everything(campaign)
    unit = db.session.scalars(select(OrgUnit).where(OrgUnit.code == "4601-oppvekst-skole")).one()
    alone = services.round_results(campaign, [unit])
    assert {c.unit for c in alone.cells} == {"4601-oppvekst-skole"}
    assert alone.cells == tuple(c for c in everything(campaign).cells if c.unit == unit.code)


def test_new_answers_give_new_numbers(any_app):
    campaign = make_small_round()
    before = everything(campaign)
    collector_services.import_responses(
        campaign, paper([("4601-helse-hjemme", "5", "5")] * 3).encode("utf-8")
    )
    db.session.commit()
    after = everything(campaign)
    assert after.unit("4601-helse-hjemme").respondents == 6  # no longer under min_group
    assert before.unit("4601-helse-hjemme").suppressed


def test_a_changed_population_gives_new_rates(any_app):
    campaign = make_small_round()
    before = everything(campaign).unit("4601-oppvekst-skole")
    school = db.session.scalars(select(OrgUnit).where(OrgUnit.code == "4601-oppvekst-skole")).one()
    db.session.execute(
        update(UnitPopulation)
        .where(UnitPopulation.unit_id == school.id, UnitPopulation.period == campaign.period)
        .values(count=400)
    )
    db.session.commit()
    after = everything(campaign).unit("4601-oppvekst-skole")
    assert after.population == 400 != before.population
    assert after.response_rate == 20 / 400


def test_results_computed_in_a_transaction_that_rolls_back_are_never_read_again(any_app):
    campaign = make_small_round()
    collector_services.import_responses(
        campaign, paper([("4601-oppvekst-skole", "1", "1")] * 5).encode("utf-8")
    )
    low = _item_a(everything(campaign))
    db.session.rollback()  # the import never happened, but its results may have been kept
    collector_services.import_responses(
        campaign, paper([("4601-oppvekst-skole", "5", "5")] * 5).encode("utf-8")
    )
    db.session.commit()
    high = _item_a(everything(campaign))
    assert high.n == low.n == 25
    assert high.estimate > low.estimate


def test_two_servers_read_the_same_kept_results(any_app):
    campaign = make_small_round()
    mine = everything(campaign)
    other = create_app(app_config(any_app.config["SQLALCHEMY_DATABASE_URI"]))
    with other.app_context():
        from collector.models import Campaign

        theirs = everything(db.session.get(Campaign, campaign.id))
        db.session.remove()
        db.engine.dispose()
    assert theirs == mine


def test_nothing_kept_is_a_number_suppression_hid(any_app):
    campaign = make_small_round()
    everything(campaign)
    payloads = {
        row.name: json.loads(row.payload)
        for row in db.session.scalars(
            select(ResultCache).where(ResultCache.campaign_id == campaign.id)
        )
    }
    small = payloads["unit:4601-helse-hjemme"]
    assert small["unit"]["respondents"] is None and small["unit"]["suppressed"]
    for cell in small["cells"]:
        cell = dict(zip(services.CELL_COLUMNS, cell, strict=True))
        assert cell["suppressed"]
        assert all(cell[name] is None for name in services.NUMBER_FIELDS)


def test_only_the_latest_state_is_kept(any_app):
    campaign = make_small_round()
    everything(campaign)
    collector_services.import_responses(
        campaign, paper([("4601-oppvekst-skole", "3", "3")]).encode("utf-8")
    )
    db.session.commit()
    everything(campaign)
    keys = set(
        db.session.scalars(
            select(ResultCache.fingerprint).where(ResultCache.campaign_id == campaign.id)
        )
    )
    assert len(keys) == 1


def test_a_drill_downs_charts_are_drawn_once_per_state_and_read_back_the_same(any_app, monkeypatch):
    from analysis import charts
    from tests.results.test_routes import client_for, small_world

    world = small_world()
    drawn = []
    for name in ("likert_diverging", "units_dotplot"):
        original = getattr(charts, name)
        monkeypatch.setattr(
            charts, name, lambda *a, _f=original, _n=name, **k: drawn.append(_n) or _f(*a, **k)
        )
    client = client_for(any_app, world, "admin")
    url = f"/resultater/{world['campaign'].id}/enhet/{world['units']['4601'].id}/indikator/trivsel"
    first = client.get(url).get_data(as_text=True)
    assert sorted(drawn) == ["likert_diverging", "units_dotplot"]
    second = client.get(url).get_data(as_text=True)
    assert sorted(drawn) == ["likert_diverging", "units_dotplot"]  # read back, not drawn again
    images = re.compile(r'src="data:image/svg\+xml;base64,[^"]+"')
    assert images.findall(second) == images.findall(first)  # the page's CSRF tokens may differ
    collector_services.import_responses(
        world["campaign"], paper([("4601-oppvekst-skole", "5", "5")]).encode("utf-8")
    )
    db.session.commit()
    client.get(url)
    assert len(drawn) == 4  # new answers: drawn again
