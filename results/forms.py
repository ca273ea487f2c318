"""The follow-up forms. What may be written (lengths, kinds, deadlines) is results/followup.py's
decision; these read what was typed, through HelhetForm (no control characters, no files)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired
from wtforms.widgets import DateInput

from helhet.forms import HelhetForm
from results.followup import KIND_LABELS
from results.models import OWNER_LENGTH, TEXT_LENGTH, FollowupAction, FollowupPoint


class DayField(StringField):
    """A date, picked or typed as YYYY-MM-DD (or DD.MM.YYYY); `data` is a date or None."""

    widget = DateInput()
    FORMATS = ("%Y-%m-%d", "%d.%m.%Y")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not raw:
            return
        if raw.isascii():  # strptime would also read other scripts' digits
            for fmt in self.FORMATS:
                try:
                    self.data = datetime.strptime(raw, fmt).date()
                    return
                except ValueError:
                    continue
        raise ValueError(_l("Write the date as YYYY-MM-DD, for example 2026-03-14."))


class PointForm(HelhetForm):
    kind = RadioField(
        _l("Strength or area to improve"),
        choices=list(KIND_LABELS.items()),
        validate_choice=False,  # results.followup says what is wrong with an unknown kind
    )
    description = TextAreaField(
        _l("Description"),
        description=_l(
            "What is going well and should be kept, or what should get better. Do not write"
            " anything that could point out who answered."
        ),
        render_kw={"rows": 3, "maxlength": TEXT_LENGTH},
    )

    @classmethod
    def of(cls, point: FollowupPoint) -> PointForm:
        """The form filled in with the point as it is stored."""
        return cls(formdata=None, data={"kind": point.kind.value, "description": point.text})


class ActionForm(HelhetForm):
    action = TextAreaField(
        _l("Action"),
        description=_l("What you agreed to do."),
        render_kw={"rows": 3, "maxlength": TEXT_LENGTH},
    )
    owner = StringField(
        _l("Responsible"),
        description=_l("A name or a role, for example the unit leader."),
        render_kw={"maxlength": OWNER_LENGTH, "autocomplete": "off"},
    )
    deadline = DayField(_l("Deadline"))

    @classmethod
    def of(cls, action: FollowupAction) -> ActionForm:
        """The form filled in with the action as it is stored."""
        return cls(
            formdata=None,
            data={"action": action.text, "owner": action.owner, "deadline": action.deadline},
        )


class DoneForm(HelhetForm):
    """Mark an action done ("yes") or not done ("no"): one button with the value it sets."""

    done = RadioField(choices=[("yes", "yes"), ("no", "no")], validators=[InputRequired()])
    back = HiddenField()  # "punkt": back to the point's page; else the follow-up page


class ConfirmForm(HelhetForm):
    """A POST with nothing but the CSRF token (deleting a point or an action)."""
