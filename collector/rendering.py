"""The questions of an answering page as HTML, each rendered once per published version.

Most of the work of showing an answering page is writing its questions: a scale question is a
fieldset with a legend, a hint and a labelled radio button per point. What that HTML holds is
fixed by the published questionnaire version, the language, the question's number and the one
answer that is checked (a scale point, a choice, «vet ikke» or none), so it is written once for
each of those and kept.

The fragments are kept on the `Survey` (collector.survey.load keeps one per published version in
each process), so they go with the version they were made from; a questionnaire that is not
published gets a new Survey for every request, so nothing of it outlives the request.

Never kept, always written anew: a question that shows an error message, and every question whose
HTML holds what someone typed or a set of their own (text, number, date, several choices). The key
of a kept fragment names the answer it shows, so a fragment can only be shown to someone who has
given that same answer; an answer that is not one of the question's choices (a forged draft) is
not kept, and the number of fragments per version is bounded (LIMIT).
"""

from __future__ import annotations

from flask import current_app
from markupsafe import Markup

from collector.survey import Survey
from helhet.i18n import current_language
from surveys import grids
from surveys.questiontypes import kind_of

TEMPLATE = "surveys/_question.html"
KEPT_LAYOUTS = frozenset({"scale", "radio"})  # one answer at most, always one of the choices
LIMIT = 20_000  # fragments per version: 100 questions x 7 answers x 6 languages x 4 and more


def questions_html(survey: Survey, items) -> Markup:
    """The (question, field) pairs of a page as HTML, consecutive grid questions as one grid, as
    the macro `render_questions` of templates/surveys/_question.html writes them."""
    macros = current_app.jinja_env.get_template(TEMPLATE).module
    language = current_language()
    parts = []
    for block in grids.blocks(items):
        key = fragment_key(block, language)
        html = survey.fragments.get(key) if key is not None else None
        if html is None:
            if block.grid:
                html = macros.render_grid(block.rows)
            else:
                html = macros.render_question(block.question, block.field, block.question.number)
            if key is not None and len(survey.fragments) < LIMIT:
                survey.fragments[key] = html
        parts.append(html)
    return Markup("\n").join(parts)


def fragment_key(block: grids.Block, language: str) -> tuple | None:
    """What a block's HTML depends on, or None when it may not be kept."""
    rows = []
    for question, field in block.rows:
        if field is None:  # information text: the same for everyone
            rows.append((question.key,))
            continue
        if field.errors or kind_of(question).layout not in KEPT_LAYOUTS:
            return None
        value = None if field.data is None else str(field.data)
        if value is not None and value not in {str(v) for v, _label in field.choices}:
            return None
        required = bool(field.flags.required)
        rows.append((question.key, question.number, field.name, field.id, value, required))
    return (language, block.grid, tuple(rows))
