from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import HiddenInput

from api.services import NAME_LENGTH
from helhet.forms import HelhetForm, IntegerField


class TokenForm(HelhetForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=NAME_LENGTH)],
        description=_l("What the token is for, for example Power BI."),
    )


class RevokeForm(HelhetForm):
    token_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
