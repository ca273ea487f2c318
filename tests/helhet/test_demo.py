"""The demo municipality: it loads on an empty database with closed rounds of simulated answers,
and the demo leader reads them on the result pages, in `helhet results` and in the API alike."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from api import services as api_services
from collector.clock import utcnow
from collector.models import Campaign, CampaignState, Response
from helhet import demo, queries
from helhet.extensions import db
from tests import factories as core


@pytest.fixture
def demo_app(any_app):
    assert demo.database_is_empty()
    demo.load()
    db.session.commit()
    return any_app


def rounds_by_name() -> dict[str, Campaign]:
    return {c.name: c for c in db.session.scalars(select(Campaign))}


def this_year() -> int:
    return utcnow().year


def leader_client(app):
    client = app.test_client()
    leader = queries.user_by_email(demo.LEADER[1])
    core.login(client, leader, password=demo.LEADER[2])
    return client


def respondents(campaign: Campaign) -> dict[str, int]:
    rows = db.session.execute(
        select(Response.unit_id, func.count())
        .where(Response.campaign_id == campaign.id)
        .group_by(Response.unit_id)
    )
    codes = {cu.unit_id: cu.unit.code for cu in campaign.units}
    return {codes[unit_id]: count for unit_id, count in rows}


def test_the_demo_loads_closed_sealed_rounds_of_last_year_and_this_year(demo_app):
    year = this_year()
    rounds = rounds_by_name()
    last, this = (
        rounds[f"Medarbeiderundersøkelse {year - 1}"],
        rounds[f"Medarbeiderundersøkelse {year}"],
    )
    service = rounds[f"Brukerundersøkelse hjemmetjenesten {year}"]
    for campaign in (last, this, service):
        assert campaign.state(utcnow()) == CampaignState.CLOSED
        assert campaign.sealed_at is not None
    assert (last.period, last.opens_at.year, last.closes_at.year) == (year - 1, year - 1, year - 1)
    assert this.period == year
    assert [cu.unit.code for cu in service.units] == [demo.HOME_CARE]
    assert f"Medarbeiderundersøkelse {year} (demo)" in rounds  # the open round is still there


def test_every_unit_answers_60_to_90_percent_of_its_headcount_but_the_small_one_too_few(demo_app):
    year = this_year()
    for period in (year - 1, year):
        campaign = rounds_by_name()[f"Medarbeiderundersøkelse {period}"]
        counts = respondents(campaign)
        headcounts = {
            cu.unit.code: next(p.count for p in cu.unit.populations if p.period == period)
            for cu in campaign.units
        }
        assert set(counts) == set(headcounts)
        for code, count in counts.items():
            if code == demo.SMALL_UNIT:
                assert 0 < count < campaign.min_group
            else:
                assert 0.6 * headcounts[code] - 1 <= count <= 0.9 * headcounts[code], code


def test_the_leaders_results_list_shows_the_closed_rounds_of_their_subtree(demo_app):
    year = this_year()
    page = leader_client(demo_app).get("/resultater").get_data(as_text=True)
    for name in (
        f"Medarbeiderundersøkelse {year - 1}",
        f"Medarbeiderundersøkelse {year}",
        f"Brukerundersøkelse hjemmetjenesten {year}",
    ):
        assert f">{name}</a>" in page
    assert f"Medarbeiderundersøkelse {year} (demo)" not in page  # still open: not for leaders
    assert "Helse og omsorg" in page


def test_this_years_summary_shows_changes_since_last_year(demo_app):
    year = this_year()
    this = rounds_by_name()[f"Medarbeiderundersøkelse {year}"]
    helse = queries.unit_by_code("4699-helse")
    page = leader_client(demo_app).get(f"/resultater/{this.id}/enhet/{helse.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"Medarbeiderundersøkelse {year - 1}" in text  # the change is since last year's round
    assert 'class="tag tag--warn">endring</span>' in text  # at least one clear change
    assert "organisasjonen. Endringen er fra" in text  # two sentences, not run together
    assert '<th scope="col">Endring (poeng)</th>' in text


def test_the_small_unit_is_suppressed_on_the_leaders_page(demo_app):
    this = rounds_by_name()[f"Medarbeiderundersøkelse {this_year()}"]
    small = queries.unit_by_code(demo.SMALL_UNIT)
    page = leader_client(demo_app).get(f"/resultater/{this.id}/enhet/{small.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    too_few = "For få svar til å vise resultat (under 5)"
    facts = text[text.index('<dl class="facts">') : text.index("</dl>")]
    assert not re.search(r"\d", facts.replace("(under 5)", ""))  # neither answers nor rate
    indicators = len(demo.EMPLOYEE_MEANS)
    assert text.count(f'<td colspan="5">{too_few}</td>') == indicators  # every own cell hidden


def leaders_codes() -> set[str]:
    helse = queries.unit_by_code("4699-helse")
    return {unit.code for unit in queries.all_units() if unit.id in queries.subtree_ids(helse)}


def test_the_cli_and_the_api_give_the_leader_the_same_numbers(demo_app):
    this = rounds_by_name()[f"Medarbeiderundersøkelse {this_year()}"]
    result = demo_app.test_cli_runner().invoke(args=["results", str(this.id), "--format", "json"])
    assert result.exit_code == 0, result.output
    codes = leaders_codes()
    from_cli = [row for row in json.loads(result.output) if row["unit"] in codes]
    secret = api_services.create_token(queries.user_by_email(demo.LEADER[1]), "demo").secret
    db.session.commit()
    response = demo_app.test_client().get(
        f"/api/v1/rounds/{this.id}/results", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    from_api = response.get_json()
    assert {row["unit"] for row in from_api} == codes  # Helse og omsorg and its units, no other
    assert from_api == from_cli
    assert any(row["suppressed"] and row["unit"] == demo.SMALL_UNIT for row in from_api)


def test_the_menu_links_everyone_signed_in_to_the_results_and_their_own_tokens(demo_app):
    page = leader_client(demo_app).get("/resultater").get_data(as_text=True)
    menu = page[page.index('<nav class="site-nav"') : page.index("</nav>")]
    assert '<a href="/resultater">Resultater</a>' in menu
    assert '<a href="/konto/tokener">API-nøkler</a>' in menu


def test_a_unit_hidden_to_protect_the_small_one_says_so_rather_than_too_few(demo_app):
    this = rounds_by_name()[f"Medarbeiderundersøkelse {this_year()}"]
    hidden = queries.unit_by_code("4699-helse-legevakt")  # hidden so the small unit cannot be
    text = (
        leader_client(demo_app)
        .get(f"/resultater/{this.id}/enhet/{hidden.id}")
        .get_data(as_text=True)
    )  # worked out from Helse og omsorg minus the others
    assert "Skjult for å verne en annen enhet med få svar" in text
    assert "For få svar" not in text


def test_the_citizen_round_shows_conditions_and_grids_to_a_respondent(demo_app):
    """The open citizen round: a kindergarten parent who has no home care gets the kindergarten
    grid, skips the home-care page, and gets the follow-up only after a low "recommend"."""
    (campaign,) = [c for c in rounds_by_name().values() if "vilkår og rutenett" in c.name]
    assert campaign.state() == CampaignState.OPEN and campaign.open_link
    sections = campaign.questionnaire.sections
    assert [s.condition is not None for s in sections] == [False, True, True, False, True]
    assert {q.grid for s in sections[1:4] for q in s.questions} == {"barnehage", "hjemme", "bosted"}

    client = demo_app.test_client()
    start = client.post(f"/s/{campaign.units[0].link_token}", data={}, follow_redirects=True)
    assert start.status_code == 200 and "Tjenester du har brukt" in start.get_data(as_text=True)
    page = client.post(
        "/svar/side/1",
        data={"q_bruk_barnehage": "ja", "q_bruk_hjemme": "nei", "action": "next"},
    )
    assert page.headers["Location"].endswith("/svar/side/2")
    grid = client.get("/svar/side/2").get_data(as_text=True)
    assert "Barnets trivsel" in grid and grid.count('class="grid__head"') == 1  # one grid
    answers = {f"q_{k}": "5" for k in ("bh_trivsel", "bh_utvikling", "bh_info", "bh_helhet")}
    page = client.post("/svar/side/2", data={**answers, "action": "next"})
    assert page.headers["Location"].endswith("/svar/side/4")  # no home care: page 3 skipped
    bosted = client.get("/svar/side/4").get_data(as_text=True)
    assert "Gå videre og se over svarene" not in bosted  # a low answer here opens page 5
    answers = {"q_sb_trygg": "5", "q_sb_godt_sted": "5", "q_sb_anbefale": "2"}
    page = client.post("/svar/side/4", data={**answers, "action": "next"})
    assert page.headers["Location"].endswith("/svar/side/5")
    page = client.post("/svar/side/4", data={**answers, "q_sb_anbefale": "6", "action": "next"})
    assert page.headers["Location"].endswith("/svar/send")  # a high one goes to the review
