"""API tokens: made and revoked on /konto/tokener and with `helhet token`, shown once, stored as
a hash only; no token, a wrong or revoked one, or a deactivated user's answers 401."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from api.models import ApiToken
from helhet import users as user_service
from helhet.extensions import db
from helhet.models import AuditEvent
from tests import factories
from tests.api.factories import bearer, make_token
from tests.conftest import make_app, sqlite_url


def stored_rows() -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(ApiToken)))


def secret_on(page: str) -> str:
    start = page.index('<code id="new-token">') + len('<code id="new-token">')
    return page[start : page.index("</code>", start)]


def test_the_page_shows_a_new_token_once(leader_client):
    created = leader_client.post("/konto/tokener", data={"name": "Power BI"})
    secret = secret_on(created.get_data(as_text=True))

    assert created.status_code == 201
    assert secret.startswith("hlt_")
    listing = leader_client.get("/konto/tokener").get_data(as_text=True)
    assert "Power BI" in listing
    assert secret not in listing


def test_only_the_sha256_of_a_token_is_stored(leader_client):
    page = leader_client.post("/konto/tokener", data={"name": "Power BI"})
    secret = secret_on(page.get_data(as_text=True))

    (row,) = stored_rows()
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr([getattr(row, c.key) for c in ApiToken.__table__.columns])


def test_a_token_made_on_the_page_reads_the_api(app, leader_client):
    page = leader_client.post("/konto/tokener", data={"name": "Power BI"})
    secret = secret_on(page.get_data(as_text=True))

    response = app.test_client().get("/api/v1/orgunits", headers=bearer(secret))

    assert response.status_code == 200


def test_a_token_name_already_in_use_is_refused_at_the_field(leader_client):
    leader_client.post("/konto/tokener", data={"name": "Power BI"})

    again = leader_client.post("/konto/tokener", data={"name": "Power BI"})

    assert again.status_code == 422
    assert "hlt_" not in again.get_data(as_text=True)
    assert len(stored_rows()) == 1


def test_a_token_revoked_on_the_page_answers_401(app, leader, leader_client):
    secret = make_token(leader)
    (row,) = stored_rows()

    revoked = leader_client.post("/konto/tokener/tilbakekall", data={"token_id": row.id})
    response = app.test_client().get("/api/v1/orgunits", headers=bearer(secret))

    assert revoked.status_code == 303
    assert response.status_code == 401
    assert response.json == {"error": response.json["error"]} and response.json["error"]


def test_a_user_cannot_revoke_another_users_token(app, admin, leader_client):
    secret = make_token(admin)
    (row,) = stored_rows()

    refused = leader_client.post("/konto/tokener/tilbakekall", data={"token_id": row.id})

    assert refused.status_code == 404
    assert app.test_client().get("/api/v1/orgunits", headers=bearer(secret)).status_code == 200


@pytest.mark.parametrize("token_id", ["", "x", "99999999999999999999", "0"])
def test_revoking_a_token_id_that_is_not_ones_own_is_not_a_500(leader_client, token_id):
    response = leader_client.post("/konto/tokener/tilbakekall", data={"token_id": token_id})

    assert response.status_code in (400, 404)


def test_the_page_form_needs_the_csrf_token(tmp_path):
    app = make_app(sqlite_url(tmp_path), WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = factories.make_user("leder@test.no", role="admin")
        client = app.test_client()
        page = client.get("/logg-inn").get_data(as_text=True)
        csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/logg-inn",
            data={"email": user.email, "password": factories.PASSWORD, "csrf_token": csrf},
        )

        response = client.post("/konto/tokener", data={"name": "Power BI"})

        assert response.status_code == 400
        assert stored_rows() == []


def test_the_command_prints_the_token_once_as_its_last_word(app, runner, leader):
    result = runner.invoke(args=["token", "create", leader.email, "--name", "Power BI"])
    secret = result.output.split()[-1]

    assert result.exit_code == 0, result.output
    assert app.test_client().get("/api/v1/orgunits", headers=bearer(secret)).status_code == 200
    assert stored_rows()[0].token_hash == hashlib.sha256(secret.encode()).hexdigest()


def test_the_command_revokes_a_token_by_name(app, runner, leader):
    secret = make_token(leader, "Power BI")

    result = runner.invoke(args=["token", "revoke", leader.email, "--name", "Power BI"])

    assert result.exit_code == 0, result.output
    assert app.test_client().get("/api/v1/orgunits", headers=bearer(secret)).status_code == 401


@pytest.mark.parametrize(
    "args",
    [
        ["create", "nobody@test.no", "--name", "x"],
        ["create", "leder@test.no\x00", "--name", "x"],
        ["create", "leder@test.no", "--name", ""],
        ["create", "leder@test.no", "--name", "a\x07b"],
        ["create", "leder@test.no", "--name", "x" * 101],
        ["revoke", "leder@test.no", "--name", "no such token"],
    ],
)
def test_the_command_refuses_with_a_message(runner, leader, args):
    result = runner.invoke(args=["token", *args])

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert stored_rows() == []


def test_creating_and_revoking_are_in_the_audit_log(runner, leader):
    runner.invoke(args=["token", "create", leader.email, "--name", "Power BI"])
    runner.invoke(args=["token", "revoke", leader.email, "--name", "Power BI"])

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.target, e.detail) for e in events] == [
        ("token.created", leader.email, {"name": "Power BI"}),
        ("token.revoked", leader.email, {"name": "Power BI"}),
    ]


def test_a_deactivated_users_token_answers_401(any_app):
    tree = factories.make_tree()
    factories.make_user("admin@test.no", role="admin")
    leader = factories.make_user("leder@test.no", role="leader", unit=tree["4601-helse"])
    secret = make_token(leader)

    user_service.update_user(leader, leader.role, leader.unit, leader.name, active=False)
    db.session.commit()

    assert any_app.test_client().get("/api/v1/orgunits", headers=bearer(secret)).status_code == 401


def test_ending_the_users_sessions_does_not_stop_the_token(app, leader):
    secret = make_token(leader)

    user_service.end_sessions(leader)
    db.session.commit()

    assert app.test_client().get("/api/v1/orgunits", headers=bearer(secret)).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic bGVkZXI6cGFzc29yZA==",
        "Bearer hlt_" + "A" * 43,
        "Bearer hlt_\x00" + "A" * 43,
        "Bearer " + "x" * 10000,
        "Bearer 'or 1=1 --",
    ],
)
def test_no_token_or_a_wrong_one_answers_401_with_json_and_a_challenge(any_app, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}

    response = any_app.test_client().get("/api/v1/rounds", headers=headers)

    assert response.status_code == 401
    assert response.is_json and set(response.json) == {"error"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_session_without_a_token_answers_401(leader_client):
    response = leader_client.get("/api/v1/rounds")

    assert response.status_code == 401
    assert response.is_json
