"""One shape for what can go wrong (helhet.problems): every package's refusals and problems."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from wtforms import StringField

from collector.services import CampaignError, IncompleteAnswers
from helhet.forms import HelhetForm
from helhet.orgunits import UnitError
from helhet.problems import HelhetError, Problem, ProblemsFound, attach, status
from helhet.tabular import ImportFailed, read_csv
from helhet.users import UserError


class NameForm(HelhetForm):
    name = StringField("Name")


def a_form(app, data=None):
    with app.test_request_context(method="POST", data=data or {"name": "Kari"}):
        form = NameForm(meta={"csrf": False})
        form.validate()
        return form


@pytest.mark.parametrize("kind", [UserError, UnitError, CampaignError])
def test_every_refused_change_takes_its_message_first_and_its_field_second(kind):
    error = kind("Velg en enhet.", "unit")
    assert isinstance(error, HelhetError)
    assert (error.message, error.field, str(error)) == ("Velg en enhet.", "unit", "Velg en enhet.")
    assert kind("Noe er galt.").field is None


def test_an_error_naming_a_field_is_shown_at_that_field(app):
    form = a_form(app)
    attach(form, UnitError("Navnet er i bruk.", "name"))
    assert form.name.errors == ["Navnet er i bruk."]
    assert form.form_errors == []


def test_an_error_naming_no_field_of_the_form_is_shown_above_it(app):
    form = a_form(app)
    attach(form, CampaignError("Runden bruker ikke koder.", "count"))
    attach(form, HelhetError("Noe er galt."))
    assert form.name.errors == []
    assert form.form_errors == ["Runden bruker ikke koder.", "Noe er galt."]


def test_a_form_is_rendered_with_422_when_it_shows_an_error_or_a_refused_file(app):
    assert status(a_form(app)) == 200
    assert status(a_form(app), [Problem("Filen er tom.")]) == 422
    form = a_form(app)
    attach(form, HelhetError("Noe er galt."))
    assert status(form) == 422


def test_a_refused_csv_file_names_line_and_column_in_the_readers_language(app):
    with app.test_request_context(), force_locale("nb"), pytest.raises(ImportFailed) as refused:
        read_csv("code,name\n4601,\x00Helse\n", required=["code", "name"])
    assert isinstance(refused.value, ProblemsFound)
    with app.test_request_context(), force_locale("nb"):
        assert [str(p).split(":")[0] for p in refused.value.problems] == ["Linje 2, kolonne name"]
    with app.test_request_context(), force_locale("nn"):
        assert str(Problem("Feil.", line=3)) == "Linje 3: Feil."


def test_answers_that_cannot_be_sent_are_problems_like_any_other():
    assert issubclass(IncompleteAnswers, ProblemsFound)
