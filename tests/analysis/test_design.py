from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import LonelyPSUError, SurveyDesign
from analysis.results import ESTIMATE_COLUMNS
from tests.analysis.factories import make_employee_survey, make_random_design_data


def _general_path(monkeypatch):
    """Force the R-mirroring path (explicit linearised variable, svyrecvar) for every design."""
    monkeypatch.setattr(SurveyDesign, "_uses_cells", property(lambda self: False))


DESIGNS = [
    {"strata": "stratum", "fpc": "N"},
    {"strata": "stratum", "weights": "w"},
    {"strata": "stratum", "weights": "w", "fpc": "N"},
    {"weights": "w"},
    {},
    {"strata": "stratum", "fpc": "N", "lonely_psu": "average"},
    {"strata": "stratum", "weights": "w", "lonely_psu": "certainty"},
]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(
    "spec", DESIGNS, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()) or "srs"
)
@pytest.mark.parametrize("statistic", ["mean", "total"])
def test_the_fast_path_gives_the_same_numbers_as_the_general_path(
    monkeypatch, seed, spec, statistic
):
    data = make_random_design_data(seed)
    if seed % 2:  # make one stratum lonely
        data.loc[data.index[-1], "stratum"] = "lonely"
        data.loc[data.index[-1], "N"] = 7
    fast = getattr(SurveyDesign(data, **spec), statistic)("y", by="domain")
    whole = getattr(SurveyDesign(data, **spec), statistic)("y")
    _general_path(monkeypatch)
    general = getattr(SurveyDesign(data, **spec), statistic)("y", by="domain")
    general_whole = getattr(SurveyDesign(data, **spec), statistic)("y")
    pd.testing.assert_frame_equal(fast, general, rtol=1e-10)
    pd.testing.assert_frame_equal(whole, general_whole, rtol=1e-10)


def test_the_fast_path_equals_the_general_path_when_domains_are_the_strata(monkeypatch):
    data = make_employee_survey(items=4)
    items = ["q1", "q2", "q3", "q4"]
    fast = SurveyDesign(data, strata="unit", fpc="headcount").mean_table(items, by="unit")
    _general_path(monkeypatch)
    general = SurveyDesign(data, strata="unit", fpc="headcount").mean_table(items, by="unit")
    pd.testing.assert_frame_equal(fast, general, rtol=1e-10)


def test_mean_table_is_the_mean_of_each_item_stacked():
    data = make_employee_survey(items=3)
    design = SurveyDesign(data, strata="unit", fpc="headcount")
    table = design.mean_table(["q1", "q2", "q3"], by="unit")
    for item in ("q1", "q2", "q3"):
        one = design.mean(item, by="unit")
        part = table[table["item"] == item].drop(columns="item").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, one)


def test_a_unit_where_everyone_answered_is_a_census_with_no_sampling_error():
    data = make_employee_survey({"skole": (20, 20), "hjemme": (45, 40)}, dont_know=0.0)
    table = (
        SurveyDesign(data, strata="unit", fpc="headcount").mean("q1", by="unit").set_index("unit")
    )
    census = table.loc["skole"]
    assert census["se"] == 0.0
    assert census["ci_low"] == census["ci_high"] == census["estimate"]
    assert table.loc["hjemme", "se"] > 0


def test_a_census_stays_exact_when_some_said_vet_ikke():
    data = make_employee_survey({"skole": (20, 20)}, dont_know=0.3, seed=4)
    row = SurveyDesign(data, strata="unit", fpc="headcount").mean("q1", by="unit").iloc[0]
    assert row["n"] < 20
    assert row["se"] == 0.0


def test_a_unit_with_one_answer_gets_its_estimate_but_no_interval():
    data = make_employee_survey({"liten": (10, 1), "stor": (45, 40)}, dont_know=0.0)
    row = SurveyDesign(data, strata="unit", fpc="headcount").mean("q1", by="unit").iloc[0]
    assert row["unit"] == "liten"
    assert row["n"] == 1 and row["df"] == 0
    assert row["estimate"] == data.loc[data["unit"] == "liten", "q1"].iloc[0]
    assert np.isnan(row["se"]) and np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])


def test_a_one_person_unit_that_is_complete_is_still_exact():
    data = make_employee_survey({"leder": (1, 1), "stor": (45, 40)}, dont_know=0.0)
    row = SurveyDesign(data, strata="unit", fpc="headcount").mean("q1", by="unit").iloc[0]
    assert row["se"] == 0.0 and row["ci_low"] == row["estimate"]


