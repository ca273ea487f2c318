"""Core nouns: users with roles, and the org-unit tree with its population per period."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from helhet.extensions import db
from helhet.passwords import hash_method


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Role(enum.StrEnum):
    ADMIN = "admin"
    LEADER = "leader"


class UnitLevel(enum.StrEnum):
    MUNICIPALITY = "municipality"
    SECTOR = "sector"
    UNIT = "unit"


class OrgUnit(db.Model):
    """A node of the organisation: the municipality, a sector, or a unit
    (a workplace or service).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[UnitLevel]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent", order_by="OrgUnit.name")
    populations: Mapped[list[UnitPopulation]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitPopulation.period"
    )

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code}>"


class UnitPopulation(db.Model):
    """How many people a unit employs or serves in one period (a year): the N of the fpc."""

    __table_args__ = (UniqueConstraint("unit_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="CASCADE"))
    period: Mapped[int]
    count: Mapped[int]

    unit: Mapped[OrgUnit] = relationship(back_populates="populations")


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role]
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # part of every session's id (get_id): raising it ends all of this user's sessions
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    unit: Mapped[OrgUnit | None] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=hash_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """The user as a session holds it (Flask-Login's alternative id):
        a stale version signs nobody in.
        """
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class AuditEvent(db.Model):
    """Who did what, when: an administrator's action (helhet/audit.py). Never respondents' data:
    the target names a questionnaire, round, unit or user, and `detail` holds counts and settings.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # UTC
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(
        String(254)
    )  # the user's email then, or "command line (os user)"
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[dict] = mapped_column(db.JSON, default=dict)
