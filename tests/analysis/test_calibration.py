from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import SurveyDesign
from analysis.calibration import poststratify_weights, rake_weights
from tests.analysis.reference import POP_SCHWIDE, POP_STYPE, SHARED, api

pytestmark = pytest.mark.skipif(
    not (SHARED / "fixtures").exists(), reason=f"fixtures not found under {SHARED}"
)


def _citizens(seed: int = 0, n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.choice(["18-39", "40-66", "67+"], size=n, p=[0.2, 0.5, 0.3]),
            "gender": rng.choice(["kvinne", "mann"], size=n),
            "score": rng.integers(1, 7, size=n).astype(float),
        }
    )


POPULATION = pd.DataFrame(
    {
        "age": ["18-39", "18-39", "40-66", "40-66", "67+", "67+"],
        "gender": ["kvinne", "mann"] * 3,
        "Freq": [1500, 1600, 2400, 2500, 1100, 900],
    }
)


def test_post_stratified_weights_add_up_to_the_population_in_every_cell():
    design = SurveyDesign(_citizens()).poststratify(["age", "gender"], POPULATION)
    sums = design.data.assign(w=design.weights).groupby(["age", "gender"])["w"].sum()
    expected = POPULATION.set_index(["age", "gender"])["Freq"]
    assert np.allclose(sums.reindex(expected.index), expected)


def test_raked_weights_match_each_margin():
    margins = {
        "age": {"18-39": 3100, "40-66": 4900, "67+": 2000},
        "gender": {"kvinne": 5000, "mann": 5000},
    }
    design = SurveyDesign(_citizens()).rake(margins, maxit=100, epsilon=1e-10)
    frame = design.data.assign(w=design.weights)
    for column, population in margins.items():
        sums = frame.groupby(column)["w"].sum()
        assert np.allclose(sums.reindex(list(population)), list(population.values()))
    assert design.weighting_diagnostics().converged


def test_raking_that_runs_out_of_rounds_says_so():
    design = SurveyDesign(api("apisrs"), fpc="fpc").rake(
        [("stype", POP_STYPE), ("sch.wide", POP_SCHWIDE)], maxit=1, epsilon=1e-12
    )
    assert not design.weighting_diagnostics().converged


def test_a_sample_cell_missing_from_the_population_is_an_error():
    population = POPULATION[POPULATION["age"] != "67+"]
    with pytest.raises(ValueError, match="not in the population"):
        SurveyDesign(_citizens()).poststratify(["age", "gender"], population)


def test_a_population_cell_without_respondents_needs_partial():
    citizens = _citizens()
    citizens = citizens[citizens["age"] != "67+"]
    with pytest.raises(ValueError, match="no respondents"):
        SurveyDesign(citizens).poststratify(["age", "gender"], POPULATION)
    design = SurveyDesign(citizens).poststratify(["age", "gender"], POPULATION, partial=True)
    assert design.weights.sum() == pytest.approx(POPULATION["Freq"][:4].sum())


def test_post_stratification_accepts_a_dict_for_one_column():
    a = SurveyDesign(api("apisrs"), fpc="fpc").poststratify(
        "stype", {"E": 4421, "H": 755, "M": 1018}
    )
    b = SurveyDesign(api("apisrs"), fpc="fpc").poststratify("stype", POP_STYPE)
    pd.testing.assert_frame_equal(a.mean("api00"), b.mean("api00"))


def test_kish_design_effect_is_one_for_equal_weights_and_grows_with_unequal_ones():
    design = SurveyDesign(_citizens())
    flat = design.weighting_diagnostics()
    assert flat.deff_kish == pytest.approx(1.0) and flat.n_effective == pytest.approx(300)
    calibrated = design.poststratify(["age", "gender"], POPULATION).weighting_diagnostics()
    w = design.poststratify(["age", "gender"], POPULATION).weights.to_numpy()
    assert calibrated.deff_kish == pytest.approx(len(w) * (w**2).sum() / w.sum() ** 2)
    assert calibrated.n_effective == pytest.approx(w.sum() ** 2 / (w**2).sum())
    assert calibrated.deff_kish > 1 and calibrated.weight_ratio == pytest.approx(w.max() / w.min())


def test_calibration_leaves_the_original_design_alone():
    design = SurveyDesign(_citizens())
    design.poststratify(["age", "gender"], POPULATION)
    assert (design.weights == 1).all() and design.calibration == ()


def test_poststratifying_on_a_column_with_missing_values_is_refused():
    citizens = _citizens()
    citizens.loc[0, "age"] = None
    with pytest.raises(ValueError, match="missing"):
        SurveyDesign(citizens).poststratify("age", {"18-39": 1, "40-66": 2, "67+": 3})


def test_post_stratifying_arrays_gives_the_weights_and_step_of_the_post_stratified_design():
    citizens = _citizens()
    result = poststratify_weights(citizens, np.ones(len(citizens)), ["age", "gender"], POPULATION)
    design = SurveyDesign(citizens).poststratify(["age", "gender"], POPULATION)
    np.testing.assert_array_equal(result.weights, design.weights.to_numpy())
    assert result.converged and len(design.calibration) == 1
    by_hand = SurveyDesign(citizens).with_weights(result.weights, step=result.step)
    pd.testing.assert_frame_equal(by_hand.mean("score", by="age"), design.mean("score", by="age"))


def test_the_calibration_step_changes_the_standard_error_not_the_estimate():
    citizens = _citizens()
    result = poststratify_weights(citizens, np.ones(len(citizens)), ["age", "gender"], POPULATION)
    plain = SurveyDesign(citizens).with_weights(result.weights).mean("score").iloc[0]
    calibrated = SurveyDesign(citizens).with_weights(result.weights, step=result.step)
    row = calibrated.mean("score").iloc[0]
    assert row["estimate"] == pytest.approx(plain["estimate"], rel=1e-12)
    assert row["se"] != pytest.approx(plain["se"], rel=1e-6)


def test_raking_arrays_leaves_the_weights_given_alone_and_says_whether_it_converged():
    citizens = _citizens()
    weights = np.ones(len(citizens))
    margins = {
        "age": {"18-39": 3100, "40-66": 4900, "67+": 2000},
        "gender": {"kvinne": 5000, "mann": 5000},
    }
    done = rake_weights(citizens, weights, margins, maxit=100, epsilon=1e-10)
    cut_short = rake_weights(citizens, weights, margins, maxit=1, epsilon=1e-12)
    assert done.converged and not cut_short.converged
    assert done.weights.sum() == pytest.approx(10_000)
    assert (weights == 1).all()


def test_calibrating_weights_of_the_wrong_length_is_refused():
    citizens = _citizens()
    with pytest.raises(ValueError, match="expected 300 values"):
        poststratify_weights(citizens, np.ones(10), "gender", {"kvinne": 5000, "mann": 5000})


def test_a_population_count_that_is_not_a_number_is_refused_rather_than_giving_nan_weights():
    with pytest.raises(ValueError, match="weights must be positive and finite"):
        SurveyDesign(_citizens()).poststratify("gender", {"kvinne": np.nan, "mann": 5000})
