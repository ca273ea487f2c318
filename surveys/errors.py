"""What can go wrong with a questionnaire, said so that a person can find the place and fix it.

Every message is translated when it is made (the caller's request language; nb on the command
line). A `Problem` names its place in one of two ways:

    path            in our JSON format, e.g. ``sections[2].questions[0].type``
    sheet/row/column in an XLSForm workbook, e.g. sheet survey, row 14, column relevant

`QuestionnaireError` is one refused change from the editor or the command line (`field` names the
form field at fault). `InvalidQuestionnaire` is a file with errors: nothing was imported.
`UnsupportedContent` is an XLSForm with rows Helhet cannot represent: nothing was imported, and the
same file can be imported again with ``skip_unsupported=True``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _


@dataclass(frozen=True)
class Problem:
    message: str
    path: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    @property
    def place(self) -> str:
        """Where the problem is, in words ("" when it concerns the whole file)."""
        if self.path is not None:
            return self.path or _("the whole file")
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
        return {k: v for k, v in {
            "path": self.path, "sheet": self.sheet, "row": self.row, "column": self.column,
            "message": self.message,
        }.items() if v is not None}


class QuestionnaireError(ValueError):
    """A change that is not allowed. `field` names the form field at fault (None: the whole form);
    `path` names the place in the JSON format when the change came from a file."""

    def __init__(self, message: str, field: str | None = None, path: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.path = path


class InvalidQuestionnaire(ValueError):
    """A questionnaire file with errors. Nothing was imported; `problems` lists every place."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


class UnsupportedContent(ValueError):
    """An XLSForm with content Helhet cannot represent. Nothing was imported; `problems` lists every
    row (and what would happen to it with skip_unsupported=True)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems
