"""Forms of the collector: the code form respondents see, and the round forms administrators use.

The answer pages' forms are built from the questionnaire by `surveys.questiontypes` (see
collector.survey.Survey.form_class).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, Field, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, DateTimeLocalInput, ListWidget, NumberInput

from collector import clock
from helhet.config import LANGUAGES, RESPONDENT_LANGUAGES
from helhet.forms import HelhetForm
from helhet.i18n import LANGUAGE_NAMES
from helhet.problems import HelhetError, attach

LANGUAGE_CHOICES = [(lang, LANGUAGE_NAMES[lang]) for lang in LANGUAGES]


class CodeForm(HelhetForm):
    code = StringField(
        _l("Your code"),
        validators=[
            InputRequired(message=_l("Write the code from your letter or email.")),
            Length(max=64, message=_l("The code has 10 characters.")),
        ],
        description=_l(
            "10 letters and digits, for example K7MQ2-XH9TD. Small or capital letters and hyphens"
            " do not matter."
        ),
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "class": "code-input",
        },
    )


class WholeNumberField(Field):
    """A whole number with our own (translated) message for anything else."""

    widget = NumberInput(min=0)

    def __init__(self, label=None, validators=None, minimum=0, maximum=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip().replace(" ", "").replace("\u00a0", "")
        self.data = None
        if not raw:
            return
        if not raw.isdigit() or len(raw) > 9:
            raise ValueError(_l("Write a whole number."))
        self.data = int(raw)

    def pre_validate(self, form):
        if self.data is None:
            return
        if self.data < self.minimum or (self.maximum is not None and self.data > self.maximum):
            if self.maximum is None:
                raise ValidationError(_l("Write a number of at least %(low)s.", low=self.minimum))
            raise ValidationError(
                _l("Write a number from %(low)s to %(high)s.", low=self.minimum, high=self.maximum)
            )


class LocalTimeField(StringField):
    """A date and time in Europe/Oslo, typed or picked (datetime-local); `data` is naive UTC."""

    widget = DateTimeLocalInput()

    def __init__(self, label=None, validators=None, end_of_day=False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.end_of_day = end_of_day

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return clock.to_local(self.data).strftime("%Y-%m-%dT%H:%M")

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not raw:
            return
        try:
            self.data = clock.parse_local(raw, end_of_day=self.end_of_day)
        except ValueError:
            raise ValueError(
                _l("Write the date and time as YYYY-MM-DD HH:MM, for example 2026-03-02 08:00.")
            ) from None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        allowed = {value for value, _label in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(_l("Choose among the units shown."))


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice: pre_validate says so


class CampaignForm(HelhetForm):
    name = StringField(
        _l("Name of the round"),
        validators=[Optional(), Length(max=200)],
        description=_l(
            "For example «Medarbeiderundersøkelse 2026». Leave empty to use the questionnaire's"
            " title and the year."
        ),
    )
    questionnaire = SelectField(
        _l("Questionnaire"),
        coerce=_int_or_none,
        validators=[InputRequired(message=_l("Choose a published questionnaire."))],
        description=_l(
            "Only published versions can be used; the questionnaire of a round never changes."
        ),
    )
    units = MultiCheckboxField(_l("Units"), coerce=int)
    all_under = MultiCheckboxField(_l("Every unit under"), coerce=int)
    opens = LocalTimeField(
        _l("Opens"),
        validators=[InputRequired(message=_l("Write when the round opens."))],
        description=_l("Norwegian time."),
    )
    closes = LocalTimeField(
        _l("Closes"),
        validators=[InputRequired(message=_l("Write when the round closes."))],
        end_of_day=True,
        description=_l("Norwegian time. Answers are accepted until this moment."),
    )
    open_link = BooleanField(_l("Open link per unit (anyone with the link can answer)"))
    use_codes = BooleanField(
        _l("Invitation codes (one per respondent, one answer per code)"), default=True
    )
    min_group = WholeNumberField(
        _l("Minimum group size for reporting"),
        minimum=3,
        maximum=1000,
        validators=[InputRequired(message=_l("Write the minimum group size."))],
        default=5,
        description=_l(
            "No result is shown for a group with fewer answers than this. At least 3; 5 is usual."
        ),
    )
    period = WholeNumberField(
        _l("Year of the headcounts"),
        minimum=1900,
        maximum=2200,
        validators=[Optional()],
        description=_l(
            "Which year's number of people per unit gives the response rate. Empty: the year the"
            " round opens."
        ),
    )

    required_languages = MultiCheckboxField(
        _l("Languages the round must offer"),
        choices=[(lang, LANGUAGE_NAMES[lang]) for lang in RESPONDENT_LANGUAGES if lang != "nb"],
        description=_l(
            "For example Northern Sami in the Sami administrative area. Creating the round and its"
            " page warn while the questionnaire has no texts in a language ticked here."
        ),
    )

    def validate_min_group(self, field):
        if field.data is not None and field.data < 3:
            raise ValidationError(_l("The minimum group size cannot be below %(n)s.", n=3))


class ExtendForm(HelhetForm):
    closes = LocalTimeField(
        _l("New closing time"),
        end_of_day=True,
        validators=[InputRequired(message=_l("Write the new closing time."))],
        description=_l("Norwegian time. Must be later than the current closing time."),
    )


class CloseForm(HelhetForm):
    """Only the CSRF token: closing early is one button."""


class HeldForm(HelhetForm):
    """Accept or discard a unit's held open-link answers: two buttons named `decision`."""

    decision = RadioField(
        choices=[("accept", _l("Count them")), ("discard", _l("Delete them"))],
        validators=[InputRequired()],
    )


