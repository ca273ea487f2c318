"""Linearisation (Taylor series) variance for one-stage designs, as R's `survey::svyrecvar`.

A design-based mean or total is a sum over respondents of a linearised variable z_i:

    total:   z_i = w_i y_i
    mean:    z_i = w_i (y_i - ybar) / sum(w)          (svymean)

and for a domain (svyby) z_i is 0 for every row outside the domain, which keeps every stratum and
PSU of the full design. With PSU totals t_hj = sum of z_i in PSU j of stratum h (each respondent
is its own PSU unless the design has clusters),

    var = sum over strata h of (1 - n_h / N_h) * n_h / (n_h - 1) * sum_j (t_hj - tbar_h)^2

where n_h is the number of PSUs the stratum has in the whole sample (also those outside the domain
or with a missing answer: their t_hj is 0) and N_h the population size (no finite population
correction when N_h is not given). This is R's `onestrat`/`onestage`.

Strata with one PSU ("lonely PSU", R's option survey.lonely.psu) contribute:
    "adjust"            (1 - 1/N_h) * t_h^2, i.e. centred at 0 instead of the stratum mean
    "certainty", "remove"  0
    "average"           nothing, and the sum over the other strata is multiplied by
                        (number of strata) / (number of strata with more than one PSU)
    "fail"              the design refuses to be built (R stops when computing a variance)
A stratum that is a census (1 - n_h/N_h < 1e-7) contributes 0 whatever the option, as in R.

Two implementations give the same numbers:
- `linearised_variance` works on an explicit (rows x columns) matrix of z, applies calibration
  residuals first (see `analysis.calibration`), then sums by PSU and stratum. It handles every
  design and is the reference.
- `finish_cells` works from per (domain, stratum) sufficient statistics when every respondent is
  its own PSU and the design is not calibrated. Then, with sums over the rows of a cell that
  answered, A = sum w, B = sum w y, C = sum w^2, D = sum w^2 y, E = sum w^2 y^2, the stratum's
  sums of z and z^2 for a domain mean are (B - ybar A) / W and (E - 2 ybar D + ybar^2 C) / W^2.
  This is what makes the per-unit x per-item table fast, and what the SQL path uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from analysis.calibration import residualise
from analysis.intervals import CENSUS_TOLERANCE

LONELY_PSU_OPTIONS = ("adjust", "average", "certainty", "remove", "fail")


class LonelyPSUError(ValueError):
    """A stratum has a single PSU and the design was built with lonely_psu="fail"."""


@dataclass(frozen=True)
class Structure:
    """The parts of a design the variance needs.

    strata      stratum index (0..H-1) of every row
    psu         PSU index (0..P-1) of every row, or None when every row is its own PSU
    psu_stratum stratum index of every PSU (None when psu is None)
    n_h         number of PSUs in each stratum (whole sample)
    fpc_factor  1 - n_h / N_h for each stratum (1.0 without a finite population correction)
    lonely_psu  one of LONELY_PSU_OPTIONS
    """

    strata: np.ndarray
    psu: np.ndarray | None
    psu_stratum: np.ndarray | None
    n_h: np.ndarray
    fpc_factor: np.ndarray
    lonely_psu: str

    @property
    def n_strata(self) -> int:
        return len(self.n_h)

    @property
    def census(self) -> np.ndarray:
        return self.fpc_factor < CENSUS_TOLERANCE

    @property
    def lonely(self) -> np.ndarray:
        """Strata with a single PSU that are not a census."""
        return (self.n_h == 1) & ~self.census

    def average_factor(self) -> float:
        """R's scaling for lonely_psu="average": strata / strata that have a variance."""
        if self.lonely_psu != "average":
            return 1.0
        ok = self.n_strata - int(np.count_nonzero(self.lonely))
        return self.n_strata / ok if ok > 0 else np.nan


