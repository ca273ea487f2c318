"""Survey rounds, invitation codes, drafts and anonymous responses.

Anonymity by construction: an Invitation has no link to the Response it produced, a Response keeps
only the day it was submitted, and the Draft (which does know its invitation) is deleted in the same
transaction that inserts the Response and marks the code completed. Anonymity against someone with
the database in hand (transaction ids, row order, leftover bytes) is collector/mixing.py's job: a
response is RECEIVED when sent, mixed into a shuffled batch of its unit (RELEASED) as soon as the
unit has enough of them, and the whole round is mixed once more when it is sealed after closing.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helhet.extensions import db
from helhet.models import OrgUnit, utcnow
from surveys.models import Questionnaire


class Campaign(db.Model):
    """A survey round: one published questionnaire version, some org units, a time window."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"), index=True)
    period: Mapped[int]  # the year whose population counts apply
    opens_at: Mapped[datetime]  # UTC, naive
    closes_at: Mapped[datetime]  # UTC, naive
    open_link: Mapped[bool] = mapped_column(default=False)
    use_codes: Mapped[bool] = mapped_column(default=True)
    min_group: Mapped[int] = mapped_column(default=5)
    # languages the round must offer (e.g. ["se"] in the Sami administrative area); None: none.
    # Creating, changing and opening the round warn when the questionnaire lacks one.
    required_languages: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # when the closed round's responses were mixed and its traces scrubbed (collector/mixing.py)
    sealed_at: Mapped[datetime | None]

    questionnaire: Mapped[Questionnaire] = relationship()
    units: Mapped[list[CampaignUnit]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan"
    )

    def state(self, now: datetime | None = None) -> CampaignState:
        """Where the round is in time: open when opens_at <= now < closes_at (all UTC)."""
        now = now or utcnow()
        if now < self.opens_at:
            return CampaignState.SCHEDULED
        if now >= self.closes_at:
            return CampaignState.CLOSED
        return CampaignState.OPEN


class CampaignState(enum.StrEnum):
    SCHEDULED = "scheduled"  # not yet open
    OPEN = "open"
    CLOSED = "closed"


class CampaignUnit(db.Model):
    """An org unit covered by a round; link_token makes its open link (/s/<token>)."""

    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    link_token: Mapped[str] = mapped_column(String(64), unique=True)

    campaign: Mapped[Campaign] = relationship(back_populates="units")
    unit: Mapped[OrgUnit] = relationship()


