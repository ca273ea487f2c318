from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from analysis import charts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _indicators():
    return pd.DataFrame(
        {
            "label": ["Respektfull behandling", "Informasjon", "Tilgjengelighet"],
            "estimate": [72.25, 65.5, np.nan],
            "ci_low": [68.0, 60.25, np.nan],
            "ci_high": [76.5, 70.75, np.nan],
        }
    )


def _svg_text(svg: bytes) -> str:
    root = ET.fromstring(svg)
    return " ".join(t.strip() for t in root.itertext() if t.strip())


def _all_charts(locale="nb"):
    trend = pd.DataFrame(
        {
            "period": ["2023", "2024", "2025"] * 2,
            "series": ["Enheten"] * 3 + ["Kommunen"] * 3,
            "estimate": [3.5, 3.7, 3.9, 3.6, 3.6, 3.7],
            "ci_low": [3.2, 3.4, 3.7, 3.5, 3.5, 3.6],
            "ci_high": [3.8, 4.0, 4.1, 3.7, 3.7, 3.8],
        }
    )
    likert = pd.DataFrame(
        {
            "item": ["Jeg trives", "Jeg blir sett"],
            "1": [2, 5],
            "2": [5, 8],
            "3": [10, 12],
            "4": [20, 15],
            "5": [13, 5],
        }
    )
    overview = pd.DataFrame(
        {
            "dimension": [
                "Økonomi",
                "Tjenestekvalitet",
                "Organisasjonskvalitet",
                "Samfunnskvalitet",
            ],
            "achieved": [3, 5, 2, 1],
            "uncertain": [1, 2, 3, 0],
            "not_achieved": [1, 0, 1, 2],
            "no_data": [0, 1, 0, 1],
        }
    )
    return {
        "bars": charts.indicator_bars(
            _indicators(), target=70, scale=(0, 100), title="Hjemmetjenesten", locale=locale
        ),
        "trend": charts.trend(trend, series="series", target=3.8, title="Trivsel", locale=locale),
        "dots": charts.units_dotplot(
            _indicators().rename(columns={"label": "unit"}), reference=70, locale=locale
        ),
        "likert": charts.likert_diverging(likert, title="Svarfordeling", locale=locale),
        "overview": charts.dimension_overview(
            overview, status_labels={"achieved": "Nådd"}, locale=locale
        ),
    }


@pytest.fixture(scope="module")
def rendered():
    return _all_charts()


@pytest.mark.parametrize("name", ["bars", "trend", "dots", "likert", "overview"])
def test_every_chart_gives_a_valid_png_and_svg(rendered, name):
    chart = rendered[name]
    assert chart.png.startswith(PNG_SIGNATURE)
    root = ET.fromstring(chart.svg)
    assert root.tag.endswith("svg")


@pytest.mark.parametrize("name", ["bars", "trend", "dots", "likert", "overview"])
def test_every_chart_carries_a_plain_table_with_a_header_row(rendered, name):
    chart = rendered[name]
    rows = chart.rows()
    assert rows[0] == [str(c) for c in chart.table.columns]
    assert len(rows) == len(chart.table) + 1


def test_the_alt_text_is_the_callers_description_or_else_the_title():
    described = charts.indicator_bars(
        _indicators(), title="Resultater", description="Tre indikatorer"
    )
    assert described.description == "Tre indikatorer"
    assert charts.indicator_bars(_indicators(), title="Resultater").description == "Resultater"


def test_the_bar_chart_table_is_the_input_in_order():
    chart = charts.indicator_bars(_indicators())
    pd.testing.assert_frame_equal(chart.table, _indicators())


def test_the_dot_plot_sorts_units_highest_first_and_puts_missing_last():
    table = _indicators().rename(columns={"label": "unit"}).iloc[[2, 1, 0]]
    chart = charts.units_dotplot(table)
    assert list(chart.table["unit"]) == ["Respektfull behandling", "Informasjon", "Tilgjengelighet"]


def test_a_dot_plot_row_without_an_estimate_says_its_own_reason_where_it_has_one():
    table = pd.DataFrame(
        {
            "unit": ["Sykehjemmet", "Skolen", "Legevakten"],
            "estimate": [np.nan, 70.0, np.nan],
            "ci_low": [np.nan, 65.0, np.nan],
            "ci_high": [np.nan, 75.0, np.nan],
            "why": ["Skjult for å verne en annen enhet", "", None],
        }
    )
    chart = charts.units_dotplot(table, missing_text="For få svar", missing_column="why")
    text = _svg_text(chart.svg)
    assert text.count("Skjult for å verne en annen enhet") == 1
    assert text.count("For få svar") == 1  # Legevakten has no reason of its own
    assert list(chart.table["unit"]) == ["Skolen", "Sykehjemmet", "Legevakten"]


def test_norwegian_charts_use_a_decimal_comma(rendered):
    text = _svg_text(rendered["bars"].svg)
    assert "72,2" in text or "72,3" in text
    assert not re.search(r"\d\.\d", text)
    assert rendered["bars"].rows()[1][1] == "72,2"
    trend_text = _svg_text(rendered["trend"].svg)
    assert "3,6" in trend_text


def test_english_charts_use_a_decimal_point():
    chart = charts.indicator_bars(_indicators(), locale="en")
    assert "65.5" in _svg_text(chart.svg)
    assert chart.rows()[2][1] == "65.5"


def test_the_likert_table_gives_shares_per_item():
    likert = pd.DataFrame({"item": ["a"], "1": [1], "2": [1], "3": [2]})
    chart = charts.likert_diverging(likert)
    assert chart.table.loc[0, ["1", "2", "3"]].tolist() == pytest.approx([0.25, 0.25, 0.5])


def test_status_colours_come_with_text_labels():
    overview = pd.DataFrame({"dimension": ["Økonomi"], "achieved": [2], "not_achieved": [1]})
    chart = charts.dimension_overview(
        overview, status_labels={"achieved": "Nådd", "not_achieved": "Ikke nådd"}
    )
    text = _svg_text(chart.svg)
    assert "Nådd" in text and "Ikke nådd" in text
    assert chart.table.loc[0, "total"] == 3


def test_the_same_input_gives_the_same_bytes():
    a = charts.indicator_bars(_indicators(), target=70)
    b = charts.indicator_bars(_indicators(), target=70)
    assert a.svg == b.svg and a.png == b.png


def test_a_table_without_the_needed_columns_is_refused():
    with pytest.raises(ValueError, match="ci_low"):
        charts.indicator_bars(pd.DataFrame({"label": ["a"], "estimate": [1.0]}))


def test_the_palette_is_okabe_ito():
    assert charts.OKABE_ITO["blue"] == "#0072B2" and charts.OKABE_ITO["vermillion"] == "#D55E00"
