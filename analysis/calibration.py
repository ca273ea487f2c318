"""Calibration of weights to known population counts: post-stratification and raking.

Both work on arrays: the data (for the calibration columns) and the current weights in, a
`Calibrated` out, with the new weights and the step that made them. `SurveyDesign.poststratify`
and `SurveyDesign.rake` put that into a new design (`SurveyDesign.with_weights`), and the
variance uses the step exactly as R's survey package does (read
`survey:::postStratify.survey.design`, `survey:::rake` and the postStrata part of
`survey:::svyrecvar`):

- `poststratify_weights(data, weights, columns, population)`: in each post-stratum c (a
  combination of the columns' values) the weights are multiplied by N_c / sum of weights in c.
  For the variance the linearised variable z is replaced by its residual from the post-stratum
  means:
      z <- z - g_i * rowsum(z * w_old / g) / rowsum(w_old)       (g: the new weights)
- `rake_weights(data, weights, margins)`: iterated post-stratification to each margin in turn
  (R's `rake`, default control maxit=10, epsilon=1), stopping when no cell of the cross-table of
  all margin variables changes by epsilon or more (epsilon < 1 is read as a fraction of the sum
  of weights). For the variance z is projected on the margins by ten rounds of alternating
  projections,
      for 10 rounds: for each margin: z <- z - g_m * mean_in_cell(z / g_m)
  where g_m are the weights right after that margin's step in the last raking pass. This is
  R's approximation of the GREG residual; it is what makes our raked standard errors equal R's.

Population counts are given as a DataFrame with the post-stratifying columns and one count
column (any name, e.g. "Freq" as in R), or for a single column as a Series / dict
{value: count}. A sample cell missing from the population is an error; a population cell with no
respondents is an error unless partial=True (then it is ignored, as R's partial=TRUE).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

RAKING_PROJECTION_ROUNDS = 10  # fixed in R's svyrecvar


@dataclass(frozen=True)
class PostStratumStep:
    """One post-stratification: the cell of every row, weights before and after."""

    cells: np.ndarray
    n_cells: int
    old_weights: np.ndarray
    new_weights: np.ndarray


@dataclass(frozen=True)
class RakingStep:
    """A raking: the post-stratification steps of its last pass, one per margin."""

    margins: tuple[PostStratumStep, ...]


@dataclass(frozen=True)
class Calibrated:
    """Calibrated weights (one per row), the step that made them, and whether raking converged.

    The step is what the variance needs (see `residualise`); `converged` is False when raking
    stopped after maxit passes (R warns). Post-stratification always converges.
    """

    weights: np.ndarray
    step: PostStratumStep | RakingStep
    converged: bool = True


def _group_sum(cells: np.ndarray, n_cells: int, x: np.ndarray) -> np.ndarray:
    """Sum the rows of the (rows x k) matrix x within cells."""
    return np.stack(
        [np.bincount(cells, weights=x[:, j], minlength=n_cells) for j in range(x.shape[1])], axis=1
    )


def residualise(z: np.ndarray, steps: Sequence) -> np.ndarray:
    """Apply each calibration step's residual to the linearised variable z (rows x k)."""
    for step in steps:
        if isinstance(step, PostStratumStep):
            g = step.new_weights[:, None]
            means = _group_sum(step.cells, step.n_cells, z * step.old_weights[:, None] / g)
            means /= np.bincount(step.cells, weights=step.old_weights, minlength=step.n_cells)[
                :, None
            ]
            z = z - means[step.cells] * g
        elif isinstance(step, RakingStep):
            for _ in range(RAKING_PROJECTION_ROUNDS):
                for margin in step.margins:
                    g = margin.new_weights[:, None]
                    count = np.bincount(margin.cells, minlength=margin.n_cells)[:, None]
                    means = _group_sum(margin.cells, margin.n_cells, z / g) / count
                    z = z - g * means[margin.cells]
        else:
            raise TypeError(f"unknown calibration step {step!r}")
    return z


def _as_columns(columns) -> list[str]:
    cols = [columns] if isinstance(columns, str) else list(columns)
    if not cols:
        raise ValueError("give at least one column to calibrate on")
    return cols


