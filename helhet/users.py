"""Users: creating them, signing them in, setting passwords, ending their sessions (reads of users
are in helhet.queries).

Writes flush; the caller commits. Every change that should take access away (a new password,
deactivation, another role or unit, signing out) raises the user's session version, which ends
all their sessions at once: a session holds "<id>:<version>" (User.get_id) and auth.load_user
refuses any other version.
"""

from __future__ import annotations

import secrets

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select, update
from werkzeug.security import check_password_hash

from helhet import audit, passwords, queries
from helhet.extensions import db
from helhet.models import OrgUnit, Role, User
from helhet.problems import HelhetError


class UserError(HelhetError):
    """The user could not be saved (helhet.problems.HelhetError: message, field)."""


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise UserError(
            _("%(email)s is not a valid email address.", email=email), "email"
        ) from None


def check_password_strength(password: str, email: str) -> None:
    """Raise UserError at the password field when `password` breaks the rule (helhet.passwords)."""
    found = passwords.problems(password, email)
    if found:
        raise UserError(" ".join(found), "password")


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None.

    One password hash is checked whatever the email, with the configured method: against the
    user's own hash, or against a dummy one when nobody active has that email, so that the time a
    failed login takes does not tell which emails exist.
    """
    user = queries.user_by_email(email)
    usable = user is not None and user.active
    matches = check_password_hash(user.password_hash if usable else _dummy_hash(), password)
    return user if usable and matches else None


def _dummy_hash() -> str:
    """A hash in werkzeug's "method$salt$digest" form that costs as much to check as a real one and
    matches no password (the digest is not hex). Made without hashing, so the first use is not
    slower.
    """
    return f"{passwords.hash_method()}${secrets.token_hex(8)}$not-a-digest"


def create_user(
    email: str, password: str, role: Role, unit: OrgUnit | None = None, name: str = ""
) -> User:
    email = normalise_email(email)
    if queries.user_by_email(email) is not None:
        raise UserError(_("A user with the email %(email)s already exists.", email=email), "email")
    check_password_strength(password, email)
    user = User(email=email, name=(name or "").strip(), role=role)
    _check_unit(role, unit)
    user.unit = unit if role == Role.LEADER else None
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", email, role=role.value, unit=unit.code if unit else None)
    return user


def update_user(user: User, role: Role, unit: OrgUnit | None, name: str, active: bool) -> User:
    """Save role, unit, name and whether the user may sign in. A change of role, unit or active
    ends the user's sessions. Raises UserError when it would leave no active administrator."""
    _check_unit(role, unit)
    unit = unit if role == Role.LEADER else None
    if not (role == Role.ADMIN and active):
        _check_not_last_admin(user, "role" if role != Role.ADMIN else "active")
    before = {
        "role": user.role.value,
        "unit": user.unit.code if user.unit else None,
        "active": user.active,
        "name": user.name,
    }
    access_changes = (role, unit.id if unit else None, active) != (
        user.role,
        user.unit_id,
        user.active,
    )
    user.role, user.name, user.active, user.unit = role, (name or "").strip(), active, unit
    if access_changes:
        end_sessions(user)
    db.session.flush()
    after = {
        "role": user.role.value,
        "unit": user.unit.code if user.unit else None,
        "active": user.active,
        "name": user.name,
    }
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changed:
        audit.record("user.changed", user.email, **changed)
    return user


def set_password(user: User, password: str) -> None:
    """A new password; every session of the user ends
    (the caller may sign the current one in again).
    """
    check_password_strength(password, user.email)
    user.set_password(password)
    end_sessions(user)
    db.session.flush()
    audit.record("user.password_set", user.email)


def end_sessions(user: User) -> None:
    """End every session of the user, in every browser (signing out, new password, less access)."""
    user.session_version = (user.session_version or 1) + 1
    db.session.flush()


def _check_not_last_admin(user: User, field: str) -> None:
    """Refuse to take the last active administrator's rights away: nobody could administer Helhet.

    Counted under a lock held until commit, so that two administrators stepping down at the same
    moment are counted one after the other: PostgreSQL locks the active administrators' rows
    (always in the same order), SQLite the whole database for the first writer, taken here with
    a write that changes nothing.
    """
    if not (user.role == Role.ADMIN and user.active):
        return
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(User).where(User.id == user.id).values(session_version=User.session_version)
        )
    admins = db.session.scalars(
        select(User.id)
        .where(User.role == Role.ADMIN, User.active)
        .order_by(User.id)
        .with_for_update()
    ).all()
    if user.id in admins and len(admins) == 1:
        raise UserError(
            _(
                "%(email)s is the only active administrator. Make another user an administrator"
                " first, so that someone can still manage Helhet.",
                email=user.email,
            ),
            field,
        )


def _check_unit(role: Role, unit: OrgUnit | None) -> None:
    if role == Role.LEADER and unit is None:
        raise UserError(
            _("A leader must belong to an org unit: the part of the organisation they may read."),
            "unit",
        )
