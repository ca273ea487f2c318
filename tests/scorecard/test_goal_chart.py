"""A goal's chart (scorecard.card_pages.goal_chart, analysis.charts.indicator_bars): the goal's
value with its interval, last period's value, the comparison regions' values, the target as a
line; a missing value is a row without a bar that says so, and has no number."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from flask_babel import force_locale

from scorecard import card
from scorecard.card_pages import goal_chart
from tests import factories as core
from tests.results.factories import SMALL_ROUND
from tests.scorecard.goal_factories import SURVEY, answers, closed_round, figures, goal


@pytest.fixture
def world(app):
    return core.make_tree()


def row_of(made) -> card.CardRow:
    return card.goal_row(made)


def norwegian_chart(row: card.CardRow):
    with force_locale("nb"):
        return goal_chart(row)


def test_a_figure_goals_chart_has_the_unit_last_period_and_the_regions(world):
    figures(
        "sykefravaer;4601;2026;8,4;",
        "sykefravaer;4601;2025;9,0;",
        "sykefravaer;EAKUO;2026;7,0;",
        "sykefravaer;EKG13;2026;..;",
    )
    chart = norwegian_chart(row_of(goal("sykefravaer", "4601", 7.5, tolerance=0.5)))
    table = chart.table
    assert list(table["label"]) == [
        "Testkommune 2026",
        "Testkommune 2025",
        "Landet uten Oslo",
        "KOSTRA-gruppe 13",  # the default label: the file gave none
    ]
    assert list(table["estimate"][:3]) == [8.4, 9.0, 7.0] and math.isnan(table["estimate"][3])
    assert table["ci_low"].isna().all()  # a figure has no interval
    svg = chart.svg.decode("utf-8")
    assert "Målverdi 7,5" in svg  # the target line's label, Norwegian decimals
    assert "Ingen data" in svg  # the missing region says so instead of a bar
    assert chart.rows()[1][0] == "Testkommune 2026"


def test_a_survey_goals_chart_has_the_interval_on_the_indicators_scale(world):
    closed_round(answers("4601-oppvekst-skole", [4, 5] * 10))
    row = row_of(goal(SURVEY, "4601-oppvekst-skole", 4.0))
    chart = norwegian_chart(row)
    first = chart.table.iloc[0]
    assert (first["estimate"], first["ci_low"], first["ci_high"]) == (
        row.value,
        row.ci_low,
        row.ci_high,
    )
    assert "Skår på skalaen 1–5" in chart.svg.decode("utf-8")


def test_a_suppressed_results_chart_has_no_bar_and_no_number(world):
    closed_round(SMALL_ROUND)
    row = row_of(goal(SURVEY, "4601-helse-hjemme", 3.0))
    assert row.value is None
    chart = norwegian_chart(row)
    assert math.isnan(chart.table.iloc[0]["estimate"]) and len(chart.table) == 1
    svg = chart.svg.decode("utf-8")
    assert "Ingen data" in svg
    scores = [(int(a) + int(b)) / 2 for c, a, b in SMALL_ROUND if c == "4601-helse-hjemme"]
    real = sum(scores) / len(scores)
    assert f"{real:.2f}".replace(".", ",") not in svg and f"{real:.1f}".replace(".", ",") not in svg


def test_the_chart_speaks_english_in_english(world):
    figures("befolkningsvekst;4601;2026;0,6;")
    row = row_of(goal("befolkningsvekst", "4601", 0.5))
    with force_locale("en"):
        chart = goal_chart(replace(row, indicator_name="Population growth"))
    svg = chart.svg.decode("utf-8")
    assert "Target 0.5" in svg and "Population growth" in svg