def rowsum(codes: np.ndarray, n_groups: int, x: np.ndarray) -> np.ndarray:
    """Sum the rows of x (1-D or 2-D) by group code, as R's rowsum(x, group)."""
    if x.ndim == 1:
        return np.bincount(codes, weights=x, minlength=n_groups)
    indicator = sparse.csr_matrix(
        (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(n_groups, len(codes))
    )
    return np.asarray(indicator @ x)


def stratum_contributions(s1: np.ndarray, s2: np.ndarray, structure: Structure) -> np.ndarray:
    """Variance contribution of each stratum from the sums of PSU totals t and of t^2.

    s1, s2 have the strata on the first axis (H,) or (H, k). Lonely strata follow
    structure.lonely_psu ("average" gives NaN here; `combine` rescales).
    """
    n_h = structure.n_h.astype(float)
    f = structure.fpc_factor
    shape = (-1,) + (1,) * (s1.ndim - 1)
    n_b = n_h.reshape(shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        centred = np.maximum(s2 - s1 * s1 / n_b, 0.0)
        scale = np.where(n_h > 1, f * n_h / (n_h - 1.0), f).reshape(shape)
    out = np.where(n_b > 1, scale * centred, 0.0)
    lonely = structure.lonely.reshape(shape)
    if structure.lonely_psu == "adjust":
        out = np.where(lonely, f.reshape(shape) * s2, out)
    elif structure.lonely_psu == "average":
        out = np.where(lonely, np.nan, out)
    return np.where(structure.census.reshape(shape), 0.0, out)


def linearised_variance(
    z: np.ndarray, structure: Structure, calibration=(), average_factor=None
) -> np.ndarray:
    """Variance of sum(z) for each column of z (rows x k), as R's svyrecvar (diagonal only).

    average_factor overrides the lonely_psu="average" scaling (one value or one per column).
    """
    z = np.asarray(z, dtype=float)
    one = z.ndim == 1
    if one:
        z = z[:, None]
    z = residualise(z, calibration)
    if structure.psu is not None:
        totals = rowsum(structure.psu, len(structure.psu_stratum), z)
        strata = structure.psu_stratum
    else:
        totals, strata = z, structure.strata
    s1 = rowsum(strata, structure.n_strata, totals)
    s2 = rowsum(strata, structure.n_strata, totals * totals)
    contributions = stratum_contributions(s1, s2, structure)
    factor = structure.average_factor() if average_factor is None else average_factor
    v = np.nansum(contributions, axis=0) * factor
    return v[0] if one else v


@dataclass(frozen=True)
class CellSums:
    """Sufficient statistics per (domain, stratum) cell and item, for respondent-level PSUs.

    Arrays have shape (cells, items); m counts answers. Either the weight is constant within each
    cell (`weight`, shape (cells,)) and S, Q are the plain sums of y - shift and (y - shift)^2,
    or A..E are the weighted sums of the module docstring (of y - shift). shift is per item, a
    value near the data that keeps the sums small (for numerical accuracy).
    """

    m: np.ndarray
    shift: np.ndarray
    weight: np.ndarray | None = None
    S: np.ndarray | None = None
    Q: np.ndarray | None = None
    A: np.ndarray | None = None
    B: np.ndarray | None = None
    C: np.ndarray | None = None
    D: np.ndarray | None = None
    E: np.ndarray | None = None

    @classmethod
    def from_plain(cls, weight, m, s, q, shift=None) -> CellSums:
        """From unweighted count, sum and sum of squares when the weight is constant in a cell.

        weight has shape (cells,); m, s, q (cells, items). With shift c the sums are re-centred:
        sum (y - c) = s - c m, sum (y - c)^2 = q - 2 c s + c^2 m. The default shift is the
        rounded overall mean, so that whole-number answers keep whole-number sums.
        """
        m = np.asarray(m, dtype=float)
        s = np.asarray(s, dtype=float)
        q = np.asarray(q, dtype=float)
        if shift is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                shift = np.round(np.nan_to_num(s.sum(axis=0) / m.sum(axis=0)))
        shift = np.asarray(shift, dtype=float)
        s_shifted = s - shift * m
        q_shifted = np.maximum(q - 2.0 * shift * s + shift * shift * m, 0.0)
        return cls(
            m=m, shift=shift, weight=np.asarray(weight, dtype=float), S=s_shifted, Q=q_shifted
        )

    def weighted(self, cell_scale: np.ndarray | None = None):
        """(A, B, C, D, E), with the cell weights divided by cell_scale if given."""
        if self.weight is None:
            return self.A, self.B, self.C, self.D, self.E
        w = self.weight if cell_scale is None else self.weight / cell_scale
        w = w[:, None]
        return w * self.m, w * self.S, w * w * self.m, w * w * self.S, w * w * self.Q


def finish_cells(
    cell_domain: np.ndarray,
    cell_stratum: np.ndarray,
    n_domains: int,
    sums: CellSums,
    structure: Structure,
    statistic: str = "mean",
):
    """Estimates and variances per (domain, item) from cell sums; see the module docstring.

    Returns estimate, variance, n, df, census, each of shape (n_domains, items). df is the number
    of answering respondents minus the number of strata they are in (R's degf of the domain).
    """
    to_domain = sparse.csr_matrix(
        (np.ones(len(cell_domain)), (cell_domain, np.arange(len(cell_domain)))),
        shape=(n_domains, len(cell_domain)),
    )

    def by_domain(x):
        return np.asarray(to_domain @ x)

    m, shift = sums.m, sums.shift
    if statistic == "mean" and sums.weight is not None:
        # a domain mean does not change when the domain's weights are multiplied by a constant:
        # divide by the largest weight in the domain, so a domain whose weights are all equal
        # (a unit of an employee survey) is computed in plain, often exact, sums
        largest = np.zeros(n_domains)
        np.maximum.at(largest, cell_domain, sums.weight)
        A, B, C, D, E = sums.weighted(largest[cell_domain])
    else:
        A, B, C, D, E = sums.weighted()
    W = by_domain(A)
    if statistic == "mean":
        with np.errstate(divide="ignore", invalid="ignore"):
            ybar = by_domain(B) / W
            yb = ybar[cell_domain]
            Wc = W[cell_domain]
            s1 = (B - yb * A) / Wc
            s2 = np.maximum(E - 2.0 * yb * D + yb * yb * C, 0.0) / (Wc * Wc)
        s1 = np.where(m > 0, s1, 0.0)
        s2 = np.where(m > 0, s2, 0.0)
        estimate = ybar + shift
    elif statistic == "total":
        s1 = B + shift * A
        s2 = np.maximum(E + 2.0 * shift * D + shift * shift * C, 0.0)
        estimate = by_domain(s1)
    else:
        raise ValueError(f"unknown statistic {statistic!r}")
    sub = Structure(
        strata=cell_stratum,
        psu=None,
        psu_stratum=None,
        n_h=structure.n_h[cell_stratum],
        fpc_factor=structure.fpc_factor[cell_stratum],
        lonely_psu=structure.lonely_psu,
    )
    contributions = stratum_contributions(s1, s2, sub)
    variance = by_domain(np.nan_to_num(contributions))
    answered = m > 0
    n = np.rint(by_domain(m)).astype(np.int64)
    touched = np.rint(by_domain(answered.astype(float))).astype(np.int64)
    if structure.lonely_psu == "average":
        # R subsets the design to the domain's answering rows, so the rescaling counts the
        # strata present there: touched / touched-and-not-lonely
        with_variance = answered & ~sub.lonely[:, None]
        ok = by_domain(with_variance.astype(float))
        with np.errstate(divide="ignore", invalid="ignore"):
            variance = variance * np.where(ok > 0, touched / ok, np.nan)
    uncertain = answered & ~structure.census[cell_stratum][:, None]
    census = (by_domain(uncertain.astype(float)) == 0) & (n > 0)
    df = n - touched
    empty = n == 0
    estimate = np.where(empty, np.nan, estimate)
    variance = np.where(empty, np.nan, variance)
    return estimate, variance, n, df, census
