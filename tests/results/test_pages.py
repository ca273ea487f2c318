"""What the result pages say beyond the summary's numbers: each item's change since the previous
round on the drill-down (Holm-corrected over the page's items), the "vet ikke" column only where a
question offers "vet ikke", a subtitle that does not repeat the unit, a dot-plot unit hidden to
protect another saying so, and a questionnaire that shows units no items (`hide_unit_items`):
the service leaves the unit's item cells out, and every page, download, report and API response
copes with their absence."""

from __future__ import annotations

import base64
import copy
import json
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from analysis import adjust_pvalues, compare_rounds
from analysis.results import Estimate
from collector.clock import utcnow
from helhet.extensions import db
from results import pages, queries, report, services
from tests import factories as core
from tests.api.factories import bearer, make_token
from tests.results import factories
from tests.results.test_report import text_of as pdf_text
from tests.results.test_routes import client_for, close, small_world

HJEMME, SYKEHJEM, SKOLE = "4601-helse-hjemme", "4601-helse-sykehjem", "4601-oppvekst-skole"
PROMISE = "Denne undersøkelsen lover at resultater per spørsmål ikke vises for enheter"


def questionnaire(b_dont_know: bool = True, a_dont_know: bool = True, hide: bool = False) -> dict:
    """tests/results' small questionnaire (items a and b of the indicator trivsel), varied."""
    data = copy.deepcopy(factories.QUESTIONNAIRE)
    a, b = data["sections"][0]["questions"]
    a["dont_know"], b["dont_know"] = a_dont_know, b_dont_know
    if hide:
        data["hide_unit_items"] = True
    return data


