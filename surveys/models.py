"""Questionnaires: versioned, with sections, typed questions, choices and indicators.

Texts the respondent reads are stored per language as a JSON object
{"nb": ..., "nn": ..., "en": ...} (see helhet.i18n.localized for how a text is picked). A published
version is immutable; editing a published questionnaire means creating a new version, which copies
it and keeps the question keys.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, UniqueConstraint, event, false
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from helhet.extensions import db
from helhet.models import utcnow


class QuestionnaireKind(enum.StrEnum):
    CITIZEN = "citizen"
    SERVICE_USER = "service_user"
    EMPLOYEE = "employee"


class QuestionnaireStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class QuestionType(enum.StrEnum):
    SCALE = "scale"
    SINGLE = "single"
    MULTIPLE = "multiple"
    NUMBER = "number"
    TEXT = "text"
    INFO = "info"


class Dimension(enum.StrEnum):
    ECONOMY = "economy"
    SERVICE = "service"
    ORGANISATION = "organisation"
    COMMUNITY = "community"


class Questionnaire(db.Model):
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(default=1)
    kind: Mapped[QuestionnaireKind]
    status: Mapped[QuestionnaireStatus] = mapped_column(default=QuestionnaireStatus.DRAFT)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    # results show only indicators, no item (question) results, for org units of level unit: the
    # promise many employee surveys make (results.services leaves those item cells out)
    hide_unit_items: Mapped[bool] = mapped_column(default=False, server_default=false())
    # languages whose texts are unchecked machine-assisted translations (None: none), e.g. the
    # standard questionnaires' se, uk and pl: the editor and the publishing check say so
    unchecked_translations: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    sections: Mapped[list[Section]] = relationship(
        back_populates="questionnaire", cascade="all, delete-orphan", order_by="Section.position"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="questionnaire", cascade="all, delete-orphan", order_by="Indicator.position"
    )

    @property
    def is_published(self) -> bool:
        return self.status == QuestionnaireStatus.PUBLISHED

    @property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def __repr__(self) -> str:
        return f"<Questionnaire {self.key} v{self.version}>"


class Section(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    intro: Mapped[dict] = mapped_column(JSON, default=dict)
    # shown only when earlier answers meet this (surveys/conditions.py); None: always shown
    condition: Mapped[dict | None] = mapped_column(JSON)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="sections")
    questions: Mapped[list[Question]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="Question.position"
    )


class Question(db.Model):
    """One question. Which columns matter depends on the type:

    scale: scale_min, scale_max, low_label, high_label, dont_know
    single / multiple: choices
    number: min_value, max_value, integer_only
    text: max_length
    info: only text (shown, never answered)

    grid (scale only): a key shared by consecutive questions on the same scale that are shown as
    one grid (surveys.grids)
    """

    __table_args__ = (UniqueConstraint("questionnaire_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int] = mapped_column(
        ForeignKey("section.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(String(64))
    type: Mapped[QuestionType]
    text: Mapped[dict] = mapped_column(JSON, default=dict)
    help: Mapped[dict] = mapped_column(JSON, default=dict)
    required: Mapped[bool] = mapped_column(default=False)
    scale_min: Mapped[int | None]
    scale_max: Mapped[int | None]
    low_label: Mapped[dict] = mapped_column(JSON, default=dict)
    high_label: Mapped[dict] = mapped_column(JSON, default=dict)
    dont_know: Mapped[bool] = mapped_column(default=False)
    min_value: Mapped[float | None]
    max_value: Mapped[float | None]
    integer_only: Mapped[bool] = mapped_column(default=True)
    max_length: Mapped[int | None]
    # consecutive scale questions with the same grid key (on one scale) are shown as one grid:
    # statements as rows, scale points as columns on wide screens (presentation only)
    grid: Mapped[str | None] = mapped_column(String(64))
    # shown only when earlier answers meet this (surveys/conditions.py); None: always shown
    condition: Mapped[dict | None] = mapped_column(JSON)

    section: Mapped[Section] = relationship(back_populates="questions")
    questionnaire: Mapped[Questionnaire] = relationship()
    choices: Mapped[list[Choice]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="Choice.position"
    )

    def __repr__(self) -> str:
        return f"<Question {self.key} ({self.type})>"


class Choice(db.Model):
    __table_args__ = (UniqueConstraint("question_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    value: Mapped[str] = mapped_column(String(64))
    label: Mapped[dict] = mapped_column(JSON, default=dict)

    question: Mapped[Question] = relationship(back_populates="choices")


indicator_item = Table(
    "indicator_item",
    db.metadata,
    Column("indicator_id", ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True),
    Column("question_id", ForeignKey("question.id", ondelete="CASCADE"), primary_key=True),
)


class Indicator(db.Model):
    """A named set of scale questions that forms one score, belonging to one dimension."""

    __table_args__ = (UniqueConstraint("questionnaire_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[dict] = mapped_column(JSON, default=dict)
    dimension: Mapped[Dimension]
    min_share: Mapped[float] = mapped_column(default=0.5)
    favourable_from: Mapped[float | None]  # e.g. 5 on a 1-6 scale: answers >= 5 are favourable

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="indicators")
    questions: Mapped[list[Question]] = relationship(
        secondary=indicator_item, order_by="Question.position"
    )


@event.listens_for(Session, "before_flush")
def _question_belongs_to_its_sections_questionnaire(session, _context, _instances) -> None:
    """Question.questionnaire repeats Section.questionnaire (so keys can be unique per
    questionnaire); it is always derived here from the section, never set by hand."""
    for obj in session.new | session.dirty:
        if isinstance(obj, Question) and obj.section is not None:
            questionnaire = obj.section.questionnaire
            if questionnaire is not None and obj.questionnaire is not questionnaire:
                obj.questionnaire = questionnaire
