"""Reading figure files (CSV, XLSX, JSON-stat 2.0) into values with their places, and refusing
bad ones with every problem at its place. No database is involved here."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from scorecard.figurefiles import FigureFileError, parse_number, read_figure_file
from tests.scorecard.factories import csv_text, data, encode, jsonstat, xlsx

HEADER = "indicator;unit;period;value;status;note"


def read(name: str, content: bytes):
    return read_figure_file(name, content)


def problems_of(name: str, content: bytes) -> list[str]:
    with pytest.raises(FigureFileError) as caught:
        read_figure_file(name, content)
    return [str(p) for p in caught.value.problems]


# --- numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("-3,25", -3.25),
        ("\u22123,25", -3.25),
        ("1 234 567,8", 1234567.8),
        ("1\u00a0234,5", 1234.5),
        ("1\u202f234", 1234.0),
        ("0", 0.0),
        ("+7", 7.0),
        ("1000000000000000", 1e15),
    ],
)
def test_numbers_are_read_as_ssb_and_excel_write_them_in_norway(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "NaN",
        "inf",
        "-Infinity",
        "1e5",
        "1.234,5",
        "12,5 %",
        "١٢",
        "1 23",
        "abc",
        "",
        "1,",
        ",5",
        "1000000000000001",
        "9" * 41,
        "0x10",
        "1_000",
    ],
)
def test_anything_else_is_not_a_number(text):
    assert parse_number(text) is None


# --- CSV -----------------------------------------------------------------------------------------


def test_a_csv_file_with_decimal_comma_and_semicolons_is_read(app):
    read_file = read("figures.csv", data("figures.csv"))
    values = {(f.code, f.place, f.period): (f.value, f.status, f.note) for f in read_file.figures}
    assert values[("sykefravaer", "4601", "2024")] == (8.4, None, "Legemeldt og egenmeldt")
    assert values[("sykefravaer", "4601-oppvekst", "2024")] == (7.25, None, "")
    assert values[("sykefravaer", "4601", "2024K1")] == (-1234.5, None, "")
    assert values[("befolkningsvekst", "EKG13", "2024")] == (None, "..", "Tallgrunnlag mangler")
    assert read_file.format == "csv" and not read_file.coded


def test_a_windows_1252_csv_file_is_read(app):
    content = csv_text(HEADER, "sykefravaer;4601;2024;8,4;;Høst").decode().encode("cp1252")
    (figure,) = read("tall.csv", content).figures
    assert figure.note == "Høst"


def test_a_status_in_the_status_column_explains_an_empty_value(app):
    (figure,) = read("t.csv", csv_text(HEADER, "sykefravaer;4601;2024;;:;")).figures
    assert (figure.value, figure.status) == (None, ":")


def test_an_empty_value_without_a_status_is_refused(app):
    (problem,) = problems_of("t.csv", csv_text(HEADER, "sykefravaer;4601;2024;;;"))
    assert problem.startswith("Line 2, column value: The value is empty")


def test_every_bad_cell_is_reported_with_its_line_and_column(app):
    found = problems_of(
        "t.csv",
        csv_text(
            HEADER,
            "sykefravaer;4601;2024;tolv;;",
            "sykefravaer;4601;2024K5;1;;",
            ";4601;2024;1;;",
            "sykefravaer;4601;2024;NaN;;",
            "sykefravaer;4601;2024;inf;;",
            "sykefravaer;4601;2024;1e400;;",
            "sykefravaer;4601;2024;99999999999999999;;",
            "sykefravaer;4601;2024;1;lang status;",
            "sykefravaer;4601;2024;..;:;",
        ),
    )
    assert [p.split(":")[0] for p in found] == [
        "Line 2, column value",
        "Line 3, column period",
        "Line 4, column indicator",
        "Line 5, column value",
        "Line 6, column value",
        "Line 7, column value",
        "Line 8, column value",
        "Line 9, column status",
        "Line 10, column value",
    ]


def test_a_broken_csv_file_is_refused_with_its_line(app):
    (problem,) = problems_of("t.csv", csv_text(HEADER, 'sykefravaer;4601;2024;"8,4;;'))
    assert "never closed" in problem and problem.startswith("Line 2")


def test_a_nul_byte_in_a_cell_is_refused_with_its_place(app):
    (problem,) = problems_of("t.csv", csv_text(HEADER, "sykefravaer;4601;2024;8,4;;a\x00b"))
    assert problem.startswith("Line 2, column note") and "U+0000" in problem


def test_a_missing_column_is_named(app):
    (problem,) = problems_of("t.csv", csv_text("indicator;unit;value", "sykefravaer;4601;1"))
    assert "period" in problem and "Missing column" in problem


def test_an_empty_file_is_refused(app):
    assert problems_of("t.csv", b"  \n") == ["The file is empty."]


def test_a_file_that_is_too_large_is_refused_before_it_is_read(app):
    (problem,) = problems_of("t.csv", b"x" * (10 * 1024 * 1024 + 1))
    assert "larger than 10 MB" in problem


# --- XLSX ----------------------------------------------------------------------------------------


def test_a_workbook_with_number_and_text_cells_is_read(app):
    content = xlsx(
        [
            ["indicator", "unit", "period", "value", "status"],
            ["sykefravaer", "4601", 2024, 8.4, None],
            ["sykefravaer", "4601-helse", "2024K1", "10,1", None],
            ["befolkningsvekst", "EKG13", 2024, "..", None],
            [None, None, None, None, None],
            ["befolkningsvekst", "4601", 2024, 0.00001, None],
        ]
    )
    read_file = read("tall.xlsx", content)
    values = [(f.code, f.place, f.period, f.value, f.status) for f in read_file.figures]
    assert values == [
        ("sykefravaer", "4601", "2024", 8.4, None),
        ("sykefravaer", "4601-helse", "2024K1", 10.1, None),
        ("befolkningsvekst", "EKG13", "2024", None, ".."),
        ("befolkningsvekst", "4601", "2024", 0.00001, None),
    ]


def test_bad_workbook_cells_are_reported_with_sheet_row_and_column(app):
    content = xlsx(
        [
            ["indicator", "unit", "period", "value"],
            ["sykefravaer", "4601", 2024, True],
            ["sykefravaer", "4601", "i fjor", 3],
            ["sykefravaer", "4601", 2024, "#DIV/0!"],
            ["sykefravaer", "4601", 2024, 1e16],
        ]
    )
    found = problems_of("tall.xlsx", content)
    assert [p.split(":")[0] for p in found] == [
        "sheet Tall, row 2, column value",
        "sheet Tall, row 3, column period",
        "sheet Tall, row 4, column value",
        "sheet Tall, row 5, column value",
    ]


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really a zip", b"\x00" * 100, b"<xml/>"])
def test_a_file_that_is_no_workbook_is_refused(app, content):
    assert problems_of("tall.xlsx", content) == [
        "The file could not be read as an Excel workbook (.xlsx)."
    ]


# --- JSON-stat -----------------------------------------------------------------------------------


def test_a_jsonstat_dataset_is_read_in_row_major_order_of_id_and_size(app):
    read_file = read("kostra_12134.json", data("kostra_12134.json"))
    cells = {(f.code, f.place, f.period): f for f in read_file.figures}
    assert len(read_file.figures) == 18 and read_file.empty_cells == 0
    assert cells[("KOSnettodriftsres0000", "4601", "2023")].value == 1.2
    assert cells[("KOSnettolaanegj0000", "4601", "2024")].value == 95.0
    assert cells[("KOSdispfond0000", "EKG13", "2024")].value == 10.2
    missing = cells[("KOSdispfond0000", "EKG13", "2023")]
    assert (missing.value, missing.status) == (None, "..")
    assert cells[("KOSnettolaanegj0000", "EAKUO", "2024")].status == ":"
    assert cells[("KOSdispfond0000", "EKG13", "2024")].decimals == 1
    assert cells[("KOSdispfond0000", "EAKUO", "2023")].place_label == "Landet uten Oslo"
    assert read_file.source_table == "12134" and read_file.coded
    assert read_file.code_labels["KOSdispfond0000"].startswith("Disposisjonsfond")


def test_a_sparse_jsonstat_dataset_with_status_symbols_is_read(app):
    read_file = read("revised.json", data("kostra_12134_revised.json"))
    cells = {(f.code, f.place): (f.value, f.status) for f in read_file.figures}
    assert cells[("KOSnettodriftsres0000", "4601")] == (2.3, None)
    assert cells[("KOSdispfond0000", "EKG13")] == (None, ".")
    assert cells[("KOSnettolaanegj0000", "EAKUO")] == (None, "-")
    assert cells[("KOSnettodriftsres0000", "4602")] == (3.4, None)
    assert ("KOSdispfond0000", "4602") not in cells  # neither value nor status: left out
    assert read_file.empty_cells == 2 and len(read_file.figures) == 10


def test_the_array_and_the_sparse_forms_give_the_same_values(app):
    dense = jsonstat()
    sparse = jsonstat()
    sparse["value"] = {str(i): v for i, v in enumerate(dense["value"]) if v is not None}
    sparse["status"] = ["..", None] * 9  # the array form of status too
    dense["status"] = {str(i): s for i, s in enumerate(sparse["status"]) if s}
    one = {
        (f.code, f.place, f.period, f.value, f.status)
        for f in read("a.json", encode(dense)).figures
    }
    two = {
        (f.code, f.place, f.period, f.value, f.status)
        for f in read("b.json", encode(sparse)).figures
    }
    assert one == two


def test_a_null_without_status_is_left_out_and_counted(app):
    dataset = jsonstat()
    dataset["value"][0] = None
    read_file = read("a.json", encode(dataset))
    assert read_file.empty_cells == 1 and len(read_file.figures) == 17


def test_one_status_for_every_cell_is_kept_on_each(app):
    dataset = jsonstat()
    dataset["status"] = "*"
    assert {f.status for f in read("a.json", encode(dataset)).figures} == {"*"}


def test_the_dimension_order_is_taken_from_id_not_from_the_dimension_object(app):
    dataset = jsonstat()
    # the same cube with region and time swapped in id: value is re-ordered to match
    values = dataset["value"]
    dataset["id"] = ["Tid", "KOKregnskapsomfa0000", "ContentsCode", "KOKkommuneregion0000"]
    dataset["size"] = [2, 1, 3, 3]
    dataset["value"] = [
        values[r * 6 + c * 2 + t] for t in range(2) for c in range(3) for r in range(3)
    ]
    dataset["status"] = {}
    cells = {(f.code, f.place, f.period): f.value for f in read("a.json", encode(dataset)).figures}
    assert cells[("KOSnettolaanegj0000", "4601", "2024")] == 95.0
    assert cells[("KOSnettodriftsres0000", "EAKUO", "2023")] == 1.5


def test_roles_are_found_by_ssb_names_when_a_file_has_none(app):
    dataset = jsonstat()
    del dataset["role"]
    assert len(read("a.json", encode(dataset)).figures) == 18


def bend(change) -> list[str]:
    dataset = jsonstat()
    change(dataset)
    return problems_of("bent.json", encode(dataset))


def _set(path: list, value):
    def change(dataset):
        target = dataset
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set(["value", 3], float("nan")), "value[3]: Must be a number"),
        (_set(["value", 3], float("inf")), "value[3]: Must be a number"),
        (_set(["value", 3], 1e16), "value[3]: Must be a number"),
        (_set(["value", 3], "9,4"), "value[3]: A value must be a number or null."),
        (_set(["value", 3], True), "value[3]: A value must be a number or null."),
        (_set(["value"], [1.0] * 17), "value: value has 17 numbers"),
        (_set(["value"], {"18": 1.0}), "value: 18 is not a position"),
        (_set(["value"], {"-1": 1.0}), "value: -1 is not a position"),
        (_set(["size"], [3, 1, 3, 3]), "size[3]: size says 3 categories for Tid"),
        (_set(["size"], [3, 1, 3]), "size: size has 3 numbers"),
        (_set(["id"], "KOKkommuneregion0000"), "id: id must list"),
        (_set(["role", "geo"], ["Region"]), "role.geo: Region is not a dimension"),
        (
            _set(["role", "time"], ["Tid", "KOKregnskapsomfa0000"]),
            "role.time: Helhet needs exactly one",
        ),
        (_set(["status"], {"3": "lang status"}), "status.3: A status is a short symbol"),
        (_set(["status"], {"3": 7}), "status.3: A status must be a text"),
        (
            _set(["dimension", "Tid", "category", "index"], {"2023": 0, "20245": 1}),
            "dimension.Tid.category.index.20245: 20245 is not a period",
        ),
        (
            _set(["dimension", "Tid", "category", "index"], {"2023": 0, "2024": 0}),
            "dimension.Tid.category.index: The positions in index",
        ),
        (
            _set(["dimension", "KOKregnskapsomfa0000", "category", "index"], {"A": 0, "B": 1}),
            "size[1]: size says 1 categories",
        ),
        (
            _set(
                ["dimension", "ContentsCode", "category", "unit", "KOSdispfond0000", "decimals"], -1
            ),
            "dimension.ContentsCode.category.unit.KOSdispfond0000.decimals",
        ),
        (_set(["class"], "collection"), "class: Helhet reads a JSON-stat dataset"),
        (
            _set(["dimension", "Tid", "label"], "år\x00"),
            "dimension.Tid.label: The text contains a control",
        ),
    ],
)
def test_a_bent_jsonstat_file_is_refused_at_its_json_path(app, change, expected):
    found = bend(change)
    assert any(p.startswith(expected) for p in found), found


def test_a_dimension_with_several_categories_and_no_role_is_refused(app):
    def change(dataset):
        dataset["size"][1] = 2
        dataset["dimension"]["KOKregnskapsomfa0000"]["category"]["index"] = {"A": 0, "B": 1}
        dataset["value"] = dataset["value"] * 2

    (problem,) = bend(change)
    assert problem.startswith("size[1]: The dimension KOKregnskapsomfa0000 has 2 categories")


def test_a_cube_too_large_to_import_is_refused_without_reading_its_cells(app):
    def change(dataset):
        dataset["size"] = [1000, 1, 1000, 2]
        dataset["dimension"]["KOKkommuneregion0000"]["category"]["index"] = [
            f"{i:04d}" for i in range(1000)
        ]
        dataset["dimension"]["ContentsCode"]["category"]["index"] = [f"K{i}" for i in range(1000)]
        dataset["value"] = {}

    assert any("more than 1000000 cells" in p for p in bend(change))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"[1, 2, 3]", "the whole file: The file is not a JSON-stat dataset."),
        (b'{"version": "2.0", "class": "dataset",', "the whole file: This is not valid JSON"),
        (b"\xff\xfe{}", "the whole file: The file is not a JSON-stat dataset."),
        (b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "the whole file: Lists and objects"),
        (
            b'{"dataset": {"dimension": {}, "value": []}}',
            "the whole file: This is JSON-stat 1",
        ),
        (b'{"version": "2.0", "id": ["a"], "size": [1]}', "dimension: dimension must be"),
        (b'{"v": NaN}', "v: Must be a number"),
    ],
)
def test_files_that_are_no_jsonstat_dataset_are_refused(app, content, expected):
    found = problems_of("x.json", content)
    assert any(p.startswith(expected) for p in found), found


def test_the_format_follows_the_file_name_then_the_content(app):
    assert read("kostra", data("kostra_12134.json")).format == "json-stat"
    assert read("tall", data("figures.csv")).format == "csv"
    assert read("tall.txt", data("figures.csv")).format == "csv"
    assert (
        read(
            "tall", xlsx([["indicator", "unit", "period", "value"], ["a", "4601", 2024, 1]])
        ).format
        == "xlsx"
    )


def test_no_value_read_is_nan_or_infinite(app):
    for name in ("kostra_12134.json", "kostra_12134_revised.json", "figures.csv"):
        for figure in read(name, data(name)).figures:
            assert figure.value is None or math.isfinite(figure.value)


def test_the_jsonstat_example_in_the_docs_reads_as_the_docs_say(app):
    docs = (Path(__file__).resolve().parents[2] / "docs" / "scorecard.md").read_text()
    example = docs.split("```json\n", 1)[1].split("```", 1)[0]
    read_file = read("example.json", example.encode("utf-8"))
    cells = {(f.place, f.period): (f.value, f.status) for f in read_file.figures}
    assert cells == {
        ("4699", "2023"): (1.2, None),
        ("4699", "2024"): (2.1, None),
        ("EKG13", "2023"): (None, ".."),
        ("EKG13", "2024"): (1.9, None),
    }
    assert read_file.source_table == "12134"
