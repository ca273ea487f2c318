"""The demo municipality's scorecard (helhet/demo_scorecard.py): goals on all four dimensions
with every status, explanations and measures for the goals not reached, a year of economic
figures from the shipped JSON-stat file (with a revision), the chief executive's summaries, and
this year's scorecard published for everyone."""

from __future__ import annotations

import pytest

from collector.clock import utcnow
from helhet import demo, queries
from helhet.extensions import db
from scorecard import card, goal_queries
from scorecard import queries as figure_queries
from scorecard.evaluation import Status
from tests import factories as core


def load_demo() -> str:
    demo.load()
    db.session.commit()
    return str(utcnow().year)


@pytest.fixture
def demo_app(app):
    load_demo()
    return app


def test_the_demo_has_goals_on_all_four_dimensions_with_every_status(any_app):
    period = load_demo()
    rows = card.scorecard(period)
    assert {row.dimension for row in rows} == {"economy", "service", "organisation", "community"}
    assert {row.status for row in rows} == set(Status)
    reasons = {row.reason.value for row in rows if row.status == Status.NO_DATA}
    assert {"no_round", "suppressed", "figure_missing"} <= reasons


def test_every_demo_goal_not_reached_has_an_explanation_and_most_have_measures(demo_app):
    rows = card.scorecard(str(utcnow().year))
    missed = [row for row in rows if row.status == Status.NOT_ACHIEVED]
    assert missed and all(row.leader_explanation for row in missed)
    assert all(row.measures for row in missed)
    last_year = [row for row in rows if row.previous_measures]
    assert any(m.status.value == "done" for row in last_year for m in row.previous_measures)
    assert any(m.status.value != "done" for row in last_year for m in row.previous_measures)


def test_the_demos_economic_figures_come_from_the_jsonstat_file_with_a_revision(demo_app):
    year = utcnow().year
    municipality = queries.unit_by_code("4699")
    history = figure_queries.figure_history("netto_driftsresultat", str(year), unit=municipality)
    assert [f.revision for f in history] == [1, 2] and history[0].source_table == "12134"
    assert figure_queries.current_figure(
        "netto_lanegjeld", str(year - 1), unit=municipality
    ).value == pytest.approx(97.5)
    regions = {r.region for r in figure_queries.comparison_values("disposisjonsfond", str(year))}
    assert regions == {"EKG13", "EAKUO"}


def test_the_demo_publishes_this_years_scorecard_with_the_chief_executives_summaries(demo_app):
    period = str(utcnow().year)
    assert goal_queries.published_periods() == [period]
    assert set(goal_queries.summaries(period)) == {
        "economy",
        "service",
        "organisation",
        "community",
    }
    page = demo_app.test_client().get(f"/offentlig/styringskort/{period}")
    assert page.status_code == 200 and "Et krevende år" in page.get_data(as_text=True)
    chief = queries.user_by_email(demo.CHIEF[1])
    client = demo_app.test_client()
    core.login(client, chief, password=demo.CHIEF[2])
    summary = client.get(f"/styringskort/{period}/sammendrag/economy").get_data(as_text=True)
    assert "Lagre sammendraget" in summary  # the chief executive may write it
