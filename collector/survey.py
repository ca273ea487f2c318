"""A published questionnaire as the answering pages need it: pages of questions, kept in memory.

A published questionnaire version never changes, so each app process loads it once and keeps a
plain, immutable snapshot (``Survey``) and its answer-form classes per page and language. This is
a cache of immutable data, not state another process needs (DESIGN §6): a second process builds
the same snapshot from the database. Draft (unpublished) questionnaires are never cached.

``QuestionView`` has the attributes of ``surveys.models.Question`` that the question-type registry
(``surveys.questiontypes``) and ``templates/surveys/_question.html`` read, so both work on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from helhet.extensions import db
from helhet.problems import Problem
from surveys import conditions
from surveys.models import Question, Questionnaire, QuestionType, Section
from surveys.questiontypes import AnswerError, answer_rows, build_answer_form, kind_of
from surveys.values import covered_languages


@dataclass(frozen=True)
class ChoiceView:
    value: str
    label: dict


@dataclass(frozen=True)
class QuestionView:
    key: str
    type: QuestionType
    text: dict
    help: dict
    required: bool
    scale_min: int | None
    scale_max: int | None
    low_label: dict
    high_label: dict
    dont_know: bool
    min_value: float | None
    max_value: float | None
    integer_only: bool
    max_length: int | None
    choices: tuple[ChoiceView, ...]
    number: int | None  # the number shown to the respondent; None for information text
    grid: str | None = None  # shown in a grid with its neighbours of the same grid (surveys.grids)
    condition: dict | None = None  # shown only when earlier answers meet it (surveys.conditions)

    @property
    def answerable(self) -> bool:
        return kind_of(self).answerable

    @classmethod
    def of(cls, question: Question, number: int | None) -> QuestionView:
        return cls(
            key=question.key,
            type=QuestionType(question.type),
            text=dict(question.text or {}),
            help=dict(question.help or {}),
            required=bool(question.required),
            scale_min=question.scale_min,
            scale_max=question.scale_max,
            low_label=dict(question.low_label or {}),
            high_label=dict(question.high_label or {}),
            dont_know=bool(question.dont_know),
            min_value=question.min_value,
            max_value=question.max_value,
            integer_only=bool(question.integer_only),
            max_length=question.max_length,
            choices=tuple(ChoiceView(c.value, dict(c.label or {})) for c in question.choices),
            number=number,
            grid=question.grid,
            condition=question.condition or None,
        )


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    title: dict
    intro: dict
    questions: tuple[QuestionView, ...]
    condition: dict | None = None  # the section's: shown only when earlier answers meet it


@dataclass(frozen=True)
class AnswerProblem(Problem):
    """Why a draft cannot be sent yet: a question is unanswered or its stored answer is wrong.

    A helhet.problems.Problem whose `path` is the question's key and `row` its page (1-based);
    `question` is what the review page shows of it (its number, and its type for the link).
    """

    question: QuestionView | None = field(default=None, compare=False, repr=False)

    @classmethod
    def at(cls, page: Page, question: QuestionView, message: str) -> AnswerProblem:
        return cls(message, path=question.key, row=page.number, question=question)

    @property
    def place(self) -> str:
        return _("Question %(n)s", n=self.question.number)


@dataclass(frozen=True)
class Survey:
    questionnaire_id: int
    key: str
    title: dict
    description: dict
    pages: tuple[Page, ...]
    _forms: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    # the HTML of its questions, written once per language and answer (collector.rendering)
    fragments: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def questions(self) -> list[QuestionView]:
        return [q for p in self.pages for q in p.questions]

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """The respondent languages this questionnaire can be answered in (nb, nn, en always;
        se, uk, pl when every text has them: surveys.values.covered_languages)."""
        return covered_languages(
            self.title,
            (q.text for q in self.questions),
            (c.label for q in self.questions for c in q.choices),
        )

    def page(self, number: int) -> Page | None:
        return self.pages[number - 1] if 1 <= number <= len(self.pages) else None

    @cached_property
    def has_conditions(self) -> bool:
        return any(p.condition for p in self.pages) or any(q.condition for q in self.questions)

    @cached_property
    def _everything(self) -> tuple[frozenset[int], tuple[str, ...], frozenset[str]]:
        """Every page number, and every question key in order and as a set."""
        keys = tuple(q.key for q in self.questions)
        return frozenset(range(1, self.page_count + 1)), keys, frozenset(keys)

    def asked(self, answers: dict) -> conditions.Asked:
        """The pages and questions shown for a draft's answers, and the answers that count."""
        if self.has_conditions:
            return conditions.asked(self.pages, answers)
        # everything is asked (a page without questions too): conditions.asked's answer, found
        # without walking the pages (this runs several times for every answering request)
        pages, keys, key_set = self._everything
        counted = {k: answers[k] for k in keys if not conditions.is_missing(answers.get(k))}
        return conditions.Asked(pages, key_set, counted)

    def shown(self, page: Page, answers: dict) -> tuple[QuestionView, ...]:
        """The questions of `page` that are shown for `answers` (all of them without conditions)."""
        if not self.has_conditions:
            return page.questions
        keys = self.asked(answers).questions
        return tuple(q for q in page.questions if q.key in keys)

    def next_page(self, number: int, answers: dict) -> int | None:
        """The first shown page after page `number`; None when the review page comes next."""
        shown = self.asked(answers).pages
        return next((n for n in range(number + 1, self.page_count + 1) if n in shown), None)

    def previous_page(self, number: int, answers: dict) -> int | None:
        """The last shown page before page `number`; None when there is none."""
        shown = self.asked(answers).pages
        return next((n for n in range(number - 1, 0, -1) if n in shown), None)

    def is_last(self, number: int, answers: dict) -> bool:
        """Whether the review comes after page `number` whatever is answered on it: no later page
        is shown now, and none could be shown by an answer on this page (or the pages between),
        since its condition reads none of them. The button then says so."""
        if self.next_page(number, answers) is not None:
            return False
        answered_from_here = {q.key for p in self.pages[number - 1 :] for q in p.questions}
        return not any(
            answered_from_here.intersection(conditions.referred(part.condition))
            for later in self.pages[number:]
            for part in (later, *later.questions)
        )

    def last_page(self, answers: dict) -> int:
        shown = self.asked(answers).pages
        return max(shown, default=1)

    def form_class(self, page: Page, language: str, questions=None):
        """The answer-form class for a page (or the shown `questions` of it) in a language (built
        once per process for each set of shown questions)."""
        questions = page.questions if questions is None else tuple(questions)
        cache_key = (page.number, language, tuple(q.key for q in questions))
        form_class = self._forms.get(cache_key)
        if form_class is None:
            form_class = build_answer_form(list(questions), language)
            self._forms[cache_key] = form_class
        return form_class

    def problems(self, answers: dict) -> list[AnswerProblem]:
        """Required questions without an answer, and stored answers that do not fit (checked
        again before sending, so a draft can never put a wrong value into the responses). Only
        shown questions count: a question hidden by a condition is never required, and its
        answer, if the draft still has one, is not sent (`answer_dicts`)."""
        found = []
        shown = self.asked(answers).questions
        for page in self.pages:
            for question in page.questions:
                kind = kind_of(question)
                if not kind.answerable or question.key not in shown:
                    continue
                stored = answers.get(question.key)
                if stored is None:
                    if question.required:
                        found.append(
                            AnswerProblem.at(page, question, kind.required_message(question))
                        )
                    continue
                try:
                    kind.check(question, stored)
                except AnswerError as error:
                    found.append(AnswerProblem.at(page, question, str(error)))
                except (TypeError, ValueError):
                    found.append(
                        AnswerProblem.at(page, question, _("The answer could not be read."))
                    )
        return found

    def answer_dicts(self, answers: dict, response_id: int) -> list[dict]:
        """Rows for one bulk insert into the answer table: the answers of shown questions only
        (an answer to a question that a later change hid is dropped here)."""
        counted = self.asked(answers).answers
        return [row.as_dict(response_id) for row in answer_rows(self.questions, counted)]


