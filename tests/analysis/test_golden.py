"""Every row of the R reference values is reproduced to (better than) 6 significant digits.

../shared/reference/r_survey_api.csv comes with the project (R 4.2.2, survey 4.1-1);
data/r_extra.csv is produced by data/r_extra.R with the same R for cases beyond it.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.analysis.reference import EXTRA_CSV, REFERENCE_CSV, SHARED, ours

pytestmark = pytest.mark.skipif(
    not REFERENCE_CSV.exists(), reason=f"reference data not found under {SHARED}"
)

RELATIVE = 1e-7  # stricter than the 6 significant digits asked for
FIELDS = ("estimate", "se", "ci_low", "ci_high", "df")


def _rows(path):
    if not path.exists():
        return []
    return [row for _, row in pd.read_csv(path).iterrows()]


def _assert_matches(name: str, r_row, our: dict) -> None:
    compared = 0
    for field in FIELDS:
        expected = r_row[field]
        if pd.isna(expected):
            continue
        assert field in our, f"{name}: we give no {field}"
        assert math.isclose(our[field], expected, rel_tol=RELATIVE, abs_tol=1e-12), (
            f"{name}: {field} is {our[field]!r}, R says {expected!r}"
        )
        compared += 1
    if pd.isna(r_row["estimate"]):
        assert math.isnan(our["estimate"]), f"{name}: R gives NA, we give {our['estimate']}"
    else:
        assert compared >= 1


@pytest.mark.parametrize("r_row", _rows(REFERENCE_CSV), ids=lambda r: r["name"])
def test_reference_row_from_the_shared_r_output_is_reproduced(r_row):
    # the shared file's df column for svyby rows is the whole design's df: ask for that
    _assert_matches(r_row["name"], r_row, ours(r_row["name"], df="design"))


@pytest.mark.parametrize("r_row", _rows(EXTRA_CSV), ids=lambda r: r["name"])
def test_extra_r_reference_row_is_reproduced(r_row):
    _assert_matches(r_row["name"], r_row, ours(r_row["name"]))


def test_the_shared_reference_file_has_every_row_we_know_of():
    names = {row["name"] for row in _rows(REFERENCE_CSV)}
    assert len(names) == 16
    assert {"clus1.mean.api00", "strat.ttest.api00_by_schwide", "binom.k7n50.exact"} <= names


def test_domain_rows_report_the_domains_own_degrees_of_freedom_by_default():
    # R: degf(subset(dstrat, stype == "E")) is 99; the shared file records degf(dstrat) = 197
    assert ours("strat.mean.api00.by_stype.E")["df"] == 99
    assert ours("strat.mean.api00.by_stype.E", df="design")["df"] == 197
