"""The results-page path: sums grouped in the database give the same table as the answers."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import SurveyDesign, cell_sums, item_table, item_table_from_sums
from tests.analysis.factories import make_employee_survey

ITEMS = ["q1", "q2", "q3"]


def _sql_sums(frame: pd.DataFrame, items) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load answers in long form into SQLite and GROUP BY as a results page would."""
    long = frame.assign(respondent=np.arange(len(frame))).melt(
        id_vars=["respondent", "unit"], value_vars=list(items), var_name="item", value_name="value"
    )
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE TABLE answer (respondent INTEGER, unit TEXT, item TEXT, value REAL)")
        db.executemany(
            "INSERT INTO answer VALUES (?, ?, ?, ?)",
            [
                (int(r), u, i, None if pd.isna(v) else float(v))
                for r, u, i, v in long.itertuples(index=False)
            ],
        )
        sums = pd.read_sql_query(
            "SELECT unit, item, COUNT(value) AS n, SUM(value) AS sum, SUM(value * value) AS sumsq "
            "FROM answer GROUP BY unit, item",
            db,
        )
        respondents = pd.read_sql_query(
            "SELECT unit, COUNT(DISTINCT respondent) AS respondents FROM answer GROUP BY unit", db
        )
    return sums, respondents


def _sorted(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(["item", "unit"]).reset_index(drop=True)


def test_the_table_from_sql_sums_equals_the_table_from_the_answers():
    frame = make_employee_survey(items=3, dont_know=0.15)
    sums, respondents = _sql_sums(frame, ITEMS)
    population = frame.groupby("unit")["headcount"].first()
    from_sql = item_table_from_sums(
        sums, population=population, respondents=respondents.set_index("unit")["respondents"]
    )
    from_frame = item_table(frame, ITEMS, unit="unit", population="headcount")
    pd.testing.assert_frame_equal(_sorted(from_sql), _sorted(from_frame), rtol=1e-10)


@settings(max_examples=15, deadline=None)
@given(
    sizes=st.lists(st.tuples(st.integers(1, 30), st.integers(0, 20)), min_size=1, max_size=6),
    seed=st.integers(0, 10_000),
    dont_know=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
)
def test_sql_sums_and_answers_agree_for_any_units(sizes, seed, dont_know):
    units = {f"u{i}": (n + extra, n) for i, (n, extra) in enumerate(sizes)}
    frame = make_employee_survey(units, items=3, dont_know=dont_know, seed=seed)
    sums, respondents = _sql_sums(frame, ITEMS)
    population = frame.groupby("unit")["headcount"].first()
    from_sql = item_table_from_sums(
        sums, population=population, respondents=respondents.set_index("unit")["respondents"]
    )
    from_frame = item_table(frame, ITEMS, unit="unit", population="headcount")
    pd.testing.assert_frame_equal(_sorted(from_sql), _sorted(from_frame), rtol=1e-9, atol=1e-12)


def test_the_fast_table_equals_svyby_on_the_same_design():
    frame = make_employee_survey(items=3)
    fast = item_table(frame, ITEMS, unit="unit", population="headcount")
    design = SurveyDesign(frame, strata="unit", fpc="headcount")
    for item in ITEMS:
        part = fast[fast["item"] == item].drop(columns="item").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, design.mean(item, by="unit"))


def test_population_may_be_a_mapping_of_headcounts():
    frame = make_employee_survey(items=1)
    headcount = frame.groupby("unit")["headcount"].first().to_dict()
    a = item_table(frame, ["q1"], population=headcount)
    b = item_table(frame, ["q1"], population="headcount")
    pd.testing.assert_frame_equal(a, b)


def test_python_cell_sums_equal_the_sql_ones():
    frame = make_employee_survey(items=3)
    sums, _ = _sql_sums(frame, ITEMS)
    ours = cell_sums(frame, ITEMS)
    merged = ours.merge(sums, on=["unit", "item"], suffixes=("", "_sql"))
    assert len(merged) == len(sums)
    for column in ("n", "sum", "sumsq"):
        assert np.allclose(merged[column], merged[f"{column}_sql"])


def test_without_respondents_the_largest_item_count_is_used():
    frame = make_employee_survey({"a": (30, 10)}, items=2, dont_know=0.0)
    frame.loc[0, "q2"] = np.nan
    sums = cell_sums(frame, ["q1", "q2"]).drop(columns="respondents")
    table = item_table_from_sums(sums, population={"a": 30})
    expected = item_table(frame, ["q1", "q2"], population="headcount")
    pd.testing.assert_frame_equal(table, expected, rtol=1e-12)


def test_without_population_there_is_no_finite_population_correction():
    frame = make_employee_survey({"a": (10, 10)}, items=1, dont_know=0.0)
    table = item_table_from_sums(cell_sums(frame, ["q1"]))
    values = frame["q1"]
    assert table.loc[0, "se"] == pytest.approx(values.std(ddof=1) / np.sqrt(10))


def test_sums_with_more_answers_than_respondents_are_refused():
    sums = pd.DataFrame({"unit": ["a"], "item": ["q1"], "n": [5], "sum": [20.0], "sumsq": [90.0]})
    with pytest.raises(ValueError, match="more answers"):
        item_table_from_sums(sums, respondents={"a": 4})
    with pytest.raises(ValueError, match="columns"):
        item_table_from_sums(sums.drop(columns="sumsq"))
