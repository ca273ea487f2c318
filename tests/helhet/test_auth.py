"""Signing in: hashed passwords, rate-limited attempts, CSRF on the form, safe redirects."""

from __future__ import annotations

import werkzeug.security

from helhet.models import User
from tests import factories
from tests.conftest import make_app, sqlite_url


def test_a_user_signs_in_and_reaches_the_overview(client, admin):
    response = client.post("/logg-inn", data={"email": admin.email, "password": factories.PASSWORD})
    assert response.status_code == 303
    assert client.get("/admin/").status_code == 200


def test_the_email_is_matched_without_regard_to_case(client, admin):
    response = client.post(
        "/logg-inn", data={"email": admin.email.upper(), "password": factories.PASSWORD}
    )
    assert response.status_code == 303


def test_a_wrong_password_is_refused_with_a_message_at_the_field(client, admin):
    client.get("/sprak/en")
    response = client.post("/logg-inn", data={"email": admin.email, "password": "wrong password"})
    assert response.status_code == 422
    assert b"The email or the password is wrong." in response.data
    assert client.get("/admin/").status_code == 302


def test_a_deactivated_user_cannot_sign_in(client, admin):
    admin.active = False
    response = client.post("/logg-inn", data={"email": admin.email, "password": factories.PASSWORD})
    assert response.status_code == 422


def test_after_sign_in_the_person_returns_to_the_page_they_asked_for(client, admin):
    response = client.post(
        "/logg-inn?next=/admin/enheter", data={"email": admin.email, "password": factories.PASSWORD}
    )
    assert response.headers["Location"] == "/admin/enheter"


def test_a_next_address_on_another_site_is_ignored(client, admin):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        client.post("/logg-ut")
        response = client.post(
            f"/logg-inn?next={target}", data={"email": admin.email, "password": factories.PASSWORD}
        )
        assert response.headers["Location"] == "/admin/"


def test_signing_out_ends_the_session(admin_client):
    assert admin_client.post("/logg-ut").status_code == 303
    assert admin_client.get("/admin/").status_code == 302


def test_passwords_are_stored_as_scrypt_hashes_in_production(tmp_path):
    app = make_app(sqlite_url(tmp_path), PASSWORD_HASH_METHOD="scrypt")
    with app.app_context():
        user = User(email="a@b.no", role="admin")
        user.set_password("et langt passord")
        assert user.password_hash.startswith("scrypt:")
        assert "et langt passord" not in user.password_hash
        assert user.check_password("et langt passord")


def test_login_attempts_are_rate_limited(tmp_path):
    app = make_app(sqlite_url(tmp_path), RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    with app.app_context():
        client = app.test_client()
        statuses = [
            client.post(
                "/logg-inn", data={"email": "x@y.no", "password": "nope nope nope"}
            ).status_code
            for _ in range(4)
        ]
    assert statuses == [422, 422, 422, 429]


def test_the_login_form_needs_its_csrf_token(tmp_path):
    app = make_app(sqlite_url(tmp_path), WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = factories.make_user("a@test.no")
        response = app.test_client().post(
            "/logg-inn", data={"email": user.email, "password": factories.PASSWORD}
        )
    assert response.status_code == 400


def test_login_limits_are_shared_through_redis_when_configured(tmp_path):
    """Two app processes (here: two apps)
    count attempts together when the counters live in Redis.
    """
    import uuid

    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        import pytest

        pytest.skip("no Redis on 127.0.0.1:6379")
    overrides = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_LOGIN": "3 per minute",
        "RATELIMIT_STORAGE_URI": url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    first = make_app(sqlite_url(tmp_path), **overrides)
    second = make_app(f"sqlite:///{tmp_path / 'other.sqlite'}", **overrides)
    form = {"email": "x@y.no", "password": "nope nope nope"}
    statuses = []
    for app in (first, second, first, second):
        with app.app_context():
            statuses.append(app.test_client().post("/logg-inn", data=form).status_code)
    assert statuses == [422, 422, 422, 429]


# --- a failed login takes the same time whether or not the email exists ---------------------


def password_hashes_computed(monkeypatch) -> list[str]:
    """From now on, the method of every password hash werkzeug computes (one per check)."""
    methods = []
    compute = werkzeug.security._hash_internal

    def counted(method, salt, password):
        methods.append(method)
        return compute(method, salt, password)

    monkeypatch.setattr(werkzeug.security, "_hash_internal", counted)
    return methods


def failed_login(client, email: str):
    response = client.post(
        "/logg-inn", data={"email": email, "password": "not the password at all"}
    )
    assert response.status_code == 422


def test_a_failed_login_hashes_once_with_the_configured_method_for_a_known_email(
    client, admin, monkeypatch
):
    hashes = password_hashes_computed(monkeypatch)
    failed_login(client, admin.email)
    assert hashes == ["pbkdf2:sha256:1000"]


def test_a_failed_login_for_an_unknown_email_does_the_same_hashing_as_for_a_known_one(
    client, monkeypatch
):
    hashes = password_hashes_computed(monkeypatch)
    failed_login(client, "nobody@test.no")
    assert hashes == ["pbkdf2:sha256:1000"]


def test_a_failed_login_for_a_deactivated_user_does_the_same_hashing_as_for_an_active_one(
    client, admin, monkeypatch
):
    admin.active = False
    hashes = password_hashes_computed(monkeypatch)
    failed_login(client, admin.email)
    assert hashes == ["pbkdf2:sha256:1000"]


def test_the_right_password_of_a_deactivated_user_signs_nobody_in(client, admin):
    admin.active = False
    response = client.post("/logg-inn", data={"email": admin.email, "password": factories.PASSWORD})
    assert response.status_code == 422
    assert client.get("/admin/").status_code == 302


def test_with_scrypt_an_unknown_email_costs_an_scrypt_hash_too(tmp_path, monkeypatch):
    app = make_app(sqlite_url(tmp_path), PASSWORD_HASH_METHOD="scrypt")
    with app.app_context():
        hashes = password_hashes_computed(monkeypatch)
        failed_login(app.test_client(), "nobody@test.no")
    assert hashes == [
        "scrypt"
    ]  # werkzeug's scrypt defaults (n=2**15, r=8, p=1), as generate_password_hash uses