def every_unit(answers: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """The same answers (a, b) for each of the three units."""
    return [(unit, a, b) for unit in (HJEMME, SYKEHJEM, SKOLE) for a, b in answers]


CYCLE = [(str(1 + i % 5), str(1 + (i * 3) % 5)) for i in range(12)]  # 12 answers per unit


def closed_round(answers, data=None, earlier=None):
    """A closed round of the small tree's three units, after an earlier one if answers are given;
    returns (round, units by code, admin)."""
    tree = core.make_tree()
    published = factories.publish_questionnaire(data or factories.QUESTIONNAIRE)
    units = [tree[HJEMME], tree[SYKEHJEM], tree[SKOLE]]
    if earlier is not None:
        before = factories.make_round(published, units, 5, factories.paper(earlier))
        before.name = "Runde i fjor"
        before.opens_at = utcnow() - timedelta(days=400)
        before.closes_at = utcnow() - timedelta(days=380)
        db.session.commit()
    campaign = factories.make_round(published, units, 5, factories.paper(answers))
    close(campaign)
    return campaign, tree, core.make_user("admin@test.no", role="admin")


def page_url(campaign, unit, indicator: str | None = "trivsel") -> str:
    url = f"/resultater/{campaign.id}/enhet/{unit.id}"
    return f"{url}/indikator/{indicator}" if indicator else url


def get_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def items_table(page: str) -> str:
    """The drill-down's table of the answers per question."""
    start = page.index("<caption>Svarfordeling per spørsmål</caption>")
    return page[start : page.index("</table>", start)]


# --- item changes ---------------------------------------------------------------------------------


def test_the_drill_down_flags_the_items_that_changed_since_the_previous_round(any_app):
    low = [("1", "2"), ("2", "1")] * 6
    high = [("5", "4"), ("4", "5")] * 6
    campaign, tree, admin = closed_round(every_unit(high), earlier=every_unit(low))
    client = client_for(any_app, {"admin": admin}, "admin")

    page = get_text(client, page_url(campaign, tree[SKOLE]))

    table = items_table(page)
    assert "Endring (poeng)" in table
    assert table.count(">endring<") == 2  # both items rose by far more than chance explains
    assert "+75" in table and "Endringen er fra Runde i fjor" in page


def test_the_same_answers_twice_are_no_change_on_the_drill_down(any_app):
    campaign, tree, admin = closed_round(every_unit(CYCLE), earlier=every_unit(CYCLE))
    client = client_for(any_app, {"admin": admin}, "admin")

    table = items_table(get_text(client, page_url(campaign, tree[SKOLE])))

    assert ">endring<" not in table and table.count("ingen sikker endring") == 2


def test_without_a_previous_round_the_drill_down_has_no_change_column(app):
    campaign, tree, admin = closed_round(every_unit(CYCLE))
    client = client_for(app, {"admin": admin}, "admin")

    assert "Endring (poeng)" not in get_text(client, page_url(campaign, tree[SKOLE]))


def test_the_item_changes_are_holm_corrected_over_the_items_of_the_page(any_app):
    earlier = [(str(1 + i % 5), str(1 + (i * 2) % 5)) for i in range(20)]
    later = [(str(min(5, 2 + i % 5)), str(1 + (i * 2) % 5 if i % 3 else 5)) for i in range(20)]
    campaign, tree, admin = closed_round(every_unit(later), earlier=every_unit(earlier))
    school = tree[SKOLE]
    reader = pages.Reader(None)

    with any_app.test_request_context():
        page = pages.indicator_page(
            campaign, school, "trivsel", reader, "nb", report.chart_texts(school)
        )
    before = services.round_results(queries.previous_round(campaign, SKOLE), [school])
    raw = [
        compare_rounds(
            estimate(before.cell(SKOLE, "trivsel", item.key)), estimate(item.cell)
        ).p_value
        for item in page.items
    ]

    changes = [item.change for item in page.items]
    assert [c.p_adjusted for c in changes] == pytest.approx(list(adjust_pvalues(raw, "holm")))
    assert all(c.significant == (c.p_adjusted < pages.SIGNIFICANCE) for c in changes)
    assert any(c.p_adjusted > p for c, p in zip(changes, raw, strict=True))  # corrected, not raw


def estimate(cell) -> Estimate:
    return Estimate.from_row({"estimate": cell.estimate, "se": cell.se})


def test_a_change_shows_whole_points_with_its_sign():
    def change(difference):
        return pages.Change(difference, 50.0, 0.5, False).points

    assert [change(d) for d in (0.4, 0.5, -0.5, 2.49, -10.2)] == [0, 1, -1, 2, -10]


# --- "vet ikke" -----------------------------------------------------------------------------------


def test_the_dont_know_column_is_only_there_when_a_question_offers_dont_know(any_app):
    campaign, tree, admin = closed_round(every_unit(CYCLE), questionnaire(a_dont_know=False))
    client = client_for(any_app, {"admin": admin}, "admin")

    page = get_text(client, page_url(campaign, tree["4601"]))

    table = items_table(page)
    assert "Vet ikke</th>" in table
    assert table.count("ikke et svaralternativ på dette spørsmålet") == 1  # a does not offer it
    assert "«Vet ikke» er ikke med i gjennomsnittet" in page


def test_no_dont_know_column_when_no_question_offers_it(any_app):
    data = questionnaire(a_dont_know=False, b_dont_know=False)
    campaign, tree, admin = closed_round(every_unit(CYCLE), data)
    client = client_for(any_app, {"admin": admin}, "admin")

    page = get_text(client, page_url(campaign, tree["4601"]))

    assert "Vet ikke" not in page and "Svarene går fra 1 (lavest) til 5 (høyest)." in page


# --- the subtitle ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "unit", "subtitle"),
    [
        ("Brukerundersøkelse hjemmetjenesten 2026", "Hjemmetjenesten", "Brukerundersøkelse 2026"),
        ("Medarbeiderundersøkelse 2026 – Helse", "Helse", "Medarbeiderundersøkelse 2026"),
        ("Helse: trivsel 2026", "Helse", "trivsel 2026"),
        ("Helse-undersøkelsen 2026", "Helse", "Helse-undersøkelsen 2026"),  # part of a word
        ("Helse", "Helse", "Helse"),  # nothing else to say
        ("Runde 2026", "Helse", "Runde 2026"),
    ],
)
def test_the_subtitle_leaves_out_the_unit_the_heading_names(app, name, unit, subtitle):
    campaign = SimpleNamespace(name=name, questionnaire=SimpleNamespace(title={}))
    with app.test_request_context():
        assert pages.subtitle(campaign, SimpleNamespace(name=unit)) == subtitle


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_subtitle_names_the_questionnaire_only_where_the_round_does_not(app, language):
    title = {"nb": "Medarbeiderundersøkelse", "nn": "Medarbeidarundersøking"}
    with app.test_request_context(headers={"Accept-Language": language}):
        for name, expected in [
            ("Medarbeiderundersøkelse 2026", "Medarbeiderundersøkelse 2026"),  # in any language
            ("Runde 2026", f"Runde 2026 ({title[language]})"),
        ]:
            campaign = SimpleNamespace(name=name, questionnaire=SimpleNamespace(title=title))
            assert pages.subtitle(campaign, SimpleNamespace(name="Helse")) == expected