class InvitationStatus(enum.StrEnum):
    UNUSED = "unused"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class Invitation(db.Model):
    __table_args__ = (
        Index("ix_invitation_campaign_unit_status", "campaign_id", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[InvitationStatus] = mapped_column(default=InvitationStatus.UNUSED)
    # deliberately no link to Response and no timestamps: answers must not be traceable to a code


class Draft(db.Model):
    """Answers in progress, kept on the server until the respondent sends them.

    token_hash identifies the draft: for a code it is derived from the code, for an open link it
    is a random token held in the respondent's browser session.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), unique=True
    )
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ResponseSource(enum.StrEnum):
    WEB = "web"  # answered on the web with an invitation code
    OPEN_LINK = "open_link"  # answered on the web through a unit's open link
    PAPER = "paper"  # typed in from a paper form, or moved from another system


class ResponseState(enum.StrEnum):
    RECEIVED = "received"  # sent; waits to be mixed into a shuffled batch of its unit
    RELEASED = "released"  # mixed: its id, row and transaction are shared with its whole batch
    HELD = "held"  # an open-link answer held back for an administrator to accept or discard


class HoldReason(enum.StrEnum):
    OVER_POPULATION = "over_population"  # the unit already had as many answers as people
    BURST = "burst"  # one client sent several answers within a short time


class Response(db.Model):
    __table_args__ = (
        Index("ix_response_campaign_unit_day", "campaign_id", "unit_id", "submitted_on"),
        # finds the few responses of a unit that wait to be mixed (collector/mixing.py)
        Index("ix_response_campaign_unit_state", "campaign_id", "unit_id", "state"),
        # the few responses of a round that wait to be mixed, counted on every results view
        Index(
            "ix_response_received",
            "campaign_id",
            postgresql_where=text("state = 'received'"),
            sqlite_where=text("state = 'received'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    submitted_on: Mapped[date]  # the day only, never a precise time
    source: Mapped[ResponseSource] = mapped_column(default=ResponseSource.WEB)
    state: Mapped[ResponseState] = mapped_column(default=ResponseState.RELEASED)
    held_reason: Mapped[HoldReason | None]
    age_group: Mapped[str | None] = mapped_column(String(20))
    gender: Mapped[str | None] = mapped_column(String(20))

    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan")


class Answer(db.Model):
    """One answer: a number (scale point, number question) or a text (choice value, free text).

    A multiple-choice question gives one row per chosen value; "vet ikke" is dont_know with no
    value.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    question_key: Mapped[str] = mapped_column(String(64))
    value: Mapped[float | None]
    text: Mapped[str | None] = mapped_column(db.Text)
    dont_know: Mapped[bool] = mapped_column(default=False)


# --- tallies: the sufficient statistics of the released answers (collector/tallies.py) ----------


class TallyUnit(db.Model):
    """Released responses of a round per unit."""

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    responses: Mapped[int] = mapped_column(default=0)
    # a random number drawn anew by every change: results cached for a state that was rolled
    # back can never be taken for a later state with the same counts (results/cache.py)
    stamp: Mapped[int] = mapped_column(BigInteger, default=0)


class TallyItem(db.Model):
    """Released answers of a round per unit, scale question and value ("vet ikke": dont_know
    True and value 0)."""

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    question_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    dont_know: Mapped[bool] = mapped_column(primary_key=True)
    value: Mapped[float] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class TallyScore(db.Model):
    """Released responses of a round per unit, indicator, and the number of the indicator's items
    answered on the scale with the sum of those answers (the respondent's score is total /
    answered)."""

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    indicator_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    answered: Mapped[int] = mapped_column(primary_key=True)
    total: Mapped[float] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


# --- contacts: addresses and phone numbers to send invitations to (collector/invitations.py) ---


class ContactChannel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"


class DeliveryState(enum.StrEnum):
    """Where the contact's latest message (invitation or reminder) is. At most once: a message is
    marked SENDING and committed before it is handed to the server, so a send that is cut off and
    repeated never sends it again (it is reported as uncertain instead)."""

    PENDING = "pending"  # the invitation is still to be sent (also after a temporary failure)
    SENDING = "sending"  # handed over now, or cut off while it was (then: uncertain)
    SENT = "sent"  # the mail server or the SMS gateway accepted it
    REFUSED = "refused"  # the server refused the recipient (bad address or number): not sent
    UNCERTAIN = "uncertain"  # the connection broke after handing it over: never repeated


class Contact(db.Model):
    """One e-mail address or phone number of a round, with the invitation (code) it was given.

    It links the address to its invitation, and so to whether that code is completed (reminders
    go only to those who have not answered); never to a Response, a Draft or an Answer. The rows
    of a round are deleted when it closes (collector/invitations.py `forget_closed_rounds`).
    `code_seed` is random: with a key derived from SECRET_KEY it gives back the code (to repeat it
    in reminders); the code itself is never stored (collector/invitations.py says why).
    """

    __table_args__ = (UniqueConstraint("campaign_id", "channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), unique=True
    )
    channel: Mapped[ContactChannel]
    address: Mapped[str] = mapped_column(String(320))  # e-mail address, or phone number in E.164
    language: Mapped[str] = mapped_column(String(5), default="nb")
    code_seed: Mapped[str] = mapped_column(String(64))
    state: Mapped[DeliveryState] = mapped_column(default=DeliveryState.PENDING)
    # when the message being sent was marked SENDING; cleared once its outcome is known (kept, the
    # time of the latest reminder would say when reminders stopped: when the code was completed)
    claimed_at: Mapped[datetime | None]
    invited_at: Mapped[datetime | None]  # when the invitation was accepted by the server
    # the day (Europe/Oslo) of the latest reminder run that reached this contact; a run moves it
    # for completed codes too, so it never says when a code was completed
    reminded_on: Mapped[date | None]
    problem: Mapped[str | None] = mapped_column(String(300))  # the server's refusal, if any
