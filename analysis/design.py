"""`SurveyDesign`: a one-stage survey design and its design-based estimates, as R's `survey`.

    design = SurveyDesign(answers, strata="unit", fpc="headcount")
    design.mean("q1", by="unit")          # svyby(~q1, ~unit, design, svymean, na.rm=TRUE)

The design mirrors `svydesign(ids=~1 or ~<ids>, strata=, weights=, fpc=)`:

- `weights` names a column of sampling weights. Without it every weight is 1, or N_h / n_h in
  stratum h when `fpc` is given (R's default from the finite population correction).
- `strata` names the stratum column (employee surveys: the org unit).
- `fpc` names a column holding the population size N_h of the row's stratum (constant within a
  stratum; if every value is <= 1 they are read as sampling fractions n_h / N_h, as R does).
- `ids` names a cluster column for a one-stage cluster design (PSUs = clusters); without it every
  row is its own PSU. Clusters are nested in strata (R's nest=TRUE).
- `lonely_psu` says what a stratum with a single PSU contributes to a variance, with R's
  survey.lonely.psu options (see `analysis.variance`); the default here is "adjust", the
  conservative choice that never fails (R's own default "fail" stops with an error).

Estimates (mean, total, proportion) are tables with the columns of `analysis.results`:
[<by columns>], estimate, se, ci_low, ci_high, n, df. Missing values (NaN) are dropped per
variable, as na.rm=TRUE: a missing answer keeps its row in the design (it counts in n_h and in
the finite population correction) but contributes 0 to the linearised variable, exactly as R.
Domains (`by`) keep the whole design (svyby), never a subset. The interval is a t interval with
the domain's design degrees of freedom (answering PSUs minus the strata they are in: R's
`degf()` of the domain, which `svyciprop` uses under `svyby`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.calibration import poststratify_weights, rake_weights
from analysis.compare import difference_test
from analysis.intervals import (
    estimate_intervals,
    korn_graubard_interval,
    logit_interval,
    wilson_interval,
)
from analysis.results import ESTIMATE_COLUMNS, Comparison, WeightingDiagnostics
from analysis.variance import (
    LONELY_PSU_OPTIONS,
    CellSums,
    LonelyPSUError,
    Structure,
    finish_cells,
    linearised_variance,
)

PROPORTION_METHODS = ("logit", "beta", "wilson")
_MAX_DENSE_CELLS = 50_000_000  # (domain x stratum) grid above which cells are found by sorting
_DENSE_CHUNK = 4_000_000  # elements of the rows x domains matrix built at a time


@dataclass(frozen=True)
class Domains:
    """Domain index of every row (-1: in no domain) and one label row per domain."""

    codes: np.ndarray
    count: int
    labels: pd.DataFrame | None  # None when there is no `by`


@dataclass(frozen=True)
class DomainStats:
    estimate: np.ndarray
    variance: np.ndarray
    n: np.ndarray
    df: np.ndarray
    census: np.ndarray


def _column(data: pd.DataFrame, spec, what: str) -> pd.Series:
    if isinstance(spec, str):
        if spec not in data.columns:
            raise KeyError(f"{what}: no column {spec!r} in the data")
        return data[spec]
    values = pd.Series(np.asarray(spec), index=data.index)
    if len(values) != len(data):
        raise ValueError(f"{what}: expected {len(data)} values, got {len(values)}")
    return values


def _numeric(values: pd.Series, what: str) -> np.ndarray:
    """A float array with NaN for missing values; booleans become 0/1."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        raise ValueError(f"{what} must be numeric, not categorical")
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_numeric_dtype(values.dtype):
        return values.to_numpy(dtype=float, na_value=np.nan)
    if values.dtype == object:
        converted = pd.to_numeric(values, errors="coerce")
        bad = converted.isna() & values.notna()
        if bad.any():
            raise ValueError(f"{what} must be numeric; found {values[bad].iloc[0]!r}")
        return converted.to_numpy(dtype=float, na_value=np.nan)
    raise ValueError(f"{what} must be numeric, not {values.dtype}")


