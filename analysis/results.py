"""Result types: frozen dataclasses and the documented columns of result tables.

Every table of estimates that `analysis` returns has the columns in `ESTIMATE_COLUMNS`, after
any grouping columns (`by`, `item`):

    estimate   the point estimate, on the variable's own scale (float)
    se         its standard error (float; 0 for a census, NaN when it cannot be estimated)
    ci_low     lower bound of the confidence interval (float)
    ci_high    upper bound of the confidence interval (float)
    n          number of valid (non-missing) answers behind the estimate (int)
    df         design degrees of freedom used for the interval (int)

Meaning of the special values (see docs/analysis.md, "Edge cases"):

- `n == 0`: no valid answers in the group; estimate, se and interval are NaN.
- `df == 0` and `se` NaN: only one answering unit (e.g. one respondent in a unit); no standard
  error or interval can be estimated from one answer.
- `se == 0` and `ci_low == ci_high == estimate`: the group is a census (everyone in the
  population answered), so the estimate has no sampling error. Also the case when every answer
  in a sample is identical (the linearised variance is then 0, as in R).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

ESTIMATE_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "n", "df")


@dataclass(frozen=True)
class Estimate:
    """A design-based estimate. All fields are on the variable's own scale."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    df: int

    @classmethod
    def from_row(cls, row: Any) -> Estimate:
        """Build from a one-row DataFrame, a Series (a table row) or a mapping with the fields."""
        if isinstance(row, pd.DataFrame):
            if len(row) != 1:
                raise ValueError(f"expected a table with one row, got {len(row)} rows")
            row = row.iloc[0]
        get = (
            row.get
            if isinstance(row, Mapping | pd.Series)
            else lambda k, d=None: getattr(row, k, d)
        )
        return cls(
            estimate=float(get("estimate")),
            se=float(get("se")),
            ci_low=float(get("ci_low", math.nan)),
            ci_high=float(get("ci_high", math.nan)),
            n=int(get("n", 0)),
            df=int(get("df", 0)),
        )

    @property
    def has_interval(self) -> bool:
        return not (math.isnan(self.ci_low) or math.isnan(self.ci_high))


@dataclass(frozen=True)
class Comparison:
    """A difference between two estimates with its test.

    difference  estimate of a - b (compare) or later - earlier (compare_rounds)
    se          standard error of the difference
    statistic   difference / se (t for `SurveyDesign.compare`, z for `compare_rounds`)
    df          degrees of freedom of the t reference distribution (math.inf for z)
    p_value     two-sided p-value (1.0 when both estimates are exact and equal, 0.0 when exact
                and different; NaN when no standard error is available)
    ci_low, ci_high   interval for the difference at the requested level
    """

    difference: float
    se: float
    statistic: float
    df: float
    p_value: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Alpha:
    """Cronbach's alpha with the Feldt (1965) confidence interval.

    n is the number of respondents who answered every item (complete cases), k the number of
    items. note is "" when alpha could be computed, otherwise one of "too_few_items" (k < 2),
    "too_few_respondents" (n < 2) or "no_variance" (every complete answer pattern is identical
    in total); alpha and the interval are then NaN.
    """

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int
    note: str = ""


@dataclass(frozen=True)
class WeightingDiagnostics:
    """How much the weights cost in precision (Kish 1965).

    n              number of respondents (rows with a weight)
    sum_weights    sum of the weights (the population the design represents)
    deff_kish      Kish's weighting design effect n * sum(w^2) / sum(w)^2 = 1 + cv(w)^2
    n_effective    sum(w)^2 / sum(w^2) = n / deff_kish
    weight_min, weight_max, weight_ratio (max / min)
    converged      False only for a raked design that did not converge within maxit
    """

    n: int
    sum_weights: float
    deff_kish: float
    n_effective: float
    weight_min: float
    weight_max: float
    weight_ratio: float
    converged: bool = True
