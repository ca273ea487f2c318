"""Invariants that must hold for any data (hypothesis), beyond the R reference rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import SurveyDesign
from tests.analysis.factories import make_employee_survey, make_random_design_data

FAST = settings(max_examples=25, deadline=None)
seeds = st.integers(min_value=0, max_value=2**31 - 1)


@st.composite
def employee_units(draw, census: bool = False, max_units: int = 5):
    """{unit: (headcount, respondents)} with 1..max_units units."""
    count = draw(st.integers(1, max_units))
    units = {}
    for i in range(count):
        respondents = draw(st.integers(1, 25))
        headcount = respondents if census else respondents + draw(st.integers(0, 30))
        units[f"enhet{i}"] = (headcount, respondents)
    return units


@FAST
@given(seed=seeds, factor=st.floats(min_value=1e-3, max_value=1e3))
def test_scaling_every_weight_by_a_constant_changes_no_mean_se_or_interval(seed, factor):
    data = make_random_design_data(seed % 1000)
    scaled = data.assign(w=data["w"] * factor)
    for by in (None, "domain"):
        a = SurveyDesign(data, strata="stratum", weights="w").mean("y", by=by)
        b = SurveyDesign(scaled, strata="stratum", weights="w").mean("y", by=by)
        pd.testing.assert_frame_equal(a, b, rtol=1e-9)
    total_a = SurveyDesign(data, strata="stratum", weights="w").total("y").iloc[0]
    total_b = SurveyDesign(scaled, strata="stratum", weights="w").total("y").iloc[0]
    assert np.isclose(total_b["estimate"], factor * total_a["estimate"], rtol=1e-9)
    assert np.isclose(total_b["se"], factor * total_a["se"], rtol=1e-9)


@FAST
@given(units=employee_units(census=True), seed=seeds)
def test_a_census_has_se_zero_in_every_unit_and_overall(units, seed):
    data = make_employee_survey(units, items=1, seed=seed)
    design = SurveyDesign(data, strata="unit", fpc="headcount")
    for table in (design.mean("q1", by="unit"), design.mean("q1"), design.total("q1")):
        answered = table[table["n"] > 0]
        assert (answered["se"] == 0).all()
        assert (answered["ci_low"] == answered["estimate"]).all()
        assert (answered["ci_high"] == answered["estimate"]).all()


@FAST
@given(units=employee_units(), seed=seeds)
def test_a_unit_with_one_answer_is_never_given_an_interval(units, seed):
    data = make_employee_survey(units, items=1, seed=seed)
    table = SurveyDesign(data, strata="unit", fpc="headcount").mean("q1", by="unit")
    headcount = data.groupby("unit")["headcount"].first()
    respondents = data.groupby("unit").size()
    for _, row in table[table["n"] == 1].iterrows():
        census = headcount[row["unit"]] == respondents[row["unit"]]
        if not census:
            assert np.isnan(row["se"]) and np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])
        assert row["df"] == 0


@FAST
@given(units=employee_units(), seed=seeds, level=st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_every_interval_contains_its_estimate(units, seed, level):
    data = make_employee_survey(units, items=2, seed=seed)
    data["fav"] = (data["q2"] >= 4).where(data["q2"].notna())
    design = SurveyDesign(data, strata="unit", fpc="headcount")
    tables = [design.mean("q1", by="unit", level=level), design.total("q1", by="unit", level=level)]
    tables += [
        design.proportion("fav", by="unit", method=m, level=level)
        for m in ("logit", "beta", "wilson")
    ]
    for table in tables:
        with_interval = table.dropna(subset=["ci_low", "ci_high"])
        est = with_interval["estimate"]
        assert (with_interval["ci_low"] <= est + 1e-12).all()
        assert (est <= with_interval["ci_high"] + 1e-12).all()


@FAST
@given(seed=seeds, shift=st.floats(min_value=-100, max_value=100))
def test_adding_a_constant_to_every_answer_moves_the_mean_and_keeps_the_se(seed, shift):
    data = make_random_design_data(seed % 1000)
    moved = data.assign(y=data["y"] + shift)
    a = SurveyDesign(data, strata="stratum", fpc="N").mean("y", by="domain")
    b = SurveyDesign(moved, strata="stratum", fpc="N").mean("y", by="domain")
    assert np.allclose(b["estimate"], a["estimate"] + shift, rtol=1e-9, atol=1e-9)
    assert np.allclose(b["se"], a["se"], rtol=1e-6, atol=1e-9)


@FAST
@given(units=employee_units(), seed=seeds)
def test_proportions_stay_between_zero_and_one(units, seed):
    data = make_employee_survey(units, items=1, seed=seed)
    data["fav"] = (data["q1"] >= 4).where(data["q1"].notna())
    design = SurveyDesign(data, strata="unit", fpc="headcount")
    for method in ("logit", "beta", "wilson"):
        table = design.proportion("fav", by="unit", method=method).dropna(subset=["ci_low"])
        assert ((table["ci_low"] >= 0) & (table["ci_high"] <= 1)).all()
