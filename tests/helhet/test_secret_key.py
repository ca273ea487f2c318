"""What depends on the secret key (docs/operations.md, "The secret key"): a backup restored, or a
key rotated, under another key keeps every answer, code, user and API token; it signs everyone out
and loses what lived only in a session (an open-link respondent's way back to the draft), unless
the old key is kept in SECRET_KEY_FALLBACKS for a while."""

from __future__ import annotations

from api import services as api_services
from helhet import create_app
from helhet.extensions import db
from tests import factories as core
from tests.collector import factories, helpers
from tests.conftest import FreshRequestClient, app_config

OLD, NEW = "the-old-secret-key", "the-new-secret-key"


def same_database(app, **overrides):
    """The app again, on its own database, as it would start with other settings."""
    other = create_app(app_config(app.config["SQLALCHEMY_DATABASE_URI"], **overrides))
    other.test_client_class = FreshRequestClient
    return other


def carry_session(source, target) -> None:
    """The browser keeps its cookie when the server changes under it."""
    target.set_cookie("session", source.get_cookie("session").value)


def test_a_new_key_signs_everyone_out_but_keeps_users_and_api_tokens(app, admin):
    before = same_database(app, SECRET_KEY=OLD).test_client()
    core.login(before, admin)
    token = api_services.create_token(admin, "Power BI").secret
    db.session.commit()
    after = same_database(app, SECRET_KEY=NEW).test_client()
    carry_session(before, after)

    assert after.get("/admin/").status_code == 302  # signed out: to the login page
    core.login(after, admin)  # the user and the password are the same
    assert after.get("/admin/").status_code == 200
    bearer = {"Authorization": f"Bearer {token}"}
    assert after.get("/api/v1/orgunits", headers=bearer).status_code == 200


def test_the_old_key_as_a_fallback_keeps_people_signed_in_while_the_key_is_rotated(app, admin):
    before = same_database(app, SECRET_KEY=OLD).test_client()
    core.login(before, admin)
    after = same_database(app, SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD]).test_client()
    carry_session(before, after)
    assert after.get("/admin/").status_code == 200


def test_under_a_new_key_a_respondent_with_a_code_goes_on_by_entering_it_again(app, tree):
    round_ = factories.make_open_round(tree, codes=1)
    pages = helpers.pages_of(round_.questionnaire)
    before = same_database(app, SECRET_KEY=OLD).test_client()
    helpers.enter_code(before, round_.codes[0])
    for page in pages:
        data = {**helpers.valid_page_data(page), "action": "next"}
        assert before.post(f"/svar/side/{page.number}", data=data).status_code == 303
    after = same_database(app, SECRET_KEY=NEW).test_client()
    carry_session(before, after)

    assert after.get("/svar/side/1").status_code == 303  # the session is gone
    assert helpers.enter_code(after, round_.codes[0]).status_code == 303
    assert helpers.send(after).status_code == 303  # every answer saved before is still there


def test_under_a_new_key_an_open_link_respondent_starts_again(app, tree):
    round_ = factories.make_open_round(tree, codes=1)
    link = f"/s/{round_.campaign.units[0].link_token}"
    pages = helpers.pages_of(round_.questionnaire)
    before = same_database(app, SECRET_KEY=OLD).test_client()
    assert before.post(link).status_code == 303
    data = {**helpers.valid_page_data(pages[0]), "action": "next"}
    assert before.post("/svar/side/1", data=data).status_code == 303
    after = same_database(app, SECRET_KEY=NEW).test_client()
    carry_session(before, after)

    assert after.get("/svar/side/1").status_code == 303  # its draft's token was in the session
    assert after.post(link).status_code == 303  # a new, empty draft
    assert "checked" not in after.get("/svar/side/1").get_data(as_text=True)
