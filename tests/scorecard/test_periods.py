"""Periods as SSB writes them, and nothing else."""

from __future__ import annotations

import pytest

from scorecard.periods import Period, period_sort_key


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2024", "2024"),
        (" 2024 ", "2024"),
        ("2024K3", "2024K3"),
        ("2024q3", "2024K3"),
        ("2024T2", "2024T2"),
        ("2024M7", "2024M07"),
        ("2024m12", "2024M12"),
    ],
)
def test_ssb_periods_are_read_and_written_canonically(text, canonical):
    assert str(Period.parse(text)) == canonical


@pytest.mark.parametrize(
    "text",
    [
        "24",
        "20245",
        "2024K5",
        "2024K0",
        "2024T4",
        "2024M13",
        "2024M00",
        "2024K12",
        "1899",
        "2101",
        "2024-01",
        "to tusen",
        "٢٠٢٤",
        "",
        None,
        2024,
    ],
)
def test_anything_else_is_no_period(text):
    assert Period.parse(text) is None


def test_periods_sort_chronologically():
    texts = ["2024K2", "2023K4", "2024K1", "2023", "2024"]
    assert sorted(texts, key=period_sort_key) == ["2023", "2023K4", "2024", "2024K1", "2024K2"]
