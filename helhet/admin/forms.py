from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional

from helhet import passwords
from helhet.forms import HelhetForm, IntegerField
from helhet.labels import LEVEL_LABELS, ROLE_LABELS
from helhet.models import UnitLevel

ROLE_CHOICES = list(ROLE_LABELS.items())
LEVEL_CHOICES = list(LEVEL_LABELS.items())


class UserForm(HelhetForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    unit = SelectField(
        _l("Org unit"),
        description=_l("Leaders read results for this unit and everything below it."),
        coerce=lambda v: int(v) if v not in (None, "", "None") else None,
    )
    active = BooleanField(_l("Active (may sign in)"), default=True)


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired()],  # the rule itself is helhet.passwords, checked by the service
        description=_l(
            "At least %(n)s characters, not a common password and not the email address. "
            "Give it to the person in a safe way.",
            n=passwords.MIN_LENGTH,
        ),
        render_kw={"autocomplete": "new-password"},
    )


class PasswordForm(HelhetForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired()],  # the rule itself is helhet.passwords, checked by the service
        description=_l(
            "At least %(n)s characters, not a common password and not the email address.",
            n=passwords.MIN_LENGTH,
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class UnitForm(HelhetForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("For example 4601 or 4601-helse-hjemme. Letters, digits, dot, hyphen."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    level = SelectField(_l("Level"), choices=LEVEL_CHOICES, default=UnitLevel.UNIT.value)
    parent = SelectField(
        _l("Belongs under"),
        coerce=lambda v: int(v) if v not in (None, "", "None") else None,
    )


class PopulationForm(HelhetForm):
    period = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=1900, max=2200)])
    count = IntegerField(
        _l("Number of people"),
        validators=[Optional(), NumberRange(min=0, max=10_000_000)],
        description=_l(
            "Employees of a workplace, or users or inhabitants served. Leave empty to remove the"
            " year."
        ),
    )


class UnitImportForm(HelhetForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Choose a .csv file."))],
    )
