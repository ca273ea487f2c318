"""A session ends for good: an old cookie, replayed after logout, a new password, deactivation or a
change of role or unit, opens nothing. Signing in starts a fresh session with a new CSRF token."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from helhet.models import Role
from tests import factories
from tests.conftest import make_app, sqlite_url


@pytest.fixture
def people(any_app):
    tree = factories.make_tree()
    return SimpleNamespace(
        app=any_app,
        tree=tree,
        admin=factories.make_user("admin@test.no"),
        leader=factories.make_user("leder@test.no", role="leader", unit=tree["4601-helse"]),
    )


def signed_in(app, user, password: str = factories.PASSWORD):
    client = app.test_client()
    factories.login(client, user, password)
    return client


def cookie_of(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str, path: str = "/admin/"):
    """Open `path` with a copy of an old session cookie, as someone who had kept it would."""
    stranger = app.test_client()
    stranger.set_cookie("session", cookie)
    return stranger.get(path)


def shows_the_login_page(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/logg-inn")


def test_the_cookie_kept_from_before_logout_no_longer_opens_the_admin_pages(people):
    client = signed_in(people.app, people.admin)
    cookie = cookie_of(client)
    client.post("/logg-ut")
    assert shows_the_login_page(replay(people.app, cookie))


def test_logging_out_ends_the_same_users_sessions_in_other_browsers(people):
    here, elsewhere = signed_in(people.app, people.admin), signed_in(people.app, people.admin)
    here.post("/logg-ut")
    assert shows_the_login_page(elsewhere.get("/admin/"))


def test_logging_out_leaves_other_users_signed_in(people):
    leader = signed_in(people.app, people.leader)
    signed_in(people.app, people.admin).post("/logg-ut")
    assert leader.get("/admin/").status_code == 200


def test_a_password_reset_by_an_administrator_ends_the_users_sessions(people):
    cookie = cookie_of(signed_in(people.app, people.leader))
    response = signed_in(people.app, people.admin).post(
        f"/admin/brukere/{people.leader.id}/passord",
        data={"password": "et helt nytt passord", "confirm": "et helt nytt passord"},
    )
    assert response.status_code == 303
    assert shows_the_login_page(replay(people.app, cookie))


def test_a_password_set_from_the_command_line_ends_the_users_sessions(people):
    cookie = cookie_of(signed_in(people.app, people.leader))
    result = people.app.test_cli_runner().invoke(
        args=["user", "set-password", people.leader.email], input="et helt nytt passord\n"
    )
    assert result.exit_code == 0, result.output
    assert shows_the_login_page(replay(people.app, cookie))


def test_changing_ones_own_password_ends_ones_other_sessions_but_keeps_this_one(people):
    elsewhere, here = signed_in(people.app, people.admin), signed_in(people.app, people.admin)
    response = here.post(
        f"/admin/brukere/{people.admin.id}/passord",
        data={"password": "et helt nytt passord", "confirm": "et helt nytt passord"},
    )
    assert response.status_code == 303
    assert shows_the_login_page(elsewhere.get("/admin/"))
    assert here.get("/admin/").status_code == 200


def test_deactivating_a_user_ends_their_sessions(people):
    cookie = cookie_of(signed_in(people.app, people.leader))
    signed_in(people.app, people.admin).post(
        f"/admin/brukere/{people.leader.id}",
        data={"name": "Leder", "role": "leader", "unit": people.tree["4601-helse"].id},
    )
    assert people.leader.active is False
    assert shows_the_login_page(replay(people.app, cookie))


def test_a_change_of_role_ends_the_users_sessions(people):
    other_admin = factories.make_user("admin2@test.no")
    cookie = cookie_of(signed_in(people.app, other_admin))
    signed_in(people.app, people.admin).post(
        f"/admin/brukere/{other_admin.id}",
        data={
            "name": "Admin2",
            "role": "leader",
            "unit": people.tree["4601-helse"].id,
            "active": "y",
        },
    )
    assert other_admin.role == Role.LEADER
    assert shows_the_login_page(replay(people.app, cookie))


def test_moving_a_leader_to_another_unit_ends_their_sessions(people):
    cookie = cookie_of(signed_in(people.app, people.leader))
    signed_in(people.app, people.admin).post(
        f"/admin/brukere/{people.leader.id}",
        data={
            "name": "Leder",
            "role": "leader",
            "unit": people.tree["4601-oppvekst"].id,
            "active": "y",
        },
    )
    assert people.leader.unit.code == "4601-oppvekst"
    assert shows_the_login_page(replay(people.app, cookie))


def test_changing_only_a_users_name_keeps_them_signed_in(people):
    leader = signed_in(people.app, people.leader)
    signed_in(people.app, people.admin).post(
        f"/admin/brukere/{people.leader.id}",
        data={
            "name": "Nytt navn",
            "role": "leader",
            "unit": people.tree["4601-helse"].id,
            "active": "y",
        },
    )
    assert people.leader.name == "Nytt navn"
    assert leader.get("/admin/").status_code == 200


def test_a_session_without_the_current_version_signs_nobody_in(people):
    """Also a session from before session versions existed: it held the bare user id."""
    for kept in (
        str(people.admin.id),
        f"{people.admin.id}:0",
        f"{people.admin.id}:x",
        "²:1",
        f"{people.admin.id}:1:1",
    ):
        client = signed_in(people.app, people.admin)
        with client.session_transaction() as session:
            session["_user_id"] = kept
        assert shows_the_login_page(client.get("/admin/")), kept


# --- a fresh session at login ------------------------------------------------------------------


def csrf_token_in(page: bytes) -> str:
    return re.search(rb'name="csrf_token"[^>]*?value="([^"]+)"', page).group(1).decode()


@pytest.fixture
def csrf_app(tmp_path):
    app = make_app(sqlite_url(tmp_path), WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


def test_the_csrf_token_from_before_login_is_refused_after_login(csrf_app):
    user = factories.make_user("a@test.no")
    client = csrf_app.test_client()
    token = csrf_token_in(client.get("/logg-inn").data)
    response = client.post(
        "/logg-inn", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303
    assert client.post("/logg-ut", data={"csrf_token": token}).status_code == 400


def test_after_login_the_pages_carry_a_new_csrf_token_that_works(csrf_app):
    user = factories.make_user("a@test.no")
    client = csrf_app.test_client()
    token = csrf_token_in(client.get("/logg-inn").data)
    client.post(
        "/logg-inn", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    )
    fresh = csrf_token_in(client.get("/admin/").data)
    assert client.post("/logg-ut", data={"csrf_token": fresh}).status_code == 303


def test_what_the_session_held_before_login_is_gone_after_it(app, admin):
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    factories.login(client, admin)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_the_language_chosen_before_login_is_kept(app, admin):
    client = app.test_client()
    client.get("/sprak/nn")
    factories.login(client, admin)
    with client.session_transaction() as session:
        assert session["lang"] == "nn"
