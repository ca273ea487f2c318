"""The result pages and downloads: who may read what, suppression in every format, the summary's
comparisons and changes, and the drill-down's charts and tables."""

from __future__ import annotations

import dataclasses
import html
import io
import json
import re
import zipfile
from datetime import timedelta

import pytest

from collector import services as collector_services
from collector.clock import utcnow
from helhet.extensions import db
from results import queries, services
from tests import factories as core
from tests.results import factories
from tests.results.test_cli import from_csv, from_xlsx, hidden_numbers, same, spellings
from tests.test_languages import LEFTOVERS

ROLES = ["anonymous", "other_leader", "leader", "admin"]


def close(campaign) -> None:
    collector_services.close_now(campaign)
    db.session.commit()


def small_world(min_group: int = 5) -> dict:
    """The small round (Hjemmetjenesten under min_group, Sykehjemmet hidden to protect it), closed,
    with an administrator, a leader of Helse and a leader of Oppvekst."""
    campaign = factories.make_small_round(min_group)
    close(campaign)
    units = {u.code: u for u in core_units()}
    return {
        "campaign": campaign,
        "units": units,
        "admin": core.make_user("admin@test.no", role="admin"),
        "leader": core.make_user("leder@test.no", role="leader", unit=units["4601-helse"]),
        "other_leader": core.make_user("annen@test.no", role="leader", unit=units["4601-oppvekst"]),
    }


def core_units():
    from helhet import queries

    return queries.all_units()


