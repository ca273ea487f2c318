"""The free-text page (results/free_text.py): administrators only, never a text of a unit the
result pages hide, every text escaped, in random order, without dates."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import select, update

from collector.models import Answer
from helhet.extensions import db
from tests import factories as core
from tests.browser import page_width, violations
from tests.results.test_answers_export import SKOLE, answers_world
from tests.results.test_routes import client_for
from tests.test_languages import LEFTOVERS

ROLES = ["anonymous", "other_leader", "leader", "admin"]


def url(world, unit: str = "4601") -> str:
    return f"/resultater/{world['campaign'].id}/enhet/{world['units'][unit].id}/fritekst"


def page_text(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def listed(text: str) -> list[str]:
    """The answers as the page lists them, in its order."""
    items = re.findall(r"<li>(.*?)</li>", text.split('class="free-text"', 1)[1], re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def test_the_page_lists_the_shown_units_texts_and_none_of_a_hidden_or_held_one(any_app):
    world = answers_world()
    text = page_text(client_for(any_app, world, "admin"), url(world))
    answers = listed(text)
    assert sorted(answers) == sorted(f"Skole-kommentar {i}" for i in range(20))
    assert "Hjemme-hemmelighet" not in text and "Sykehjem-sak" not in text
    assert "Holdt tilbake" not in text  # held for review: not part of the data
    assert "Hjemmetjenesten: For få svar til å vise resultat (under 5)" in text
    assert "Sykehjemmet: Skjult for å verne en annen enhet med få svar" in text
    assert "Har du andre kommentarer?" in text


def test_a_page_of_only_hidden_units_shows_no_text_and_says_why(any_app):
    world = answers_world()
    text = page_text(client_for(any_app, world, "admin"), url(world, "4601-helse"))
    assert "Hjemme-hemmelighet" not in text and "Sykehjem-sak" not in text
    assert "Ingen svar å vise." in text
    assert "Hjemmetjenesten: For få svar til å vise resultat (under 5)" in text


def test_the_answers_come_in_random_order_without_dates(any_app):
    world = answers_world()
    text = page_text(client_for(any_app, world, "admin"), url(world, SKOLE))
    answers = listed(text)
    assert answers != [f"Skole-kommentar {i}" for i in range(20)]  # 1 in 20! by chance
    today = date.today()
    for spelled in (today.isoformat(), today.strftime("%d.%m.%Y"), str(today.year)):
        assert spelled not in text.split("<main", 1)[1]


def test_a_stored_script_and_control_characters_are_shown_as_harmless_text(any_app):
    world = answers_world()
    evil = "<script>alert('x')</script> & \x07klokke\x1b\x7f\u0085 «slutt»"
    if db.engine.dialect.name == "sqlite":  # PostgreSQL cannot store NUL in text at all
        evil = "\x00" + evil
    answer = db.session.scalar(
        select(Answer.id).where(
            Answer.question_key == "kommentar", Answer.text == "Skole-kommentar 7"
        )
    )
    db.session.execute(update(Answer).where(Answer.id == answer).values(text=evil))
    db.session.commit()
    text = page_text(client_for(any_app, world, "admin"), url(world))
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; klokke «slutt»" in text
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", text)


@pytest.mark.parametrize("role", ROLES)
def test_only_an_administrator_reads_the_free_text(any_app, role):
    world = answers_world()
    for unit in ("4601", "4601-helse", "4601-oppvekst", SKOLE):
        response = client_for(any_app, world, role).get(url(world, unit))
        if role == "anonymous":
            assert response.status_code == 302 and "/logg-inn" in response.headers["Location"]
        elif role == "admin":
            assert response.status_code == 200
        else:  # a leader, also of the unit's own subtree
            assert response.status_code == 403
            assert "Skole-kommentar" not in response.get_data(as_text=True)


def test_the_result_pages_link_an_administrator_but_not_a_leader_to_the_answers(any_app):
    world = answers_world()
    oppvekst = world["units"]["4601-oppvekst"].id
    summary = f"/resultater/{world['campaign'].id}/enhet/{oppvekst}"
    admin_page = page_text(client_for(any_app, world, "admin"), summary)
    assert f"{summary}/fritekst" in admin_page and f"{summary}/svar.sav" in admin_page
    leader_page = page_text(client_for(any_app, world, "other_leader"), summary)
    assert "/fritekst" not in leader_page and "/svar." not in leader_page


@pytest.mark.parametrize(
    "path",
    [
        "/resultater/999999/enhet/{helse}/fritekst",
        "/resultater/99999999999/enhet/{helse}/fritekst",
        "/resultater/{cid}/enhet/999999/fritekst",
        "/resultater/{cid}/enhet/{outside}/fritekst",
    ],
)
def test_an_unknown_round_or_unit_is_a_404(any_app, path):
    world = answers_world()
    outside = core.make_unit("4601-annet", "Annet", world["units"]["4601"])
    values = {
        "cid": world["campaign"].id,
        "helse": world["units"]["4601-helse"].id,
        "outside": outside.id,
    }
    response = client_for(any_app, world, "admin").get(path.format(**values))
    assert response.status_code == 404


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_page_reads_in_the_chosen_language(app, language):
    world = answers_world()
    client = client_for(app, world, "admin")
    client.get(f"/sprak/{language}")
    page = html.unescape(page_text(client, url(world)))
    left = [m for m in LEFTOVERS[language] if m in page]
    assert not left, left[:3]


@pytest.mark.e2e
@pytest.mark.parametrize("width", [1280, 320])
def test_the_page_with_long_texts_passes_axe_and_fits_a_narrow_screen(live_server, new_page, width):
    with live_server.context():
        world = answers_world()
        answer = db.session.scalar(
            select(Answer.id).where(
                Answer.question_key == "kommentar", Answer.text == "Skole-kommentar 3"
            )
        )
        long = "https://eksempel.no/" + "x" * 300 + "\n<b>fet</b>\n" + "langt ord " * 40
        db.session.execute(update(Answer).where(Answer.id == answer).values(text=long))
        db.session.commit()
        path = url(world)
    page = new_page(width=width)
    page.goto(live_server.url + "/logg-inn")
    page.fill("#email", "admin@test.no")
    page.fill("#password", core.PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(live_server.url + path)
    assert page.locator("h1").count() == 1
    assert page.locator("ul.free-text li").count() == 20
    assert violations(page) == [], f"free text at {width} px"
    if width == 320:
        assert page_width(page) <= 320