def test_a_unit_where_everyone_said_vet_ikke_gets_n_zero_and_no_numbers():
    data = make_employee_survey({"a": (10, 6), "b": (10, 8)}, dont_know=0.0)
    data.loc[data["unit"] == "a", "q1"] = np.nan
    row = SurveyDesign(data, strata="unit", fpc="headcount").mean("q1", by="unit").iloc[0]
    assert row["unit"] == "a" and row["n"] == 0 and row["df"] == 0
    assert row[["estimate", "se", "ci_low", "ci_high"]].isna().all()


def test_every_category_of_a_categorical_by_gets_a_row_even_without_answers():
    data = make_employee_survey({"a": (10, 6), "b": (10, 8)})
    data["unit"] = pd.Categorical(data["unit"], categories=["a", "b", "c"])
    table = SurveyDesign(data, strata="unit", fpc="headcount").mean("q2", by="unit")
    assert list(table["unit"]) == ["a", "b", "c"]
    assert table.loc[2, "n"] == 0 and np.isnan(table.loc[2, "estimate"])


def test_identical_answers_give_se_zero_as_r_does():
    data = make_employee_survey({"a": (30, 10), "b": (30, 10)}, dont_know=0.0)
    data["q1"] = 4.0
    row = SurveyDesign(data, strata="unit", fpc="headcount").mean("q1", by="unit").iloc[0]
    assert row["estimate"] == 4.0 and row["se"] == 0.0 and row["ci_low"] == row["ci_high"] == 4.0


def test_a_lonely_stratum_stops_the_design_only_when_asked_to_fail():
    data = make_employee_survey({"liten": (10, 1), "stor": (45, 40)})
    with pytest.raises(LonelyPSUError, match="liten"):
        SurveyDesign(data, strata="unit", fpc="headcount", lonely_psu="fail")
    whole = SurveyDesign(data, strata="unit", fpc="headcount").mean("q1")
    assert whole.loc[0, "se"] > 0


def test_unknown_lonely_psu_option_is_refused():
    with pytest.raises(ValueError, match="lonely_psu"):
        SurveyDesign(make_employee_survey(), lonely_psu="ignore")


def test_a_population_smaller_than_the_sample_is_refused():
    data = make_employee_survey({"a": (10, 6)})
    data["headcount"] = 5
    with pytest.raises(ValueError, match="population of 5"):
        SurveyDesign(data, strata="unit", fpc="headcount")


def test_a_population_that_varies_within_a_unit_is_refused():
    data = make_employee_survey({"a": (10, 6)})
    data.loc[0, "headcount"] = 11
    with pytest.raises(ValueError, match="varies within a stratum"):
        SurveyDesign(data, strata="unit", fpc="headcount")


def test_fpc_as_sampling_fractions_gives_the_same_as_population_sizes():
    data = make_employee_survey()
    data["fraction"] = data.groupby("unit")["unit"].transform("size") / data["headcount"]
    a = SurveyDesign(data, strata="unit", fpc="headcount").mean("q1", by="unit")
    b = SurveyDesign(data, strata="unit", fpc="fraction").mean("q1", by="unit")
    pd.testing.assert_frame_equal(a, b, rtol=1e-12)


def test_weights_default_to_headcount_over_respondents_when_fpc_is_given():
    data = make_employee_survey({"a": (45, 40), "b": (30, 12)})
    weights = SurveyDesign(data, strata="unit", fpc="headcount").weights
    assert weights[data["unit"] == "a"].eq(45 / 40).all()
    assert weights[data["unit"] == "b"].eq(30 / 12).all()
    total = SurveyDesign(data, strata="unit", fpc="headcount").total(np.ones(len(data)))
    assert total.loc[0, "estimate"] == pytest.approx(75)


def test_missing_strata_or_negative_weights_are_refused():
    data = make_random_design_data(0)
    data.loc[0, "stratum"] = None
    with pytest.raises(ValueError, match="strata"):
        SurveyDesign(data, strata="stratum")
    data = make_random_design_data(0)
    data.loc[0, "w"] = -1
    with pytest.raises(ValueError, match="weights"):
        SurveyDesign(data, weights="w")


def test_rows_without_a_by_value_belong_to_no_domain_but_stay_in_the_design():
    data = make_random_design_data(2)
    data.loc[data.index[:10], "domain"] = None
    table = SurveyDesign(data, strata="stratum", fpc="N").mean("y", by="domain")
    assert list(table["domain"]) == ["a", "b", "c"]
    in_domains = data["domain"].notna() & data["y"].notna()
    assert table["n"].sum() == in_domains.sum()


def test_two_by_columns_give_one_row_per_observed_combination():
    data = make_random_design_data(3)
    table = SurveyDesign(data, strata="stratum", fpc="N").mean("y", by=["stratum", "domain"])
    combos = data[["stratum", "domain"]].drop_duplicates()
    assert len(table) == len(combos)
    assert list(table.columns[:2]) == ["stratum", "domain"]


