"""Someone can always administer Helhet: the last active administrator keeps that role, in the pages
and on the command line."""

from __future__ import annotations

from sqlalchemy import func, select

from helhet.extensions import db
from helhet.models import Role, User
from tests import factories
from tests.concurrency import run_concurrently


def english(client):
    client.get("/sprak/en")
    return client


def step_down(client, admin, **changes):
    data = {"name": admin.name, "role": "admin", "unit": "", "active": "y"}
    data.update(changes)
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(f"/admin/brukere/{admin.id}", data=data)


def test_the_only_administrator_cannot_make_themselves_a_leader(any_app):
    tree = factories.make_tree()
    admin = factories.make_user("admin@test.no")
    client = english(any_app.test_client())
    factories.login(client, admin)
    response = step_down(client, admin, role="leader", unit=tree["4601-helse"].id)
    assert response.status_code == 422
    assert (
        b'<p class="error-message" id="role-error"><span>admin@test.no is the only active'
        b" administrator." in response.data
    )
    assert admin.role == Role.ADMIN


def test_the_only_administrator_cannot_deactivate_themselves(any_app):
    admin = factories.make_user("admin@test.no")
    client = english(any_app.test_client())
    factories.login(client, admin)
    response = step_down(client, admin, active=None)
    assert response.status_code == 422
    assert (
        b'<p class="error-message" id="active-error"><span>admin@test.no is the only active'
        b" administrator." in response.data
    )
    assert admin.active is True


def test_the_refusal_is_in_norwegian_on_a_norwegian_page(admin_client, admin):
    response = step_down(admin_client, admin, active=None)
    assert b"admin@test.no er den eneste aktive administratoren." in response.data


def test_an_administrator_may_step_down_while_another_active_administrator_remains(any_app):
    tree = factories.make_tree()
    admin = factories.make_user("admin@test.no")
    factories.make_user("admin2@test.no")
    client = any_app.test_client()
    factories.login(client, admin)
    response = step_down(client, admin, role="leader", unit=tree["4601-helse"].id)
    assert response.status_code == 303
    assert admin.role == Role.LEADER


def test_a_deactivated_administrator_does_not_count_as_another_one(admin_client, admin):
    factories.make_user("sovende@test.no").active = False
    assert step_down(admin_client, admin, active=None).status_code == 422
    assert admin.active is True


def test_the_command_line_cannot_demote_the_last_administrator(app, runner, admin, tree):
    result = runner.invoke(
        args=["user", "update", admin.email, "--role", "leader", "--unit", "4601-helse"]
    )
    assert result.exit_code == 1
    assert "admin@test.no is the only active administrator." in result.output
    assert admin.role == Role.ADMIN


def test_the_command_line_cannot_deactivate_the_last_administrator(runner, admin):
    result = runner.invoke(args=["user", "update", admin.email, "--inactive"])
    assert result.exit_code == 1
    assert "only active administrator" in result.output
    assert admin.active is True


def test_the_command_line_changes_a_users_role_and_unit(runner, admin, leader, tree):
    result = runner.invoke(
        args=["user", "update", leader.email, "--unit", "4601-oppvekst", "--name", "Ny leder"]
    )
    assert result.exit_code == 0, result.output
    assert (leader.role, leader.unit.code, leader.name, leader.active) == (
        Role.LEADER,
        "4601-oppvekst",
        "Ny leder",
        True,
    )
    result = runner.invoke(args=["user", "update", leader.email, "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert (leader.role, leader.unit) == (Role.ADMIN, None)


def test_the_command_line_deactivates_a_user(runner, admin, leader):
    result = runner.invoke(args=["user", "update", leader.email, "--inactive"])
    assert result.exit_code == 0, result.output
    assert leader.active is False


def test_two_administrators_stepping_down_at_the_same_moment_leave_one_of_them(any_app):
    steps_down = []
    for email in ("admin1@test.no", "admin2@test.no"):
        admin, client = factories.make_user(email), any_app.test_client()
        factories.login(client, admin)
        steps_down.append(
            lambda c=client, a=admin.id: c.post(
                f"/admin/brukere/{a}", data={"role": "admin", "unit": ""}
            )
        )
    db.session.commit()  # the threads' requests use connections of their own

    results = run_concurrently(steps_down)

    assert sorted(r.status_code for r in results) == [303, 422]
    db.session.rollback()  # see what the other connections committed
    assert (
        db.session.scalar(
            select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
        )
        == 1
    )