def _population_frame(columns: list[str], population) -> tuple[pd.DataFrame, str]:
    """The population as a DataFrame with the columns and one count column."""
    if isinstance(population, Mapping) and not isinstance(population, pd.Series):
        population = pd.Series(population)
    if isinstance(population, pd.Series):
        if len(columns) == 1:
            frame = pd.DataFrame(
                {columns[0]: population.index.to_numpy(), "Freq": population.to_numpy()}
            )
        else:
            frame = population.rename("Freq").reset_index()
            frame.columns = [*columns, "Freq"]
        return frame, "Freq"
    if not isinstance(population, pd.DataFrame):
        raise TypeError("population must be a DataFrame, a Series or a dict of counts")
    missing = [c for c in columns if c not in population.columns]
    if missing:
        raise ValueError(f"population has no column {missing[0]!r}")
    rest = [c for c in population.columns if c not in columns]
    if len(rest) != 1:
        raise ValueError(
            "population must have the calibration columns and exactly one count column"
        )
    return population, rest[0]


def _key(frame: pd.DataFrame, columns: list[str]) -> pd.Index:
    if len(columns) == 1:
        return pd.Index(frame[columns[0]].astype(object).to_numpy())
    return pd.MultiIndex.from_arrays([frame[c].astype(object).to_numpy() for c in columns])


def _as_weights(data: pd.DataFrame, weights) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (len(data),):
        raise ValueError(f"weights: expected {len(data)} values, got {weights.size}")
    return weights


def _post_stratum_step(
    data: pd.DataFrame, weights: np.ndarray, columns, population, partial: bool
) -> PostStratumStep:
    columns = _as_columns(columns)
    for c in columns:
        if c not in data.columns:
            raise KeyError(f"no column {c!r} in the data")
        if data[c].isna().any():
            raise ValueError(f"{c!r} has missing values; every respondent needs a post-stratum")
    pop, count_column = _population_frame(columns, population)
    counts = pd.to_numeric(pop[count_column]).to_numpy(dtype=float)
    pop_key = _key(pop, columns)
    if pop_key.has_duplicates:
        raise ValueError("population has the same cell twice")
    row_cell = pop_key.get_indexer(_key(data, columns))
    if (row_cell < 0).any():
        example = data[columns].iloc[int(np.flatnonzero(row_cell < 0)[0])].tolist()
        raise ValueError(f"sample cell {example} is not in the population")
    sample = np.bincount(row_cell, weights=weights, minlength=len(pop_key))
    if (counts[np.unique(row_cell)] <= 0).any():
        raise ValueError("a cell with respondents has population count 0")
    absent = (sample == 0) & (counts > 0)
    if absent.any() and not partial:
        example = pop_key[int(np.flatnonzero(absent)[0])]
        raise ValueError(
            f"population cell {example!r} has no respondents; merge cells or use partial=True"
        )
    factor = np.divide(counts, sample, out=np.ones_like(counts), where=sample > 0)
    return PostStratumStep(row_cell, len(pop_key), weights, weights * factor[row_cell])


def poststratify_weights(
    data: pd.DataFrame, weights, columns, population, partial: bool = False
) -> Calibrated:
    """Weights post-stratified on `columns` of `data` to the population counts
    (R's postStratify).
    """
    step = _post_stratum_step(data, _as_weights(data, weights), columns, population, partial)
    return Calibrated(step.new_weights, step)


def _normalise_margins(margins) -> list[tuple[list[str], object]]:
    items = list(margins.items()) if isinstance(margins, Mapping) else list(margins)
    out = []
    for item in items:
        columns, population = item
        out.append((_as_columns(columns), population))
    if not out:
        raise ValueError("give at least one margin")
    return out


def rake_weights(
    data: pd.DataFrame, weights, margins, maxit: int = 10, epsilon: float = 1.0
) -> Calibrated:
    """Weights raked to population margins (R's rake with control=list(maxit, epsilon)).

    margins: a list of (columns, population) pairs or a dict {columns: population}. The result's
    `converged` is False when maxit passes were not enough (R warns).
    """
    margins = _normalise_margins(margins)
    weights = _as_weights(data, weights)
    if epsilon < 1:
        epsilon = epsilon * float(weights.sum())
    all_columns = list(dict.fromkeys(c for cols, _ in margins for c in cols))
    table_cells = _key(data, all_columns)
    cell_codes, _ = pd.factorize(table_cells)

    def table(w):
        return np.bincount(cell_codes, weights=w, minlength=cell_codes.max() + 1 if len(w) else 0)

    old = table(weights)
    converged = False
    steps: list[PostStratumStep] = []
    for _ in range(maxit):
        steps = []
        for columns, population in margins:
            step = _post_stratum_step(data, weights, columns, population, partial=False)
            steps.append(step)
            weights = step.new_weights
        new = table(weights)
        if np.max(np.abs(old - new), initial=0.0) < epsilon:
            converged = True
            break
        old = new
    return Calibrated(weights, RakingStep(tuple(steps)), converged)
