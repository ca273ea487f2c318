"""`/api/v1/rounds/<id>/results?unit=CODE` (and the deprecated campaigns spelling): the rows of that
unit's subtree that the reader may read, the same as the result pages' download for that unit; a
code the reader may not use is a 404 that does not tell whether the unit exists."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from helhet import queries as core_queries
from tests import factories
from tests.api.factories import bearer, make_closed_small_round, make_token
from tests.api.test_routes import admin_token, cli_rows, get, leader_of
from tests.results.test_cli import hidden_numbers, spellings

PATHS = ["/api/v1/rounds/{id}/results", "/api/v1/campaigns/{id}/results"]


def results(app, campaign, secret: str, unit: str, path: str = PATHS[0]):
    return get(app, path.format(id=campaign.id) + "?unit=" + quote(unit, safe=""), secret)


def page_download(app, campaign, email: str, code: str) -> bytes:
    """The JSON download of the result pages for the unit, as that user reads it."""
    client = app.test_client()
    factories.login(client, core_queries.user_by_email(email))
    unit = core_queries.unit_by_code(code)
    response = client.get(f"/resultater/{campaign.id}/enhet/{unit.id}/resultater.json")
    assert response.status_code == 200
    return response.get_data()


@pytest.mark.parametrize("path", PATHS)
def test_an_administrator_gets_the_rows_of_helhet_results_unit(any_app, path):
    campaign = make_closed_small_round()
    secret = admin_token()

    response = results(any_app, campaign, secret, "4601-helse", path)

    assert response.status_code == 200
    assert response.json == cli_rows(any_app, campaign.id, "--unit", "4601-helse")
    assert {r["unit"] for r in response.json} == {
        "4601-helse",
        "4601-helse-hjemme",
        "4601-helse-sykehjem",
    }


def test_a_leader_gets_the_bytes_of_the_pages_download_for_a_unit_in_their_subtree(any_app):
    campaign = make_closed_small_round()
    secret = leader_of("4601-helse")

    response = results(any_app, campaign, secret, "4601-helse-sykehjem")

    assert response.status_code == 200
    assert {r["unit"] for r in response.json} == {"4601-helse-sykehjem"}
    assert response.get_data() == page_download(
        any_app, campaign, "4601-helse@test.no", "4601-helse-sykehjem"
    )


def test_a_leaders_own_unit_gives_what_no_filter_gives(any_app):
    campaign = make_closed_small_round()
    secret = leader_of("4601-helse")

    filtered = results(any_app, campaign, secret, "4601-helse")
    whole = get(any_app, f"/api/v1/rounds/{campaign.id}/results", secret)

    assert filtered.status_code == 200 and filtered.get_data() == whole.get_data()


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "code",
    [
        "4601",  # the municipality: above the leader's unit
        "4601-oppvekst",  # another sector of the round
        "4601-oppvekst-skole",  # a unit of the round in another subtree
        "finnes-ikke",  # no such org unit
        "4601-annet",  # an org unit outside the round
    ],
)
def test_a_unit_the_leader_may_not_read_answers_as_one_that_does_not_exist(any_app, path, code):
    campaign = make_closed_small_round()
    factories.make_unit("4601-annet", "Annet", core_queries.unit_by_code("4601"))
    secret = leader_of("4601-helse")

    response = results(any_app, campaign, secret, code, path)
    unknown = results(any_app, campaign, secret, "finnes-ikke", path)

    assert response.status_code == 404 and response.mimetype == "application/json"
    assert (
        response.json
        == unknown.json
        == {"error": "Ingen enhet med denne koden i rundens resultater som du har tilgang til."}
    )


@pytest.mark.parametrize("code", ["", " ", "x" * 65, "4601-helse ", "ø'; DROP TABLE", "%", "‮"])
def test_an_odd_code_is_a_json_404_never_a_server_error(any_app, code):
    campaign = make_closed_small_round()

    response = results(any_app, campaign, admin_token(), code)

    assert response.status_code == 404 and set(response.json) == {"error"}


def test_a_code_with_a_control_character_is_refused_at_the_edge(any_app):
    campaign = make_closed_small_round()

    response = results(any_app, campaign, admin_token(), "4601\x00")

    assert response.status_code == 400


def test_an_unknown_round_with_a_unit_is_still_the_rounds_404(app):
    secret = admin_token()

    response = get(app, "/api/v1/rounds/999999/results?unit=4601", secret)

    assert response.status_code == 404
    assert response.json == {
        "error": "Ingen undersøkelsesrunde med denne id-en som du har tilgang til."
    }


def test_a_filtered_answer_has_no_number_of_a_suppressed_cell(any_app):
    campaign = make_closed_small_round()
    numbers = hidden_numbers(campaign)
    for secret in (admin_token(), leader_of("4601-helse")):
        for code in ("4601-helse", "4601-helse-hjemme", "4601-helse-sykehjem"):
            text = results(any_app, campaign, secret, code).get_data(as_text=True)
            for x in numbers:
                for spelled in spellings(x):
                    assert not spelled.search(text), (code, spelled.pattern)


def test_the_openapi_document_describes_the_unit_parameter_and_its_404(client):
    document = client.get("/api/v1/openapi.json").json

    for path in ("/api/v1/rounds/{round_id}/results", "/api/v1/campaigns/{round_id}/results"):
        operation = document["paths"][path]["get"]
        (parameter,) = operation["parameters"]
        assert parameter["name"] == "unit" and parameter["in"] == "query"
        assert parameter["required"] is False and parameter["schema"]["type"] == "string"
        assert "subtree" in parameter["description"]
        assert "unit" in operation["responses"]["404"]["description"]


def test_another_leaders_token_gets_its_own_units_rows_only(any_app):
    campaign = make_closed_small_round()
    user = factories.make_user(
        "annen@test.no", role="leader", unit=core_queries.unit_by_code("4601-oppvekst")
    )
    secret = make_token(user)

    own = any_app.test_client().get(
        f"/api/v1/rounds/{campaign.id}/results?unit=4601-oppvekst-skole", headers=bearer(secret)
    )
    other = results(any_app, campaign, secret, "4601-helse-hjemme")

    assert {r["unit"] for r in own.json} == {"4601-oppvekst-skole"}
    assert other.status_code == 404
