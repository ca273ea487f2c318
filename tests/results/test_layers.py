"""Data flows one way (DESIGN §2): collector, surveys and analysis never import results."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]


def imported_packages(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["collector", "surveys", "analysis"])
def test_the_package_does_not_import_results(package):
    sources = sorted((REPO / package).rglob("*.py"))
    assert sources
    for path in sources:
        assert "results" not in imported_packages(path), f"{path.relative_to(REPO)} imports results"
