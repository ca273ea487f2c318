"""Follow-up of a round's results: per round and org unit, the strengths a leader means to keep and
the areas to improve, each with agreed actions (what, who owns it, by when, done or not).

What the rows link, and what they deliberately do not:
- A point names a round and an org unit (any unit of the round's results tree, sectors and the
  municipality included), never a response, an invitation or a respondent.
- Nobody's user id and no time of writing is kept here: who wrote, changed, deleted or marked
  something done, and when, is in the audit log (helhet/audit.py), as for every administrator's
  action. The owner of an action is the free-text name the leader typed (a person or a role).
- An action keeps the day it was marked done (not a time), which the pages show.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from collector.models import Campaign
from helhet.extensions import db
from helhet.models import OrgUnit

TEXT_LENGTH = 1000  # a point's or an action's text
OWNER_LENGTH = 200  # an action's owner


class FollowupKind(enum.StrEnum):
    STRENGTH = "strength"  # a strength to keep
    IMPROVE = "improve"  # an area to improve


class ActionStatus(enum.StrEnum):
    DONE = "done"
    OPEN = "open"  # not done, the deadline not yet passed
    OVERDUE = "overdue"  # not done, the deadline passed


class FollowupPoint(db.Model):
    """A strength to keep or an area to improve, for one round and one org unit."""

    __tablename__ = "followup_point"
    __table_args__ = (Index("ix_followup_point_campaign_unit", "campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="CASCADE"))
    kind: Mapped[FollowupKind]
    text: Mapped[str] = mapped_column(String(TEXT_LENGTH))
    # deliberately no author and no timestamps: the audit log says who changed what, and when

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[OrgUnit] = relationship()
    actions: Mapped[list[FollowupAction]] = relationship(
        back_populates="point",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="FollowupAction.id",
    )


class FollowupAction(db.Model):
    """An agreed action for a point: what is to be done, who owns it, the deadline, and whether
    (and on which day) it was done."""

    __tablename__ = "followup_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(
        ForeignKey("followup_point.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(TEXT_LENGTH))
    owner: Mapped[str] = mapped_column(String(OWNER_LENGTH))  # a name or a role, as typed
    deadline: Mapped[date]
    done_on: Mapped[date | None]  # the day it was marked done (Europe/Oslo); None: not done

    point: Mapped[FollowupPoint] = relationship(back_populates="actions")

    def status(self, today: date) -> ActionStatus:
        """Done, not done, or not done with its deadline passed (as of `today`)."""
        if self.done_on is not None:
            return ActionStatus.DONE
        return ActionStatus.OVERDUE if self.deadline < today else ActionStatus.OPEN
