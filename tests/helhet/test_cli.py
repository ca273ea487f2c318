"""The `helhet` command for users, org units and the demo."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import helhet
from helhet import queries
from helhet.clitools import fail_import
from helhet.problems import Problem, ProblemsFound


def test_user_create_reads_the_password_from_standard_input(runner, tree):
    result = runner.invoke(
        args=["user", "create", "leder@kommune.no", "--role", "leader", "--unit", "4601-helse"],
        input="et langt passord\n",
    )
    assert result.exit_code == 0, result.output
    user = queries.user_by_email("leder@kommune.no")
    assert user.unit.code == "4601-helse" and user.check_password("et langt passord")


def test_user_create_refuses_an_unknown_unit(runner, tree):
    result = runner.invoke(
        args=["user", "create", "x@kommune.no", "--role", "leader", "--unit", "nope"],
        input="et langt passord\n",
    )
    assert result.exit_code == 1
    assert "nope" in result.output
    assert queries.user_by_email("x@kommune.no") is None


def test_user_create_refuses_a_short_password(runner):
    result = runner.invoke(
        args=["user", "create", "x@kommune.no", "--role", "admin"], input="kort\n"
    )
    assert result.exit_code == 1
    assert queries.user_by_email("x@kommune.no") is None


def test_user_set_password_changes_it(runner, admin):
    result = runner.invoke(
        args=["user", "set-password", admin.email], input="et helt nytt passord\n"
    )
    assert result.exit_code == 0
    assert admin.check_password("et helt nytt passord")


def test_user_list_as_json(runner, admin, leader):
    result = runner.invoke(args=["user", "list", "--format", "json"])
    rows = json.loads(result.output)
    assert {r["email"] for r in rows} == {admin.email, leader.email}


def test_orgunits_import_and_list(runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("code,name,parent,population_2026\n4601,Kommunen,,1000\n4601-a,A,4601,10\n")
    result = runner.invoke(args=["orgunits", "import", str(path)])
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(args=["orgunits", "list", "--format", "json"]).output)
    assert listed == [
        {
            "code": "4601",
            "name": "Kommunen",
            "level": "municipality",
            "parent": None,
            "population": {"2026": 1000},
        },
        {
            "code": "4601-a",
            "name": "A",
            "level": "unit",
            "parent": "4601",
            "population": {"2026": 10},
        },
    ]


def test_orgunits_import_reports_errors_with_line_and_column_and_imports_nothing(runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("code,name,parent\n4601,Kommunen,\n4601-a,,4601\n")
    result = runner.invoke(args=["orgunits", "import", str(path)])
    assert result.exit_code == 1
    assert "Line 3, column name" in result.output
    assert queries.unit_by_code("4601") is None


def test_demo_loads_the_municipality_once(runner):
    first = runner.invoke(args=["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "admin@eksempel.kommune.no" in runner.invoke(args=["demo-logins"]).output
    assert queries.unit_by_code("4699-helse-hjemme") is not None
    second = runner.invoke(args=["demo", "--if-empty"])
    assert "already has data" in second.output


def test_the_shared_cli_helpers_and_helhets_commands_import_no_blueprint_package():
    """Each package registers its own command group; helhet.cli and helhet.clitools import none of
    them (so that no import cycle runs through the command line)."""
    for name in ("cli.py", "clitools.py"):
        tree = ast.parse((Path(helhet.__file__).parent / name).read_text(encoding="utf-8"))
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        imported |= {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
        assert not {m for m in imported if m.split(".")[0] in {"collector", "surveys"}}, name


def test_fail_import_prints_every_problem_of_an_import_error_and_exits_with_1(app, capsys):
    error = ProblemsFound(
        [
            Problem("Ukjent kolonne.", line=1, column="x"),
            Problem("Tom fil."),
            Problem("Ugyldig verdi.", line=3, column="navn"),
        ]
    )
    with pytest.raises(SystemExit) as exited:
        fail_import(Path("enheter.csv"), error)
    assert exited.value.code == 1
    assert capsys.readouterr().err.splitlines() == [
        "  enheter.csv: Line 1, column x: Ukjent kolonne.",
        "  enheter.csv: Tom fil.",
        "  enheter.csv: Line 3, column navn: Ugyldig verdi.",
        "Nothing was imported.",
    ]
