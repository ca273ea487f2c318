"""`helhet indicators ...` and `helhet figures ...`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from helhet.extensions import db
from scorecard import queries
from scorecard.models import Figure
from surveys import library
from tests import factories as core_factories
from tests.scorecard.factories import DATA, KOSTRA_MAP, import_kostra, starter

MAPS = [arg for code, key in KOSTRA_MAP.items() for arg in ("--map", f"{code}={key}")]


@pytest.fixture
def world(any_app):
    core_factories.make_tree()
    starter()
    return any_app.test_cli_runner()


def figure_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Figure))


def test_figures_import_reports_and_imports_with_maps(world):
    result = world.invoke(args=["figures", "import", str(DATA / "kostra_12134.json"), *MAPS])
    assert result.exit_code == 0, result.output
    assert "Added (18):" in result.output and "Imported: 18 new" in result.output
    assert "KOSdispfond0000 -> disposisjonsfond" in result.output
    assert figure_count() == 18


def test_a_dry_run_reports_and_commits_nothing(world):
    result = world.invoke(
        args=["figures", "import", str(DATA / "kostra_12134.json"), *MAPS, "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "Added (18):" in result.output and "Dry run: nothing was imported." in result.output
    db.session.rollback()
    assert figure_count() == 0
    assert queries.saved_mappings("12134") == {}
    assert queries.comparison_regions() == []


def test_a_file_with_problems_exits_non_zero_listing_each_and_imports_nothing(world):
    result = world.invoke(args=["figures", "import", str(DATA / "kostra_12134.json")])
    assert result.exit_code == 1
    assert "Rejected (3):" in result.output
    assert "dimension.ContentsCode.category.index.KOSdispfond0000:" in result.output
    assert "Nothing was imported." in result.output and "--map CODE=INDICATOR_KEY" in result.output
    db.session.rollback()
    assert figure_count() == 0


def test_the_revised_file_shows_what_changes_into_a_new_revision(world):
    import_kostra()
    result = world.invoke(args=["figures", "import", str(DATA / "kostra_12134_revised.json")])
    assert result.exit_code == 0, result.output
    assert "Changed, a new revision (3):" in result.output
    assert "2.1 (revision 1) -> 2.3 (revision 2)" in result.output
    assert "New comparison region: 4602 Kinn" in result.output
    assert "Empty cells (no value, no status), left out: 2" in result.output


def test_the_report_as_json(world):
    result = world.invoke(
        args=["figures", "import", str(DATA / "figures.csv"), "--format", "json", "--dry-run"]
    )
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert len(report["added"]) == 7 and report["rejected"] == []
    row = next(r for r in report["added"] if r["region"] == "EKG13")
    assert (row["value"], row["status"], row["unit"]) == (None, "..", None)


def test_a_bad_map_option_is_refused(world):
    result = world.invoke(args=["figures", "import", str(DATA / "figures.csv"), "--map", "oops"])
    assert result.exit_code == 1 and "CODE=INDICATOR_KEY" in result.output


def test_a_map_with_a_csv_file_is_refused(world, tmp_path):
    result = world.invoke(
        args=["figures", "import", str(DATA / "figures.csv"), "--map", "A=sykefravaer"]
    )
    assert result.exit_code == 1 and "for JSON-stat files" in result.output


def test_figures_list_as_json_with_filters(world):
    import_kostra()
    world.invoke(args=["figures", "import", str(DATA / "kostra_12134_revised.json")])
    result = world.invoke(
        args=[
            "figures",
            "list",
            "--indicator",
            "netto_driftsresultat",
            "--period",
            "2024",
            "--format",
            "json",
        ]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    by_place = {r["unit"] or r["region"]: r for r in rows}
    assert set(by_place) == {"4601", "4602", "EAKUO", "EKG13"}
    assert by_place["4601"] == by_place["4601"] | {
        "indicator": "netto_driftsresultat",
        "unit": "4601",
        "region": None,
        "period": "2024",
        "value": 2.3,
        "status": None,
        "revision": 2,
        "source": "12134",
    }
    missing = json.loads(
        world.invoke(
            args=[
                "figures",
                "list",
                "--region",
                "EAKUO",
                "--indicator",
                "netto_lanegjeld",
                "--period",
                "2024",
                "--format",
                "json",
            ]
        ).output
    )
    assert [(r["value"], r["status"], r["revision"]) for r in missing] == [(None, "-", 2)]
    history = json.loads(
        world.invoke(
            args=[
                "figures",
                "list",
                "--unit",
                "4601",
                "--indicator",
                "netto_driftsresultat",
                "--period",
                "2024",
                "--history",
                "--format",
                "json",
            ]
        ).output
    )
    assert [(r["revision"], r["value"]) for r in history] == [(1, 2.1), (2, 2.3)]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--unit", "4601", "--region", "EKG13"], "not both"),
        (["--unit", "nope"], "No org unit"),
        (["--region", "EKG99"], "No comparison region"),
        (["--indicator", "nope"], "No figure indicator"),
        (["--period", "2024K9"], "is not a period"),
    ],
)
def test_figures_list_refuses_unknown_filters(world, args, words):
    result = world.invoke(args=["figures", "list", *args])
    assert result.exit_code == 1 and words in result.output


def test_figures_list_as_csv_and_table(world):
    import_kostra()
    out = world.invoke(args=["figures", "list", "--format", "csv"]).stdout_bytes
    rows = list(csv.reader(io.StringIO(out.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "indicator",
        "unit",
        "region",
        "period",
        "value",
        "status",
        "revision",
        "source",
    ]
    assert len(rows) == 19
    table = world.invoke(args=["figures", "list"]).output
    assert table.splitlines()[0].split() == [
        "INDICATOR",
        "UNIT/REGION",
        "PERIOD",
        "VALUE",
        "STATUS",
        "REVISION",
        "SOURCE",
    ]


def test_indicators_list_formats(runner, app):
    starter()
    rows = json.loads(runner.invoke(args=["indicators", "list", "--format", "json"]).output)
    assert {r["key"] for r in rows} >= {"netto_driftsresultat", "sykefravaer"}
    row = next(r for r in rows if r["key"] == "netto_lanegjeld")
    assert (row["kind"], row["dimension"], row["measure"], row["direction"]) == (
        "figure",
        "economy",
        "percent",
        "lower",
    )
    assert set(row["name"]) == {"nb", "nn", "en"}
    table = runner.invoke(args=["indicators", "list"]).output
    assert "netto_lanegjeld" in table and "lower" in table


def test_indicators_list_as_csv_imports_again(runner, app, tmp_path):
    starter()
    library.install_standard(publish=True)  # survey rows in the list are left out on import
    db.session.commit()
    out = runner.invoke(args=["indicators", "list", "--format", "csv"]).stdout_bytes
    (tmp_path / "ind.csv").write_bytes(out)
    result = runner.invoke(args=["indicators", "import", str(tmp_path / "ind.csv")])
    assert result.exit_code == 0, result.output
    assert "0 new, 5 updated" in result.output
    assert queries.figure_indicator("sykefravaer").name["nn"] == "Sjukefråvær"


def test_indicators_import_reports_every_problem(runner, app, tmp_path):
    path = tmp_path / "ind.csv"
    path.write_text("key;name_nb;dimension;measure;direction\nx;X;velferd;prosent;opp\n")
    result = runner.invoke(args=["indicators", "import", str(path)])
    assert result.exit_code == 1
    assert "ind.csv: Line 2, column dimension" in result.output
    assert "ind.csv: Line 2, column direction" in result.output
    assert "Nothing was imported." in result.output
