"""The OpenAPI document at /api/v1/openapi.json describes the API as it answers: schemathesis
calls every operation in-process (WSGI) with a valid token and checks each response against it."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests import factories
from tests.api.factories import bearer, make_closed_small_round, make_token


@pytest.fixture
def admin_secret(app):
    make_closed_small_round()
    return make_token(factories.make_user("admin@test.no", role="admin"))


def test_the_document_is_openapi_3_and_names_the_bearer_scheme(client):
    document = client.get("/api/v1/openapi.json").json

    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert {"/api/v1/rounds/{round_id}/results", "/api/v1/orgunits"} <= set(document["paths"])


def test_every_answer_matches_the_openapi_document(app, admin_secret):
    """Every operation, with generated parameters (schemathesis' pytest loader does not run on
    pytest 9, so each operation's strategy is driven by hypothesis here)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):
            case.call_and_validate(headers=bearer(admin_secret))

        answers_as_documented()
