"""The evaluation rules on their own (scorecard/evaluation.py): each status in each direction,
the tolerance band, and trends with Holm's correction over the whole scorecard."""

from __future__ import annotations

import math

import pytest

from analysis import adjust_pvalues
from analysis.compare import difference_test
from scorecard.evaluation import (
    Reason,
    Status,
    Trend,
    TrendInput,
    judge_figure,
    judge_interval,
    trends,
)


@pytest.mark.parametrize(
    ("low", "high", "target", "direction", "status"),
    [
        (4.1, 4.6, 4.0, "higher", Status.ACHIEVED),  # the whole interval above
        (4.0, 4.6, 4.0, "higher", Status.ACHIEVED),  # reaching the target counts
        (3.2, 3.9, 4.0, "higher", Status.NOT_ACHIEVED),  # the whole interval below
        (3.8, 4.3, 4.0, "higher", Status.UNCERTAIN),  # the target inside
        (3.6, 3.99, 4.0, "higher", Status.NOT_ACHIEVED),
        (3.2, 3.9, 4.0, "lower", Status.ACHIEVED),  # lower is better: the whole interval below
        (3.2, 4.0, 4.0, "lower", Status.ACHIEVED),
        (4.1, 4.6, 4.0, "lower", Status.NOT_ACHIEVED),
        (3.8, 4.3, 4.0, "lower", Status.UNCERTAIN),
    ],
)
def test_a_survey_goal_compares_the_whole_interval_with_the_target(
    low, high, target, direction, status
):
    judged = judge_interval((low + high) / 2, low, high, target, direction)
    assert judged.status == status


def test_the_point_estimate_alone_never_decides_a_survey_goal():
    # the estimate is above the target, but the interval reaches below it: uncertain, not achieved
    assert judge_interval(4.2, 3.9, 4.5, 4.0, "higher").reason == Reason.TARGET_IN_INTERVAL
    assert judge_interval(3.8, 3.5, 4.1, 4.0, "lower").status == Status.UNCERTAIN


def test_a_survey_result_without_an_interval_is_uncertain():
    assert judge_interval(4.5, None, None, 4.0, "higher").reason == Reason.NO_INTERVAL
    assert judge_interval(4.5, math.nan, 4.7, 4.0, "higher").status == Status.UNCERTAIN


def test_a_survey_goal_without_an_estimate_is_the_callers_no_data():
    with pytest.raises(ValueError, match="no_data"):
        judge_interval(None, None, None, 4.0, "higher")


@pytest.mark.parametrize(
    ("value", "target", "tolerance", "direction", "status"),
    [
        (2.5, 2.0, 0.5, "higher", Status.ACHIEVED),
        (2.0, 2.0, 0.5, "higher", Status.ACHIEVED),
        (1.7, 2.0, 0.5, "higher", Status.UNCERTAIN),  # below, within the band
        (1.5, 2.0, 0.5, "higher", Status.UNCERTAIN),  # at the band's edge
        (1.4, 2.0, 0.5, "higher", Status.NOT_ACHIEVED),
        (1.9, 2.0, None, "higher", Status.NOT_ACHIEVED),  # no band: below is not achieved
        (1.9, 2.0, 0.0, "higher", Status.NOT_ACHIEVED),
        (85.0, 90.0, 5.0, "lower", Status.ACHIEVED),
        (90.0, 90.0, 5.0, "lower", Status.ACHIEVED),
        (93.0, 90.0, 5.0, "lower", Status.UNCERTAIN),  # above, within the band
        (95.0, 90.0, 5.0, "lower", Status.UNCERTAIN),
        (101.2, 90.0, 5.0, "lower", Status.NOT_ACHIEVED),
        (90.1, 90.0, None, "lower", Status.NOT_ACHIEVED),
    ],
)
def test_a_figure_goal_compares_the_value_with_the_target_and_the_tolerance_band(
    value, target, tolerance, direction, status
):
    assert judge_figure(value, target, tolerance, direction).status == status


def test_a_figure_goal_refuses_a_negative_tolerance_and_a_missing_value():
    with pytest.raises(ValueError):
        judge_figure(1.0, 2.0, -0.5, "higher")
    with pytest.raises(ValueError):
        judge_figure(None, 2.0, 0.5, "higher")


def survey(current, previous, se=0.05, direction="higher") -> TrendInput:
    return TrendInput(current, previous, direction, True, se, se)


def test_a_clear_survey_change_is_better_or_worse_by_the_direction():
    up = survey(4.5, 4.0)
    down = survey(3.5, 4.0)
    assert [r.trend for r in trends([up])] == [Trend.BETTER]
    assert [r.trend for r in trends([down])] == [Trend.WORSE]
    lower = survey(3.5, 4.0, direction="lower")
    assert trends([lower])[0].trend == Trend.BETTER


def test_a_small_survey_change_is_no_clear_change():
    result = trends([survey(4.05, 4.0, se=0.1)])[0]
    assert result.trend == Trend.NO_CLEAR_CHANGE
    assert result.change == pytest.approx(0.05)
    assert result.p_adjusted > 0.05


def test_holm_over_the_scorecard_can_take_a_change_away():
    # p about 0.03 alone: a change; among four such tests, Holm makes it no clear change
    se = 0.1
    difference = 0.217 * math.sqrt(2) * se * 10
    alone = trends([survey(4.0 + difference, 4.0, se=se)])[0]
    p = difference_test(difference, math.sqrt(2) * se, math.inf, 0.95).p_value
    assert 0.01 < p < 0.05
    assert alone.trend == Trend.BETTER and alone.p_adjusted == pytest.approx(p)
    many = trends([survey(4.0 + difference, 4.0, se=se)] * 4)
    assert all(r.trend == Trend.NO_CLEAR_CHANGE for r in many)
    assert many[0].p_adjusted == pytest.approx(adjust_pvalues([p] * 4, "holm")[0])


def test_figures_have_no_sampling_error_and_stay_out_of_the_holm_family():
    figure = TrendInput(8.4, 9.0, "lower", False, decimals=1)
    results = trends([figure, survey(4.2, 4.0, se=0.05)])
    assert results[0].trend == Trend.BETTER and results[0].p_value is None
    assert results[0].change == pytest.approx(-0.6)
    # the survey trend is adjusted over the survey tests only (one here)
    assert results[1].p_adjusted == pytest.approx(results[1].p_value)


def test_a_figure_that_did_not_change_at_its_decimals_is_unchanged():
    assert trends([TrendInput(2.31, 2.34, "higher", False, decimals=1)])[0].trend == (
        Trend.UNCHANGED
    )
    assert trends([TrendInput(2.4, 2.3, "higher", False, decimals=1)])[0].trend == Trend.BETTER


def test_no_previous_value_means_no_trend():
    assert trends([survey(4.0, None)])[0].trend is None
    assert trends([TrendInput(None, 4.0, "higher", False)])[0].change is None


def test_a_survey_difference_without_a_standard_error_is_never_called_a_change():
    result = trends([TrendInput(4.5, 3.0, "higher", True, None, 0.1)])[0]
    assert result.trend == Trend.NO_CLEAR_CHANGE and result.p_value is None


def test_a_census_difference_without_sampling_error_is_a_change():
    # both results exact (se 0, a complete census with the finite population correction)
    assert trends([TrendInput(4.2, 4.0, "higher", True, 0.0, 0.0)])[0].trend == Trend.BETTER
