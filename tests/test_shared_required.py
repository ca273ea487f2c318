"""Without ../shared the R reference tests skip; under CI=true that must stop the run instead."""

from __future__ import annotations

import os
import subprocess
import sys

from tests import shared
from tests.shared import REPO

NEEDS_SHARED = "tests/analysis/test_golden.py"  # every test in it compares with R's values


def _pytest(env_changes: dict[str, str | None], *args: str) -> subprocess.CompletedProcess:
    """Run pytest on its own, without a database (the shared check comes first)."""
    env = {**os.environ, **env_changes}
    env.pop("HELHET_TEST_DATABASE_URL", None)
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_ci_stops_the_run_with_a_clear_message_when_the_shared_inputs_are_missing(tmp_path):
    run = _pytest({"CI": "true", "HELHET_SHARED_DIR": str(tmp_path)}, NEEDS_SHARED)
    output = run.stdout + run.stderr
    assert run.returncode == 3, output
    assert "CI=true but the shared inputs are missing" in output
    assert str(tmp_path) in output and "HELHET_SHARED_DIR" in output


def test_without_ci_a_missing_shared_folder_only_skips_the_tests_that_need_it(tmp_path):
    run = _pytest({"CI": None, "HELHET_SHARED_DIR": str(tmp_path)}, NEEDS_SHARED)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "skipped" in output and "reference data not found" in output


def test_the_check_names_what_is_missing_from_a_shared_folder(tmp_path, monkeypatch):
    (tmp_path / "fixtures" / "api").mkdir(parents=True)
    (tmp_path / "fixtures" / "xlsform").mkdir()
    monkeypatch.setattr(shared, "SHARED", tmp_path)
    assert shared.shared_problem() == f"{tmp_path} has no reference/r_survey_api.csv"
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "r_survey_api.csv").write_text("name,value\n")
    assert shared.shared_problem() is None


def test_the_check_says_when_the_shared_folder_is_not_there(tmp_path, monkeypatch):
    monkeypatch.setattr(shared, "SHARED", tmp_path / "shared")
    assert shared.shared_problem() == f"{tmp_path / 'shared'} is not a folder"
