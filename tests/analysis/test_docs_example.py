"""The worked example in docs/analysis.md gives the numbers the document shows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import SurveyDesign, favourable_share, rescale_0_100, suppress


def _hjemmetjenesten_nord() -> pd.DataFrame:
    answers = [1] * 1 + [2] * 3 + [3] * 8 + [4] * 16 + [5] * 10 + [np.nan] * 2
    return pd.DataFrame({"enhet": "Hjemmetjenesten Nord", "ansatte": 45, "trives": answers})


def test_a_unit_of_45_where_40_answered_gets_the_documented_mean_and_interval():
    design = SurveyDesign(_hjemmetjenesten_nord(), strata="enhet", fpc="ansatte")
    row = design.mean("trives", by="enhet").iloc[0]
    # R: svymean(~trives, svydesign(id=~1, strata=~enhet, fpc=~ansatte, data=d), na.rm=TRUE)
    assert row["estimate"] == pytest.approx(3.815789, abs=1e-6)
    assert row["se"] == pytest.approx(0.054554, abs=1e-6)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((3.705253, 3.926326), abs=1e-6)
    assert (row["n"], row["df"]) == (38, 37)


def test_without_the_finite_population_correction_the_interval_is_three_times_as_wide():
    row = SurveyDesign(_hjemmetjenesten_nord()).mean("trives").iloc[0]
    assert row["se"] == pytest.approx(0.163661, abs=1e-6)


def test_the_documented_0_100_score_and_favourable_share():
    design = SurveyDesign(_hjemmetjenesten_nord(), strata="enhet", fpc="ansatte")
    scaled = rescale_0_100(design.mean("trives", by="enhet"), scale=(1, 5)).iloc[0]
    assert (scaled["estimate"], scaled["ci_low"], scaled["ci_high"]) == pytest.approx(
        (70.39, 67.63, 73.16), abs=0.01
    )
    share = favourable_share(design, "trives", threshold=4, by="enhet").iloc[0]
    # R: svyciprop(~I(trives >= 4), design, method="logit")
    assert (share["estimate"], share["ci_low"], share["ci_high"]) == pytest.approx(
        (0.684211, 0.630527, 0.733392), abs=1e-6
    )


def test_the_documented_sector_hides_nattpatruljen_and_the_staff_unit():
    tree = {
        "Helse og omsorg": None,
        "Hjemmetjenesten Nord": "Helse og omsorg",
        "Hjemmetjenesten Sør": "Helse og omsorg",
        "Nattpatruljen": "Helse og omsorg",
        "Helse og omsorg, stab": "Helse og omsorg",
    }
    shown = pd.DataFrame(
        {
            "unit": [
                "Helse og omsorg, stab",
                "Hjemmetjenesten Nord",
                "Hjemmetjenesten Sør",
                "Nattpatruljen",
                "Helse og omsorg",
            ],
            "estimate": [3.4, 3.816, 3.370, 3.5, 3.594],
            "n": [5, 38, 27, 4, 74],
        }
    )
    out = suppress(shown, tree).set_index("unit")["reason"]
    assert out.to_dict() == {
        "Helse og omsorg, stab": "complementary",
        "Hjemmetjenesten Nord": "",
        "Hjemmetjenesten Sør": "",
        "Nattpatruljen": "under_min_group",
        "Helse og omsorg": "",
    }