def test_the_summary_and_drill_down_headings_name_the_unit_once(any_app):
    campaign, tree, admin = closed_round(every_unit(CYCLE))
    campaign.name = "Trivsel Skolen 2026"
    db.session.commit()
    client = client_for(any_app, {"admin": admin}, "admin")

    for url in (page_url(campaign, tree[SKOLE], None), page_url(campaign, tree[SKOLE])):
        page = get_text(client, url)
        lead = re.search(r'<p class="lead">(.*?)</p>', page).group(1)
        assert lead == "Trivsel 2026 (Liten undersøkelse)", url
    municipality = get_text(client, page_url(campaign, tree["4601"], None))
    assert '<p class="lead">Trivsel Skolen 2026 (Liten undersøkelse)</p>' in municipality


# --- the dot plot ---------------------------------------------------------------------------------


def charts_of(page: str) -> list[str]:
    return [
        base64.b64decode(data).decode("utf-8")
        for data in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    ]


def test_the_dot_plot_says_a_unit_is_hidden_to_protect_another(any_app):
    world = small_world()  # Hjemmetjenesten under 5 answers, Sykehjemmet hidden to protect it
    client = client_for(any_app, world, "leader")

    page = get_text(client, page_url(world["campaign"], world["units"]["4601-helse"]))

    dots = charts_of(page)[-1]
    assert "Sykehjemmet" in dots and "Hjemmetjenesten" in dots
    assert dots.count("Skjult for å verne en annen enhet med få svar") == 1
    assert dots.count("For få svar") == 1


# --- a questionnaire that shows units no items ----------------------------------------------------


def promised_round():
    return closed_round(every_unit(CYCLE), questionnaire(hide=True))


def test_a_units_drill_down_says_the_survey_shows_units_no_items(any_app):
    campaign, tree, admin = promised_round()
    client = client_for(any_app, {"admin": admin}, "admin")

    page = get_text(client, page_url(campaign, tree[SKOLE]))

    assert PROMISE in page
    assert "<table" not in page and "data:image" not in page  # no empty table, no empty chart
    assert "Svarene går fra" not in page
    assert "Skår" in page  # the indicator itself is shown


def test_the_municipalitys_drill_down_still_shows_its_items(any_app):
    campaign, tree, admin = promised_round()
    client = client_for(any_app, {"admin": admin}, "admin")

    page = get_text(client, page_url(campaign, tree["4601"]))

    assert PROMISE not in page
    assert items_table(page).count('<th scope="row">') == 2
    assert len(charts_of(page)) == 2


def test_the_downloads_and_the_api_have_a_units_indicator_rows_only(any_app):
    campaign, tree, admin = promised_round()
    client = client_for(any_app, {"admin": admin}, "admin")
    download = f"{page_url(campaign, tree['4601-helse'], None)}/resultater.json"
    secret = make_token(admin)
    api = f"/api/v1/rounds/{campaign.id}/results?unit=4601-helse"

    for rows in (
        json.loads(client.get(download).get_data()),
        any_app.test_client().get(api, headers=bearer(secret)).json,
    ):
        assert {r["unit"] for r in rows} == {"4601-helse", HJEMME, SYKEHJEM}
        for row in rows:
            assert row["item"] is None or row["level"] != "unit", row
        # the municipality's items minus Helse's would give Oppvekst's single unit
        assert {r["item"] for r in rows if r["unit"] == "4601-helse"} == {None}


def test_the_report_of_a_unit_says_once_that_units_get_no_items(any_app):
    campaign, tree, admin = promised_round()
    client = client_for(any_app, {"admin": admin}, "admin")

    pdf = client.get(f"{page_url(campaign, tree[SKOLE], None)}/rapport.pdf").get_data()

    assert pdf_text(pdf).count("Denne undersøkelsen lover at resultater") == 1


def test_the_municipalitys_report_draws_its_charts_as_before(any_app):
    campaign, tree, admin = promised_round()
    client = client_for(any_app, {"admin": admin}, "admin")

    pdf = client.get(f"{page_url(campaign, tree['4601'], None)}/rapport.pdf").get_data()

    assert "Denne undersøkelsen lover" not in pdf_text(pdf)
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) == 2


def test_the_service_leaves_out_the_item_cells_of_units_when_the_questionnaire_says_so(any_app):
    campaign, tree, _admin = promised_round()

    results = services.round_results(campaign, queries.round_tree(campaign).nodes)

    assert not [c for c in results.cells if c.item and c.level == "unit"]
    # items only at the top: Helse's would let the municipality's give Oppvekst's one unit
    assert {c.item for c in results.cells if c.unit == "4601-helse"} == {None}
    assert {c.item for c in results.cells if c.unit == "4601"} == {None, "a", "b"}
    assert {c.indicator for c in results.cells if c.unit == SKOLE} == {"trivsel"}
