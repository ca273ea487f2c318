"""Tokens and a closed round for the API tests."""

from __future__ import annotations

from api import services
from collector import services as collector_services
from helhet.extensions import db
from helhet.models import User
from tests.results.factories import make_small_round


def make_token(user: User, name: str = "test") -> str:
    """A new token of `user`; returns the secret."""
    new = services.create_token(user, name)
    db.session.commit()
    return new.secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def close(campaign) -> None:
    collector_services.close_now(campaign)
    db.session.commit()


def make_closed_small_round(min_group: int = 5):
    """tests/results' small round (Hjemmetjenesten under min_group, so Sykehjemmet is hidden
    too), closed."""
    campaign = make_small_round(min_group)
    close(campaign)
    return campaign
