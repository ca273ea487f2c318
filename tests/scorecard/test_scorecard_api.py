"""The scorecard in the API: /api/v1/scorecard gives the rows of `helhet scorecard --format json`
(the same language, the same rows), with the token user's subtree, and /api/v1/goals the goals;
both are in the OpenAPI document. SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from api import services as api_services
from helhet.extensions import db
from tests.scorecard.test_goal_pages import setup_world


@pytest.fixture
def world(any_app):
    return setup_world()


def token(user) -> dict:
    secret = api_services.create_token(user, "test").secret
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def cli_rows(app, *args: str) -> list[dict]:
    result = app.test_cli_runner().invoke(args=["scorecard", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_api_gives_the_rows_of_the_command(any_app, world):
    headers = {**token(world["admin"]), "Accept-Language": "en"}
    response = any_app.test_client().get("/api/v1/scorecard?period=2026", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == cli_rows(any_app, "--period", "2026")
    assert len(response.get_json()) == 4


def test_the_api_speaks_the_requests_language_as_the_command_does_with_language(any_app, world):
    headers = {**token(world["admin"]), "Accept-Language": "nb"}
    rows = any_app.test_client().get("/api/v1/scorecard?period=2026", headers=headers).get_json()
    assert rows == cli_rows(any_app, "--period", "2026", "--language", "nb")
    assert any("målet" in row["explanation"] for row in rows)


def test_a_leaders_token_reads_their_subtree_only(any_app, world):
    headers = {**token(world["leader"]), "Accept-Language": "en"}
    client = any_app.test_client()
    rows = client.get("/api/v1/scorecard?period=2026", headers=headers).get_json()
    assert {row["unit"] for row in rows} == {"4601-helse", "4601-helse-hjemme"}
    assert rows == cli_rows(any_app, "--period", "2026", "--unit", "4601-helse")
    assert client.get("/api/v1/scorecard?period=2026&unit=4601", headers=headers).status_code == 404
    goals = client.get("/api/v1/goals", headers=headers).get_json()
    assert {goal["unit"] for goal in goals} == {"4601-helse", "4601-helse-hjemme"}


def test_a_suppressed_result_has_no_number_in_the_api(any_app, world):
    rows = (
        any_app.test_client()
        .get("/api/v1/scorecard?period=2026", headers=token(world["admin"]))
        .get_json()
    )
    hidden = next(row for row in rows if row["unit"] == "4601-helse-hjemme")
    assert hidden["status"] == "no_data" and hidden["status_reason"] == "suppressed"
    for name in ("value", "ci_low", "ci_high", "change", "previous_value", "trend_p_adjusted"):
        assert hidden[name] is None


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 400),
        ("?period=2026T1", 400),
        ("?period=tjue", 400),
        ("?period=" + "9" * 50, 400),
        ("?period=2026&unit=finnes-ikke", 404),
        ("?period=2026&unit=" + "x" * 100, 404),
        ("?period=2025", 200),
    ],
)
def test_bad_queries_are_answered_with_a_json_error(any_app, world, query, status):
    response = any_app.test_client().get("/api/v1/scorecard" + query, headers=token(world["admin"]))
    assert response.status_code == status and response.is_json


def test_the_goals_endpoint_lists_goals_with_their_state(any_app, world):
    client = any_app.test_client()
    headers = token(world["admin"])
    goals = client.get("/api/v1/goals?period=2026", headers=headers).get_json()
    assert len(goals) == 4 and {g["state"] for g in goals} == {"accepted"}
    top = next(g for g in goals if g["unit"] == "4601")
    assert (top["indicator"], top["target"], top["tolerance"]) == ("sykefravaer", 7.5, 0.5)
    assert top["dimension"] == "organisation"
    assert client.get("/api/v1/goals?period=x", headers=headers).status_code == 400
    assert client.get("/api/v1/goals").status_code == 401


def test_both_endpoints_are_in_the_openapi_document(any_app):
    document = any_app.test_client().get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/goals", "/api/v1/scorecard"} <= set(document["paths"])
    parameters = document["paths"]["/api/v1/scorecard"]["get"]["parameters"]
    assert {p["name"] for p in parameters} >= {"period", "unit"}