def _typical_value(y: np.ndarray) -> float:
    """A cheap centre for y: the median of up to ~1000 evenly spaced answers (0 if none).

    It is one of the answers, so whole-number answers keep whole-number (exact) sums.
    """
    sample = y[:: max(1, len(y) // 1000)]
    sample = sample[~np.isnan(sample)]
    if not len(sample):
        sample = y[~np.isnan(y)]
    if not len(sample):
        return 0.0
    middle = len(sample) // 2
    return float(np.partition(sample, middle)[middle])


def _codes(
    values: pd.Series, all_categories: bool = True
) -> tuple[np.ndarray, pd.Index | pd.Categorical]:
    """Sorted codes (-1 for missing) and the levels; all categories of a Categorical if asked."""
    if all_categories and isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int64), values.cat.categories
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), uniques


@dataclass(frozen=True)
class _Layout:
    """How the sample was drawn, read from the design's columns: what `SurveyDesign` keeps."""

    structure: Structure
    strata_labels: pd.Index  # one label per stratum (code h is strata_labels[h])
    weights: np.ndarray  # sampling weights, one per row


def _layout(data: pd.DataFrame, weights, strata, fpc, ids, lonely_psu: str) -> _Layout:
    """Strata, PSUs, population sizes and sampling weights; see the module docstring."""
    strata_codes, strata_labels = _strata(data, strata)
    psu, psu_stratum, n_h = _psus(data, ids, strata_codes, len(strata_labels))
    population = _population(data, fpc, strata_codes, strata_labels, n_h)
    if population is None:
        fpc_factor = np.ones(len(n_h))
    else:
        fpc_factor = np.maximum((population - n_h) / population, 0.0)
    w = _sampling_weights(data, weights, strata_codes, n_h, population)
    structure = Structure(
        strata=strata_codes,
        psu=psu,
        psu_stratum=psu_stratum,
        n_h=n_h,
        fpc_factor=fpc_factor,
        lonely_psu=lonely_psu,
    )
    if lonely_psu == "fail" and structure.lonely.any():
        h = int(np.flatnonzero(structure.lonely)[0])
        raise LonelyPSUError(
            f"stratum {strata_labels[h]!r} has only one PSU (lonely_psu='fail'); "
            "choose another lonely_psu option"
        )
    return _Layout(structure, strata_labels, w)


def _strata(data: pd.DataFrame, strata) -> tuple[np.ndarray, pd.Index]:
    """The stratum code of every row and the strata's labels (one stratum 0 without strata)."""
    if strata is None:
        n = len(data)
        return np.zeros(n, dtype=np.int64), pd.Index([0] if n else [])
    codes, labels = _codes(_column(data, strata, "strata"), all_categories=False)
    if (codes < 0).any():
        raise ValueError("strata: missing values are not allowed")
    return codes, labels


def _psus(data: pd.DataFrame, ids, strata_codes: np.ndarray, n_strata: int):
    """(PSU of every row, stratum of every PSU, PSUs per stratum); clusters nested in strata.

    Without `ids` every row is its own PSU: the first two are None.
    """
    if ids is None:
        return None, None, np.bincount(strata_codes, minlength=n_strata)
    id_codes, id_labels = _codes(_column(data, ids, "ids"), all_categories=False)
    if (id_codes < 0).any():
        raise ValueError("ids: missing values are not allowed")
    psu, _ = pd.factorize(strata_codes * max(len(id_labels), 1) + id_codes)
    psu = psu.astype(np.int64)
    psu_stratum = np.zeros(psu.max() + 1 if len(data) else 0, dtype=np.int64)
    psu_stratum[psu] = strata_codes
    return psu, psu_stratum, np.bincount(psu_stratum, minlength=n_strata)


def _population(
    data: pd.DataFrame, fpc, strata_codes: np.ndarray, strata_labels: pd.Index, n_h: np.ndarray
) -> np.ndarray | None:
    """The population size N_h of each stratum from the fpc column (None without fpc).

    The column holds N_h, constant within a stratum, or (every value <= 1) the sampling
    fraction n_h / N_h, as R reads it.
    """
    if fpc is None:
        return None
    values = _numeric(_column(data, fpc, "fpc"), "fpc")
    if np.isnan(values).any() or (values <= 0).any():
        raise ValueError("fpc: every row needs a positive population size")
    first = np.zeros(len(n_h))
    first[strata_codes[::-1]] = values[::-1]
    if not np.allclose(values, first[strata_codes], rtol=1e-12, atol=0):
        raise ValueError("fpc varies within a stratum; it must be the stratum's population")
    if (values > 1).any():
        if (values < 1).any():
            raise ValueError(
                "fpc: all values must be population sizes (>= 1) or all fractions (<= 1)"
            )
        population = first
    else:
        population = n_h / first
    too_small = population < n_h - 1e-9
    if too_small.any():
        h = int(np.flatnonzero(too_small)[0])
        raise ValueError(
            f"fpc: stratum {strata_labels[h]!r} has {n_h[h]} sampled units but a "
            f"population of {population[h]:g}"
        )
    return population


