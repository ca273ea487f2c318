"""Goal evaluation: the rules, as pure functions (no Flask, no database, no translations).

    judge_interval(estimate, ci_low, ci_high, target, direction)   a survey goal's status
    judge_figure(value, target, tolerance, direction)              a figure goal's status
    trends([TrendInput(...), ...])                                 every goal's trend at once

scorecard/card.py gathers the numbers (survey results from results.services.round_results,
figures from scorecard.queries) and calls these; docs/scorecard.md says the same in words.

Statuses (DESIGN §4: compare the target with the interval, not only the point):

- A survey goal has a 95 % interval [ci_low, ci_high] on the indicator's own scale.
  Higher is better: `achieved` when ci_low >= target (the whole interval on the good side:
  reaching the target counts), `not_achieved` when ci_high < target (the whole interval on the bad
  side), `uncertain` otherwise (the target inside the interval). Lower is better: the mirror image
  (achieved when ci_high <= target, not achieved when ci_low > target). A result without an
  interval (no standard error could be estimated) is `uncertain`: nobody can say which side it is.
- A figure has no sampling error, so its value is compared with the target and the tolerance band
  (>= 0, on the bad side of the target). Higher is better: `achieved` when value >= target,
  `uncertain` ("close to the target") when target - tolerance <= value < target, `not_achieved`
  when value < target - tolerance. Lower is better: achieved when value <= target, uncertain when
  target < value <= target + tolerance, not achieved when value > target + tolerance. Without a
  tolerance (or 0) there is no band: a figure on the bad side is not achieved.
- `no_data`: no value at all (no closed round, a suppressed cell, no figure, a figure missing
  with a status symbol); the caller says why and shows no number.

Trends (the value against the previous period's value of the same indicator and unit):

- Survey results: the difference of two independent rounds, se = sqrt(se1² + se2²), z test
  (analysis.compare.difference_test), two-sided p; then Holm's correction over every survey trend
  of the scorecard at once (analysis.adjust_pvalues). A change is `better` or `worse` (by the
  indicator's direction) only when its Holm-adjusted p is below SIGNIFICANCE; otherwise
  `no_clear_change`. A difference without a standard error is never called a change.
- Figures have no sampling error: a figure that changed did change, so its trend is `better` or
  `worse` (or `unchanged` when the difference vanishes at the figure's shown decimals); it has no
  p-value and is not part of the Holm family. The pages say "(figure)" beside it.
- None: there is no previous value to compare with (or the current one is missing).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

from analysis.compare import adjust_pvalues, difference_test

LEVEL = 0.95  # every interval is a 95 % interval (results.services.LEVEL)
SIGNIFICANCE = 0.05  # a survey trend is a change when its Holm-adjusted p is below this


class Status(enum.StrEnum):
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    UNCERTAIN = "uncertain"
    NO_DATA = "no_data"


class Trend(enum.StrEnum):
    BETTER = "better"
    WORSE = "worse"
    NO_CLEAR_CHANGE = "no_clear_change"  # a survey difference chance can explain
    UNCHANGED = "unchanged"  # a figure that stayed the same


class Reason(enum.StrEnum):
    """Why a goal has its status: a code for programs (the pages and the rows say it in words)."""

    INTERVAL_GOOD_SIDE = "interval_good_side"
    INTERVAL_BAD_SIDE = "interval_bad_side"
    TARGET_IN_INTERVAL = "target_in_interval"
    NO_INTERVAL = "no_interval"
    FIGURE_REACHED = "figure_reached"
    FIGURE_WITHIN_TOLERANCE = "figure_within_tolerance"
    FIGURE_BEYOND_TOLERANCE = "figure_beyond_tolerance"
    NO_ROUND = "no_round"  # no closed round of the questionnaire in the period covers the unit
    NO_CELL = "no_cell"  # the round's questionnaire has no such indicator
    SUPPRESSED = "suppressed"  # too few answers
    SUPPRESSED_COMPLEMENTARY = "suppressed_complementary"  # hidden to protect another unit
    NO_FIGURE = "no_figure"  # nothing imported for the unit and period
    FIGURE_MISSING = "figure_missing"  # imported without a value; its status symbol says why
    UNKNOWN_INDICATOR = "unknown_indicator"


@dataclass(frozen=True)
class Judgement:
    status: Status
    reason: Reason


def _finite(*values) -> bool:
    return all(v is not None and math.isfinite(float(v)) for v in values)


def judge_interval(
    estimate: float | None,
    ci_low: float | None,
    ci_high: float | None,
    target: float,
    direction: str,
) -> Judgement:
    """A survey goal: the 95 % interval against the target (see the module docstring)."""
    if not _finite(estimate):
        raise ValueError("a survey goal without an estimate is no_data: the caller says why")
    if not _finite(ci_low, ci_high):
        return Judgement(Status.UNCERTAIN, Reason.NO_INTERVAL)
    if direction == "lower":
        good, bad = ci_high <= target, ci_low > target
    else:
        good, bad = ci_low >= target, ci_high < target
    if good:
        return Judgement(Status.ACHIEVED, Reason.INTERVAL_GOOD_SIDE)
    if bad:
        return Judgement(Status.NOT_ACHIEVED, Reason.INTERVAL_BAD_SIDE)
    return Judgement(Status.UNCERTAIN, Reason.TARGET_IN_INTERVAL)


def judge_figure(value: float, target: float, tolerance: float | None, direction: str) -> Judgement:
    """A figure goal: the value against the target and the tolerance band (see the module
    docstring)."""
    if not _finite(value):
        raise ValueError("a figure goal without a value is no_data: the caller says why")
    band = float(tolerance or 0.0)
    if band < 0:
        raise ValueError("a tolerance is never negative")
    short = (target - value) if direction != "lower" else (value - target)  # > 0: the bad side
    if short <= 0:
        return Judgement(Status.ACHIEVED, Reason.FIGURE_REACHED)
    if short <= band:
        return Judgement(Status.UNCERTAIN, Reason.FIGURE_WITHIN_TOLERANCE)
    return Judgement(Status.NOT_ACHIEVED, Reason.FIGURE_BEYOND_TOLERANCE)


@dataclass(frozen=True)
class TrendInput:
    """One goal's value now and in the previous period.

    sampled     True for a survey result (it has standard errors), False for a figure
    se_current, se_previous   the survey results' standard errors (None when unknown)
    decimals    a figure's shown decimals: a difference that vanishes at them is no change
    """

    current: float | None
    previous: float | None
    direction: str
    sampled: bool
    se_current: float | None = None
    se_previous: float | None = None
    decimals: int = 1


@dataclass(frozen=True)
class TrendResult:
    trend: Trend | None
    change: float | None  # current - previous (None when there is no trend)
    p_value: float | None  # survey results: the z test's two-sided p
    p_adjusted: float | None  # survey results: Holm-adjusted over every survey trend given


def _direction_word(change: float, direction: str) -> Trend:
    up_is_good = direction != "lower"
    return Trend.BETTER if (change > 0) == up_is_good else Trend.WORSE


def trends(inputs: Sequence[TrendInput], alpha: float = SIGNIFICANCE) -> list[TrendResult]:
    """The trend of every goal given, in order. The survey results' p-values are Holm-adjusted
    together: pass every goal of the scorecard at once (see the module docstring)."""
    p_values: list[float] = []
    changes: list[float | None] = []
    for item in inputs:
        if not _finite(item.current, item.previous):
            changes.append(None)
            p_values.append(math.nan)
            continue
        change = float(item.current) - float(item.previous)
        changes.append(change)
        if item.sampled and _finite(item.se_current, item.se_previous):
            se = math.sqrt(float(item.se_current) ** 2 + float(item.se_previous) ** 2)
            p_values.append(difference_test(change, se, math.inf, LEVEL).p_value)
        else:
            p_values.append(math.nan)
    adjusted = adjust_pvalues(p_values, "holm") if p_values else []
    results = []
    for item, change, p, p_adj in zip(inputs, changes, p_values, adjusted, strict=True):
        if change is None:
            results.append(TrendResult(None, None, None, None))
        elif item.sampled:
            if math.isnan(p):  # no standard error: never called a change
                results.append(TrendResult(Trend.NO_CLEAR_CHANGE, change, None, None))
            elif p_adj < alpha:
                results.append(
                    TrendResult(_direction_word(change, item.direction), change, p, float(p_adj))
                )
            else:
                results.append(TrendResult(Trend.NO_CLEAR_CHANGE, change, p, float(p_adj)))
        elif abs(change) < 0.5 * 10.0 ** (-item.decimals):
            results.append(TrendResult(Trend.UNCHANGED, change, None, None))
        else:
            results.append(TrendResult(_direction_word(change, item.direction), change, None, None))
    return results
