"""Confidence intervals: t intervals for design-based estimates and intervals for proportions.

All functions are vectorised (numpy arrays in, arrays out) and never emit warnings: cells where an
interval cannot be computed get NaN, following the rules in `analysis.results`.

Sources:
- t interval: estimate +/- t(1 - alpha/2, df) * se, as `confint(svymean(...), df=degf(design))`.
- Wilson (1927) score interval: R's `prop.test(k, n, correct=FALSE)$conf.int`.
- Clopper-Pearson exact interval: R's `binom.test(k, n)$conf.int`.
- Korn and Graubard (1998) interval: R's `svyciprop(method="beta")` (survey 4.1-1).
- logit interval: R's `svyciprop(method="logit")`, which fits an intercept-only quasibinomial
  `svyglm` and back-transforms a Wald t interval on the logit scale; its standard error of the
  logit is se(p) / (p (1 - p)), so the interval is expit(logit(p) -/+ t * se / (p (1 - p))).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

CENSUS_TOLERANCE = 1e-7  # as R's onestrat: a stratum with 1 - n/N below this has no variance


def _check_level(level: float) -> float:
    level = float(level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    return level


def t_quantile(df, level: float = 0.95) -> np.ndarray:
    """t(1 - alpha/2, df); the normal quantile for df = inf; NaN where df < 1."""
    level = _check_level(level)
    df = np.asarray(df, dtype=float)
    out = np.full(df.shape, np.nan)
    ok = df >= 1
    if np.any(ok):
        out[ok] = stats.t.ppf(0.5 + level / 2.0, df[ok])
    return out


def estimate_intervals(estimate, variance, n, df, census, level: float = 0.95, domain_df=None):
    """Standard errors and t intervals with Helhet's rules for the special cases.

    Returns (se, ci_low, ci_high) as float arrays:
    - n == 0: everything NaN (no answers);
    - census: se 0, ci_low = ci_high = estimate;
    - domain_df < 1 (a single answering unit, not a census): se and interval NaN;
    - otherwise se = sqrt(variance) and estimate -/+ t(df) * se.
    domain_df defaults to df; it differs when the caller asks for the whole design's df.
    """
    estimate = np.asarray(estimate, dtype=float)
    variance = np.maximum(np.asarray(variance, dtype=float), 0.0)
    n = np.asarray(n)
    df = np.asarray(df, dtype=float)
    census = np.asarray(census, dtype=bool)
    se = np.sqrt(variance)
    q = t_quantile(df, level)
    lo = estimate - q * se
    hi = estimate + q * se
    domain_df = df if domain_df is None else np.asarray(domain_df, dtype=float)
    no_interval = (domain_df < 1) & ~census
    se = np.where(no_interval, np.nan, se)
    se = np.where(census, 0.0, se)
    lo = np.where(census, estimate, lo)
    hi = np.where(census, estimate, hi)
    empty = n == 0
    se, lo, hi = (np.where(empty, np.nan, a) for a in (se, lo, hi))
    return se, lo, hi


def wilson_interval(k, n, level: float = 0.95):
    """Wilson score interval for k successes of n, without continuity correction.

    Equals R's `prop.test(k, n, correct=FALSE)$conf.int`. NaN where n == 0.
    """
    level = _check_level(level)
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + level / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2.0 * n)) / denom
        half = z * np.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denom
    lo = np.where(k <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    hi = np.where(k >= n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return np.where(n > 0, lo, np.nan), np.where(n > 0, hi, np.nan)


def _beta_bounds(p, n_eff, level):
    """Clopper-Pearson-type bounds for proportion p with (possibly fractional) size n_eff."""
    alpha = 1.0 - level
    p = np.asarray(p, dtype=float)
    n_eff = np.asarray(n_eff, dtype=float)
    lo = np.full(p.shape, np.nan)
    hi = np.full(p.shape, np.nan)
    ok = np.isfinite(p) & np.isfinite(n_eff) & (n_eff > 0)
    at0 = ok & (p <= 0.0)
    at1 = ok & (p >= 1.0)
    inner_lo = ok & ~at0
    inner_hi = ok & ~at1
    lo[at0] = 0.0
    hi[at1] = 1.0
    if np.any(inner_lo):
        lo[inner_lo] = stats.beta.ppf(
            alpha / 2.0, n_eff[inner_lo] * p[inner_lo], n_eff[inner_lo] * (1.0 - p[inner_lo]) + 1.0
        )
    if np.any(inner_hi):
        hi[inner_hi] = stats.beta.ppf(
            1.0 - alpha / 2.0,
            n_eff[inner_hi] * p[inner_hi] + 1.0,
            n_eff[inner_hi] * (1.0 - p[inner_hi]),
        )
    return lo, hi


def clopper_pearson_interval(k, n, level: float = 0.95):
    """Exact (Clopper-Pearson) interval; equals R's `binom.test(k, n)$conf.int`."""
    level = _check_level(level)
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n > 0, k / n, np.nan)
    return _beta_bounds(p, n, level)


