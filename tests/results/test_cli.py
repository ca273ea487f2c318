"""`helhet results ROUND [--unit CODE] --format json|csv|xlsx [--out FILE]`."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile

import pytest
from openpyxl import load_workbook

from analysis import SurveyDesign
from collector import dataset
from results.exports import EXPORT_COLUMNS
from tests.results import factories
from tests.results.factories import make_small_round, r_reference

NUMBER_COLUMNS = (
    "n",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "score_0_100",
    "favourable_share",
    "dont_know_share",
)


@pytest.fixture
def cli(any_app):
    return any_app.test_cli_runner()


def run(cli, *args):
    return cli.invoke(args=["results", *map(str, args)])


def json_rows(cli, *args) -> list[dict]:
    result = run(cli, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout_bytes)


def from_csv(body: bytes) -> list[dict]:
    assert body.startswith("\ufeff".encode())
    reader = csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")
    header, *lines = list(reader)
    assert tuple(header) == EXPORT_COLUMNS

    def value(column, text):
        if text == "":
            return None
        if column == "suppressed":
            return {"true": True, "false": False}[text]
        if column == "n":
            return int(text)
        if column in NUMBER_COLUMNS:
            return float(text)
        return text

    return [{c: value(c, t) for c, t in zip(header, line, strict=True)} for line in lines]


def from_xlsx(body: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    header, *lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert tuple(header) == EXPORT_COLUMNS
    width = len(header)  # a read-only sheet leaves out empty cells at the end of a row
    return [dict(zip(header, line + [None] * (width - len(line)), strict=True)) for line in lines]


def test_the_json_gives_rs_means_and_standard_errors_for_the_municipality_sectors_and_units(cli):
    campaign = factories.make_api_round()
    rows = json_rows(cli, campaign.id)
    compared = 0
    for r in r_reference().to_dict("records"):
        if r["variable"].startswith("score_"):
            found = [
                row
                for row in rows
                if row["unit"] == r["unit"]
                and row["indicator"] == r["variable"].removeprefix("score_")
                and row["item"] is None
            ]
        else:
            found = [
                row for row in rows if row["unit"] == r["unit"] and row["item"] == r["variable"]
            ]
        assert found, (r["unit"], r["variable"])
        for row in found:
            if row["suppressed"]:
                assert row["estimate"] is None and row["se"] is None and row["n"] is None
                continue
            assert row["n"] == r["n"]
            assert math.isclose(row["estimate"], r["estimate"], rel_tol=1e-9)
            assert math.isclose(row["se"], r["se"], rel_tol=1e-9)
            compared += 1
    assert compared >= 120
    assert {row["level"] for row in rows} == {"municipality", "sector", "unit"}


def test_the_rows_have_the_columns_in_order_and_json_numbers(cli):
    campaign = make_small_round()
    rows = json_rows(cli, campaign.id)
    assert all(tuple(row) == EXPORT_COLUMNS for row in rows)
    shown = next(row for row in rows if row["unit"] == "4601" and row["item"] is None)
    assert shown["indicator"] == "trivsel" and isinstance(shown["n"], int)
    assert (
        isinstance(shown["estimate"], float)
        and shown["suppressed"] is False
        and shown["reason"] is None
    )
    # 6 org units (municipality, 2 sectors, 3 units) x (the indicator and its 2 items)
    assert len(rows) == 18


def test_csv_xlsx_and_json_have_the_same_rows_and_values(cli, tmp_path):
    campaign = make_small_round()
    rows = json_rows(cli, campaign.id)
    for fmt, read in (("csv", from_csv), ("xlsx", from_xlsx)):
        out = tmp_path / f"results.{fmt}"
        result = run(cli, campaign.id, "--format", fmt, "--out", out)
        assert result.exit_code == 0, result.output
        assert same(read(out.read_bytes()), rows), fmt
        assert same(read(run(cli, campaign.id, "--format", fmt).stdout_bytes), rows), fmt


def same(found: list[dict], rows: list[dict]) -> bool:
    """The same rows and values; numbers to 15 significant digits (what XLSX, as Excel, keeps)."""
    assert len(found) == len(rows)
    for a, b in zip(found, rows, strict=True):
        assert a.keys() == b.keys()
        for column in a:
            if isinstance(b[column], float):
                assert math.isclose(a[column], b[column], rel_tol=1e-14, abs_tol=0), (column, a, b)
            else:
                assert a[column] == b[column] and type(a[column]) is type(b[column]), (column, a, b)
    return True


def hidden_numbers(campaign) -> list[float]:
    """What the hidden cells would have shown: the two small units' means, ses and intervals."""
    frame = dataset.answers_frame(campaign)
    design = SurveyDesign(frame, strata="unit", fpc="headcount")
    numbers = []
    for item in ("a", "b"):
        table = design.mean(item, by="unit")
        for row in table[table["unit"].isin(["4601-helse-hjemme", "4601-helse-sykehjem"])].to_dict(
            "records"
        ):
            numbers += [row["estimate"], row["se"], row["ci_low"], row["ci_high"]]
    return [x for x in numbers if not math.isnan(x)]


