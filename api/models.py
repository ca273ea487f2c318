"""A user's API tokens. The secret is shown once and only its SHA-256 is kept."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helhet.extensions import db
from helhet.models import User, utcnow


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the secret
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  # UTC
    revoked_at: Mapped[datetime | None]  # UTC; a revoked token never works again

    user: Mapped[User] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name!r} of user {self.user_id}>"


def token_hash(secret: str) -> str:
    """What is stored of a token: the SHA-256 of its secret, in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
