"""The per-unit x per-item table of an employee survey, from answers or from SQL sums.

An employee survey is a census attempt in every unit: strata = units, fpc = headcount. For the
mean of item j in unit h (a domain that is one whole stratum) R's svyby gives, with n_h the
unit's respondents, m the number who answered the item (the others said "vet ikke"), and
S, Q the sum and sum of squares of their answers:

    estimate = S / m
    variance = (1 - n_h / N_h) * n_h / (n_h - 1) * (Q - S^2 / m) / m^2
    df       = m - 1

So the whole table needs only (n_h, N_h) per unit and (m, S, Q) per cell, which the database
can compute with GROUP BY, and a results page never loads the answers into Python:

    SELECT unit, item, COUNT(value) AS n, SUM(value) AS sum, SUM(value * value) AS sumsq
    FROM answer WHERE campaign_id = :c GROUP BY unit, item;
    SELECT unit, COUNT(*) AS respondents FROM response WHERE campaign_id = :c GROUP BY unit;

- `item_table(frame, items, unit, population)`: from respondent-level answers (one row per
  respondent, one column per item, NaN for "vet ikke"/not answered). Same numbers as
  `SurveyDesign(frame, strata=unit, fpc=...).mean(item, by=unit)` for every item.
- `item_table_from_sums(sums, population, respondents)`: from the grouped frame above.
- `cell_sums(frame, items, unit)`: the grouped frame computed in Python (for tests and caches).

All three return / take documented columns; the tables have the columns
[unit, item, estimate, se, ci_low, ci_high, n, df] (see `analysis.results` for the meaning of
se NaN (one answer), se 0 (census or identical answers) and n 0 (no answers)).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.design import SurveyDesign
from analysis.intervals import estimate_intervals, logit_interval
from analysis.results import ESTIMATE_COLUMNS
from analysis.variance import LONELY_PSU_OPTIONS, CellSums, LonelyPSUError, Structure, finish_cells

SUMS_COLUMNS = ("unit", "item", "n", "sum", "sumsq")


def _per_unit(values, units: pd.Index, what: str) -> np.ndarray:
    series = values if isinstance(values, pd.Series) else pd.Series(dict(values))
    found = series.reindex(units)
    if found.isna().any():
        raise ValueError(f"{what} is missing for unit {units[found.isna().to_numpy()][0]!r}")
    return found.to_numpy(dtype=float)


def item_table(
    frame: pd.DataFrame,
    items: Sequence[str],
    unit: str = "unit",
    population=None,
    level: float = 0.95,
    lonely_psu: str = "adjust",
) -> pd.DataFrame:
    """Mean of every item in every unit from respondent-level answers.

    population: None (no finite population correction), a column of `frame` holding the unit's
    headcount N, or a mapping / Series unit -> N. Returns [unit, item, estimate, se, ci_low,
    ci_high, n, df], items in the given order, units sorted within each item.
    """
    fpc = population
    if population is not None and not isinstance(population, str):
        fpc = frame[unit].map(
            pd.Series(dict(population)) if isinstance(population, Mapping) else population
        )
        if fpc.isna().any():
            raise ValueError(f"population is missing for unit {frame[unit][fpc.isna()].iloc[0]!r}")
        fpc = fpc.to_numpy(dtype=float)
    design = SurveyDesign(frame, strata=unit, fpc=fpc, lonely_psu=lonely_psu)
    return design.mean_table(items, by=unit, level=level)


def cell_sums(frame: pd.DataFrame, items: Sequence[str], unit: str = "unit") -> pd.DataFrame:
    """[unit, item, n, sum, sumsq, respondents]: what the SQL GROUP BY gives, from a frame."""
    codes, units = pd.factorize(frame[unit], sort=True)
    if (codes < 0).any():
        raise ValueError(f"{unit}: missing values are not allowed")
    H = len(units)
    respondents = np.bincount(codes, minlength=H)
    parts = []
    for item in items:
        y = frame[item].to_numpy(dtype=float, na_value=np.nan)
        valid = ~np.isnan(y)
        filled = np.where(valid, y, 0.0)
        parts.append(
            pd.DataFrame(
                {
                    "unit": units,
                    "item": item,
                    "n": np.bincount(codes, weights=valid, minlength=H).astype(np.int64),
                    "sum": np.bincount(codes, weights=filled, minlength=H),
                    "sumsq": np.bincount(codes, weights=filled * filled, minlength=H),
                    "respondents": respondents,
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=[*SUMS_COLUMNS, "respondents"])
    return pd.concat(parts, ignore_index=True)


def item_table_from_sums(
    sums: pd.DataFrame,
    population=None,
    respondents=None,
    level: float = 0.95,
    lonely_psu: str = "adjust",
) -> pd.DataFrame:
    """The item table from per-cell sufficient statistics (census/unweighted employee survey).

    sums has the columns unit, item, n (answers to the item in the unit), sum, sumsq (NULL/NaN
    sums are read as 0), and optionally respondents (n_h, the unit's respondents) and population
    (N_h, the unit's headcount). Or give them per unit as mappings / Series:
    - population: N_h per unit; None (and no column) means no finite population correction.
    - respondents: n_h per unit. Without it (and without the column) n_h is the largest n over
      the unit's items, which is exact when some item was answered by every respondent; pass it
      whenever "vet ikke" is possible on every item.
    The weights are N_h / n_h, as R sets them from the fpc; they cancel within a unit.
    Returns [unit, item, estimate, se, ci_low, ci_high, n, df] like `item_table`.
    """
    missing = [c for c in SUMS_COLUMNS if c not in sums.columns]
    if missing:
        raise ValueError(f"sums needs the columns {SUMS_COLUMNS}; missing {missing}")
    if lonely_psu not in LONELY_PSU_OPTIONS:
        raise ValueError(f"lonely_psu must be one of {LONELY_PSU_OPTIONS}, got {lonely_psu!r}")
    unit_codes, units = pd.factorize(sums["unit"], sort=True)
    item_codes, items = pd.factorize(sums["item"], sort=False)
    H, K = len(units), len(items)
    grid = np.zeros((3, H, K))
    for g, column in enumerate(("n", "sum", "sumsq")):
        values = pd.to_numeric(sums[column]).to_numpy(dtype=float, na_value=np.nan)
        np.add.at(grid[g], (unit_codes, item_codes), np.nan_to_num(values))
    m, S, Q = grid
    if (m < 0).any() or (m != np.rint(m)).any():
        raise ValueError("n must be a non-negative whole number")

    if respondents is None and "respondents" in sums.columns:
        respondents = sums.groupby("unit")["respondents"].max()
    n_h = m.max(axis=1) if respondents is None else _per_unit(respondents, units, "respondents")
    if (m > n_h[:, None] + 1e-9).any():
        raise ValueError("an item has more answers than the unit has respondents")
    if population is None and "population" in sums.columns:
        population = sums.groupby("unit")["population"].max()
    if population is None:
        fpc_factor = np.ones(H)
        weight = np.ones(H)
    else:
        N_h = _per_unit(population, units, "population")
        if (N_h < n_h - 1e-9).any():
            raise ValueError("a unit has more respondents than its population")
        with np.errstate(divide="ignore", invalid="ignore"):
            fpc_factor = np.where(N_h > 0, np.maximum((N_h - n_h) / N_h, 0.0), 0.0)
            weight = np.where(n_h > 0, N_h / n_h, 1.0)
    structure = Structure(
        strata=np.arange(H),
        psu=None,
        psu_stratum=None,
        n_h=np.rint(n_h).astype(np.int64),
        fpc_factor=fpc_factor,
        lonely_psu=lonely_psu,
    )
    if lonely_psu == "fail" and structure.lonely.any():
        raise LonelyPSUError(
            f"unit {units[int(np.flatnonzero(structure.lonely)[0])]!r} has one respondent"
        )
    cells = CellSums.from_plain(weight, m, S, Q)
    est, var, n, df, census = finish_cells(np.arange(H), np.arange(H), H, cells, structure, "mean")
    se, lo, hi = estimate_intervals(est, var, n, df, census, level)
    df = np.maximum(df, 0)
    out = pd.DataFrame(
        {
            "unit": np.tile(np.asarray(units), K),
            "item": np.repeat(np.asarray(items), H),
        }
    )
    for name, values in zip(ESTIMATE_COLUMNS, (est, se, lo, hi, n, df), strict=True):
        flat = values.T.reshape(-1)
        out[name] = flat.astype(np.int64) if name in ("n", "df") else flat.astype(float)
    return out


def domain_table_from_sums(
    sums: pd.DataFrame,
    domains: Mapping[str, Sequence[str]],
    respondents: Mapping[str, float],
    population: Mapping[str, float] | None = None,
    level: float = 0.95,
    lonely_psu: str = "adjust",
    proportion: bool = False,
) -> pd.DataFrame:
    """Means (or shares) of many items in domains made of whole strata, from per-stratum sums.

    The stratified design of `item_table_from_sums` (strata = units, weights N_h / n_h, fpc from
    N_h), but a domain may hold several strata: a sector or the municipality over its units, as
    R's `svyby(~x, ~sector, design, svymean, na.rm=TRUE)` gives it. Identical to
    `SurveyDesign(frame, strata=unit, fpc=...).mean(item, by=domain)` on the answers behind the
    sums, and it never needs them.

    sums         [unit, item, n, sum, sumsq] per stratum and item (n: valid answers)
    domains      domain -> the strata (units) it covers; a unit may be in many domains
    respondents  n_h for every unit of the design (answering the item or not)
    population   N_h per unit, or None for no finite population correction
    proportion   the item is 0/1 (sum = sumsq = the count of ones): the estimate is a share
                 with R's svyciprop(method="logit") interval, as `SurveyDesign.proportion`

    Returns [domain, item, estimate, se, ci_low, ci_high, n, df], domains in the given order
    within each item, items in order of first appearance.
    """
    missing = [c for c in SUMS_COLUMNS if c not in sums.columns]
    if missing:
        raise ValueError(f"sums needs the columns {SUMS_COLUMNS}; missing {missing}")
    if lonely_psu not in LONELY_PSU_OPTIONS:
        raise ValueError(f"lonely_psu must be one of {LONELY_PSU_OPTIONS}, got {lonely_psu!r}")
    units = pd.Index(sorted(respondents))
    items = pd.Index(pd.unique(sums["item"]))
    H, K = len(units), len(items)
    unit_codes = units.get_indexer(sums["unit"])
    if (unit_codes < 0).any():
        raise ValueError(f"unit {sums['unit'][unit_codes < 0].iloc[0]!r} has no respondents")
    item_codes = items.get_indexer(sums["item"])
    grid = np.zeros((3, H, K))
    for g, column in enumerate(("n", "sum", "sumsq")):
        values = pd.to_numeric(sums[column]).to_numpy(dtype=float, na_value=np.nan)
        np.add.at(grid[g], (unit_codes, item_codes), np.nan_to_num(values))
    m, S, Q = grid
    n_h = _per_unit(respondents, units, "respondents")
    if (m > n_h[:, None] + 1e-9).any():
        raise ValueError("an item has more answers than the unit has respondents")
    if population is None:
        fpc_factor, weight = np.ones(H), np.ones(H)
    else:
        N_h = _per_unit(population, units, "population")
        if (N_h < n_h - 1e-9).any():
            raise ValueError("a unit has more respondents than its population")
        with np.errstate(divide="ignore", invalid="ignore"):
            fpc_factor = np.where(N_h > 0, np.maximum((N_h - n_h) / N_h, 0.0), 0.0)
            weight = np.where(n_h > 0, N_h / n_h, 1.0)
    names = list(domains)
    cell_domain, cell_stratum = [], []
    for d, name in enumerate(names):
        found = units.get_indexer(list(domains[name]))
        for h in found[found >= 0]:
            cell_domain.append(d)
            cell_stratum.append(h)
    cell_domain = np.asarray(cell_domain, dtype=np.int64)
    cell_stratum = np.asarray(cell_stratum, dtype=np.int64)
    structure = Structure(
        strata=np.arange(H),
        psu=None,
        psu_stratum=None,
        n_h=np.rint(n_h).astype(np.int64),
        fpc_factor=fpc_factor,
        lonely_psu=lonely_psu,
    )
    D = len(names)
    if len(cell_domain) and K:
        cells = CellSums.from_plain(
            weight[cell_stratum], m[cell_stratum], S[cell_stratum], Q[cell_stratum]
        )
        est, var, n, df, census = finish_cells(
            cell_domain, cell_stratum, D, cells, structure, "mean"
        )
    else:
        est = var = np.full((D, K), np.nan)
        n = df = np.zeros((D, K), dtype=np.int64)
        census = np.zeros((D, K), dtype=bool)
    domain_df = np.maximum(df, 0)
    if proportion:
        est = np.where(np.abs(est) < 1e-12, 0.0, np.where(np.abs(1.0 - est) < 1e-12, 1.0, est))
        se, _, _ = estimate_intervals(est, var, n, domain_df, census, level, df)
        lo, hi = logit_interval(est, se, domain_df, n, level)
        no_interval = ((df < 1) & ~census) | (n == 0)
        se = np.where(no_interval, np.nan, np.where(census, 0.0, se))
        lo = np.where(no_interval, np.nan, np.where(census, est, lo))
        hi = np.where(no_interval, np.nan, np.where(census, est, hi))
    else:
        se, lo, hi = estimate_intervals(est, var, n, domain_df, census, level)
    out = pd.DataFrame(
        {"domain": np.tile(np.asarray(names, dtype=object), K), "item": np.repeat(items, D)}
    )
    for name, values in zip(ESTIMATE_COLUMNS, (est, se, lo, hi, n, domain_df), strict=True):
        flat = np.asarray(values).T.reshape(-1)
        out[name] = flat.astype(np.int64) if name in ("n", "df") else flat.astype(float)
    return out