def _sampling_weights(
    data: pd.DataFrame, weights, strata_codes: np.ndarray, n_h: np.ndarray, population
) -> np.ndarray:
    """The weights column, else N_h / n_h in each stratum when the population is known, else 1."""
    n = len(data)
    if weights is not None:
        return _positive(_numeric(_column(data, weights, "weights"), "weights"))
    if population is not None:
        return (population / n_h)[strata_codes] if n else np.zeros(0)
    return np.ones(n)


def _positive(weights: np.ndarray) -> np.ndarray:
    if not np.all(np.isfinite(weights)) or (weights <= 0).any():
        raise ValueError("weights must be positive and finite")
    return weights


class SurveyDesign:
    """A one-stage design (optional strata, clusters, weights, finite population correction).

    See the module docstring; every estimate equals R's survey package (svymean, svytotal, svyby,
    svyciprop, postStratify, rake, svyttest) for the same design, up to floating point.
    """

    def __init__(
        self,
        data: pd.DataFrame,
        weights=None,
        strata=None,
        fpc=None,
        ids=None,
        lonely_psu: str = "adjust",
    ):
        if not isinstance(data, pd.DataFrame):
            raise TypeError("data must be a pandas DataFrame")
        if lonely_psu not in LONELY_PSU_OPTIONS:
            raise ValueError(f"lonely_psu must be one of {LONELY_PSU_OPTIONS}, got {lonely_psu!r}")
        self._data = data
        self._spec = {"weights": weights, "strata": strata, "fpc": fpc, "ids": ids}
        layout = _layout(data, weights, strata, fpc, ids, lonely_psu)
        self._structure = layout.structure
        self._strata_labels = layout.strata_labels
        self._w = layout.weights
        self._calibration: tuple = ()
        self._converged = True
        self._constant_weights_cache: np.ndarray | None = None

    # -- basic facts -------------------------------------------------------------------------

    @property
    def data(self) -> pd.DataFrame:
        return self._data

    @property
    def weights(self) -> pd.Series:
        """The (possibly calibrated) sampling weights, indexed like the data."""
        return pd.Series(self._w, index=self._data.index, name="weight")

    @property
    def lonely_psu(self) -> str:
        return self._structure.lonely_psu

    @property
    def degf(self) -> int:
        """Design degrees of freedom: PSUs minus strata (R's degf)."""
        s = self._structure
        n_psu = len(s.psu_stratum) if s.psu is not None else len(self._data)
        return int(n_psu - s.n_strata)

    @property
    def is_unweighted(self) -> bool:
        """True for a plain sample: no weights, strata, clusters, fpc or calibration."""
        return all(v is None for v in self._spec.values()) and not self._calibration

    @property
    def structure(self) -> Structure:
        return self._structure

    @property
    def calibration(self) -> tuple:
        return self._calibration

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in self._spec.items() if isinstance(v, str))
        cal = f", calibrated x{len(self._calibration)}" if self._calibration else ""
        return f"SurveyDesign(n={len(self)}{', ' + given if given else ''}{cal})"

    def with_weights(self, weights, step=None, converged: bool = True) -> SurveyDesign:
        """The same design (data, strata, clusters, fpc) with other weights, one per row.

        `step` is the calibration that made the weights (a step from `analysis.calibration`):
        the design adds it to `calibration`, and variances then use the residual of the
        linearised variable after it, as R's svyrecvar does for a calibrated design. Without a
        step the weights are new sampling weights. converged=False records that the
        calibration stopped before it converged (`weighting_diagnostics().converged`).
        The weights must be positive and finite; the data are shared, not copied.
        """
        w = np.asarray(weights, dtype=float)
        if w.shape != (len(self._data),):
            raise ValueError(f"weights: expected {len(self._data)} values, got {w.size}")
        new = object.__new__(SurveyDesign)
        new.__dict__.update(self.__dict__)
        new._w = _positive(w)
        if step is None:
            new._spec = {**self._spec, "weights": w}
        else:
            new._calibration = self._calibration + (step,)
        new._converged = self._converged and converged
        new._constant_weights_cache = None
        return new

    # -- domains and variables ---------------------------------------------------------------

    def _domains(self, by) -> Domains:
        n = len(self._data)
        columns = [] if by is None else ([by] if isinstance(by, str) else list(by))
        if not columns:
            return Domains(np.zeros(n, dtype=np.int64), 1, None)
        series = [_column(self._data, c, "by") for c in columns]
        strata = self._spec["strata"]
        if (
            columns == [strata]
            and isinstance(strata, str)
            and not isinstance(series[0].dtype, pd.CategoricalDtype)
        ):
            # the domains are the strata: reuse their codes
            labels = pd.DataFrame({strata: np.asarray(self._strata_labels)})
            return Domains(self._structure.strata, len(self._strata_labels), labels)
        names = [c if isinstance(c, str) else f"by{i}" for i, c in enumerate(columns)]
        codes, levels = zip(*(_codes(s) for s in series), strict=True)
        sizes = tuple(max(len(lv), 1) for lv in levels)
        ok = np.ones(n, dtype=bool)
        for c in codes:
            ok &= c >= 0
        combined = np.full(n, -1, dtype=np.int64)
        if n:
            combined[ok] = np.ravel_multi_index(tuple(c[ok] for c in codes), sizes)
        categorical = [isinstance(s.dtype, pd.CategoricalDtype) for s in series]
        if all(categorical):
            # every category (combination) is a domain, also those nobody answered in
            count = int(np.prod([len(lv) for lv in levels]))
            domain_ids = np.arange(count)
            row_codes = combined
        else:
            domain_ids, inverse = np.unique(combined[ok], return_inverse=True)
            row_codes = np.full(n, -1, dtype=np.int64)
            row_codes[ok] = inverse
        parts = np.unravel_index(domain_ids, sizes)
        labels = {}
        for name, s, lv, part, cat in zip(names, series, levels, parts, categorical, strict=True):
            if cat:
                labels[name] = pd.Categorical.from_codes(part, dtype=s.dtype)
            else:
                labels[name] = pd.Index(lv).take(part) if len(lv) else pd.Index([], dtype=s.dtype)
        frame = pd.DataFrame(
            {k: np.asarray(v) if isinstance(v, pd.Index) else v for k, v in labels.items()}
        )
        return Domains(row_codes, len(domain_ids), frame)

    def variable(self, var) -> np.ndarray:
        """The values of `var` as floats, one per row, NaN where missing (booleans become 0/1).

        `var` is a column name or values aligned with the data. An unknown column is a KeyError;
        text that is not a number, or a categorical column, a ValueError.
        """
        what = var if isinstance(var, str) else "variable"
        return _numeric(_column(self._data, var, "variable"), what)

    # -- the core: estimates per domain ------------------------------------------------------

    @property
    def _uses_cells(self) -> bool:
        return not self._calibration and self._structure.psu is None

    def _stratum_weights(self) -> np.ndarray | None:
        """The weight of each stratum if weights are constant within strata, else None."""
        if self._constant_weights_cache is None:
            s = self._structure
            first = np.zeros(s.n_strata)
            first[s.strata[::-1]] = self._w[::-1]
            same = np.allclose(self._w, first[s.strata], rtol=1e-12, atol=0)
            self._constant_weights_cache = first if same else np.zeros(0)
        return self._constant_weights_cache if len(self._constant_weights_cache) else None

    def _cell_index(self, domains: Domains):
        """(cell of every row or the dump cell, cell_domain, cell_stratum, n_cells)."""
        s = self._structure
        H = max(s.n_strata, 1)
        key = np.where(domains.codes >= 0, domains.codes * H + s.strata, -1)
        grid = domains.count * H
        in_domain = key >= 0
        if grid <= _MAX_DENSE_CELLS:
            present = np.bincount(key[in_domain], minlength=grid) > 0 if grid else np.zeros(0, bool)
            cells = np.flatnonzero(present)
            lookup = np.full(grid + 1, len(cells), dtype=np.int64)
            lookup[cells] = np.arange(len(cells))
            index = lookup[np.where(in_domain, key, grid)]
        else:
            cells, inverse = np.unique(key[in_domain], return_inverse=True)
            index = np.full(len(key), len(cells), dtype=np.int64)
            index[in_domain] = inverse
        return index, cells // H, cells % H, len(cells)

    def _cell_sums(self, index, n_cells, cell_stratum, values: list[np.ndarray]) -> CellSums:
        w = self._w
        stratum_w = self._stratum_weights()
        k = len(values)
        m = np.empty((n_cells, k))
        shift = np.empty(k)
        if stratum_w is not None:
            S = np.empty((n_cells, k))
            Q = np.empty((n_cells, k))
        else:
            A, B, C, D, E = (np.empty((n_cells, k)) for _ in range(5))
        for j, y in enumerate(values):
            valid = ~np.isnan(y)
            shift[j] = _typical_value(y)
            yv = y - shift[j]  # sums of deviations from a typical value lose no precision
            np.copyto(yv, 0.0, where=~valid)
            m[:, j] = np.bincount(index[valid], minlength=n_cells + 1)[:n_cells]
            if stratum_w is not None:
                S[:, j] = np.bincount(index, weights=yv, minlength=n_cells + 1)[:n_cells]
                Q[:, j] = np.bincount(index, weights=yv * yv, minlength=n_cells + 1)[:n_cells]
            else:
                wv = np.where(valid, w, 0.0)
                wy = wv * yv
                A[:, j] = np.bincount(index, weights=wv, minlength=n_cells + 1)[:n_cells]
                B[:, j] = np.bincount(index, weights=wy, minlength=n_cells + 1)[:n_cells]
                C[:, j] = np.bincount(index, weights=wv * w, minlength=n_cells + 1)[:n_cells]
                D[:, j] = np.bincount(index, weights=wy * w, minlength=n_cells + 1)[:n_cells]
                E[:, j] = np.bincount(index, weights=wy * w * yv, minlength=n_cells + 1)[:n_cells]
        if stratum_w is not None:
            return CellSums(m=m, shift=shift, weight=stratum_w[cell_stratum], S=S, Q=Q)
        return CellSums(m=m, shift=shift, A=A, B=B, C=C, D=D, E=E)

    def _stats_cells(
        self, values: list[np.ndarray], domains: Domains, statistic: str
    ) -> DomainStats:
        index, cell_domain, cell_stratum, n_cells = self._cell_index(domains)
        sums = self._cell_sums(index, n_cells, cell_stratum, values)
        est, var, n, df, census = finish_cells(
            cell_domain, cell_stratum, domains.count, sums, self._structure, statistic
        )
        return DomainStats(est, var, n, df, census)

    def _domain_z(self, y: np.ndarray, domains: Domains, statistic: str):
        """Estimates per domain and a function giving the linearised variable of domain d."""
        valid = ~np.isnan(y) & (domains.codes >= 0)
        codes = np.where(valid, domains.codes, domains.count)
        w = self._w
        wv = np.where(valid, w, 0.0)
        yv = np.where(valid, y, 0.0)
        W = np.bincount(codes, weights=wv, minlength=domains.count + 1)[: domains.count]
        T = np.bincount(codes, weights=wv * yv, minlength=domains.count + 1)[: domains.count]
        if statistic == "mean":
            with np.errstate(divide="ignore", invalid="ignore"):
                est = T / W
            ybar = np.append(np.nan_to_num(est), 0.0)[codes]
            denom = np.append(np.where(W > 0, W, 1.0), 1.0)[codes]
            z_row = wv * (yv - ybar) / denom
        else:
            est = T
            z_row = wv * yv
        return est, z_row, codes, valid

    def _stats_dense(
        self, values: list[np.ndarray], domains: Domains, statistic: str
    ) -> DomainStats:
        s = self._structure
        n = len(self._data)
        psu_of_row = s.psu if s.psu is not None else np.arange(n)
        out = []
        for y in values:
            est, z_row, codes, valid = self._domain_z(y, domains, statistic)
            counts = np.bincount(codes, minlength=domains.count + 1)[: domains.count]
            n_psu = self._distinct_per_domain(codes[valid], psu_of_row[valid], domains.count)
            n_str = self._distinct_per_domain(codes[valid], s.strata[valid], domains.count)
            factor = None
            if s.lonely_psu == "average" and not self._calibration:
                # as R, which subsets an uncalibrated design: count the domain's strata only
                ok = valid & ~s.lonely[s.strata]
                n_ok = self._distinct_per_domain(codes[ok], s.strata[ok], domains.count)
                with np.errstate(divide="ignore", invalid="ignore"):
                    factor = np.where(n_ok > 0, n_str / n_ok, np.nan)
            variance = np.empty(domains.count)
            chunk = max(1, _DENSE_CHUNK // max(n, 1))
            for start in range(0, domains.count, chunk):
                ids = np.arange(start, min(start + chunk, domains.count))
                Z = np.where(codes[:, None] == ids[None, :], z_row[:, None], 0.0)
                variance[ids] = linearised_variance(
                    Z, s, self._calibration, None if factor is None else factor[ids]
                )
            uncertain = valid & ~s.census[s.strata]
            census = (np.bincount(codes[uncertain], minlength=domains.count) == 0) & (counts > 0)
            empty = counts == 0
            out.append(
                (
                    np.where(empty, np.nan, est),
                    np.where(empty, np.nan, variance),
                    counts.astype(np.int64),
                    (n_psu - n_str).astype(np.int64),
                    census,
                )
            )
        stacked = [np.stack([o[i] for o in out], axis=1) for i in range(5)]
        return DomainStats(*stacked)

    @staticmethod
    def _distinct_per_domain(domain: np.ndarray, other: np.ndarray, count: int) -> np.ndarray:
        if len(domain) == 0:
            return np.zeros(count, dtype=np.int64)
        pairs = np.unique(domain.astype(np.int64) * (int(other.max()) + 1) + other)
        return np.bincount(pairs // (int(other.max()) + 1), minlength=count)

    def _stats(self, values: list[np.ndarray], domains: Domains, statistic: str) -> DomainStats:
        if len(self._data) == 0:
            shape = (domains.count, len(values))
            return DomainStats(
                np.full(shape, np.nan),
                np.full(shape, np.nan),
                np.zeros(shape, np.int64),
                np.zeros(shape, np.int64),
                np.zeros(shape, bool),
            )
        if self._uses_cells:
            return self._stats_cells(values, domains, statistic)
        return self._stats_dense(values, domains, statistic)

    @staticmethod
    def _table(domains: Domains, columns: dict, item: str | None = None) -> pd.DataFrame:
        frame = domains.labels.copy() if domains.labels is not None else pd.DataFrame(index=[0])
        if item is not None:
            frame["item"] = item
        for name in ESTIMATE_COLUMNS:
            values = columns[name]
            frame[name] = values.astype(np.int64) if name in ("n", "df") else values.astype(float)
        return frame.reset_index(drop=True)

    def _reported_df(self, domain_df: np.ndarray, df) -> np.ndarray:
        """The df column: the domain's own (default), the whole design's, or a given number."""
        domain_df = np.maximum(domain_df, 0)
        if isinstance(df, str):
            if df == "domain":
                return domain_df
            if df == "design":
                return np.full_like(domain_df, self.degf)
            raise ValueError(f"df must be 'domain', 'design' or a positive integer, got {df!r}")
        if int(df) != df or df < 1:
            raise ValueError(f"df must be 'domain', 'design' or a positive integer, got {df!r}")
        return np.full_like(domain_df, int(df))

    def _estimate_table(
        self, stats: DomainStats, domains: Domains, j: int, level: float, df, item=None
    ):
        est, var = stats.estimate[:, j], stats.variance[:, j]
        n, domain_df, census = stats.n[:, j], stats.df[:, j], stats.census[:, j]
        reported = self._reported_df(domain_df, df)
        se, lo, hi = estimate_intervals(est, var, n, reported, census, level, domain_df)
        columns = {"estimate": est, "se": se, "ci_low": lo, "ci_high": hi, "n": n, "df": reported}
        return self._table(domains, columns, item)

    # -- public estimates --------------------------------------------------------------------

    def mean(self, var, by=None, level: float = 0.95, df="domain") -> pd.DataFrame:
        """Design-based mean of `var` (svymean; svyby(..., svymean) with `by`).

        Returns [<by>], estimate, se, ci_low, ci_high, n, df; see `analysis.results`.
        df="domain" (default) uses each domain's own degrees of freedom for the t interval,
        df="design" the whole design's (R: confint(svyby(...), df=degf(design))), or give a
        number. A domain with a single answering PSU never gets an interval.
        """
        domains = self._domains(by)
        stats = self._stats([self.variable(var)], domains, "mean")
        return self._estimate_table(stats, domains, 0, level, df)

    def total(self, var, by=None, level: float = 0.95, df="domain") -> pd.DataFrame:
        """Design-based total of `var` (svytotal; svyby(..., svytotal) with `by`)."""
        domains = self._domains(by)
        stats = self._stats([self.variable(var)], domains, "total")
        return self._estimate_table(stats, domains, 0, level, df)

    def mean_table(
        self, items: Sequence[str], by=None, level: float = 0.95, df="domain"
    ) -> pd.DataFrame:
        """Means of many items per domain in one long table: [<by>], item, estimate, ... df.

        Vectorised over rows (a few bincounts per item) for designs without clusters or
        calibration; identical to calling `mean(item, by)` for each item.
        """
        items = list(items)
        domains = self._domains(by)
        stats = self._stats([self.variable(i) for i in items], domains, "mean")
        frames = [
            self._estimate_table(stats, domains, j, level, df, item=i) for j, i in enumerate(items)
        ]
        if not frames:
            names = [] if domains.labels is None else list(domains.labels.columns)
            return pd.DataFrame(columns=[*names, "item", *ESTIMATE_COLUMNS])
        return pd.concat(frames, ignore_index=True)

    def proportion(
        self, condition, by=None, method: str = "logit", level: float = 0.95, df="domain"
    ) -> pd.DataFrame:
        """Proportion of rows where `condition` holds, with a proportion interval (never Wald).

        `condition` is a column name or a boolean/0-1 array aligned with the data; NaN/None are
        missing. Methods, as R's `svyciprop`:
          "logit"  expit(logit(p) -/+ t(df) se / (p (1 - p)))                (R: "logit", "xlogit")
          "beta"   Korn-Graubard, n_eff = p (1 - p) / var, df-adjusted        (R: "beta")
          "wilson" Wilson score interval of the unweighted share k / n; only when the weights are
                   equal within each domain (prop.test(correct=FALSE)); the fpc is not used.
        se is the linearised standard error of p. When every answer is the same (p = 0 or 1) the
        logit and beta methods give the Clopper-Pearson-type interval with n_eff = n.
        """
        if method not in PROPORTION_METHODS:
            raise ValueError(f"method must be one of {PROPORTION_METHODS}, got {method!r}")
        y = self.variable(condition)
        observed = y[~np.isnan(y)]
        if not np.isin(observed, (0.0, 1.0)).all():
            raise ValueError("condition must be boolean or 0/1 (NaN for missing)")
        domains = self._domains(by)
        stats = self._stats([y], domains, "mean")
        p, var = stats.estimate[:, 0], stats.variance[:, 0]
        # a share of 0 or 1 is exact (rounding in weighted sums must not hide it)
        p = np.where(np.abs(p) < 1e-12, 0.0, np.where(np.abs(1.0 - p) < 1e-12, 1.0, p))
        n, domain_df, census = stats.n[:, 0], stats.df[:, 0], stats.census[:, 0]
        df = self._reported_df(domain_df, df)
        se, _, _ = estimate_intervals(p, var, n, df, census, level, domain_df)
        if method == "logit":
            lo, hi = logit_interval(p, se, df, n, level)
        elif method == "beta":
            lo, hi = korn_graubard_interval(p, var, n, df, level)
        else:
            self._check_equal_weights(domains)
            valid = ~np.isnan(y) & (domains.codes >= 0)
            k = np.bincount(domains.codes[valid], weights=y[valid], minlength=domains.count)
            with np.errstate(divide="ignore", invalid="ignore"):
                p = np.where(n > 0, k / n, np.nan)
                se = np.sqrt(p * (1.0 - p) / n)
            lo, hi = wilson_interval(k, n, level)
        no_interval = ((domain_df < 1) & ~census) | (n == 0)
        se = np.where(no_interval, np.nan, np.where(census, 0.0, se))
        lo = np.where(no_interval, np.nan, np.where(census, p, lo))
        hi = np.where(no_interval, np.nan, np.where(census, p, hi))
        columns = {"estimate": p, "se": se, "ci_low": lo, "ci_high": hi, "n": n, "df": df}
        return self._table(domains, columns)

    def _check_equal_weights(self, domains: Domains) -> None:
        ok = domains.codes >= 0
        if not ok.any():
            return
        codes = domains.codes[ok]
        w = self._w[ok]
        hi = np.full(domains.count, -np.inf)
        lo = np.full(domains.count, np.inf)
        np.maximum.at(hi, codes, w)
        np.minimum.at(lo, codes, w)
        used = np.isfinite(hi)
        if np.any(hi[used] - lo[used] > 1e-9 * hi[used]):
            raise ValueError(
                "method='wilson' is for unweighted data; the weights vary within a group: "
                "use method='logit' or 'beta'"
            )

    # -- calibration, diagnostics and comparisons (see their modules) ------------------------

    def poststratify(self, columns, population, partial: bool = False) -> SurveyDesign:
        """New design post-stratified to population counts (R's postStratify); see calibration."""
        result = poststratify_weights(self._data, self._w, columns, population, partial=partial)
        return self.with_weights(result.weights, step=result.step)

    def rake(self, margins, maxit: int = 10, epsilon: float = 1.0) -> SurveyDesign:
        """New design raked to population margins (R's rake); see analysis.calibration.

        margins: a list of (columns, population) pairs or a dict {columns: population}.
        `weighting_diagnostics().converged` is False when maxit passes were not enough (R warns).
        """
        result = rake_weights(self._data, self._w, margins, maxit=maxit, epsilon=epsilon)
        return self.with_weights(result.weights, step=result.step, converged=result.converged)

    def weighting_diagnostics(self) -> WeightingDiagnostics:
        """Kish's weighting design effect and effective sample size of the current weights."""
        w = self._w
        n = len(w)
        if n == 0:
            return WeightingDiagnostics(
                0, 0.0, np.nan, 0.0, np.nan, np.nan, np.nan, self._converged
            )
        total = float(w.sum())
        sq = float((w * w).sum())
        return WeightingDiagnostics(
            n=n,
            sum_weights=total,
            deff_kish=n * sq / total**2,
            n_effective=total**2 / sq,
            weight_min=float(w.min()),
            weight_max=float(w.max()),
            weight_ratio=float(w.max() / w.min()),
            converged=self._converged,
        )

    def compare(self, var, by, a, b, level: float = 0.95) -> Comparison:
        """Difference of the means of two domains a - b, with a t test (R's svyttest): the
        standard error of the linearised contrast z_a - z_b in the full design, and df =
        (answering PSUs - strata, over both domains) - 1."""
        if not isinstance(by, str):
            raise TypeError("by must be one column name")
        y = self.variable(var)
        groups = self.data[by]
        in_a = (groups == a).to_numpy()
        in_b = (groups == b).to_numpy()
        if not in_a.any() or not in_b.any():
            missing = a if not in_a.any() else b
            raise ValueError(f"no respondent has {by} == {missing!r}")
        valid = ~np.isnan(y)
        w = self.weights.to_numpy()
        s = self.structure

        def mean_and_z(mask):
            rows = mask & valid
            W = w[rows].sum()
            if W == 0:
                return math.nan, np.zeros(len(y))
            m = float(np.dot(w[rows], y[rows]) / W)
            return m, np.where(rows, w * (np.where(rows, y, 0.0) - m) / W, 0.0)

        mean_a, z_a = mean_and_z(in_a)
        mean_b, z_b = mean_and_z(in_b)
        used = (in_a | in_b) & valid
        if math.isnan(mean_a) or math.isnan(mean_b):
            return Comparison(math.nan, math.nan, math.nan, 0, math.nan, math.nan, math.nan)
        psu = s.psu if s.psu is not None else np.arange(len(y))
        df = len(np.unique(psu[used])) - len(np.unique(s.strata[used])) - 1
        factor = None
        if s.lonely_psu == "average" and not self.calibration:
            # as R, which runs svyttest on the subset: count only the strata of the two domains
            touched = np.unique(s.strata[used])
            ok = np.count_nonzero(~s.lonely[touched])
            factor = len(touched) / ok if ok else math.nan
        variance = float(linearised_variance(z_a - z_b, s, self.calibration, factor))
        census = not (~s.census[s.strata[used]]).any()
        if census:
            se = 0.0
        elif df >= 1:
            se = math.sqrt(max(variance, 0.0))
        else:
            se = math.nan
        return difference_test(mean_a - mean_b, se, float(max(df, 0)), level)
