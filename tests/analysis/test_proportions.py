from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import SurveyDesign, clopper_pearson_interval, favourable_share, wilson_interval
from analysis.intervals import korn_graubard_interval, logit_interval
from tests.analysis.factories import make_employee_survey, make_random_design_data


def test_wilson_and_exact_intervals_need_answers():
    lo, hi = wilson_interval(0, 0)
    assert np.isnan(lo) and np.isnan(hi)
    lo, hi = clopper_pearson_interval(0, 0)
    assert np.isnan(lo) and np.isnan(hi)


def test_everyone_favourable_in_a_sample_gives_an_interval_that_reaches_below_one():
    data = make_employee_survey({"a": (40, 10), "b": (40, 12)}, dont_know=0.0)
    data["fav"] = True
    design = SurveyDesign(data, strata="unit", fpc="headcount")
    for method in ("logit", "beta", "wilson"):
        row = design.proportion("fav", by="unit", method=method).iloc[0]
        assert row["estimate"] == 1.0
        assert row["ci_high"] == 1.0
        assert 0.5 < row["ci_low"] < 1.0, method


def test_everyone_favourable_in_a_census_is_exactly_one():
    data = make_employee_survey({"a": (10, 10)}, dont_know=0.0)
    data["fav"] = True
    row = SurveyDesign(data, strata="unit", fpc="headcount").proportion("fav", by="unit").iloc[0]
    assert row["ci_low"] == row["ci_high"] == 1.0 and row["se"] == 0.0


def test_korn_graubard_with_n_eff_equal_to_n_is_clopper_pearson():
    lo, hi = korn_graubard_interval(
        np.array([0.0]), np.array([0.0]), np.array([20]), np.array([19])
    )
    cp_lo, cp_hi = clopper_pearson_interval(0, 20)
    assert lo[0] == pytest.approx(cp_lo) and hi[0] == pytest.approx(cp_hi)


def test_the_logit_interval_is_symmetric_on_the_logit_scale():
    lo, hi = logit_interval(np.array([0.3]), np.array([0.05]), np.array([30]), np.array([31]))
    logit = np.log(0.3 / 0.7)
    assert np.log(hi / (1 - hi)) - logit == pytest.approx(logit - np.log(lo / (1 - lo)))


def test_wilson_is_refused_when_weights_vary_within_a_group():
    data = make_random_design_data(0)
    with pytest.raises(ValueError, match="wilson"):
        SurveyDesign(data, weights="w").proportion("yes", method="wilson")


def test_a_condition_that_is_not_yes_or_no_is_refused():
    data = make_random_design_data(0)
    with pytest.raises(ValueError, match="boolean"):
        SurveyDesign(data).proportion("y")


def test_an_unknown_method_is_refused_and_wald_does_not_exist():
    data = make_random_design_data(0)
    with pytest.raises(ValueError, match="method"):
        SurveyDesign(data).proportion("yes", method="wald")


def test_favourable_share_counts_answers_at_or_above_the_threshold_and_skips_vet_ikke():
    data = pd.DataFrame({"q": [5, 6, 4, 2, np.nan, 6, 1, 5]})
    row = favourable_share(SurveyDesign(data), "q", threshold=5).iloc[0]
    assert row["n"] == 7
    assert row["estimate"] == pytest.approx(4 / 7)
    lo, hi = wilson_interval(4, 7)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((float(lo), float(hi)))


def test_favourable_share_uses_logit_for_a_weighted_design():
    data = make_random_design_data(1)
    design = SurveyDesign(data, strata="stratum", weights="w")
    share = favourable_share(design, "y", threshold=50, by="domain")
    condition = (data["y"] >= 50).where(data["y"].notna())
    expected = design.proportion(condition.to_numpy(dtype=float), by="domain", method="logit")
    pd.testing.assert_frame_equal(share, expected)
