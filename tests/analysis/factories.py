"""Small data factories for the analysis tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def make_employee_survey(
    units: dict[str, tuple[int, int]] | None = None,
    items: int = 3,
    dont_know: float = 0.1,
    seed: int = 1,
) -> pd.DataFrame:
    """Respondents of an employee survey: {unit: (headcount, respondents)}, items on 1-5.

    Columns: unit, headcount, q1..q<items> (NaN = "vet ikke").
    """
    units = units or {
        "hjemme": (45, 40),
        "sykehjem": (30, 12),
        "skole": (20, 20),
        "barnehage": (12, 6),
    }
    rng = np.random.default_rng(seed)
    rows = []
    for unit, (headcount, respondents) in units.items():
        for _ in range(respondents):
            rows.append((unit, headcount))
    frame = pd.DataFrame(rows, columns=["unit", "headcount"])
    for j in range(1, items + 1):
        values = rng.integers(1, 6, size=len(frame)).astype(float)
        values[rng.random(len(frame)) < dont_know] = np.nan
        frame[f"q{j}"] = values
    return frame


def make_random_design_data(seed: int, n: int = 120, strata: int = 4) -> pd.DataFrame:
    """Rows with a stratum, a population size per stratum, unequal weights, a cluster id,
    a domain, a numeric answer with missing values and a binary answer."""
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, strata, size=n)
    counts = np.bincount(stratum, minlength=strata)
    population = (counts * rng.uniform(1.2, 4.0, size=strata)).astype(int) + 1
    frame = pd.DataFrame(
        {
            "stratum": [f"s{h}" for h in stratum],
            "N": population[stratum],
            "w": rng.uniform(0.5, 3.0, size=n),
            "cluster": rng.integers(0, 5, size=n),
            "domain": rng.choice(["a", "b", "c"], size=n),
            "y": rng.normal(50, 10, size=n).round(1),
            "yes": rng.random(n) < 0.4,
        }
    )
    frame.loc[rng.random(n) < 0.1, "y"] = np.nan
    return frame
