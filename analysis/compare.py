"""Comparisons: two domains of one round, two independent rounds, and many tests at once.

- `SurveyDesign.compare` (analysis/design.py): the difference of two domain means a - b in
  one design, with the standard error of the linearised contrast z_a - z_b in the full design and
  a t test with df = (answering PSUs - strata, over both domains) - 1. For a binary `by` this is
  R's `svyttest(var ~ by, design)` (difference, SE, df and p-value).
- `compare_rounds(earlier, later)`: independent rounds (different samples): later - earlier,
  se = sqrt(se1^2 + se2^2), z = difference / se, two-sided normal p-value.
- `adjust_pvalues(p, method)`: Holm or Benjamini-Hochberg, as R's `p.adjust` (NaN stays NaN
  and is not counted).

When both estimates are exact (a census, se 0) the difference is not a sampling artefact:
p = 0 if it is non-zero and p = 1 if it is zero. Without a standard error (a single answer)
p is NaN: such a difference is never called a change.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from analysis.results import Comparison, Estimate

ADJUST_METHODS = ("holm", "bh")


def difference_test(difference: float, se: float, df: float, level: float) -> Comparison:
    """A difference with its standard error as a Comparison: t test with `df` (normal when df is
    infinite), two-sided p-value and interval at `level`."""
    if not (0.0 < level < 1.0):
        raise ValueError(f"level must be between 0 and 1, got {level}")
    if math.isnan(difference) or math.isnan(se):
        return Comparison(difference, math.nan, math.nan, df, math.nan, math.nan, math.nan)
    if se == 0.0:
        statistic = 0.0 if difference == 0 else math.copysign(math.inf, difference)
        return Comparison(
            difference, 0.0, statistic, df, 1.0 if difference == 0 else 0.0, difference, difference
        )
    if df < 1:
        return Comparison(difference, math.nan, math.nan, df, math.nan, math.nan, math.nan)
    statistic = difference / se
    if math.isinf(df):
        p = 2.0 * stats.norm.sf(abs(statistic))
        q = stats.norm.ppf(0.5 + level / 2.0)
    else:
        p = 2.0 * stats.t.sf(abs(statistic), df)
        q = stats.t.ppf(0.5 + level / 2.0, df)
    return Comparison(
        float(difference),
        float(se),
        float(statistic),
        float(df),
        float(p),
        float(difference - q * se),
        float(difference + q * se),
    )


def _as_estimate(x) -> Estimate:
    return x if isinstance(x, Estimate) else Estimate.from_row(x)


def compare_rounds(earlier, later, level: float = 0.95, on=None):
    """Change from an earlier to a later independent round: later - earlier, z test.

    `earlier`/`later` are Estimates, table rows or one-row tables. Given two tables with more
    rows, they are matched on the columns `on` (default: every column that is not an estimate
    column) and a table is returned with [on], difference, se, statistic, p_value, ci_low, ci_high.
    """
    if (
        isinstance(earlier, pd.DataFrame)
        and isinstance(later, pd.DataFrame)
        and (len(earlier) != 1 or len(later) != 1 or on is not None)
    ):
        return _compare_tables(earlier, later, level, on)
    e1, e2 = _as_estimate(earlier), _as_estimate(later)
    se = (
        math.sqrt(e1.se**2 + e2.se**2) if not (math.isnan(e1.se) or math.isnan(e2.se)) else math.nan
    )
    return difference_test(e2.estimate - e1.estimate, se, math.inf, level)


def _compare_tables(earlier: pd.DataFrame, later: pd.DataFrame, level: float, on) -> pd.DataFrame:
    if on is None:
        on = [
            c
            for c in earlier.columns
            if c not in ("estimate", "se", "ci_low", "ci_high", "n", "df")
        ]
    on = [on] if isinstance(on, str) else list(on)
    merged = earlier.merge(later, on=on, suffixes=("_1", "_2"), how="inner")
    rows = []
    for _, row in merged.iterrows():
        c = difference_test(
            row["estimate_2"] - row["estimate_1"],
            math.sqrt(row["se_1"] ** 2 + row["se_2"] ** 2),
            math.inf,
            level,
        )
        rows.append((c.difference, c.se, c.statistic, c.p_value, c.ci_low, c.ci_high))
    result = pd.DataFrame(
        rows, columns=["difference", "se", "statistic", "p_value", "ci_low", "ci_high"]
    )
    return pd.concat([merged[on].reset_index(drop=True), result], axis=1)


def adjust_pvalues(p, method: str = "holm"):
    """Holm or Benjamini-Hochberg adjusted p-values (R's p.adjust "holm" / "BH").

    Returns the same kind of object it got (Series keeps its index; otherwise an ndarray).
    """
    method = method.lower()
    if method == "fdr":
        method = "bh"
    if method not in ADJUST_METHODS:
        raise ValueError(f"method must be one of {ADJUST_METHODS}, got {method!r}")
    values = np.asarray(p, dtype=float)
    out = np.full(values.shape, np.nan)
    ok = ~np.isnan(values)
    q = values[ok]
    m = len(q)
    if m:
        if method == "holm":
            order = np.argsort(q, kind="stable")
            adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * q[order]))
        else:
            order = np.argsort(-q, kind="stable")
            i = np.arange(m, 0, -1)
            adjusted = np.minimum(1.0, np.minimum.accumulate(m / i * q[order]))
        result = np.empty(m)
        result[order] = adjusted
        out[ok] = result
    if isinstance(p, pd.Series):
        return pd.Series(out, index=p.index, name=p.name)
    return out
