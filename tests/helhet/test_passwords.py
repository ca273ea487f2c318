"""One password rule (NIST SP 800-63B): at least 12 characters, not only spaces, not a common
password, not the email; the same in the pages and on the command line."""

from __future__ import annotations

import pytest

from helhet import demo, passwords
from helhet.queries import user_by_email
from tests import factories

GOOD = "fire hester på en bro"


def test_a_long_uncommon_password_passes(app):
    assert passwords.problems(GOOD, "kari@kommune.no") == []


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "kort", "elleve tegn"])
def test_a_password_shorter_than_twelve_characters_is_refused(app, password):
    assert "The password must have at least 12 characters." in passwords.problems(password)


def test_twelve_characters_are_enough(app):
    assert passwords.problems("tolv tegn ok") == []


@pytest.mark.parametrize("password", [" " * 12, "\t \u00a0\u2003" * 4])
def test_a_password_of_only_whitespace_is_refused(app, password):
    assert passwords.problems(password) == ["The password cannot be only spaces."]


@pytest.mark.parametrize(
    "password", ["q1w2e3r4t5y6", "1QAZ2WSX3EDC", "Qwerty123456", " 123qweasdzxc "]
)
def test_a_common_password_is_refused_whatever_its_case(app, password):
    assert passwords.problems(password) == [
        "This password is among the most used ones and is easy to guess. Choose another."
    ]


def test_the_list_holds_the_ten_thousand_most_common_passwords_in_lower_case():
    common = passwords.common_passwords()
    assert len(common) == 10_000
    assert {"123456", "password", "qwerty"} <= common
    assert all(p == p.lower() for p in common)


@pytest.mark.parametrize(
    "password", ["kari.nordmann@kommune.no", "KARI.NORDMANN@kommune.no", "kari.nordmann"]
)
def test_the_email_or_its_local_part_is_refused(app, password):
    assert passwords.problems(password, "Kari.Nordmann@kommune.no") == [
        "The password cannot be the email address or the part of it before @."
    ]


def test_the_demo_passwords_pass_the_rule(app):
    for _role, email, password in demo.LOGINS:
        assert passwords.problems(password, email) == [], email


def test_the_test_password_passes_the_rule(app):
    assert passwords.problems(factories.PASSWORD, "admin@test.no") == []


# --- the pages ----------------------------------------------------------------------------------


def english(client):
    client.get("/sprak/en")
    return client


def test_the_new_user_page_refuses_a_password_of_ten_letters_at_the_field(admin_client):
    response = english(admin_client).post(
        "/admin/brukere/ny",
        data={"email": "kari@kommune.no", "role": "admin", "password": "aaaaaaaaaa"},
    )
    assert response.status_code == 422
    assert (
        b'id="password-error"><span>The password must have at least 12 characters.' in response.data
    )
    assert b'value="kari@kommune.no"' in response.data  # what was typed is kept
    assert user_by_email("kari@kommune.no") is None


def test_the_new_user_page_refuses_a_common_password(admin_client):
    response = admin_client.post(
        "/admin/brukere/ny",
        data={"email": "kari@kommune.no", "role": "admin", "password": "1q2w3e4r5t6y"},
    )
    assert response.status_code == 422
    assert b"Dette passordet er blant de mest brukte" in response.data
    assert user_by_email("kari@kommune.no") is None


def test_the_password_reset_page_refuses_the_users_own_email(admin_client, leader):
    response = admin_client.post(
        f"/admin/brukere/{leader.id}/passord",
        data={"password": leader.email, "confirm": leader.email},
    )
    assert response.status_code == 422
    assert "Passordet kan ikke være e-postadressen".encode() in response.data
    assert leader.check_password(factories.PASSWORD)


def test_the_password_pages_say_what_the_rule_is(admin_client, leader):
    assert b"Minst 12 tegn, ikke et vanlig passord" in admin_client.get("/admin/brukere/ny").data
    assert (
        b"Minst 12 tegn, ikke et vanlig passord"
        in admin_client.get(f"/admin/brukere/{leader.id}/passord").data
    )


# --- the command line ---------------------------------------------------------------------------


def test_the_command_line_refuses_a_password_of_only_spaces(runner):
    result = runner.invoke(
        args=["user", "create", "x@kommune.no", "--role", "admin"], input=" " * 12 + "\n"
    )
    assert result.exit_code == 1
    assert "The password cannot be only spaces." in result.output
    assert user_by_email("x@kommune.no") is None


def test_the_command_line_refuses_a_common_password(runner, admin):
    result = runner.invoke(args=["user", "set-password", admin.email], input="Qwerty123456\n")
    assert result.exit_code == 1
    assert "among the most used" in result.output
    assert admin.check_password(factories.PASSWORD)


def test_the_command_line_refuses_the_local_part_of_the_email(runner):
    result = runner.invoke(
        args=["user", "create", "kari.nordmann@kommune.no", "--role", "admin"],
        input="kari.nordmann\n",
    )
    assert result.exit_code == 1
    assert user_by_email("kari.nordmann@kommune.no") is None


def test_the_command_line_accepts_a_good_password(runner, admin):
    result = runner.invoke(args=["user", "set-password", admin.email], input=GOOD + "\n")
    assert result.exit_code == 0, result.output
    assert admin.check_password(GOOD)
