"""The one base form of Helhet: every form of the app inherits HelhetForm, so what is posted is
cleaned in one place before any field sees it.

- Text loses NUL and the other control characters (helhet.edge). Tab and line breaks stay in
  multi-line fields (textareas) and become a space in the others. Passwords are left as typed:
  they are hashed, never stored as text.
- An uploaded file counts only in a file field. A file posted into any other field is ignored, so
  a text field never sees a FileStorage (the field then says what it says when left empty).
- A field name that is not plain ASCII is dropped: no field has one, and a FieldList would
  otherwise read an index such as "²" and fail.
- Only form bodies are read: a JSON body fills no form.

The number fields below read ASCII digits only, and refuse NaN, infinities and numbers larger than
helhet.edge.LARGEST_NUMBER, so what they give fits any column and any sum.
"""

from __future__ import annotations

import decimal

import wtforms
from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS, _Auto  # the "read the request" default of FlaskForm
from werkzeug.datastructures import CombinedMultiDict, FileStorage, ImmutableMultiDict
from wtforms.widgets import TextArea

from helhet.edge import DECIMAL, INTEGER, LARGEST_NUMBER, strip_controls

FILE_FIELDS = (wtforms.FileField, wtforms.MultipleFileField)


def _field_kinds(form) -> tuple[set[str], set[str], set[str]]:
    """(file fields, single-line text fields, password fields) of the form, by name."""
    files, single_line, passwords = set(), set(), set()
    for name, field in form._fields.items():
        if isinstance(field, FILE_FIELDS):
            files.add(name)
        elif isinstance(field, wtforms.PasswordField):
            passwords.add(name)
        elif not isinstance(field.widget, TextArea):
            single_line.add(name)
    return files, single_line, passwords


def clean_formdata(form, formdata) -> ImmutableMultiDict:
    """What was posted, with control characters stripped and files only where a file field is.

    Keys the form does not know directly (the fields of a FieldList or FormField) keep their line
    breaks, as a textarea would.
    """
    files, single_line, passwords = _field_kinds(form)
    cleaned = []
    for key in formdata:
        if not (isinstance(key, str) and key.isascii() and key.isprintable()):
            continue
        for value in formdata.getlist(key):
            if isinstance(value, FileStorage):
                if key in files:
                    cleaned.append((key, value))
            elif isinstance(value, str):
                if key not in passwords:
                    value = strip_controls(value, newlines=key not in single_line)
                cleaned.append((key, value))
    return ImmutableMultiDict(cleaned)


class HelhetForm(FlaskForm):
    """The base of every form in Helhet (see the module docstring)."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto:
                if not has_request_context() or request.method not in SUBMIT_METHODS:
                    return None
                formdata = CombinedMultiDict((request.files, request.form))
            else:
                formdata = super().wrap_formdata(form, formdata)
            if formdata is None:
                return None
            return clean_formdata(form, formdata)


def _too_large() -> str:
    largest = f"{LARGEST_NUMBER:,}".replace(",", " ")
    return _l("Write a number from %(low)s to %(high)s.", low="-" + largest, high=largest)


class IntegerField(wtforms.IntegerField):
    """A whole number in ASCII digits (int() would also take "١٢", "1_000" and 4,000 digits)."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0].strip() if isinstance(valuelist[0], str) else ""
        self.data = None
        if not INTEGER.fullmatch(raw):
            raise ValueError(self.gettext("Not a valid integer value."))
        value = int(raw)
        if abs(value) > LARGEST_NUMBER:
            raise ValueError(_too_large())
        self.data = value


class DecimalField(wtforms.DecimalField):
    """A decimal number in ASCII digits with a point; never NaN, an infinity or an exponent."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0].strip() if isinstance(valuelist[0], str) else ""
        self.data = None
        if not DECIMAL.fullmatch(raw):
            raise ValueError(self.gettext("Not a valid decimal value."))
        value = decimal.Decimal(raw)
        if abs(value) > LARGEST_NUMBER:
            raise ValueError(_too_large())
        self.data = value
