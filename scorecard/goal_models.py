"""The scorecard's goals and the dialogue around them (DESIGN §3): goals, leaders' comments on
them, the measures planned where a goal is not reached, the chief executive's summaries per
dimension, and which periods the administrator has published.

A goal is one indicator (a catalogue key: a figure indicator's key, or a survey indicator's
``<questionnaire key>.<indicator key>``) at one org unit in one period (a year), with a target.
Its dimension and direction are the indicator's (scorecard.queries.catalogue_entry), never stored
here. Its evaluation (value, interval, status, trend) is computed (scorecard/evaluation.py,
scorecard/card.py), never stored.

What the rows link: org units, indicators and users who wrote something (leaders and
administrators, by name, as in any council document). Nothing here names a respondent, a response
or an invitation: the survey numbers are read through the results service every time.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helhet.extensions import db
from helhet.models import OrgUnit, User, utcnow
from surveys.models import Dimension

KEY_LENGTH = 130  # a survey indicator's key: <questionnaire key (64)>.<indicator key (64)>
OWNER_LENGTH = 200
RATIONALE_LENGTH = 2000
EXPLANATION_LENGTH = 4000
COMMENT_LENGTH = 2000
MEASURE_LENGTH = 1000
SUMMARY_LENGTH = 4000


class GoalState(enum.StrEnum):
    """Where a goal is in the dialogue. Only accepted goals are on the scorecard."""

    PROPOSED = "proposed"  # a leader proposed it; an administrator accepts or rejects it
    ACCEPTED = "accepted"  # set by an administrator (or a proposal they accepted)
    REJECTED = "rejected"  # a proposal an administrator turned down (the leader may revise it)


class Goal(db.Model):
    """A target for one indicator at one org unit in one period (one goal per the three)."""

    __tablename__ = "goal"
    __table_args__ = (UniqueConstraint("indicator_key", "unit_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    # no cascade: an org unit with goals cannot be deleted (the admin page says it is in use)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    period: Mapped[str] = mapped_column(String(8), index=True)  # a year: "2026"
    target: Mapped[float]  # on the indicator's own scale (4.5 on 1-6; 2.0 percent)
    tolerance: Mapped[float | None]  # figure goals only: the band on the bad side of the target
    owner: Mapped[str] = mapped_column(String(OWNER_LENGTH), default="")  # a name or a role
    rationale: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[GoalState] = mapped_column(default=GoalState.ACCEPTED)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # the responsible leader's explanation where the goal is not (surely) reached
    explanation: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped[OrgUnit] = relationship()
    proposed_by: Mapped[User | None] = relationship()
    measures: Mapped[list[GoalMeasure]] = relationship(
        back_populates="goal",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="GoalMeasure.id",
    )
    comments: Mapped[list[GoalComment]] = relationship(
        back_populates="goal",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="GoalComment.id",
    )

    def __repr__(self) -> str:
        return f"<Goal {self.indicator_key} {self.period}>"


class MeasureStatus(enum.StrEnum):
    DONE = "done"  # carried out (done_on says when)
    PLANNED = "planned"  # not carried out yet, the deadline not passed
    OVERDUE = "overdue"  # not carried out, the deadline passed


class GoalMeasure(db.Model):
    """A measure planned for a goal that is not (surely) reached: what, who, by when, and whether
    it was carried out (the next period's scorecard shows it)."""

    __tablename__ = "goal_measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(MEASURE_LENGTH))
    responsible: Mapped[str] = mapped_column(String(OWNER_LENGTH))  # a name or a role, as typed
    deadline: Mapped[date]
    done_on: Mapped[date | None]  # the day it was marked carried out (Europe/Oslo)

    goal: Mapped[Goal] = relationship(back_populates="measures")

    def status(self, today: date) -> MeasureStatus:
        if self.done_on is not None:
            return MeasureStatus.DONE
        return MeasureStatus.OVERDUE if self.deadline < today else MeasureStatus.PLANNED


class GoalComment(db.Model):
    """A leader's or an administrator's comment on a goal (a proposal or an accepted one)."""

    __tablename__ = "goal_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(254))  # kept if the user is deleted
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="comments")


class DimensionSummary(db.Model):
    """The chief executive's short summary of one dimension in one period."""

    __tablename__ = "dimension_summary"
    __table_args__ = (UniqueConstraint("period", "dimension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(8))
    dimension: Mapped[Dimension]
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ScorecardPublication(db.Model):
    """A period whose scorecard anyone may read, without signing in (the administrator's
    choice). Unpublishing deletes the row."""

    __tablename__ = "scorecard_publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(8), unique=True)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
