"""Every input is hostile until parsed: the character rule shared by every edge, and the URL check.

Text that reaches the database never holds a control character: NUL (which PostgreSQL refuses in
text), the other C0 characters, DEL and the C1 range. Tab, line feed and carriage return are kept
where a text may span lines (a textarea, a CSV cell, a long text in a questionnaire file). Each
kind of input applies the rule once, at its edge:

    forms       helhet.forms.HelhetForm (the base of every form) strips them from what is posted
    URLs        `refuse_control_characters` (before every request): 404 for the path, 400 for the
                query string
    CSV         helhet.tabular.read_csv refuses them, naming line and column
    JSON/XLSX   surveys.jsonformat and surveys.xlsform refuse them, naming the place

Numbers are read from ASCII digits only (Python's int() and float() also take "١٢", "1_000",
"NaN" and "inf"), and no number Helhet keeps is larger than LARGEST_NUMBER: every count, bound and
answer fits the columns, and sums of squares stay finite.
"""

from __future__ import annotations

import math
import re

from flask import Flask, abort, request

# C0 controls, DEL and C1 controls; \t \n \r are in the first range and allowed separately below.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_EXCEPT_NEWLINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NEWLINES = re.compile(r"[\t\n\r]+")

LARGEST_NUMBER = 10**15
INTEGER = re.compile(r"[+-]?[0-9]{1,16}")
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def first_control(text: str, newlines: bool = True) -> str | None:
    """The first control character in `text` (None if there is none);
    `newlines` allows \\t \\n \\r.
    """
    match = (CONTROL_EXCEPT_NEWLINES if newlines else CONTROL).search(text)
    return match.group(0) if match else None


def describe(character: str) -> str:
    """A control character as a person can read it in a message: U+0000."""
    return f"U+{ord(character):04X}"


def strip_controls(text: str, newlines: bool = True) -> str:
    """`text` without control characters; with newlines=False,
    tabs and line breaks become a space.
    """
    text = CONTROL_EXCEPT_NEWLINES.sub("", text)
    return text if newlines else NEWLINES.sub(" ", text)


def usable_number(value) -> bool:
    """A JSON or spreadsheet number Helhet can keep: finite and at most LARGEST_NUMBER in size."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return abs(value) <= LARGEST_NUMBER


def refuse_control_characters() -> None:
    """No page has a control character in its address, and no query parameter holds one. A posted
    form whose field names cannot be read (a multipart part named `\\` comes out with no name) is
    refused too: CSRF protection and the forms expect every field to have one."""
    if CONTROL.search(request.path):
        abort(404)
    for key, values in request.args.lists():
        if CONTROL.search(key) or any(CONTROL.search(value) for value in values):
            abort(400)
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and any(
        not isinstance(key, str) for key in (*request.form.keys(), *request.files.keys())
    ):
        abort(400)


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_control_characters)