OUTPUT_CHOICES = [
    ("zip", _l("Both: CSV for mail merge and PDF letters (a ZIP file)")),
    ("csv", _l("CSV file for mail merge")),
    ("pdf", _l("PDF with one letter per code, for printing")),
]


class CodesFormBase(HelhetForm):
    output = RadioField(_l("What to download"), choices=OUTPUT_CHOICES, default="zip")
    language = SelectField(
        _l("Language of the letters"),
        choices=[(lang, LANGUAGE_NAMES[lang]) for lang in RESPONDENT_LANGUAGES],
        default="nb",
    )

    def count_fields(self):
        return [(self[name], unit) for name, unit in self._units]

    def counts(self) -> list[tuple]:
        return [(unit, self[name].data) for name, unit in self._units if self[name].data]

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and not self.counts():
            attach(self, HelhetError(_("Write how many codes you need for at least one unit.")))
            return False
        return ok


def codes_form(units, formdata=None):
    """A form with one count field per unit of a round (`units`: OrgUnit list)."""
    fields = {"_units": []}
    for unit in units:
        name = f"count_{unit.id}"
        fields[name] = WholeNumberField(
            unit.name, minimum=0, maximum=20_000, validators=[Optional()]
        )
        fields["_units"].append((name, unit))
    form_class = type("CodesForm", (CodesFormBase,), fields)
    return form_class(formdata=formdata) if formdata is not None else form_class()


class ImportForm(HelhetForm):
    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(message=_l("Choose a file.")),
            FileAllowed(["csv", "txt"], _l("Choose a .csv file.")),
        ],
    )


class ContactsForm(HelhetForm):
    """A contact list for one unit: e-mail addresses or mobile numbers (collector/contacts.py)."""

    unit = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])
    channel = RadioField(
        _l("The list holds"),
        choices=[
            ("email", _l("E-mail addresses (a column named email)")),
            ("sms", _l("Mobile numbers for text messages (a column named phone)")),
        ],
        default="email",
        validators=[InputRequired()],
    )
    file = FileField(
        _l("CSV or Excel file"),
        validators=[
            FileRequired(message=_l("Choose a file.")),
            FileAllowed(["csv", "txt", "xlsx"], _l("Choose a .csv or .xlsx file.")),
        ],
        description=_l(
            "One address or number per row; an optional column language (nb, nn, en, se, uk or pl,"
            " default nb) chooses the language of each message."
        ),
    )


class SendForm(HelhetForm):
    """Only the CSRF token: send the waiting invitations, or the reminders."""
