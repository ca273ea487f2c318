"""domain_table_from_sums: domains of whole strata from per-stratum sums equal SurveyDesign on
the answers (and so R's svyby, which SurveyDesign is tested against)."""

import numpy as np
import pandas as pd
import pytest

from analysis import SurveyDesign, domain_table_from_sums, favourable_share
from analysis.sufficient import cell_sums


def _frame(seed: int, units: int = 7):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 12, size=units)
    rows = []
    for u, size in enumerate(sizes):
        for _ in range(size):
            rows.append(
                {
                    "unit": f"u{u}",
                    "sector": f"s{u % 3}",
                    "top": "k",
                    "a": rng.choice([1, 2, 3, 4, 5, np.nan], p=[0.1, 0.2, 0.2, 0.2, 0.2, 0.1]),
                    "b": float(rng.integers(1, 6)),
                }
            )
    frame = pd.DataFrame(rows)
    population = {f"u{u}": int(size + rng.integers(0, 5)) for u, size in enumerate(sizes)}
    frame["N"] = frame["unit"].map(population).astype(float)
    return frame, population


def _domains(frame):
    domains = {}
    for column in ("unit", "sector", "top"):
        for value, group in frame.groupby(column):
            domains[value] = sorted(group["unit"].unique())
    return domains


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("fpc", [True, False])
def test_means_equal_the_design_on_the_answers(seed, fpc):
    frame, population = _frame(seed)
    sums = cell_sums(frame, ["a", "b"])
    respondents = frame["unit"].value_counts().to_dict()
    got = domain_table_from_sums(
        sums, _domains(frame), respondents, population if fpc else None
    ).set_index(["domain", "item"])
    design = SurveyDesign(frame, strata="unit", fpc="N" if fpc else None)
    for column in ("unit", "sector", "top"):
        want = design.mean_table(["a", "b"], by=column)
        for row in want.to_dict("records"):
            mine = got.loc[(row[column], row["item"])]
            for name in ("estimate", "se", "ci_low", "ci_high"):
                assert mine[name] == pytest.approx(row[name], rel=1e-10, abs=1e-12, nan_ok=True)
            assert (mine["n"], mine["df"]) == (row["n"], row["df"])


@pytest.mark.parametrize("seed", [4, 5])
def test_shares_equal_the_design_proportion(seed):
    frame, population = _frame(seed)
    frame["fav"] = np.where(frame["a"].isna(), np.nan, (frame["a"] >= 4).astype(float))
    sums = cell_sums(frame, ["fav"])
    respondents = frame["unit"].value_counts().to_dict()
    got = domain_table_from_sums(
        sums, _domains(frame), respondents, population, proportion=True
    ).set_index("domain")
    design = SurveyDesign(frame, strata="unit", fpc="N")
    for column in ("unit", "sector", "top"):
        want = favourable_share(design, "a", 4, by=column)
        for row in want.to_dict("records"):
            mine = got.loc[row[column]]
            for name in ("estimate", "se", "ci_low", "ci_high"):
                assert mine[name] == pytest.approx(row[name], rel=1e-9, abs=1e-12, nan_ok=True)
            assert (mine["n"], mine["df"]) == (row["n"], row["df"])


def test_a_unit_without_respondents_is_refused():
    sums = pd.DataFrame({"unit": ["x"], "item": ["a"], "n": [1], "sum": [1.0], "sumsq": [1.0]})
    with pytest.raises(ValueError, match="no respondents"):
        domain_table_from_sums(sums, {"x": ["x"]}, {"y": 1})


def test_more_answers_than_respondents_is_refused():
    sums = pd.DataFrame({"unit": ["x"], "item": ["a"], "n": [3], "sum": [3.0], "sumsq": [3.0]})
    with pytest.raises(ValueError, match="more answers"):
        domain_table_from_sums(sums, {"x": ["x"]}, {"x": 2})