def _snapshot(questionnaire: Questionnaire) -> Survey:
    pages, number = [], 0
    for position, section in enumerate(questionnaire.sections, start=1):
        views = []
        for question in section.questions:
            shown = None
            if kind_of(question).answerable:
                number += 1
                shown = number
            views.append(QuestionView.of(question, shown))
        pages.append(
            Page(
                position,
                dict(section.title or {}),
                dict(section.intro or {}),
                tuple(views),
                section.condition or None,
            )
        )
    return Survey(
        questionnaire_id=questionnaire.id,
        key=questionnaire.key,
        title=dict(questionnaire.title or {}),
        description=dict(questionnaire.description or {}),
        pages=tuple(pages),
    )


def load(questionnaire_id: int, published_at: datetime | None = None) -> Survey:
    """The survey for a questionnaire version; cached per process once published."""
    cache = current_app.extensions.setdefault("collector.surveys", {})
    if published_at is not None:
        cached = cache.get((questionnaire_id, published_at))
        if cached is not None:
            return cached
    questionnaire = db.session.scalar(
        select(Questionnaire)
        .where(Questionnaire.id == questionnaire_id)
        .options(
            selectinload(Questionnaire.sections)
            .selectinload(Section.questions)
            .selectinload(Question.choices)
        )
    )
    if questionnaire is None:
        raise LookupError(f"no questionnaire {questionnaire_id}")
    survey = _snapshot(questionnaire)
    if questionnaire.published_at is not None and questionnaire.is_published:
        cache[(questionnaire_id, questionnaire.published_at)] = survey
    return survey
