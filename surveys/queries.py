"""Reading questionnaires. The collector and the results pages use these; keep them small.

    queries.published("innbygger")          # the newest published version, or None
    queries.published("innbygger", 2)       # version 2 if it is published, else None
    queries.get(questionnaire_id)           # any version by id, or None
    queries.sections(questionnaire)         # sections in order
    queries.pages(questionnaire)            # [(section, [questions])], one page per section
    queries.answerable_questions(q)         # questions that take an answer, in order
    queries.question_by_key(q, "tj_info")   # one question, or None
    queries.part(Section, section_id, q)    # a section, question or indicator of q, or None

Lists are always in the order the respondent meets them (section position, then question position).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from helhet.config import RESPONDENT_LANGUAGES
from helhet.extensions import db
from surveys.models import (
    Indicator,
    Question,
    Questionnaire,
    QuestionnaireStatus,
    QuestionType,
    Section,
)
from surveys.questiontypes import kind_of
from surveys.values import covered_languages, texts


def get(questionnaire_id: int) -> Questionnaire | None:
    """A questionnaire version by id (draft or published)."""
    return db.session.get(Questionnaire, questionnaire_id)


def version(key: str, number: int) -> Questionnaire | None:
    """Version `number` of the questionnaire `key` (draft or published)."""
    return db.session.scalar(
        select(Questionnaire).where(Questionnaire.key == key, Questionnaire.version == number)
    )


def versions(key: str) -> list[Questionnaire]:
    """Every version of `key`, oldest first."""
    return list(
        db.session.scalars(
            select(Questionnaire).where(Questionnaire.key == key).order_by(Questionnaire.version)
        )
    )


def latest(key: str) -> Questionnaire | None:
    """The newest version of `key`, whatever its status."""
    return db.session.scalar(
        select(Questionnaire)
        .where(Questionnaire.key == key)
        .order_by(Questionnaire.version.desc())
        .limit(1)
    )


def draft(key: str) -> Questionnaire | None:
    """The draft of `key` (there is at most one), or None."""
    return db.session.scalar(
        select(Questionnaire)
        .where(Questionnaire.key == key, Questionnaire.status == QuestionnaireStatus.DRAFT)
        .order_by(Questionnaire.version.desc())
        .limit(1)
    )


def published(key: str, version: int | None = None) -> Questionnaire | None:
    """The newest published version of `key` (or the given version, if it is published)."""
    query = select(Questionnaire).where(
        Questionnaire.key == key, Questionnaire.status == QuestionnaireStatus.PUBLISHED
    )
    if version is not None:
        query = query.where(Questionnaire.version == version)
    return db.session.scalar(query.order_by(Questionnaire.version.desc()).limit(1))


def all_published() -> list[Questionnaire]:
    """Every published version, by key and then newest version first
    (for choosing one for a round).
    """
    return list(
        db.session.scalars(
            select(Questionnaire)
            .where(Questionnaire.status == QuestionnaireStatus.PUBLISHED)
            .order_by(Questionnaire.key, Questionnaire.version.desc())
        )
    )


def next_version(key: str) -> int:
    highest = db.session.scalar(
        select(func.max(Questionnaire.version)).where(Questionnaire.key == key)
    )
    return (highest or 0) + 1


def sections(questionnaire: Questionnaire) -> list[Section]:
    """The sections in order."""
    return sorted(questionnaire.sections, key=lambda s: s.position)


def questions(questionnaire: Questionnaire) -> list[Question]:
    """All questions (information texts too) in the order the respondent meets them."""
    return [
        q for s in sections(questionnaire) for q in sorted(s.questions, key=lambda q: q.position)
    ]


def pages(questionnaire: Questionnaire) -> list[tuple[Section, list[Question]]]:
    """One page per section: (section, its questions in order)."""
    return [(s, sorted(s.questions, key=lambda q: q.position)) for s in sections(questionnaire)]


def answerable_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questions that take an answer (everything but information texts), in order."""
    return [q for q in questions(questionnaire) if kind_of(q).answerable]


