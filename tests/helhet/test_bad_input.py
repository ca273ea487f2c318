"""Hostile input at the edges Helhet owns: every form (one base form), every address, the org-unit
pages and CSV import, the user pages and login. Never a 500, nothing half-stored, a clear message."""

from __future__ import annotations

import importlib
import io
import pkgutil

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from wtforms import PasswordField, StringField, TextAreaField

from helhet.extensions import db
from helhet.forms import HelhetForm


def html(response) -> str:
    return response.get_data(as_text=True)


# --- one base form ------------------------------------------------------------------------------

def _app_form_classes() -> list[type]:
    for package in ("helhet", "surveys", "collector"):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            importlib.import_module(info.name)
    found, stack = [], list(FlaskForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in ("helhet", "surveys", "collector"):
            found.append(cls)
    return found


def test_every_form_of_the_app_inherits_the_one_base_form(app):
    forms = _app_form_classes()
    assert len(forms) > 20
    assert [f"{c.__module__}.{c.__qualname__}" for c in forms if not issubclass(c, HelhetForm)] == []


class SampleForm(HelhetForm):
    name = StringField()
    story = TextAreaField()
    secret = PasswordField()


def test_control_characters_are_stripped_from_posted_text_and_line_breaks_kept_only_where_text_has_lines(app):
    data = {"name": "Anne\x00 Berit\x07\nHansen\x9b", "story": "Linje 1\r\nLinje\x002\tslutt\x1b",
            "secret": "pass\x00word"}
    with app.test_request_context("/", method="POST", data=data):
        form = SampleForm()
    assert form.name.data == "Anne Berit Hansen"
    assert form.story.data == "Linje 1\r\nLinje2\tslutt"
    assert form.secret.data == "pass\x00word"  # hashed, never stored as text: left as typed


def test_a_file_posted_into_a_text_field_is_ignored(app):
    with app.test_request_context("/", method="POST", data={"name": (io.BytesIO(b"x" * 10), "a.txt")}):
        form = SampleForm()
    assert form.name.data is None


def test_a_nul_in_the_login_email_is_a_failed_login_not_a_server_error(any_app):
    response = any_app.test_client().post("/logg-inn", data={"email": "admin\x00@test.no", "password": "x" * 12})
    assert response.status_code == 422


def test_a_file_as_the_login_email_gets_the_fields_message_not_a_server_error(any_app):
    client = any_app.test_client()
    client.get("/sprak/en")
    response = client.post("/logg-inn", data={"email": (io.BytesIO(b"a@b.no"), "email.txt"), "password": "x" * 12})
    assert response.status_code == 422
    assert "This field is required." in html(response)


def test_a_json_body_fills_no_form(any_app):
    client = any_app.test_client()
    assert client.post("/logg-inn", json=[1, 2, 3]).status_code == 422
    assert client.post("/logg-inn", json={"email": 5, "password": ["x"]}).status_code == 422


# --- addresses ----------------------------------------------------------------------------------

def test_a_control_character_in_an_address_is_not_found(any_app):
    client = any_app.test_client()
    assert client.get("/s/abc%00def").status_code == 404
    assert client.get("/s/abc%0Adef").status_code == 404
    assert client.get("/svar/side/1%07").status_code == 404


def test_a_control_character_in_the_query_string_is_a_bad_request(any_app):
    client = any_app.test_client()
    assert client.get("/logg-inn?next=/admin%00").status_code == 400
    assert client.get("/svar/lagret?side%00=1").status_code == 400
    assert client.get("/logg-inn?next=/admin/").status_code == 200


# --- logs ---------------------------------------------------------------------------------------

def test_a_database_error_never_lists_the_values_of_its_statement(any_app):
    with pytest.raises(DBAPIError) as failed:
        db.session.execute(text("INSERT INTO no_such_table VALUES (:answer)"), {"answer": "Per Hansen er slem"})
    db.session.rollback()
    assert "Per Hansen" not in str(failed.value)
