"""Security headers and cookies on every response."""

from __future__ import annotations

from tests import factories


def test_every_page_sends_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_error_pages_send_the_security_headers_too(client):
    response = client.get("/finnes-ikke")
    assert response.status_code == 404
    assert "Content-Security-Policy" in response.headers


def test_the_session_cookie_is_httponly_and_samesite_lax(client, admin):
    response = client.post("/logg-inn", data={"email": admin.email, "password": factories.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_over_https(client, admin):
    response = client.post(
        "/logg-inn",
        data={"email": admin.email, "password": factories.PASSWORD},
        base_url="https://localhost",
    )
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_pages_are_not_cached_but_static_files_are(client):
    assert client.get("/").headers["Cache-Control"] == "no-store"
    with client.get("/static/helhet.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_templates_have_no_inline_scripts_or_styles():
    from pathlib import Path

    root = Path(__file__).parents[2] / "templates"
    for path in root.rglob("*.html"):
        text = path.read_text()
        assert "<script>" not in text and "<script " not in text.replace("<script src=", ""), path
        assert " style=" not in text, path
        assert "onclick" not in text.lower(), path


def test_an_anonymous_visitor_with_a_session_is_not_sent_new_cookies_on_every_page(client):
    client.get("/sprak/nn")  # now the visitor has a session
    response = client.get("/", headers={"User-Agent": "another browser"})
    assert "Set-Cookie" not in response.headers


def test_a_signed_in_session_used_from_another_browser_is_signed_out(client, admin):
    client.post(
        "/logg-inn",
        data={"email": admin.email, "password": factories.PASSWORD},
        headers={"User-Agent": "browser one"},
    )
    assert client.get("/admin/", headers={"User-Agent": "browser one"}).status_code == 200
    assert client.get("/admin/", headers={"User-Agent": "browser two"}).status_code == 302
