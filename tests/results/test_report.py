"""The PDF report of a round for one unit: what it says, in which language, and who may get it
(the page `/resultater/ROUND/enhet/UNIT/rapport.pdf` and `helhet report`)."""

from __future__ import annotations

import re

import pytest

from analysis.formatting import format_interval, format_number
from collector.letters import latin1
from results import pages
from tests import factories as core
from tests.collector import pdftext
from tests.results import factories
from tests.results.test_cli import hidden_numbers, spellings
from tests.results.test_routes import (
    client_for,
    close,
    core_units,
    later_round,
    page_spelling,
    shown_spellings,
    small_world,
)

TOO_FEW = "For få svar til å vise resultat (under 5)"


def report_url(world, code: str = "4601-helse") -> str:
    return f"/resultater/{world['campaign'].id}/enhet/{world['units'][code].id}/rapport.pdf"


def text_of(pdf: bytes) -> str:
    """The PDF's drawn text, with the string escapes of PDF undone."""
    return re.sub(r"\\([()\\])", r"\1", pdftext.text(pdf))


def run_report(app, *args):
    return app.test_cli_runner().invoke(args=["report", *map(str, args)])


def command_pdf(app, tmp_path, *args) -> bytes:
    out = tmp_path / "rapport.pdf"
    result = run_report(app, *args, "--out", out)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_the_report_is_a_pdf_with_the_unit_the_indicator_and_the_numbers_of_the_page(any_app):
    world = small_world()
    response = client_for(any_app, world, "admin").get(report_url(world, "4601"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.get_data()
    assert pdf.startswith(b"%PDF") and pdftext.page_count(pdf) >= 4
    text = text_of(pdf)
    summary = pages.summary(world["campaign"], world["units"]["4601"], pages.Reader(None))
    assert "Testkommune" in text and "Trivsel" in text
    cell = summary.rows[0].cell
    for number in (
        format_number(cell.n, 0, "nb"),
        format_number(cell.estimate, 2, "nb"),
        format_number(cell.score_0_100, 0, "nb"),
        latin1(format_interval(cell.score_ci_low, cell.score_ci_high, 0, "nb")),
    ):
        assert number in text, number
    assert latin1(format_number(summary.result.respondents, 0, "nb")) in text


def test_the_report_has_both_charts_of_the_drill_down_as_images(any_app):
    world = small_world()
    pdf = client_for(any_app, world, "admin").get(report_url(world, "4601")).get_data()
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) >= 2
    text = text_of(pdf)
    assert text.count("Trivsel") >= 2  # in the table and over its charts
    assert "Holm" in text and "komplementær" in text


def test_a_suppressed_cell_says_so_in_words_and_none_of_its_numbers_is_in_the_report(any_app):
    world = small_world()
    client = client_for(any_app, world, "leader")
    texts = [text_of(client.get(report_url(world, code)).get_data()) for code in world["units"]]
    shown = shown_spellings(world["campaign"])
    hjemme = text_of(client.get(report_url(world, "4601-helse-hjemme")).get_data())
    sykehjem = text_of(client.get(report_url(world, "4601-helse-sykehjem")).get_data())
    assert TOO_FEW in hjemme and "Skjult for å verne en annen enhet med få svar" in sykehjem
    for text in texts:
        for x in hidden_numbers(world["campaign"]):
            for spelled in spellings(x):
                assert not spelled.search(text), spelled.pattern
            written = page_spelling(x)
            if written not in shown:
                assert not re.search(rf"(?<![0-9,]){re.escape(written)}(?![0-9])", text), x


def test_a_leaders_report_leaves_out_the_municipality(any_app):
    world = small_world()
    pdf = client_for(any_app, world, "leader").get(report_url(world)).get_data()
    text = text_of(pdf)
    assert "Helse" in text and "Testkommune" not in text and "Oppvekst" not in text


@pytest.mark.parametrize(
    ("language", "word"), [("nb", "Om tallene"), ("nn", "Om tala"), ("en", "About the numbers")]
)
def test_the_report_is_in_the_readers_language(app, language, word):
    world = small_world()
    client = client_for(app, world, "admin")
    client.get(f"/sprak/{language}")
    assert word in text_of(client.get(report_url(world)).get_data())


@pytest.mark.parametrize(
    ("language", "word"), [("nb", "Om tallene"), ("nn", "Om tala"), ("en", "About the numbers")]
)
def test_the_command_writes_the_report_in_the_language_of_lang(app, tmp_path, language, word):
    world = small_world()
    pdf = command_pdf(
        app, tmp_path, world["campaign"].id, "--unit", "4601-helse", "--lang", language
    )
    text = text_of(pdf)
    assert word in text and "Helse" in text


def test_the_command_and_the_page_give_the_same_text(any_app, tmp_path):
    world = small_world()
    page = client_for(any_app, world, "admin").get(report_url(world)).get_data()
    pdf = command_pdf(any_app, tmp_path, world["campaign"].id, "--unit", "4601-helse")
    made = re.compile(r"\(Laget [^)]*\)")
    assert made.sub("", text_of(pdf)) == made.sub("", text_of(page))


def test_a_large_change_since_the_previous_round_is_flagged_in_the_report(any_app, tmp_path):
    low = [("4601-oppvekst-skole", "1", "2")] * 10 + [("4601-oppvekst-skole", "2", "1")] * 10
    high = [("4601-oppvekst-skole", "5", "4")] * 10 + [("4601-oppvekst-skole", "4", "5")] * 10
    later, _school = later_round(low, high)
    text = text_of(command_pdf(any_app, tmp_path, later.id, "--unit", "4601-oppvekst-skole"))
    assert re.search(r"\(\+[0-9]+\) Tj", text) and "(endring)" in text and "Holm" in text


@pytest.mark.parametrize("role", ["anonymous", "other_leader", "leader"])
def test_the_report_has_the_access_of_the_summary_page(any_app, role):
    world = small_world()
    response = client_for(any_app, world, role).get(report_url(world))
    if role == "anonymous":
        assert response.status_code == 302 and "/logg-inn" in response.headers["Location"]
    elif role == "other_leader":
        assert response.status_code in (403, 404)
    else:
        assert response.status_code == 200


def test_a_leader_gets_no_report_of_an_open_round_but_an_administrator_a_preliminary_one(any_app):
    campaign = factories.make_small_round()
    units = {u.code: u for u in core_units()}
    world = {
        "campaign": campaign,
        "units": units,
        "admin": core.make_user("admin@test.no", role="admin"),
        "leader": core.make_user("leder@test.no", role="leader", unit=units["4601-helse"]),
    }
    assert client_for(any_app, world, "leader").get(report_url(world)).status_code == 404
    pdf = client_for(any_app, world, "admin").get(report_url(world)).get_data()
    assert "Foreløpige resultater" in text_of(pdf)
    close(campaign)
    assert client_for(any_app, world, "leader").get(report_url(world)).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/resultater/999999/enhet/{helse}/rapport.pdf",
        "/resultater/99999999999/enhet/{helse}/rapport.pdf",
        "/resultater/{cid}/enhet/999999/rapport.pdf",
        "/resultater/{cid}/enhet/{outside}/rapport.pdf",
    ],
)
def test_an_unknown_round_or_unit_is_a_404(any_app, url):
    world = small_world()
    outside = core.make_unit("4601-annet", "Annet", world["units"]["4601"])
    values = {
        "cid": world["campaign"].id,
        "helse": world["units"]["4601-helse"].id,
        "outside": outside.id,
    }
    response = client_for(any_app, world, "admin").get(url.format(**values))
    assert response.status_code == 404


def test_the_summary_page_links_to_the_report(any_app):
    world = small_world()
    text = client_for(any_app, world, "leader").get(report_url(world)[: -len("/rapport.pdf")])
    body = text.get_data(as_text=True)
    assert "Last ned rapport (PDF)" in body and report_url(world) in body


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["999999", "--unit", "4601"], 1, "No survey round has the id 999999"),
        (["{cid}", "--unit", "finnes-ikke"], 1, "No org unit has the code finnes-ikke"),
        (["{cid}", "--unit", "4601-annet"], 1, "is not part of round"),
        (["{cid}", "--lang", "de"], 2, "'de' is not one of"),
        (["abc"], 2, "is not a valid integer"),
    ],
)
def test_the_command_refuses_an_unknown_round_unit_or_language_with_a_message(
    any_app, tmp_path, args, status, message
):
    world = small_world()
    core.make_unit("4601-annet", "Annet", world["units"]["4601"])
    args = [a.format(cid=world["campaign"].id) for a in args]
    result = run_report(any_app, *args, "--out", tmp_path / "x.pdf")
    assert result.exit_code == status, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.pdf").exists()