def korn_graubard_interval(p, variance, n, df, level: float = 0.95):
    """Korn-Graubard interval as R's `svyciprop(method="beta")` (survey 4.1-1).

    n_eff = p (1 - p) / var(p), times (t(alpha/2, n - 1) / t(alpha/2, df))^2, then
    [qbeta(alpha/2, n_eff p, n_eff (1 - p) + 1), qbeta(1 - alpha/2, n_eff p + 1, n_eff (1 - p))].
    n is the number of answers (R uses nrow(design)). When every answer is the same (p = 0 or 1,
    variance 0) R's n_eff is 0/0; we use n_eff = n instead, i.e. the Clopper-Pearson interval with
    the same df adjustment. A census (variance 0 with 0 < p < 1) gives the degenerate [p, p].
    """
    level = _check_level(level)
    alpha = 1.0 - level
    p = np.asarray(p, dtype=float)
    variance = np.asarray(variance, dtype=float)
    n = np.asarray(n, dtype=float)
    df = np.asarray(df, dtype=float)
    boundary = (p <= 0.0) | (p >= 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = np.where(boundary, n, p * (1.0 - p) / variance)
    adjust = np.full(p.shape, np.nan)
    ok = (n > 1) & (df >= 1)
    if np.any(ok):
        adjust[ok] = (stats.t.ppf(alpha / 2.0, n[ok] - 1.0) / stats.t.ppf(alpha / 2.0, df[ok])) ** 2
    n_eff = n_eff * adjust
    lo, hi = _beta_bounds(p, n_eff, level)
    exact = ~boundary & (variance <= 0.0) & ok
    lo = np.where(exact, p, lo)
    hi = np.where(exact, p, hi)
    return lo, hi


def logit_interval(p, se, df, n, level: float = 0.95):
    """Interval on the logit scale, as R's `svyciprop(method="logit")` (and "xlogit").

    expit(logit(p) -/+ t(df) * se / (p (1 - p))). For p = 0 or 1 the logit is infinite and R's
    answer is meaningless; we return the Korn-Graubard interval with n_eff = n instead.
    """
    p = np.asarray(p, dtype=float)
    se = np.asarray(se, dtype=float)
    q = t_quantile(df, level)
    boundary = (p <= 0.0) | (p >= 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        logit = np.log(p / (1.0 - p))
        half = q * se / (p * (1.0 - p))
        lo = 1.0 / (1.0 + np.exp(-(logit - half)))
        hi = 1.0 / (1.0 + np.exp(-(logit + half)))
    if np.any(boundary):
        kg_lo, kg_hi = korn_graubard_interval(p, np.zeros_like(p), n, df, level)
        lo = np.where(boundary, kg_lo, lo)
        hi = np.where(boundary, kg_hi, hi)
    return lo, hi
