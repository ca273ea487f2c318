from __future__ import annotations

import math

from analysis import format_interval, format_number, format_percent

NBSP = "\u00a0"


def test_norwegian_numbers_have_a_decimal_comma_and_spaced_thousands():
    assert format_number(3.456, 1, "nb") == "3,5"
    assert format_number(12345.6, 0, "nn") == f"12{NBSP}346"
    assert format_number(1234.5, 1, "nb_NO") == f"1{NBSP}234,5"


def test_english_numbers_have_a_decimal_point():
    assert format_number(3.456, 1, "en") == "3.5"
    assert format_number(12345.6, 0, "en") == "12,346"


def test_missing_numbers_are_shown_as_a_dash():
    assert format_number(math.nan) == "–"
    assert format_number(None, missing="for få svar") == "for få svar"


def test_no_negative_zero():
    assert format_number(-0.04, 1, "nb") == "0,0"


def test_intervals_and_percentages():
    assert format_interval(2.94, 3.41, 1, "nb") == "2,9–3,4"
    assert format_percent(0.456, 0, "nb") == f"46{NBSP}%"
    assert format_percent(0.456, 1, "en") == "45.6%"
