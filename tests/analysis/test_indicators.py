from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import cronbach_alpha, dont_know_share, indicator_scores, rescale_0_100


def _answers():
    # "vet ikke" coded 9 here, as a paper form might be typed in
    return pd.DataFrame(
        {
            "q1": [5, 4, 9, 1, 9, 6],
            "q2": [6, 4, 9, 2, 9, np.nan],
            "q3": [4, 9, 9, 3, 9, 6],
            "q4": [5, 4, 9, 9, 2, 6],
        }
    )


def test_the_index_is_the_mean_of_the_items_a_respondent_answered():
    scores = indicator_scores(_answers(), ["q1", "q2", "q3", "q4"], scale=(1, 6), dont_know=9)
    assert scores[0] == pytest.approx(5.0)
    assert scores[1] == pytest.approx(4.0)  # three answered, one "vet ikke"
    assert scores[3] == pytest.approx(2.0)
    assert scores[5] == pytest.approx(6.0)


def test_a_respondent_needs_at_least_half_of_the_items_answered():
    scores = indicator_scores(_answers(), ["q1", "q2", "q3", "q4"], scale=(1, 6), dont_know=9)
    assert math.isnan(scores[2])  # all "vet ikke"
    assert math.isnan(scores[4])  # one of four
    stricter = indicator_scores(
        _answers(), ["q1", "q2", "q3", "q4"], scale=(1, 6), dont_know=9, min_share=1.0
    )
    assert stricter.notna().tolist() == [True, False, False, False, False, False]


def test_answers_outside_the_scale_are_refused_unless_they_mean_vet_ikke():
    with pytest.raises(ValueError, match="outside the scale"):
        indicator_scores(_answers(), ["q1", "q2"], scale=(1, 6))


def test_the_index_keeps_the_respondents_index():
    answers = _answers().set_index(pd.Index(list("abcdef")))
    scores = indicator_scores(answers, ["q1", "q4"], scale=(1, 6), dont_know=[9])
    assert list(scores.index) == list("abcdef")


def test_rescaling_to_0_100_maps_the_ends_of_the_scale():
    assert rescale_0_100(1, (1, 6)) == 0.0
    assert rescale_0_100(6, (1, 6)) == 100.0
    assert rescale_0_100(3, (1, 5)) == 50.0


def test_rescaling_a_result_table_moves_the_interval_and_scales_the_se():
    table = pd.DataFrame(
        {
            "unit": ["a"],
            "estimate": [4.0],
            "se": [0.2],
            "ci_low": [3.6],
            "ci_high": [4.4],
            "n": [30],
        }
    )
    scaled = rescale_0_100(table, (1, 5))
    assert scaled.loc[0, "estimate"] == pytest.approx(75.0)
    assert scaled.loc[0, "se"] == pytest.approx(5.0)
    assert (scaled.loc[0, "ci_low"], scaled.loc[0, "ci_high"]) == pytest.approx((65.0, 85.0))
    assert scaled.loc[0, "n"] == 30


def test_the_vet_ikke_share_is_reported_per_item():
    shares = dont_know_share(_answers(), ["q1", "q2"], dont_know=9).set_index("item")
    assert shares.loc["q1", "dont_know"] == 2
    assert shares.loc["q2", "dont_know"] == 3  # two 9s and one missing
    assert shares.loc["q2", "share"] == pytest.approx(0.5)


def test_cronbach_alpha_follows_its_formula_on_complete_cases():
    rng = np.random.default_rng(0)
    common = rng.normal(size=200)
    items = pd.DataFrame({f"q{j}": common + rng.normal(size=200) for j in range(4)})
    items.iloc[0, 1] = np.nan
    a = cronbach_alpha(items)
    x = items.dropna().to_numpy()
    k = 4
    expected = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
    assert a.alpha == pytest.approx(expected)
    assert a.n == 199 and a.k == 4 and a.note == ""
    assert a.ci_low < a.alpha < a.ci_high


def test_cronbach_alpha_says_why_it_cannot_be_computed():
    assert cronbach_alpha(pd.DataFrame({"q1": [1, 2, 3]})).note == "too_few_items"
    assert cronbach_alpha(pd.DataFrame({"q1": [1], "q2": [2]})).note == "too_few_respondents"
    flat = cronbach_alpha(pd.DataFrame({"q1": [3, 3, 3], "q2": [4, 4, 4]}))
    assert flat.note == "no_variance" and math.isnan(flat.alpha)
