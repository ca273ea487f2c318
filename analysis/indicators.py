"""Indicators (index scores), the 0-100 scale, percent favourable and Cronbach's alpha.

Answers are a DataFrame with one row per respondent and one column per item; a scale item holds
its scale point (e.g. 1-6) or NaN for not answered. "Vet ikke" / not applicable is not a scale
point: pass its code(s) as `dont_know` (or store it as NaN) and it is excluded from numerator and
denominator everywhere; `dont_know_share` reports it separately.

- `indicator_scores`: per respondent, the mean of the indicator's items they answered, if they
  answered at least `min_share` of them (DESIGN.md §4: at least half); else NaN. Then take the
  design-based mean with `SurveyDesign.mean` / `item_table`.
- `rescale_0_100`: 100 * (x - min) / (max - min); on a result table the interval is scaled the
  same way and the se by 100 / (max - min).
- `favourable_share`: share at or above a threshold (e.g. 5-6 on 1-6, 4-5 on 1-5) with a
  Wilson interval for an unweighted sample, else logit (or Korn-Graubard); never Wald.
- `cronbach_alpha`: k / (k - 1) * (1 - sum of item variances / variance of the sum), on the
  respondents who answered every item, with Feldt's (1965) F-based interval
  1 - (1 - alpha) * F(1 - g/2 or g/2; n - 1, (n - 1)(k - 1)), as psych::alpha.ci.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from analysis.results import Alpha

if TYPE_CHECKING:
    from analysis.design import SurveyDesign


def _scale(scale) -> tuple[float, float]:
    low, high = (float(v) for v in scale)
    if not high > low:
        raise ValueError(f"scale must be (min, max) with max > min, got {scale!r}")
    return low, high


def _dont_know_codes(dont_know) -> list[float]:
    if dont_know is None:
        return []
    if isinstance(dont_know, str) or not isinstance(dont_know, Iterable):
        return [dont_know]
    return list(dont_know)


def _item_matrix(answers: pd.DataFrame, items: Sequence[str], scale, dont_know) -> np.ndarray:
    """answers[items] as floats, "vet ikke" as NaN; other values outside the scale are errors."""
    low, high = _scale(scale)
    codes = _dont_know_codes(dont_know)
    out = np.empty((len(answers), len(items)))
    for j, item in enumerate(items):
        column = answers[item]
        if codes:
            column = column.mask(column.isin(codes))
        values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        if column.notna().sum() != np.count_nonzero(~np.isnan(values)):
            raise ValueError(f"item {item!r} has answers that are not numbers")
        outside = (values < low) | (values > high)
        if outside.any():
            raise ValueError(
                f"item {item!r} has the answer {values[outside][0]:g} outside the scale "
                f"{low:g}-{high:g}; pass its code as dont_know if it means 'vet ikke'"
            )
        out[:, j] = values
    return out


def indicator_scores(
    answers: pd.DataFrame,
    items: Sequence[str],
    scale=(1, 6),
    min_share: float = 0.5,
    dont_know=None,
) -> pd.Series:
    """Respondent-level index: mean of the items answered, if at least min_share were answered.

    Returns a float Series aligned with `answers` (NaN where too few items were answered,
    including "vet ikke" on every item).
    """
    items = list(items)
    if not items:
        raise ValueError("an indicator needs at least one item")
    if not 0.0 < min_share <= 1.0:
        raise ValueError(f"min_share must be in (0, 1], got {min_share}")
    x = _item_matrix(answers, items, scale, dont_know)
    answered = np.count_nonzero(~np.isnan(x), axis=1)
    total = np.where(np.isnan(x), 0.0, x).sum(axis=1)
    enough = (answered > 0) & (answered >= min_share * len(items) - 1e-9)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(enough, total / answered, np.nan)
    return pd.Series(score, index=answers.index, name="score")


def rescale_0_100(values, scale=(1, 6)):
    """Map a scale score to 0-100: 100 * (x - min) / (max - min).

    Works on numbers, arrays, Series, and result tables (DataFrames with estimate, se, ci_low,
    ci_high: the interval moves with the estimate, the se is only multiplied).
    """
    low, high = _scale(scale)
    factor = 100.0 / (high - low)
    if isinstance(values, pd.DataFrame):
        out = values.copy()
        for column in ("estimate", "ci_low", "ci_high"):
            if column in out:
                out[column] = (out[column] - low) * factor
        if "se" in out:
            out["se"] = out["se"] * factor
        return out
    if isinstance(values, pd.Series):
        return (values - low) * factor
    if np.ndim(values) == 0:
        return (float(values) - low) * factor
    return (np.asarray(values, dtype=float) - low) * factor


def favourable_share(
    design: SurveyDesign,
    var,
    threshold: float,
    by=None,
    method: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Share of answers at or above `threshold` ("vet ikke" = NaN excluded), with an interval.

    method None picks "wilson" for an unweighted design (no weights, strata, fpc, clusters or
    calibration) and "logit" otherwise; "beta" (Korn-Graubard) may be asked for. Returns the
    table of `SurveyDesign.proportion`.
    """
    y = design.variable(var)
    condition = np.where(np.isnan(y), np.nan, (y >= threshold).astype(float))
    if method is None:
        method = "wilson" if design.is_unweighted else "logit"
    return design.proportion(condition, by=by, method=method, level=level)


def dont_know_share(answers: pd.DataFrame, items: Sequence[str], dont_know=None) -> pd.DataFrame:
    """Per item: respondents, how many said "vet ikke" (the codes, or NaN) and their share."""
    codes = _dont_know_codes(dont_know)
    rows = []
    for item in items:
        column = answers[item]
        dk = int((column.isin(codes) | column.isna()).sum()) if codes else int(column.isna().sum())
        n = len(column)
        rows.append((item, n, dk, dk / n if n else math.nan))
    return pd.DataFrame(rows, columns=["item", "n", "dont_know", "share"])


def cronbach_alpha(items: pd.DataFrame, level: float = 0.95, dont_know=None) -> Alpha:
    """Cronbach's alpha of the item columns with the Feldt interval (complete cases)."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    codes = _dont_know_codes(dont_know)
    frame = items.mask(items.isin(codes)) if codes else items
    x = frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    k = x.shape[1]
    x = x[~np.isnan(x).any(axis=1)]
    n = x.shape[0]
    nan = math.nan
    if k < 2:
        return Alpha(nan, nan, nan, n, k, "too_few_items")
    if n < 2:
        return Alpha(nan, nan, nan, n, k, "too_few_respondents")
    item_var = x.var(axis=0, ddof=1).sum()
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var <= 0:
        return Alpha(nan, nan, nan, n, k, "no_variance")
    alpha = k / (k - 1) * (1.0 - item_var / total_var)
    g = 1.0 - level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1.0 - (1.0 - alpha) * stats.f.ppf(1.0 - g / 2.0, df1, df2)
    high = 1.0 - (1.0 - alpha) * stats.f.ppf(g / 2.0, df1, df2)
    return Alpha(float(alpha), float(low), float(high), n, k)