def test_the_level_changes_the_interval_and_not_the_estimate():
    design = SurveyDesign(make_random_design_data(1), strata="stratum", fpc="N")
    wide = design.mean("y", level=0.99).iloc[0]
    narrow = design.mean("y", level=0.80).iloc[0]
    assert wide["estimate"] == narrow["estimate"] and wide["se"] == narrow["se"]
    assert wide["ci_low"] < narrow["ci_low"] < narrow["ci_high"] < wide["ci_high"]


def test_result_tables_have_the_documented_columns_and_clean_types():
    table = SurveyDesign(make_employee_survey(), strata="unit", fpc="headcount").mean(
        "q1", by="unit"
    )
    assert list(table.columns) == ["unit", *ESTIMATE_COLUMNS]
    assert table["n"].dtype == np.int64 and table["df"].dtype == np.int64
    assert table["estimate"].dtype == np.float64


def test_df_can_be_the_whole_designs_or_a_number():
    design = SurveyDesign(make_employee_survey(), strata="unit", fpc="headcount")
    domain = design.mean("q1", by="unit")
    whole = design.mean("q1", by="unit", df="design")
    fixed = design.mean("q1", by="unit", df=10)
    assert (whole["df"] == design.degf).all()
    assert (fixed["df"] == 10).all()
    assert (whole["se"] == domain["se"]).all()
    with pytest.raises(ValueError, match="df must be"):
        design.mean("q1", df="many")


def test_an_empty_survey_gives_an_empty_result_not_an_error():
    data = make_employee_survey().iloc[0:0]
    table = SurveyDesign(data, strata="unit", fpc="headcount").mean("q1")
    assert table.loc[0, "n"] == 0 and np.isnan(table.loc[0, "estimate"])
    assert len(SurveyDesign(data, strata="unit").mean("q1", by="unit")) == 0


def test_text_answers_are_refused_with_the_column_name():
    data = make_employee_survey()
    data["q1"] = data["q1"].astype(object)
    data.loc[0, "q1"] = "vet ikke"
    with pytest.raises(ValueError, match="q1"):
        SurveyDesign(data).mean("q1")


def test_a_cluster_design_counts_clusters_for_degrees_of_freedom():
    data = make_random_design_data(5)
    design = SurveyDesign(data, strata="stratum", ids="cluster", weights="w")
    clusters = data.groupby("stratum")["cluster"].nunique().sum()
    assert design.degf == clusters - data["stratum"].nunique()
    assert design.mean("y").loc[0, "df"] <= design.degf


def test_with_weights_gives_the_design_built_with_those_weights_and_leaves_the_old_one_alone():
    data = make_random_design_data(6)
    design = SurveyDesign(data, strata="stratum", fpc="N")
    weighted = design.with_weights(data["w"].to_numpy())
    built = SurveyDesign(data, strata="stratum", fpc="N", weights="w")
    pd.testing.assert_frame_equal(weighted.mean("y", by="domain"), built.mean("y", by="domain"))
    assert (weighted.weights == data["w"]).all()
    assert not weighted.is_unweighted and weighted.calibration == ()
    pd.testing.assert_series_equal(
        design.weights, SurveyDesign(data, strata="stratum", fpc="N").weights
    )


def test_with_weights_refuses_weights_of_the_wrong_length_or_not_positive():
    design = SurveyDesign(make_random_design_data(0), strata="stratum")
    n = len(design)
    with pytest.raises(ValueError, match=f"expected {n} values"):
        design.with_weights(np.ones(n - 1))
    for bad in (0.0, -1.0, np.nan, np.inf):
        weights = np.ones(n)
        weights[3] = bad
        with pytest.raises(ValueError, match="positive and finite"):
            design.with_weights(weights)


def test_variable_gives_floats_with_nan_for_missing_and_booleans_as_zero_and_one():
    data = pd.DataFrame({"q": [1, None, 3], "ja": [True, False, True]})
    design = SurveyDesign(data)
    np.testing.assert_array_equal(design.variable("q"), [1.0, np.nan, 3.0])
    np.testing.assert_array_equal(design.variable("ja"), [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(design.variable([0.5, 1, 2]), [0.5, 1.0, 2.0])


def test_variable_refuses_text_and_names_an_unknown_column():
    design = SurveyDesign(pd.DataFrame({"text": ["1", None, "2,5"]}))
    with pytest.raises(ValueError, match="text must be numeric"):
        design.variable("text")
    with pytest.raises(KeyError, match="nope"):
        design.variable("nope")
