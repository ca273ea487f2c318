from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import Estimate, SurveyDesign, adjust_pvalues, compare_rounds
from tests.analysis.factories import make_employee_survey


def test_a_change_between_rounds_is_a_z_test_on_the_two_standard_errors():
    earlier = Estimate(3.5, 0.10, 3.3, 3.7, 40, 39)
    later = Estimate(3.9, 0.12, 3.66, 4.14, 38, 37)
    c = compare_rounds(earlier, later)
    se = math.hypot(0.10, 0.12)
    assert c.difference == pytest.approx(0.4)
    assert c.se == pytest.approx(se)
    assert c.statistic == pytest.approx(0.4 / se)
    assert c.p_value == pytest.approx(2 * stats.norm.sf(0.4 / se))
    assert c.df == math.inf


def test_rounds_can_be_compared_as_whole_tables():
    earlier = pd.DataFrame({"unit": ["a", "b"], "estimate": [3.0, 4.0], "se": [0.1, 0.2]})
    later = pd.DataFrame({"unit": ["b", "a"], "estimate": [4.5, 3.0], "se": [0.2, 0.1]})
    table = compare_rounds(earlier, later).set_index("unit")
    assert table.loc["a", "difference"] == 0 and table.loc["a", "p_value"] == pytest.approx(1.0)
    assert table.loc["b", "difference"] == pytest.approx(0.5)


def test_two_exact_censuses_that_differ_are_different_with_certainty():
    c = compare_rounds(Estimate(3.0, 0.0, 3.0, 3.0, 10, 9), Estimate(3.2, 0.0, 3.2, 3.2, 10, 9))
    assert c.p_value == 0.0 and c.ci_low == c.ci_high == pytest.approx(0.2)


def test_a_round_without_a_standard_error_gives_no_p_value():
    c = compare_rounds(
        Estimate(3.0, math.nan, math.nan, math.nan, 1, 0), Estimate(3.2, 0.1, 3.0, 3.4, 10, 9)
    )
    assert math.isnan(c.p_value)


def test_comparing_two_units_of_one_round_uses_the_linearised_contrast():
    data = make_employee_survey({"a": (45, 40), "b": (30, 12)}, dont_know=0.0)
    design = SurveyDesign(data, strata="unit", fpc="headcount")
    c = design.compare("q1", by="unit", a="a", b="b")
    table = design.mean("q1", by="unit").set_index("unit")
    assert c.difference == pytest.approx(table.loc["a", "estimate"] - table.loc["b", "estimate"])
    # different strata: the contrast's variance is the sum of the two variances
    assert c.se == pytest.approx(math.hypot(table.loc["a", "se"], table.loc["b", "se"]))
    assert c.df == 40 + 12 - 2 - 1


def test_comparing_with_a_unit_that_does_not_exist_is_an_error():
    design = SurveyDesign(make_employee_survey(), strata="unit", fpc="headcount")
    with pytest.raises(ValueError, match="nowhere"):
        design.compare("q1", by="unit", a="hjemme", b="nowhere")


def test_holm_and_bh_keep_the_input_kind_and_order():
    p = pd.Series([0.04, 0.01, 0.03], index=["x", "y", "z"])
    holm = adjust_pvalues(p, "holm")
    assert list(holm.index) == ["x", "y", "z"]
    assert holm.tolist() == pytest.approx([0.06, 0.03, 0.06])
    bh = adjust_pvalues(p.to_numpy(), "bh")
    assert isinstance(bh, np.ndarray) and bh.tolist() == pytest.approx([0.04, 0.03, 0.04])


def test_adjusted_p_values_are_never_smaller_than_the_raw_ones_nor_above_one():
    rng = np.random.default_rng(3)
    p = rng.random(50) ** 3
    for method in ("holm", "bh"):
        adjusted = adjust_pvalues(p, method)
        assert (adjusted >= p - 1e-15).all() and (adjusted <= 1).all()


def test_an_unknown_adjustment_is_refused():
    with pytest.raises(ValueError, match="holm"):
        adjust_pvalues([0.1], "bonferroni")
