"""How Helhet is installed (docs/operations.md): from its checkout with `pip install -e .`.

A plain `pip install .` copies only the packages into site-packages and leaves the templates,
translations and migrations behind; Helhet then refuses to start and says what to do, instead of
failing later with a missing file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helhet.config import REPO_ROOT, NotInSourceTree, check_source_tree


def test_the_checkout_holds_what_helhet_runs_from():
    check_source_tree(REPO_ROOT)


def test_a_directory_without_them_is_refused_with_what_to_do(tmp_path):
    (tmp_path / "templates").mkdir()
    with pytest.raises(NotInSourceTree) as refused:
        check_source_tree(tmp_path)
    assert "translations, migrations" in str(refused.value)
    assert "pip install -e ." in str(refused.value)


@pytest.mark.slow
def test_a_plain_pip_install_says_how_to_install_instead_of_failing_later(tmp_path):
    """The wheel `pip install .` would install, unpacked as site-packages would hold it."""
    source = tmp_path / "source"  # built from a copy: a build writes build/ and *.egg-info
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, source / name)
    for package in ("helhet", "surveys", "collector", "analysis", "results", "scorecard", "api"):
        shutil.copytree(
            REPO_ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheel"),
         str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = (tmp_path / "wheel").glob("helhet-*.whl")
    site = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    assert not (site / "templates").exists()  # what the wheel leaves behind

    for command in (
        "from helhet.cli import main; main(['init-db'])",
        "from helhet import create_app; create_app()",
    ):
        ran = subprocess.run(
            [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {command}"],
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "HELHET_INSTANCE_PATH": str(tmp_path / "instance")},
        )  # fmt: skip
        assert ran.returncode != 0
        assert "pip install -e ." in ran.stderr
        assert str(Path(site)) in ran.stderr  # where it looked