def scale_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questions that can be an indicator's items (scale questions), in order."""
    return [q for q in questions(questionnaire) if kind_of(q).for_indicators]


def part(model: type[Section | Question | Indicator], ident: int, questionnaire: Questionnaire):
    """The section, question or indicator `ident` if it belongs to `questionnaire`, else None."""
    found = db.session.get(model, ident)
    return found if found is not None and found.questionnaire is questionnaire else None


def question_by_key(questionnaire: Questionnaire, key: str) -> Question | None:
    return next((q for q in questionnaire.questions if q.key == key), None)


def indicators(questionnaire: Questionnaire) -> list[Indicator]:
    return sorted(questionnaire.indicators, key=lambda i: i.position)


def indicator_items(indicator: Indicator) -> list[Question]:
    """The indicator's scale questions, in questionnaire order."""
    order = {q.id: i for i, q in enumerate(questions(indicator.questionnaire))}
    return sorted(indicator.questions, key=lambda q: order.get(q.id, len(order)))


def question_numbers(questionnaire: Questionnaire) -> dict[int, int]:
    """Question id -> the number the respondent sees (answerable questions counted from 1)."""
    return {q.id: n for n, q in enumerate(answerable_questions(questionnaire), start=1)}


@dataclass(frozen=True)
class KeyHistory:
    """How a question key was asked in an earlier published version
    (results are compared by key).
    """

    version: int
    type: QuestionType
    scale_min: int | None
    scale_max: int | None


def published_history(key: str, before_version: int | None = None) -> dict[str, KeyHistory]:
    """Question key -> how the newest earlier published version of `key` asked it."""
    query = select(Questionnaire).where(
        Questionnaire.key == key, Questionnaire.status == QuestionnaireStatus.PUBLISHED
    )
    if before_version is not None:
        query = query.where(Questionnaire.version < before_version)
    history: dict[str, KeyHistory] = {}
    for questionnaire in db.session.scalars(query.order_by(Questionnaire.version)):
        for q in questionnaire.questions:
            history[q.key] = KeyHistory(
                questionnaire.version, QuestionType(q.type), q.scale_min, q.scale_max
            )
    return history


@dataclass(frozen=True)
class Overview:
    """One questionnaire key for the list page: its newest version and every version."""

    key: str
    latest: Questionnaire
    versions: list[Questionnaire]


def overview() -> list[Overview]:
    """Every questionnaire key with its versions, sorted by key."""
    by_key: dict[str, list[Questionnaire]] = {}
    for q in db.session.scalars(
        select(Questionnaire).order_by(Questionnaire.key, Questionnaire.version)
    ):
        by_key.setdefault(q.key, []).append(q)
    return [Overview(key, found[-1], found) for key, found in by_key.items()]


def question_counts() -> dict[int, int]:
    """Questionnaire id -> number of questions (one query for the list page)."""
    rows = db.session.execute(
        select(Question.questionnaire_id, func.count()).group_by(Question.questionnaire_id)
    )
    return dict(rows.all())


def answer_languages(questionnaire: Questionnaire) -> tuple[str, ...]:
    """The respondent languages the questionnaire can be answered in: nb, nn, en, and each of se,
    uk, pl in which every text a respondent must read is written (surveys.values)."""
    questions = list(questionnaire.questions)
    return covered_languages(
        questionnaire.title,
        (q.text for q in questions),
        (c.label for q in questions for c in q.choices),
    )


def partial_languages(questionnaire: Questionnaire) -> list[str]:
    """se, uk or pl texts that some part of the questionnaire has but not all: a respondent
    cannot choose such a language until the rest is written."""
    questions = list(questionnaire.questions)
    found = [questionnaire.title, *(q.text for q in questions)]
    found += [c.label for q in questions for c in q.choices]
    used = {lang for value in found for lang in texts(value)}
    offered = answer_languages(questionnaire)
    return [lang for lang in RESPONDENT_LANGUAGES if lang in used and lang not in offered]
