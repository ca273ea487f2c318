"""The R reference in tests/results/data is what its R script makes (when R is installed).

The committed numbers are the reference the service is tested against (test_services.py,
test_cli.py); this test only checks that api_round.R still makes exactly those files, so that the
script and the data cannot drift apart. It needs Rscript with the survey package
(`apt-get install -y r-base-core r-cran-survey`) and skips without it.
"""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest

from tests.results.factories import DATA
from tests.shared import SHARED

API = SHARED / "fixtures" / "api"
OUTPUTS = ("api_round_units.csv", "api_round_answers.csv", "api_round_r.csv")


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("Rscript") is None,
    reason="Rscript is not installed (apt-get install -y r-base-core r-cran-survey)",
)
@pytest.mark.skipif(
    not (API / "apistrat.csv").exists(), reason=f"R's api data not found under {SHARED}"
)
def test_the_r_script_makes_the_committed_round_and_reference(tmp_path):
    result = subprocess.run(
        ["Rscript", str(DATA / "api_round.R"), str(API), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if "there is no package called" in result.stderr:
        pytest.skip("R's survey package is not installed (apt-get install -y r-cran-survey)")
    assert result.returncode == 0, result.stderr
    for name in OUTPUTS[:2]:
        assert (tmp_path / name).read_text() == (DATA / name).read_text(), name
    made, committed = pd.read_csv(tmp_path / OUTPUTS[2]), pd.read_csv(DATA / OUTPUTS[2])
    pd.testing.assert_frame_equal(made, committed, rtol=1e-12)