def client_for(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        core.login(client, world[role])
    return client


def pages_of(world) -> dict[str, str]:
    """Every result page and download of the leader's unit (Helse), by name."""
    cid = world["campaign"].id
    helse = world["units"]["4601-helse"].id
    base = f"/resultater/{cid}/enhet/{helse}"
    return {
        "summary": f"/resultater/{cid}",
        "unit": base,
        "indicator": f"{base}/indikator/trivsel",
        "json": f"{base}/resultater.json",
        "csv": f"{base}/resultater.csv",
        "xlsx": f"{base}/resultater.xlsx",
    }


def text_of(response) -> str:
    body = response.get_data()
    if response.mimetype.endswith("spreadsheetml.sheet"):
        with zipfile.ZipFile(io.BytesIO(body)) as workbook:
            body = b"".join(workbook.read(name) for name in workbook.namelist())
    return html.unescape(body.decode("utf-8", errors="replace"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["summary", "unit", "indicator", "json", "csv", "xlsx"])
def test_every_page_is_read_only_by_those_allowed_and_shows_no_hidden_number(any_app, page, role):
    world = small_world()
    url = pages_of(world)[page]
    response = client_for(any_app, world, role).get(url)
    if role == "anonymous":
        assert response.status_code == 302 and "/logg-inn" in response.headers["Location"]
        return
    if role == "other_leader":
        # the leader of Oppvekst may not read Helse: its own top unit, or refused
        if page == "summary":
            assert response.status_code == 200
            assert "Helse" not in text_of(response) and "Hjemmetjenesten" not in text_of(response)
        else:
            assert response.status_code == 403
        return
    assert response.status_code == 200, (url, response.status_code)
    text = text_of(response)
    shown = shown_spellings(world["campaign"])
    for x in hidden_numbers(world["campaign"]):
        for spelled in spellings(x):
            assert not spelled.search(text), (page, spelled.pattern)
        written = page_spelling(x)
        if written not in shown:  # else it is also some shown cell's number, to 2 decimals
            assert not re.search(rf"(?<![0-9,]){re.escape(written)}(?![0-9])", text), (page, x)


def page_spelling(x: float) -> str:
    """How the pages write a mean or a bound: 2 decimals, a decimal comma."""
    return f"{x:.2f}".replace(".", ",")


def shown_spellings(campaign) -> set[str]:
    """Every number of a shown cell, as the pages write it."""
    tree = queries.round_tree(campaign)
    results = services.round_results(campaign, tree.nodes)
    numbers = [
        getattr(cell, f.name)
        for cell in results.cells
        if not cell.suppressed
        for f in dataclasses.fields(cell)
        if isinstance(getattr(cell, f.name), float)
    ]
    return {page_spelling(x) for x in numbers}


def test_a_suppressed_cell_says_so_in_words_and_its_download_rows_are_empty(any_app):
    world = small_world()
    client = client_for(any_app, world, "leader")
    hjemme = world["units"]["4601-helse-hjemme"].id
    page = client.get(f"/resultater/{world['campaign'].id}/enhet/{hjemme}")
    assert "For få svar til å vise resultat (under 5)" in page.get_data(as_text=True)
    rows = from_csv(client.get(pages_of(world)["csv"]).get_data())
    hidden = [r for r in rows if r["unit"] == "4601-helse-hjemme"]
    assert hidden and all(r["suppressed"] and r["estimate"] is None for r in hidden)
    assert same(from_xlsx(client.get(pages_of(world)["xlsx"]).get_data()), rows)


def test_a_leaders_download_has_only_their_subtree_and_equals_the_command(any_app):
    world = small_world()
    client = client_for(any_app, world, "leader")
    rows = json.loads(client.get(pages_of(world)["json"]).get_data())
    assert {r["unit"] for r in rows} == {"4601-helse", "4601-helse-hjemme", "4601-helse-sykehjem"}
    cli = any_app.test_cli_runner().invoke(
        args=["results", str(world["campaign"].id), "--unit", "4601-helse"]
    )
    assert json.loads(cli.stdout_bytes) == rows


def test_a_leader_sees_no_parent_or_municipality_outside_their_subtree(any_app):
    world = small_world()
    page = client_for(any_app, world, "leader").get(pages_of(world)["unit"])
    text = page.get_data(as_text=True)
    assert "Testkommune" not in text
    assert "Not compared" in text or "Ikkje samanlikna" in text or "Ikke sammenlignet" in text


def test_an_administrator_sees_the_unit_beside_its_parent_and_the_municipality(any_app):
    world = small_world()
    client = client_for(any_app, world, "admin")
    hjemme = world["units"]["4601-helse-hjemme"].id
    text = client.get(f"/resultater/{world['campaign'].id}/enhet/{hjemme}").get_data(as_text=True)
    assert "Helse" in text and "Testkommune" in text
    assert "Sammenlignet med Helse" in text


def test_a_leader_does_not_see_an_open_round_but_an_administrator_sees_it_as_preliminary(any_app):
    campaign = factories.make_small_round()
    units = {u.code: u for u in core_units()}
    admin = core.make_user("admin@test.no", role="admin")
    leader = core.make_user("leder@test.no", role="leader", unit=units["4601-helse"])
    world = {"admin": admin, "leader": leader}
    as_leader = client_for(any_app, world, "leader")
    assert as_leader.get(f"/resultater/{campaign.id}").status_code == 404
    assert campaign.name not in as_leader.get("/resultater").get_data(as_text=True)
    as_admin = client_for(any_app, world, "admin")
    assert "Foreløpige resultater" in as_admin.get("/resultater").get_data(as_text=True)
    assert "Foreløpige resultater" in as_admin.get(f"/resultater/{campaign.id}").get_data(
        as_text=True
    )


def test_the_results_list_links_a_leader_to_their_top_unit(any_app):
    world = small_world()
    text = client_for(any_app, world, "leader").get("/resultater").get_data(as_text=True)
    helse = world["units"]["4601-helse"].id
    assert f"/resultater/{world['campaign'].id}/enhet/{helse}" in text


@pytest.mark.parametrize(
    "url",
    [
        "/resultater/999999",
        "/resultater/99999999999",
        "/resultater/{cid}/enhet/999999",
        "/resultater/{cid}/enhet/{oppvekst_skole_outside}",
        "/resultater/{cid}/enhet/{helse}/indikator/finnes-ikke",
        "/resultater/{cid}/enhet/{helse}/resultater.pdf",
        "/resultater/{cid}/enhet/{helse}/resultater.",
    ],
)
def test_an_unknown_round_unit_indicator_or_format_is_a_404(any_app, url):
    world = small_world()
    outside = core.make_unit("4601-annet", "Annet", world["units"]["4601"])
    values = {
        "cid": world["campaign"].id,
        "helse": world["units"]["4601-helse"].id,
        "oppvekst_skole_outside": outside.id,
    }
    response = client_for(any_app, world, "admin").get(url.format(**values))
    assert response.status_code == 404


def test_the_drill_down_has_both_charts_as_images_and_their_numbers_as_tables(any_app):
    world = small_world()
    client = client_for(any_app, world, "admin")
    url = f"/resultater/{world['campaign'].id}/enhet/{world['units']['4601'].id}/indikator/trivsel"
    text = client.get(url).get_data(as_text=True)
    assert text.count('src="data:image/svg+xml;base64,') == 2
    assert text.count("<table") == 2
    assert "Helse" in text and "Oppvekst" in text


def test_a_suppressed_item_has_no_bar_in_the_distribution(any_app):
    world = small_world()
    client = client_for(any_app, world, "leader")
    hjemme = world["units"]["4601-helse-hjemme"].id
    url = f"/resultater/{world['campaign'].id}/enhet/{hjemme}/indikator/trivsel"
    text = client.get(url).get_data(as_text=True)
    assert "data:image/svg+xml" not in text
    assert "For få svar til å vise resultat (under 5)" in text


def later_round(previous_answers, answers):
    """Two closed rounds of the same questionnaire for Skolen; returns the later one."""
    tree = core.make_tree()
    questionnaire = factories.publish_questionnaire(factories.QUESTIONNAIRE)
    school = tree["4601-oppvekst-skole"]
    earlier = factories.make_round(questionnaire, [school], 5, factories.paper(previous_answers))
    earlier.opens_at = utcnow() - timedelta(days=400)
    earlier.closes_at = utcnow() - timedelta(days=380)
    db.session.commit()
    later = factories.make_round(questionnaire, [school], 5, factories.paper(answers))
    close(later)
    return later, school


def test_a_large_change_is_flagged_and_a_small_one_is_not(any_app):
    low = [("4601-oppvekst-skole", "1", "2")] * 10 + [("4601-oppvekst-skole", "2", "1")] * 10
    high = [("4601-oppvekst-skole", "5", "4")] * 10 + [("4601-oppvekst-skole", "4", "5")] * 10
    later, school = later_round(low, high)
    admin = core.make_user("admin@test.no", role="admin")
    client = client_for(any_app, {"admin": admin}, "admin")
    text = client.get(f"/resultater/{later.id}/enhet/{school.id}").get_data(as_text=True)
    assert "Resultatrunde" in text and ">endring<" in text


def test_the_same_answers_twice_are_no_change(any_app):
    answers = [("4601-oppvekst-skole", str(1 + i % 5), str(1 + (i * 3) % 5)) for i in range(20)]
    later, school = later_round(answers, answers)
    admin = core.make_user("admin@test.no", role="admin")
    client = client_for(any_app, {"admin": admin}, "admin")
    text = client.get(f"/resultater/{later.id}/enhet/{school.id}").get_data(as_text=True)
    assert ">endring<" not in text and "ingen sikker endring" in text


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_pages_with_results_read_in_the_chosen_language(app, language):
    world = small_world()
    client = client_for(app, world, "admin")
    client.get(f"/sprak/{language}")
    for name, url in pages_of(world).items():
        if name in ("json", "csv", "xlsx"):
            continue
        page = html.unescape(client.get(url).get_data(as_text=True))
        left = [m for m in LEFTOVERS[language] if m in page]
        assert not left, (url, left[:3])
