"""The free-text answers of a round for administrators, never for a group under min_group.

    page = free_text_page(campaign, unit)    # `unit`'s subtree, as the page at .../fritekst shows

One list per free-text question, in questionnaire order, of the answers given in the units of
`unit`'s subtree whose rows the release rule lets out (results/release.py: not for a unit whose
response count the result pages hide, nor for one that would give such a unit away). Each list is
shuffled on its own (`random.SystemRandom`), so the n-th answer to one question is not the n-th
answer to another: nothing on the page ties two answers to one respondent. No dates, no response
numbers, no other answers. Control characters are dropped (they cannot be shown, and a browser
would show NUL as a replacement sign); the template escapes the rest. Reads only; administrators
only (the route's job).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from collector import dataset
from collector.models import Campaign, CampaignState
from collector.survey import load
from helhet.edge import strip_controls
from helhet.i18n import current_language
from helhet.models import OrgUnit
from results.release import Withheld, release
from surveys import conditions
from surveys.models import QuestionType


@dataclass(frozen=True)
class TextAnswer:
    unit: str  # the unit's name
    text: str


@dataclass(frozen=True)
class TextQuestion:
    key: str
    text: dict  # the question's text per language
    number: int | None  # as the respondent saw it
    answers: tuple[TextAnswer, ...]  # in random order
    asked_only: str = ""  # its condition in words when it was asked only under one ("" if not)


@dataclass(frozen=True)
class FreeTextPage:
    campaign: Campaign
    unit: OrgUnit
    questions: tuple[TextQuestion, ...]
    withheld: tuple[Withheld, ...]  # units of the subtree whose answers are not shown
    several_units: bool  # True when more than one unit is shown (each answer names its unit)
    min_group: int
    preliminary: bool


def free_text_page(campaign: Campaign, unit: OrgUnit) -> FreeTextPage:
    """The free-text answers of `campaign` in `unit`'s subtree (`unit` in the round's tree)."""
    survey = load(campaign.questionnaire_id, campaign.questionnaire.published_at)
    questions = [q for q in survey.questions if q.type == QuestionType.TEXT]
    rule = release(campaign, dataset.answers_frame(campaign))
    shown = rule.in_scope(unit.code) & rule.released
    names = {node.code: node.name for node in rule.tree.nodes}
    answers = dataset.answers_long(campaign)
    answers = answers[
        answers["unit"].isin(shown) & answers["question_key"].isin([q.key for q in questions])
    ]
    by_question: dict[str, list[TextAnswer]] = {}
    for row in answers.itertuples():
        text = strip_controls(row.text or "").strip()
        if text:
            by_question.setdefault(row.question_key, []).append(TextAnswer(names[row.unit], text))
    shuffle = random.SystemRandom().shuffle
    found = []
    by_key = {q.key: q for q in survey.questions}
    page_of = {q.key: page for page in survey.pages for q in page.questions}
    for question in questions:
        listed = by_question.get(question.key, [])
        shuffle(listed)
        condition = conditions.combined(page_of[question.key].condition, question.condition)
        words = conditions.describe(condition, by_key, current_language()) if condition else ""
        found.append(
            TextQuestion(question.key, question.text, question.number, tuple(listed), words)
        )
    return FreeTextPage(
        campaign,
        unit,
        tuple(found),
        rule.withheld_in(unit.code),
        len(shown) > 1,
        rule.min_group,
        campaign.state() != CampaignState.CLOSED,
    )
