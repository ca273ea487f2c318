"""The API's endpoints: what a leader and an administrator read, the same rows as
`helhet results --format json`, and no number of a suppressed cell anywhere."""

from __future__ import annotations

import json

import pytest

from tests import factories
from tests.api.factories import bearer, close, make_closed_small_round, make_token
from tests.results.factories import make_small_round
from tests.results.test_cli import hidden_numbers, spellings

READS = ["/api/v1/orgunits", "/api/v1/questionnaires", "/api/v1/rounds"]


def get(app, url: str, secret: str):
    return app.test_client().get(url, headers=bearer(secret))


def cli_rows(app, *args) -> list[dict]:
    result = app.test_cli_runner().invoke(args=["results", *map(str, args), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout_bytes)


def leader_of(unit_code: str) -> str:
    from helhet import queries

    email = f"{unit_code}@test.no"
    return make_token(
        factories.make_user(email, role="leader", unit=queries.unit_by_code(unit_code))
    )


def admin_token() -> str:
    return make_token(factories.make_user("admin@test.no", role="admin"))


def test_a_leader_reads_the_org_units_of_their_subtree_only(app, tree):
    secret = leader_of("4601-helse")

    units = get(app, "/api/v1/orgunits", secret).json

    assert [u["code"] for u in units] == ["4601-helse", "4601-helse-hjemme", "4601-helse-sykehjem"]
    assert units[0]["parent"] == "4601"


def test_an_administrator_reads_every_org_unit(app, tree):
    units = get(app, "/api/v1/orgunits", admin_token()).json

    assert {u["code"] for u in units} == set(tree)


def test_the_results_are_the_rows_of_helhet_results_json(any_app):
    campaign = make_closed_small_round()
    secret = admin_token()

    response = get(any_app, f"/api/v1/rounds/{campaign.id}/results", secret)

    assert response.status_code == 200
    assert response.json == cli_rows(any_app, campaign.id)
    assert (
        response.get_data()
        == any_app.test_cli_runner()
        .invoke(args=["results", str(campaign.id), "--format", "json"])
        .stdout_bytes
    )


def test_a_leader_gets_the_rows_of_their_subtree_as_helhet_results_unit_gives_them(any_app):
    campaign = make_closed_small_round()
    secret = leader_of("4601-helse")

    rows = get(any_app, f"/api/v1/rounds/{campaign.id}/results", secret).json

    assert rows == cli_rows(any_app, campaign.id, "--unit", "4601-helse")
    assert {r["unit"] for r in rows} == {"4601-helse", "4601-helse-hjemme", "4601-helse-sykehjem"}


def test_a_leader_of_another_subtree_gets_no_row_outside_it(any_app):
    campaign = make_closed_small_round()
    secret = leader_of("4601-oppvekst")

    rows = get(any_app, f"/api/v1/rounds/{campaign.id}/results", secret).json

    assert rows and {r["unit"] for r in rows} == {"4601-oppvekst", "4601-oppvekst-skole"}


def test_the_campaigns_spelling_gives_the_same_rows_and_is_marked_deprecated(app):
    campaign = make_closed_small_round()
    secret = admin_token()

    old = get(app, f"/api/v1/campaigns/{campaign.id}/results", secret)
    new = get(app, f"/api/v1/rounds/{campaign.id}/results", secret)
    document = app.test_client().get("/api/v1/openapi.json").json

    assert old.get_data() == new.get_data()
    assert document["paths"]["/api/v1/campaigns/{round_id}/results"]["get"]["deprecated"] is True


@pytest.mark.parametrize(
    "path", ["/api/v1/rounds/{id}", "/api/v1/rounds/{id}/results", "/api/v1/campaigns/{id}/results"]
)
def test_a_leader_cannot_read_a_round_that_is_still_open(app, path):
    campaign = make_small_round()
    secret = leader_of("4601-helse")

    response = get(app, path.format(id=campaign.id), secret)

    assert response.status_code == 404 and set(response.json) == {"error"}
    assert get(app, "/api/v1/rounds", secret).json == []


def test_a_leader_reads_a_closed_round_with_only_their_units_named(app):
    campaign = make_closed_small_round()
    secret = leader_of("4601-helse")

    (listed,) = get(app, "/api/v1/rounds", secret).json
    detail = get(app, f"/api/v1/rounds/{campaign.id}", secret).json

    assert listed == detail
    assert detail["state"] == "closed"
    assert detail["units"] == ["4601-helse-hjemme", "4601-helse-sykehjem"]


def test_a_leader_does_not_see_a_closed_round_without_a_unit_in_their_subtree(app):
    tree = factories.make_tree()
    from tests.results.factories import QUESTIONNAIRE, make_round, publish_questionnaire

    campaign = make_round(publish_questionnaire(QUESTIONNAIRE), [tree["4601-oppvekst-skole"]])
    close(campaign)
    secret = leader_of("4601-helse")

    assert get(app, "/api/v1/rounds", secret).json == []
    assert get(app, f"/api/v1/rounds/{campaign.id}/results", secret).status_code == 404


def test_an_administrator_reads_an_open_round_and_all_of_its_rows(app):
    campaign = make_small_round()
    secret = admin_token()

    rounds = get(app, "/api/v1/rounds", secret).json
    rows = get(app, f"/api/v1/rounds/{campaign.id}/results", secret).json

    assert [(r["id"], r["state"]) for r in rounds] == [(campaign.id, "open")]
    assert rows == cli_rows(app, campaign.id)


@pytest.mark.parametrize("round_id", [0, 999999, 2**31, 10**30])
def test_an_unknown_round_is_a_json_404(app, round_id):
    secret = admin_token()

    response = get(app, f"/api/v1/rounds/{round_id}/results", secret)

    assert response.status_code == 404 and set(response.json) == {"error"}


def test_no_number_of_a_suppressed_cell_is_in_any_api_response(any_app):
    campaign = make_closed_small_round()
    numbers = hidden_numbers(campaign)
    assert len(numbers) >= 10
    readers = {"admin": admin_token(), "leader": leader_of("4601-helse")}
    urls = [
        *READS,
        f"/api/v1/rounds/{campaign.id}",
        f"/api/v1/rounds/{campaign.id}/results",
        f"/api/v1/campaigns/{campaign.id}/results",
    ]
    for reader, secret in readers.items():
        for url in urls:
            response = get(any_app, url, secret)
            assert response.status_code == 200, (reader, url)
            text = response.get_data(as_text=True)
            for x in numbers:
                for spelled in spellings(x):
                    assert not spelled.search(text), (reader, url, spelled.pattern)
        rows = get(any_app, f"/api/v1/rounds/{campaign.id}/results", secret).json
        assert {r["reason"] for r in rows if r["suppressed"]} == {
            "under_min_group",
            "complementary",
        }
        for row in rows:
            if row["suppressed"]:
                assert all(row[c] is None for c in ("n", "estimate", "se", "ci_low", "ci_high"))
