"""Writes for the API: a user's tokens, created and revoked (each recorded in the audit log).

new = create_token(user, "Power BI")    # new.secret is shown once; only its hash is stored
revoke_token(user, "Power BI")
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _

from api import queries
from api.models import ApiToken, token_hash
from helhet import audit
from helhet.edge import first_control
from helhet.extensions import db
from helhet.models import User, utcnow
from helhet.problems import HelhetError

PREFIX = "hlt_"  # tells a reader (and a secret scanner) what the string is
NAME_LENGTH = 100  # ApiToken.name


class TokenError(HelhetError):
    pass


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown to the user once, never stored


def clean_name(name: str) -> str:
    """The token's name as stored; raises TokenError for an empty, too long or unreadable one."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("Give the token a name."), "name")
    if len(name) > NAME_LENGTH or first_control(name, newlines=False):
        raise TokenError(
            _("The name must be at most %(count)s ordinary characters.", count=NAME_LENGTH),
            "name",
        )
    return name


def create_token(user: User, name: str) -> NewToken:
    """A new token for `user`. Raises TokenError when the user already has a token in use with
    this name (the name is how the user, and `helhet token revoke`, tell tokens apart)."""
    name = clean_name(name)
    if queries.active_token(user, name) is not None:
        raise TokenError(_("You already have a token named %(name)s.", name=name), "name")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=token_hash(secret))
    db.session.add(token)
    db.session.flush()
    audit.record("token.created", user.email, name=name)
    return NewToken(token, secret)


def revoke(token: ApiToken) -> ApiToken:
    """Stop the token from working, at once and for good."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        audit.record("token.revoked", token.user.email, name=token.name)
    return token


def revoke_token(user: User, name: str) -> ApiToken:
    """Revoke the user's token in use with this name; raises TokenError when there is none."""
    token = queries.active_token(user, (name or "").strip())
    if token is None:
        raise TokenError(_("There is no token in use named %(name)s.", name=name), "name")
    return revoke(token)
