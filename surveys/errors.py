"""What can go wrong with a questionnaire, in the shapes of helhet.problems.

A file's problems are `helhet.problems.Problem`s, each at its place: a `path` in our JSON format
(``sections[2].questions[0].type``) or a `sheet`/`row`/`column` of an XLSForm workbook. Every
message is translated when it is made (the caller's request language; nb on the command line).

`QuestionnaireError(message, field=None)` is one refused change from the editor or the command
line (`field` names the form field at fault, None the form as a whole). `InvalidQuestionnaire` is a
file with errors: nothing was imported. `UnsupportedContent` is an XLSForm with rows Helhet cannot
represent: nothing was imported, and the same file can be imported again with
``skip_unsupported=True``.
"""

from __future__ import annotations

from helhet.problems import HelhetError, ProblemsFound


class QuestionnaireError(HelhetError):
    """A change to a questionnaire that is not allowed."""


class InvalidQuestionnaire(ProblemsFound):
    """A questionnaire file with errors. Nothing was imported; `problems` lists every place."""


class UnsupportedContent(ProblemsFound):
    """An XLSForm with content Helhet cannot represent. Nothing was imported; `problems` lists every
    row (and what would happen to it with skip_unsupported=True)."""
