"""The goal and scorecard pages: who may read and write what (leaders their subtree, the chief
executive the summaries, the public only what was published), bad input on every form and the
import (a message at the field, never a 500, nothing saved), the numbers the way Norwegians write
them, no number of a suppressed result anywhere, and the council report. SQLite and PostgreSQL
where the database matters."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from collector import services as collector_services
from helhet.extensions import db
from helhet.models import AuditEvent
from scorecard import goal_queries, goal_services
from scorecard.goal_models import DimensionSummary, Goal, GoalComment, GoalMeasure, GoalState
from scorecard.models import Dimension
from tests import factories as core
from tests.collector import pdftext
from tests.results.factories import SMALL_ROUND
from tests.scorecard.factories import csv_text
from tests.scorecard.goal_factories import SURVEY, answers, closed_round, figures, goal, unit


def setup_world() -> dict:
    tree = core.make_tree()
    world = {
        "tree": tree,
        "admin": core.make_user("admin@test.no", role="admin"),
        "leader": core.make_user("leder@test.no", role="leader", unit=tree["4601-helse"]),
        "other": core.make_user("skole@test.no", role="leader", unit=tree["4601-oppvekst"]),
        "chief": core.make_user("direktor@test.no", role="leader", unit=tree["4601"]),
    }
    figures(
        "sykefravaer;4601;2026;8,4;",
        "sykefravaer;4601;2025;9,0;",
        "sykefravaer;4601-helse;2026;10,25;",
        "sykefravaer;EAKUO;2026;7,0;",
        "sykefravaer;EKG13;2026;..;",
    )
    closed_round(SMALL_ROUND + answers("4601-oppvekst-skole", [4, 5] * 5))
    world["top"] = goal("sykefravaer", "4601", 7.5, tolerance=0.5, owner="Kommunedirektør")
    world["helse"] = goal("sykefravaer", "4601-helse", 10.0, tolerance=0.5)
    world["hidden"] = goal(SURVEY, "4601-helse-hjemme", 3.0)
    world["school"] = goal(SURVEY, "4601-oppvekst-skole", 2.0)
    goal_services.set_explanation(world["top"], "Høyt langtidsfravær.")
    goal_services.add_measure(world["top"], "Nærværsprosjekt", "HR-sjef", date(2027, 6, 30))
    db.session.commit()
    return world


@pytest.fixture
def world(app):
    return setup_world()


@pytest.fixture
def any_world(any_app):
    return setup_world()


def client_for(app, user):
    client = app.test_client()
    core.login(client, user)
    return client


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- the scorecard -------------------------------------------------------------------------------


def test_the_scorecard_shows_the_four_dimensions_with_status_as_icon_and_text(app, world):
    page = client_for(app, world["admin"]).get("/styringskort?periode=2026&under=1")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for heading in ("Økonomi", "Tjenestekvalitet", "Organisasjonskvalitet", "Samfunnskvalitet"):
        assert f">{heading}</h2>" in text
    badge = re.search(r'<span class="status status--not_achieved">(.*?)</span></span>', text, re.S)
    assert badge and '<svg class="icon"' in badge.group(1) and "Ikke nådd" in badge.group(1)
    assert "8,4" in text and "7,5" in text  # the decimal comma
    assert "Høyt langtidsfravær." in text  # the leader's explanation beside the status


def test_numbers_are_written_the_english_way_in_english(app, world):
    client = client_for(app, world["admin"])
    client.get("/sprak/en")
    text = client.get("/styringskort?periode=2026").get_data(as_text=True)
    assert "8.4" in text and "Not achieved" in text


def test_a_suppressed_result_has_no_number_on_the_pages(app, world):
    client = client_for(app, world["admin"])
    text = client.get("/styringskort?periode=2026&under=1").get_data(as_text=True)
    goal_page = client.get(f"/mal/{world['hidden'].id}").get_data(as_text=True)
    assert "Ingen data" in goal_page and "under 5" in goal_page
    evaluation = goal_page[goal_page.index("<h2>Vurdering</h2>") : goal_page.index("Kommentarer")]
    evaluation = re.sub(r'<tr><th scope="row">Målverdi</th>.*?</tr>', "", evaluation)
    assert "Ingen verdi" in evaluation
    assert not re.search(r"\d,\d", evaluation)  # no estimate, interval or change
    card = text[text.index(f"/mal/{world['hidden'].id}") :]
    card = card[: card.index("</li>")]
    assert not re.search(r"\d,\d\d", card.split("Målverdi")[0])


def test_a_leader_reads_only_their_subtree(app, world):
    client = client_for(app, world["leader"])
    text = client.get("/styringskort?periode=2026&under=1").get_data(as_text=True)
    assert "Helse" in text and f"/mal/{world['helse'].id}" in text
    assert f"/mal/{world['top'].id}" not in text and f"/mal/{world['school'].id}" not in text
    assert client.get("/styringskort?enhet=4601").status_code == 403
    assert client.get("/styringskort?enhet=finnes-ikke").status_code == 404
    assert client.get(f"/mal/{world['school'].id}").status_code == 403
    assert client.get(f"/mal/{world['school'].id}/oppfolging").status_code == 403
    goals_page = client.get("/mal?periode=2026").get_data(as_text=True)
    assert f'/mal/{world["school"].id}"' not in goals_page


def test_the_drill_down_goes_from_the_municipality_to_its_sectors_and_units(app, world):
    client = client_for(app, world["admin"])
    text = client.get("/styringskort?periode=2026").get_data(as_text=True)
    assert "/styringskort?enhet=4601-helse&amp;periode=2026" in text
    sector = client.get("/styringskort?enhet=4601-helse&periode=2026").get_data(as_text=True)
    assert "/styringskort?enhet=4601-helse-hjemme&amp;periode=2026" in sector
    assert 'aria-current="page">Helse</span>' in sector  # the breadcrumb


def test_the_dimension_filter_shows_one_dimension(app, world):
    text = (
        client_for(app, world["admin"])
        .get("/styringskort?periode=2026&dimensjon=economy")
        .get_data(as_text=True)
    )
    assert ">Økonomi</h2>" in text and ">Organisasjonskvalitet</h2>" not in text


def test_a_goal_page_has_a_chart_with_its_numbers_in_a_table(app, world):
    text = client_for(app, world["admin"]).get(f"/mal/{world['top'].id}").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in text
    table = text[text.index("Tallene i diagrammet") :]
    assert "Landet uten Oslo" in table and "EKG13" in table and "Mangler" in table
    assert "Testkommune 2025" in table and "9,0" in table


# --- goals: making them, proposals, access --------------------------------------------------------


def goal_form(unit_id, **changes) -> dict:
    data = {
        "indicator": "befolkningsvekst",
        "unit": str(unit_id),
        "period": "2026",
        "target": "0,5",
        "tolerance": "",
        "owner": "Ordfører",
        "rationale": "",
    }
    data.update(changes)
    return data


def test_an_administrator_sets_a_goal_with_a_decimal_comma(app, world):
    client = client_for(app, world["admin"])
    response = client.post("/mal/ny", data=goal_form(unit("4601").id, target="0,75"))
    assert response.status_code == 303
    made = goal_queries.goal_for("befolkningsvekst", unit("4601").id, "2026")
    assert made.target == 0.75 and made.state == GoalState.ACCEPTED


def test_a_leader_proposes_for_their_subtree_and_an_administrator_accepts(app, world):
    leader = client_for(app, world["leader"])
    outside = leader.post("/mal/ny", data=goal_form(unit("4601").id))
    assert outside.status_code == 422
    assert "egen del av organisasjonen" in outside.get_data(as_text=True)
    response = leader.post("/mal/ny", data=goal_form(unit("4601-helse").id))
    assert response.status_code == 303
    proposal = goal_queries.goal_for("befolkningsvekst", unit("4601-helse").id, "2026")
    assert proposal.state == GoalState.PROPOSED
    assert leader.post(f"/mal/{proposal.id}/godta").status_code == 403
    admin = client_for(app, world["admin"])
    assert admin.post(f"/mal/{proposal.id}/godta").status_code == 303
    db.session.refresh(proposal)
    assert proposal.state == GoalState.ACCEPTED


def test_a_leader_cannot_change_an_accepted_goal_but_may_comment_on_it(app, world):
    leader = client_for(app, world["leader"])
    helse = world["helse"]
    response = leader.post(f"/mal/{helse.id}/endre", data=goal_form(helse.unit_id, target="1"))
    assert response.status_code == 303
    db.session.refresh(helse)
    assert helse.target == 10.0
    assert leader.post(f"/mal/{helse.id}/kommentar", data={"text": "Bra mål"}).status_code == 303
    assert [c.text for c in goal_queries.comments(helse)] == ["Bra mål"]
    other = client_for(app, world["other"])
    assert other.post(f"/mal/{helse.id}/kommentar", data={"text": "Hei"}).status_code == 403


def test_the_responsible_leader_explains_and_plans_measures(app, world):
    leader = client_for(app, world["leader"])
    helse = world["helse"]
    response = leader.post(f"/mal/{helse.id}/oppfolging", data={"explanation": "Mange nye."})
    assert response.status_code == 303
    response = leader.post(
        f"/mal/{helse.id}/tiltak",
        data={"text": "Turnus", "responsible": "Kommunalsjef", "deadline": "2027-03-31"},
    )
    assert response.status_code == 303
    measure = goal_queries.goal_by_id(helse.id).measures[0]
    done = leader.post(f"/mal/{helse.id}/tiltak/{measure.id}/status", data={"done": "yes"})
    assert done.status_code == 303
    db.session.refresh(measure)
    assert measure.done_on is not None
    text = leader.get(f"/mal/{helse.id}").get_data(as_text=True)
    assert "Mange nye." in text and "Turnus" in text and "Gjennomført" in text
    # a measure of another goal is not found through this one
    other_measure = world["top"].measures[0]
    assert leader.get(f"/mal/{helse.id}/tiltak/{other_measure.id}").status_code == 404


def test_copying_a_periods_goals_and_one_goal(app, world):
    admin = client_for(app, world["admin"])
    response = admin.post("/mal/kopier", data={"source": "2026", "destination": "2027"})
    assert response.status_code == 303
    assert len(goal_queries.goals(period="2027")) == 4
    again = admin.post(f"/mal/{world['top'].id}/kopier")
    assert again.status_code == 303  # 2027 already has it: said, nothing made
    assert len(goal_queries.goals(period="2027")) == 4


def test_the_chief_executive_writes_the_summaries_and_other_leaders_may_not(app, world):
    url = "/styringskort/2026/sammendrag/economy"
    leader = client_for(app, world["leader"])
    assert leader.get(url).status_code == 200  # read-only: says who writes it
    refused = leader.post(url, data={"text": "Mitt sammendrag"})
    assert refused.status_code == 303 and count(DimensionSummary) == 0
    chief = client_for(app, world["chief"])
    assert chief.post(url, data={"text": "Et stramt år."}).status_code == 303
    assert goal_queries.summaries("2026")["economy"].text == "Et stramt år."
    text = chief.get("/styringskort?periode=2026").get_data(as_text=True)
    assert "Et stramt år." in text and "Kommunedirektørens sammendrag" in text
    assert (
        client_for(app, world["admin"]).get("/styringskort/2026/sammendrag/nope").status_code == 404
    )


# --- bad input: never a 500, a message at the field, nothing saved --------------------------------

BAD_GOALS = [
    {"target": "fire"},
    {"target": "NaN"},
    {"target": "1e3"},
    {"target": "9" * 30},
    {"target": ""},
    {"tolerance": "-1"},
    {"tolerance": "inf"},
    {"period": "2026T1"},
    {"period": "tjue-tjuefem"},
    {"indicator": "finnes_ikke"},
    {"indicator": ""},
    {"unit": "999999999999"},
    {"unit": "abc"},
    {"owner": "x" * 300},
    {"rationale": "x" * 3000},
]


@pytest.mark.parametrize("change", BAD_GOALS, ids=[str(c)[:30] for c in BAD_GOALS])
def test_bad_input_on_the_goal_form_is_a_message_never_a_500(any_app, any_world, change):
    client = client_for(any_app, any_world["admin"])
    before = count(Goal)
    response = client.post("/mal/ny", data=goal_form(unit("4601").id, **change))
    assert response.status_code == 422, change
    assert 'class="error-message"' in response.get_data(as_text=True) or "error-summary" in (
        response.get_data(as_text=True)
    )
    assert count(Goal) == before


def test_control_characters_are_taken_out_of_what_was_typed(any_app, any_world):
    client = client_for(any_app, any_world["admin"])
    data = goal_form(unit("4601").id, period="\x002026", owner="Ordf\x00ører\x1b")
    assert client.post("/mal/ny", data=data).status_code == 303
    made = goal_queries.goal_for("befolkningsvekst", unit("4601").id, "2026")
    assert made.owner == "Ordfører"


def test_a_file_posted_into_a_text_field_is_ignored(any_app, any_world):
    import io

    client = client_for(any_app, any_world["admin"])
    data = goal_form(unit("4601").id)
    data["target"] = (io.BytesIO(b"4"), "target.txt")
    response = client.post("/mal/ny", data=data, content_type="multipart/form-data")
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("kommentar", {"text": "  "}),
        ("kommentar", {"text": "x" * 3000}),
        ("oppfolging", {"explanation": "x" * 5000}),
        ("tiltak", {"text": "", "responsible": "HR", "deadline": "2027-01-01"}),
        ("tiltak", {"text": "Tiltak", "responsible": "", "deadline": "2027-01-01"}),
        ("tiltak", {"text": "Tiltak", "responsible": "HR", "deadline": "31.02.2027"}),
        ("tiltak", {"text": "Tiltak", "responsible": "HR", "deadline": "1999-01-01"}),
        ("tiltak", {"text": "Tiltak", "responsible": "HR", "deadline": "٢٠٢٧-01-01"}),
        ("tiltak", {"text": "Tiltak", "responsible": "x" * 300, "deadline": "2027-01-01"}),
    ],
)
def test_bad_input_on_the_dialogue_forms_is_a_message_never_a_500(any_app, any_world, path, data):
    client = client_for(any_app, any_world["admin"])
    goal_id = any_world["helse"].id
    before = (count(GoalComment), count(GoalMeasure))
    response = client.post(f"/mal/{goal_id}/{path}", data=data)
    assert response.status_code == 422
    assert (count(GoalComment), count(GoalMeasure)) == before
    assert goal_queries.goal_by_id(goal_id).explanation == ""


@pytest.mark.parametrize(
    "data",
    [
        {"source": "2026", "destination": "neste år"},
        {"source": "2026", "destination": ""},
        {"source": "1999", "destination": "2027"},
    ],
)
def test_bad_input_on_the_copy_form(any_app, any_world, data):
    response = client_for(any_app, any_world["admin"]).post("/mal/kopier", data=data)
    assert response.status_code == 422
    assert goal_queries.goals(period="2027") == []


def test_a_too_long_summary_is_refused_at_its_field(any_app, any_world):
    client = client_for(any_app, any_world["chief"])
    response = client.post("/styringskort/2026/sammendrag/economy", data={"text": "x" * 5000})
    assert response.status_code == 422 and count(DimensionSummary) == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("mål.csv", csv_text("indicator;unit;period;target", "sykefravaer;9999;2026;7")),
        ("mål.csv", csv_text("indicator;unit;period", "sykefravaer;4601;2026")),
        ("mål.csv", b'indicator;unit;period;target\r\n"sykefravaer;4601;2026;7\r\n'),
        ("mål.csv", b"\xff\xfe\x00\x00garbage"),
        ("mål.xlsx", b"PK\x03\x04 no zip at all"),
        ("mål.csv", b""),
    ],
)
def test_a_bad_goals_file_on_the_import_page_lists_its_problems_and_imports_nothing(
    any_app, any_world, name, content
):
    import io

    client = client_for(any_app, any_world["admin"])
    before = count(Goal)
    response = client.post(
        "/mal/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert count(Goal) == before


def test_a_goals_file_is_imported_on_the_page(app, world):
    import io

    content = csv_text(
        "indicator;unit;period;target;owner", "befolkningsvekst;4601;2026;0,5;Ordfører"
    )
    response = client_for(app, world["admin"]).post(
        "/mal/import",
        data={"file": (io.BytesIO(content), "mål.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert goal_queries.goal_for("befolkningsvekst", unit("4601").id, "2026").owner == "Ordfører"


# --- publication and the public scorecard --------------------------------------------------------


def test_the_public_scorecard_shows_only_what_was_published(app, world):
    anonymous = app.test_client()
    assert anonymous.get("/offentlig/styringskort/2026").status_code == 404
    assert anonymous.get(f"/offentlig/styringskort/2026/mal/{world['top'].id}").status_code == 404
    assert anonymous.get("/offentlig/styringskort/2026/rapport.pdf").status_code == 404
    admin = client_for(app, world["admin"])
    assert (
        admin.post(
            "/styringskort/publisering", data={"period": "2026", "action": "publish"}
        ).status_code
        == 303
    )
    listing = anonymous.get("/offentlig/styringskort").get_data(as_text=True)
    assert "/offentlig/styringskort/2026" in listing
    page = anonymous.get("/offentlig/styringskort/2026?under=1")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Logg ut" not in text
    assert "Nærværsprosjekt" not in text  # the card says how many measures; the goal page lists
    assert "Høyt langtidsfravær." in text
    goal_page = anonymous.get(f"/offentlig/styringskort/2026/mal/{world['top'].id}")
    assert goal_page.status_code == 200 and "Nærværsprosjekt" in goal_page.get_data(as_text=True)
    assert "Kommentarer" not in goal_page.get_data(as_text=True)  # the dialogue stays inside
    # another period, a goal of another period, an unknown unit: not found
    assert anonymous.get("/offentlig/styringskort/2025").status_code == 404
    assert anonymous.get("/offentlig/styringskort/2026?enhet=nope").status_code == 404
    assert (
        admin.post(
            "/styringskort/publisering", data={"period": "2026", "action": "withdraw"}
        ).status_code
        == 303
    )
    assert anonymous.get("/offentlig/styringskort/2026").status_code == 404


def test_the_public_scorecard_hides_suppressed_results_as_the_pages_do(app, world):
    goal_services.publish("2026", world["admin"])
    db.session.commit()
    anonymous = app.test_client()
    text = anonymous.get(f"/offentlig/styringskort/2026/mal/{world['hidden'].id}").get_data(
        as_text=True
    )
    evaluation = text[text.index("<h2>Vurdering</h2>") :]
    evaluation = re.sub(r'<tr><th scope="row">Målverdi</th>.*?</tr>', "", evaluation)
    assert "Ingen data" in evaluation and not re.search(r"\d,\d", evaluation)
    pdf = anonymous.get("/offentlig/styringskort/2026/rapport.pdf").data
    assert pdf.startswith(b"%PDF")


def test_a_bad_publication_request_is_refused(any_app, any_world):
    admin = client_for(any_app, any_world["admin"])
    for data in (
        {"period": "2026T1", "action": "publish"},
        {"period": "x" * 40, "action": "publish"},
    ):
        assert admin.post("/styringskort/publisering", data=data).status_code in (303, 400)
    assert (
        admin.post("/styringskort/publisering", data={"period": "2026", "action": "x"}).status_code
        == 400
    )
    assert goal_queries.published_periods() == []


# --- the council report --------------------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    return re.sub(r"\\([()\\])", r"\1", pdftext.text(pdf))


def test_the_council_report_has_the_scorecard_explanations_and_measures(any_app, any_world):
    client = client_for(any_app, any_world["admin"])
    goal_services.save_summary(
        "2026", Dimension.ORGANISATION, "Fraværet går ned.", any_world["admin"]
    )
    db.session.commit()
    response = client.get("/styringskort/rapport.pdf?periode=2026")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for words in (
        "Rapport til kommunestyret",
        "Styringskort 2026",
        "Organisasjonskvalitet",
        "Fraværet går ned.",
        "Høyt langtidsfravær.",
        "Nærværsprosjekt",
        "Ikke nådd",
        "Ingen data",
    ):
        assert words in text, words


def test_a_leaders_council_report_is_their_subtree(app, world):
    text = pdf_text(client_for(app, world["leader"]).get("/styringskort/rapport.pdf").data)
    assert "Helse" in text and "Høyt langtidsfravær." not in text
    assert (
        client_for(app, world["leader"]).get("/styringskort/rapport.pdf?enhet=4601").status_code
        == 403
    )


def test_every_write_is_in_the_audit_log(app, world):
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"goal.created", "goal.explained", "goal.measure_added"} <= actions
    assert collector_services  # the round in the world was closed through the collector


def test_a_goal_page_shows_which_revision_the_figure_is_and_the_earlier_ones(app, world):
    from tests.scorecard.factories import import_file

    import_file("juni.csv", csv_text("indicator;unit;period;value", "sykefravaer;4601;2026;8,1"))
    text = client_for(app, world["admin"]).get(f"/mal/{world['top'].id}").get_data(as_text=True)
    revisions = text[text.index("Revisjoner av tallet") :]
    assert "Revisjon 2" in revisions and "Revisjon 1" in revisions and "juni.csv" in revisions
    assert "8,1" in revisions and "8,4" in revisions
    assert "revisjon 2" in text  # the source of the evaluation names the revision
