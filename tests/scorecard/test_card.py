"""The evaluated scorecard (scorecard/card.py) on real rounds and figures: survey values come from
the one results service (the same numbers, the same suppression), figures from their current
revision, every status in both directions, no number for a suppressed cell, trends with Holm
across the scorecard. On SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from flask import current_app

from helhet.extensions import db
from results import queries as results_queries
from results import services as results_services
from scorecard import card
from scorecard.evaluation import Reason, Status, Trend
from tests import factories as core
from tests.results.factories import SMALL_ROUND
from tests.scorecard.factories import csv_text, import_file
from tests.scorecard.goal_factories import (
    SURVEY,
    answers,
    closed_round,
    figures,
    goal,
    questionnaire,
    unit,
)

NUMBERS = ("value", "ci_low", "ci_high", "change", "previous_value", "trend_p_adjusted")


def rows_by_goal(period: str = "2026") -> dict[int, card.CardRow]:
    return {row.goal_id: row for row in card.scorecard(period)}


def cell(campaign, code: str):
    return results_services.round_results(campaign, [unit(code)]).cell(code, "trivsel")


@pytest.fixture
def world(any_app):
    return core.make_tree()


def test_a_survey_goal_reads_the_cell_of_the_one_results_service(world):
    campaign = closed_round(answers("4601-oppvekst-skole", [4, 5] * 10))
    achieved = goal(SURVEY, "4601-oppvekst-skole", 4.0)
    row = rows_by_goal()[achieved.id]
    same = cell(campaign, "4601-oppvekst-skole")
    assert (row.value, row.ci_low, row.ci_high) == (same.estimate, same.ci_low, same.ci_high)
    assert row.status == Status.ACHIEVED and row.reason == Reason.INTERVAL_GOOD_SIDE
    assert row.ci_low > 4.0
    assert row.source == campaign.name and row.round_id == campaign.id


@pytest.mark.parametrize(
    ("target", "status"),
    [(4.0, Status.ACHIEVED), (4.5, Status.UNCERTAIN), (4.9, Status.NOT_ACHIEVED)],
)
def test_each_status_of_a_survey_goal(world, target, status):
    closed_round(answers("4601-oppvekst-skole", [4, 5] * 10))
    made = goal(SURVEY, "4601-oppvekst-skole", target)
    row = rows_by_goal()[made.id]
    assert row.status == status
    assert row.explanation  # said in words


def test_a_sector_goal_is_the_domain_estimate_over_the_rounds_units_below_it(world):
    campaign = closed_round(
        answers("4601-helse-hjemme", [3, 4, 5] * 3) + answers("4601-helse-sykehjem", [2, 3] * 6)
    )
    made = goal(SURVEY, "4601-helse", 3.0)
    row = rows_by_goal()[made.id]
    same = cell(campaign, "4601-helse")
    assert row.value == same.estimate and row.ci_high == same.ci_high
    assert row.unit == "4601-helse"


def test_a_suppressed_cell_is_no_data_and_carries_no_number_anywhere(world):
    campaign = closed_round(SMALL_ROUND)  # hjemme 3 answers; sykehjem hidden to protect it
    tree = results_queries.round_tree(campaign)
    everything = results_services.round_results(campaign, tree.nodes)
    assert everything.cell("4601-helse-hjemme", "trivsel").reason == "under_min_group"
    assert everything.cell("4601-helse-sykehjem", "trivsel").reason == "complementary"
    small = goal(SURVEY, "4601-helse-hjemme", 3.0)
    hidden = goal(SURVEY, "4601-helse-sykehjem", 3.0)
    rows = rows_by_goal()
    assert rows[small.id].status == Status.NO_DATA
    assert rows[small.id].reason == Reason.SUPPRESSED
    assert rows[hidden.id].reason == Reason.SUPPRESSED_COMPLEMENTARY
    assert "under 5" in rows[small.id].explanation
    for row in (rows[small.id], rows[hidden.id]):
        data = row.as_dict()
        assert all(data[name] is None for name in NUMBERS), data
        assert row.trend is None and row.comparisons == ()
    # the hidden units' real means appear nowhere in the command's output
    output = current_app.test_cli_runner().invoke(
        args=["scorecard", "--period", "2026", "--format", "json"]
    )
    assert output.exit_code == 0, output.output
    for entry in json.loads(output.output):
        assert all(entry[name] is None for name in NUMBERS), entry
    for code in ("4601-helse-hjemme", "4601-helse-sykehjem"):
        scores = [(int(a) + int(b)) / 2 for c, a, b in SMALL_ROUND if c == code]
        real_mean = sum(scores) / len(scores)
        assert repr(real_mean)[:6] not in output.output


def test_no_closed_round_in_the_period_is_no_data_and_says_why(world):
    closed_round(answers("4601-oppvekst-skole", [4, 5] * 10), period=2025)
    made = goal(SURVEY, "4601-oppvekst-skole", 4.0)
    row = rows_by_goal()[made.id]
    assert row.status == Status.NO_DATA and row.reason == Reason.NO_ROUND
    assert row.value is None and row.source == ""
    assert "2026" in row.explanation


def test_an_open_round_is_not_used(world):
    from tests.results.factories import make_round

    rows = "unit;a;b\n" + "4601-oppvekst-skole;5;5\n" * 10
    make_round(questionnaire(), [unit("4601-oppvekst-skole")], 5, rows)
    made = goal(SURVEY, "4601-oppvekst-skole", 4.0)
    assert rows_by_goal()[made.id].reason == Reason.NO_ROUND


def test_the_latest_closed_round_of_the_period_that_covers_the_unit_is_used(world):
    closed_round(answers("4601-oppvekst-skole", [2, 3] * 10), name="Våren")
    later = closed_round(answers("4601-oppvekst-skole", [4, 5] * 10), name="Høsten")
    other = closed_round(answers("4601-helse-sykehjem", [1, 2] * 10), name="Bare sykehjem")
    made = goal(SURVEY, "4601-oppvekst-skole", 4.0)
    row = rows_by_goal()[made.id]
    assert row.round_id == later.id != other.id
    assert row.status == Status.ACHIEVED


def test_a_clear_change_since_last_year_is_a_trend_and_a_small_one_is_not(world):
    closed_round(
        answers("4601-oppvekst-skole", [2, 3] * 10) + answers("4601-helse-sykehjem", [3, 4] * 10),
        period=2025,
    )
    closed_round(
        answers("4601-oppvekst-skole", [4, 5] * 10) + answers("4601-helse-sykehjem", [3, 4] * 10),
        period=2026,
    )
    school = goal(SURVEY, "4601-oppvekst-skole", 4.0)
    home = goal(SURVEY, "4601-helse-sykehjem", 3.0)
    rows = rows_by_goal()
    assert rows[school.id].trend == Trend.BETTER
    assert rows[school.id].change == pytest.approx(2.0)
    assert rows[school.id].previous_value == pytest.approx(2.5)
    assert rows[school.id].p_adjusted < 0.05
    assert rows[home.id].trend == Trend.NO_CLEAR_CHANGE
    assert rows[home.id].p_adjusted == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("indicator", "target", "tolerance", "status", "reason"),
    [
        ("sykefravaer", 9.0, 0.5, Status.ACHIEVED, Reason.FIGURE_REACHED),  # lower is better
        ("sykefravaer", 8.2, 0.5, Status.UNCERTAIN, Reason.FIGURE_WITHIN_TOLERANCE),
        ("sykefravaer", 7.0, 0.5, Status.NOT_ACHIEVED, Reason.FIGURE_BEYOND_TOLERANCE),
        ("befolkningsvekst", 0.5, None, Status.ACHIEVED, Reason.FIGURE_REACHED),  # higher
        ("befolkningsvekst", 0.7, 0.2, Status.UNCERTAIN, Reason.FIGURE_WITHIN_TOLERANCE),
        ("befolkningsvekst", 0.9, 0.2, Status.NOT_ACHIEVED, Reason.FIGURE_BEYOND_TOLERANCE),
    ],
)
def test_each_status_of_a_figure_goal_in_each_direction(
    world, indicator, target, tolerance, status, reason
):
    figures("sykefravaer;4601;2026;8,4;", "befolkningsvekst;4601;2026;0,6;")
    made = goal(indicator, "4601", target, tolerance=tolerance)
    row = rows_by_goal()[made.id]
    assert (row.status, row.reason) == (status, reason)
    assert row.ci_low is None and row.ci_high is None  # a figure has no interval
    assert row.revision == 1 and "figures.csv" in row.source


def test_a_figure_missing_with_a_status_symbol_is_no_data_and_says_why(world):
    figures("sykefravaer;4601-helse;2026;;:")
    made = goal("sykefravaer", "4601-helse", 8.0, tolerance=0.5)
    row = rows_by_goal()[made.id]
    assert (row.status, row.reason) == (Status.NO_DATA, Reason.FIGURE_MISSING)
    assert row.value is None and row.figure_status == ":"
    assert "confidentiality" in row.explanation and "(:)" in row.explanation


def test_a_figure_never_imported_is_no_data(world):
    figures("sykefravaer;4601;2025;8,4;")
    made = goal("sykefravaer", "4601", 8.0)
    row = rows_by_goal()[made.id]
    assert (row.status, row.reason) == (Status.NO_DATA, Reason.NO_FIGURE)


def test_a_revised_figure_is_evaluated_on_its_current_revision_and_says_which(world):
    figures("netto_driftsresultat;4601;2026;1,6;")
    import_file(
        "juni.csv",
        csv_text("indicator;unit;period;value", "netto_driftsresultat;4601;2026;2,3"),
    )
    made = goal("netto_driftsresultat", "4601", 2.0, tolerance=0.5)
    row = rows_by_goal()[made.id]
    assert row.value == 2.3 and row.revision == 2
    assert row.status == Status.ACHIEVED  # revision 1 (1.6) would have been uncertain
    assert "juni.csv" in row.source and "2" in row.source


def test_a_figure_trend_is_the_change_itself_and_the_comparison_regions_come_with_it(world):
    figures(
        "sykefravaer;4601;2026;8,4;",
        "sykefravaer;4601;2025;9,0;",
        "sykefravaer;EAKUO;2026;7,0;",
        "sykefravaer;EKG13;2026;..;",
    )
    made = goal("sykefravaer", "4601", 8.0, tolerance=0.5)
    row = rows_by_goal()[made.id]
    assert row.trend == Trend.BETTER and row.change == pytest.approx(-0.6)
    assert row.p_adjusted is None
    regions = {r.region: r for r in row.comparisons}
    assert regions["EAKUO"].value == 7.0
    assert regions["EKG13"].value is None and regions["EKG13"].status == ".."


def test_only_accepted_goals_are_on_the_scorecard(world):
    from scorecard import goal_services
    from scorecard.goal_services import GoalData

    figures("sykefravaer;4601;2026;8,4;")
    leader = core.make_user("leder@test.no", role="leader", unit=unit("4601"))
    proposal = goal_services.propose_goal(
        GoalData("sykefravaer", unit("4601"), "2026", 7.0), leader, None
    )
    db.session.commit()
    assert proposal.id not in rows_by_goal()
    goal_services.accept_goal(proposal)
    db.session.commit()
    assert proposal.id in rows_by_goal()


def test_the_scorecard_of_a_unit_is_its_subtree_and_a_readers_only_their_own(world):
    figures("sykefravaer;4601;2026;8,4;", "sykefravaer;4601-helse;2026;9,1;")
    top = goal("sykefravaer", "4601", 8.0)
    helse = goal("sykefravaer", "4601-helse", 9.0)
    assert {r.goal_id for r in card.scorecard("2026", within=unit("4601-helse"))} == {helse.id}
    assert {r.goal_id for r in card.scorecard("2026", within=unit("4601"))} == {top.id, helse.id}
    readable = {unit("4601-helse").id}
    assert {r.goal_id for r in card.scorecard("2026", readable=readable)} == {helse.id}
    only = card.scorecard("2026", within=unit("4601"), only_unit=True)
    assert [r.goal_id for r in only] == [top.id]


def test_the_measures_of_last_years_goal_come_with_this_years(world):
    from datetime import date

    from scorecard import goal_services

    figures("sykefravaer;4601;2026;8,4;", "sykefravaer;4601;2025;9,0;")
    last = goal("sykefravaer", "4601", 8.0, period="2025")
    done = goal_services.add_measure(last, "Nærværsprosjekt", "HR-sjef", date(2025, 6, 1))
    goal_services.add_measure(
        last, "Oppfølging av langtidsfravær", "Kommunalsjef", date(2025, 9, 1)
    )
    goal_services.set_measure_done(done, True, today=date(2025, 5, 20))
    db.session.commit()
    made = goal("sykefravaer", "4601", 8.0)
    row = rows_by_goal()[made.id]
    assert row.previous_goal_id == last.id
    assert [(m.text, m.status.value) for m in row.previous_measures] == [
        ("Nærværsprosjekt", "done"),
        ("Oppfølging av langtidsfravær", "overdue"),
    ]


def test_helhet_scorecard_prints_csv_and_refuses_a_bad_period_or_unit(world):
    figures("sykefravaer;4601;2026;8,4;", "sykefravaer;EAKUO;2026;7,0;")
    goal("sykefravaer", "4601", 8.0, tolerance=0.5)
    runner = current_app.test_cli_runner()
    result = runner.invoke(args=["scorecard", "--period", "2026", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.lstrip("\ufeff").splitlines()  # as Excel in Norway opens it: BOM, ";"
    assert lines[0].startswith("goal;dimension;indicator;unit;period;value;ci_low;ci_high;target")
    assert "sykefravaer" in lines[1] and "EAKUO=7.0" in lines[1]
    bad = runner.invoke(args=["scorecard", "--period", "2026T1"])
    assert bad.exit_code == 1 and "not a year" in bad.output
    unknown = runner.invoke(args=["scorecard", "--period", "2026", "--unit", "nope"])
    assert unknown.exit_code == 1 and "No org unit has the code nope" in unknown.output
    table = runner.invoke(args=["scorecard", "--period", "2026"])
    assert "not_achieved" in table.output or "uncertain" in table.output
