"""analysis is a pure library: no Flask, no SQLAlchemy, no pyplot (DESIGN.md §2)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "analysis"
MODULES = sorted(f"analysis.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def test_importing_every_analysis_module_loads_no_flask_sqlalchemy_or_pyplot():
    code = (
        f"import importlib, sys\nfor name in {['analysis', *MODULES]!r}:\n   "
        " importlib.import_module(name)\nbad = sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('flask', 'sqlalchemy', 'flask_sqlalchemy') or m =="
        " 'matplotlib.pyplot')\nprint(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent, check=True
    )
    assert result.stdout.strip() == ""


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_analysis_source_imports_pyplot_flask_or_sqlalchemy():
    for path in PACKAGE.glob("*.py"):
        for name in _imported_modules(path):
            assert "pyplot" not in name, f"{path.name} imports {name}"
            assert name.split(".")[0] not in (
                "flask",
                "sqlalchemy",
                "flask_sqlalchemy",
            ), f"{path.name} imports {name}"
        assert "plt." not in path.read_text(), f"{path.name} uses plt."


def test_the_module_list_is_not_empty():
    assert "analysis.design" in MODULES and "analysis.charts" in MODULES