def spellings(x: float) -> list[re.Pattern]:
    """How a number can be written, in full and to 4 decimals, as a whole number in the text."""
    return [re.compile(rf"(?<![0-9.]){re.escape(s)}(?![0-9])") for s in (repr(x), f"{x:.4f}")]


def test_no_number_of_a_suppressed_cell_is_in_the_json_csv_or_xlsx(cli):
    campaign = make_small_round()
    numbers = hidden_numbers(campaign)
    assert len(numbers) >= 10
    bodies = {
        fmt: run(cli, campaign.id, "--format", fmt).stdout_bytes for fmt in ("json", "csv", "xlsx")
    }
    with zipfile.ZipFile(io.BytesIO(bodies.pop("xlsx"))) as workbook:
        bodies["xlsx"] = b"".join(workbook.read(name) for name in workbook.namelist())
    for fmt, body in bodies.items():
        text = body.decode("utf-8", errors="replace")
        assert "complementary" in text and "under_min_group" in text, fmt
        for x in numbers:
            for spelled in spellings(x):
                assert not spelled.search(text), (fmt, spelled.pattern)
    for row in json.loads(run(cli, campaign.id).stdout_bytes):
        if row["suppressed"]:
            assert all(row[column] is None for column in NUMBER_COLUMNS)


def test_unit_gives_that_unit_and_the_units_below_it(cli):
    campaign = make_small_round()
    rows = json_rows(cli, campaign.id, "--unit", "4601-helse")
    assert {row["unit"] for row in rows} == {
        "4601-helse",
        "4601-helse-hjemme",
        "4601-helse-sykehjem",
    }
    everything = json_rows(cli, campaign.id)
    assert [r for r in everything if r["unit"].startswith("4601-helse")] == rows


def test_out_writes_the_file_and_says_so(cli, tmp_path):
    campaign = make_small_round()
    out = tmp_path / "resultater.json"
    result = run(cli, campaign.id, "--out", out)
    assert result.exit_code == 0 and result.stdout_bytes == b""
    assert json.loads(out.read_bytes()) == json_rows(cli, campaign.id)
    assert "resultater.json" in result.stderr


def test_an_open_round_is_marked_preliminary_on_standard_error(cli):
    campaign = make_small_round()
    result = run(cli, campaign.id)
    assert "preliminary" in result.stderr and "preliminary" not in result.stdout


def assert_refused(result, *words):
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output


@pytest.mark.parametrize("round_id", ["999", "0", str(2**31), str(10**40)])
def test_an_unknown_round_is_refused_with_a_message(cli, round_id):
    make_small_round()
    assert_refused(run(cli, round_id), f"No survey round has the id {round_id}.")


def test_a_round_that_is_not_a_number_is_refused_with_a_message(cli):
    assert_refused(run(cli, "tolv"), "'tolv' is not a valid integer")


@pytest.mark.parametrize("code", ["finnes-ikke", "4601\x00helse", "x" * 500, ""])
def test_an_unknown_unit_is_refused_with_a_message(cli, code):
    campaign = make_small_round()
    assert_refused(run(cli, campaign.id, "--unit", code), "No org unit has the code")


def test_a_unit_outside_the_round_is_refused_and_the_rounds_units_named(cli):
    from tests import factories as core_factories

    campaign = make_small_round()
    core_factories.make_unit("4601-kultur", "Kultur", parent=campaign.units[0].unit.parent.parent)
    assert_refused(
        run(cli, campaign.id, "--unit", "4601-kultur"),
        f"4601-kultur is not part of round {campaign.id}",
        "4601-helse-hjemme",
    )


def test_an_unknown_format_is_refused_with_the_formats_named(cli):
    campaign = make_small_round()
    assert_refused(
        run(cli, campaign.id, "--format", "sav"), "'sav' is not one of", "csv", "json", "xlsx"
    )


def test_a_file_that_cannot_be_written_is_refused_with_a_message(cli, tmp_path):
    campaign = make_small_round()
    assert_refused(
        run(cli, campaign.id, "--out", tmp_path / "mangler" / "fil.json"), "Could not write"
    )
