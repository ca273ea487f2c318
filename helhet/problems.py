"""What can go wrong, said so that a person can find the place and fix it:
one shape for every package.

- `HelhetError(message, field=None)`: a refused change. `message` is translated when it is made;
  `field` names the form field at fault (None: the form as a whole). Each package names its own
  subclass (UserError, UnitError, CampaignError, QuestionnaireError) and adds nothing else.
- `Problem(message, ...)`: one wrong place in a file (an import) or a set of answers: a JSON path,
  a sheet/row/column of a workbook, a line/column of a CSV file, or an `item` the file names
  itself (a LimeSurvey question code).
- `ProblemsFound(problems)`: nothing was changed, and `problems` lists every place (imports, a
  questionnaire file, answers that cannot be sent yet).
- `attach(form, error)` shows a HelhetError at its field (or above the form), and
  `status(form, problems)` is the status to render a form with: 422 when it shows errors (or
  the problems of a refused file), else 200.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _


class HelhetError(ValueError):
    """A change that is not allowed; the message is translated, `field` names the field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Problem:
    """One wrong place. Give the place the way the input has it: `path` in our JSON format
    (``sections[2].questions[0].type``), `sheet`/`row`/`column` in a workbook, `line`/`column` in
    a CSV file (the header is line 1), `item` for a named part of a file (a LimeSurvey question:
    "question Q3", already translated); none of them for the input as a whole."""

    message: str
    path: str | None = None
    sheet: str | None = None
    row: int | None = None
    line: int | None = None
    column: str | None = None
    item: str | None = None

    @property
    def place(self) -> str:
        """Where the problem is, in words ("" when it concerns the whole input)."""
        if self.path is not None:
            return self.path or _("the whole file")
        if self.item is not None:
            return self.item
        if self.line is not None:
            if self.column:
                return _("Line %(line)s, column %(column)s", line=self.line, column=self.column)
            return _("Line %(line)s", line=self.line)
        parts = []
        if self.sheet:
            parts.append(_("sheet %(sheet)s", sheet=self.sheet))
        if self.row:
            parts.append(_("row %(row)s", row=self.row))
        if self.column:
            parts.append(_("column %(column)s", column=self.column))
        return ", ".join(parts)

    def __str__(self) -> str:
        place = self.place
        return f"{place}: {self.message}" if place else self.message

    def as_dict(self) -> dict:
        places = {
            "path": self.path,
            "sheet": self.sheet,
            "row": self.row,
            "line": self.line,
            "column": self.column,
            "item": self.item,
        }
        return {**{k: v for k, v in places.items() if v is not None}, "message": self.message}


class ProblemsFound(ValueError):
    """Nothing was changed; `problems` says every place that was wrong."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


def attach(form, error: HelhetError) -> None:
    """Show the error at its field, or above the form when it names none the form has. A field in
    a list of subforms is named as the page names it (``choices-2-value``)."""
    path = _field_path(form, error.field) if error.field else []
    if path:
        path[-1].errors = [*path[-1].errors, error.message]
        for outer in reversed(
            path[:-1]
        ):  # the lists that hold it show it too (form.errors, status())
            outer.errors = [entry.errors for entry in outer.entries]
    else:
        form.form_errors.append(error.message)


def _field_path(form, name: str, nested: bool = False) -> list:
    """[the field `name`], or [the FieldLists that hold it, ..., the field] for a field in a list of
    subforms, which is named as the page names it (``choices-2-value``); [] when there is none."""
    for key, field in form._fields.items():
        if (field.name if nested else key) == name:
            return [field]
        for entry in getattr(field, "entries", ()):
            if hasattr(entry, "form"):  # a FormField
                inner = _field_path(entry.form, name, nested=True)
            else:
                inner = [entry] if entry.name == name else []
            if inner:
                return [field, *inner]
    return []


def status(form, problems: list[Problem] | tuple = ()) -> int:
    """The status to render a form with: 422 when it shows errors (or the problems of a refused
    file, such as an import's), else 200."""
    return 422 if form.errors or problems else 200
