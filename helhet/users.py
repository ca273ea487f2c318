"""Users: creating them and setting passwords. Writes flush; the caller commits."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from helhet.extensions import db
from helhet.models import OrgUnit, Role, User

MIN_PASSWORD_LENGTH = 10


class UserError(ValueError):
    """The user could not be saved; the message is translated and `field` names the field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise UserError("email", _("%(email)s is not a valid email address.", email=email)) from None


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError("password", _("The password must have at least %(n)s characters.", n=MIN_PASSWORD_LENGTH))


def by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))


def create_user(email: str, password: str, role: Role, unit: OrgUnit | None = None, name: str = "") -> User:
    email = normalise_email(email)
    if by_email(email) is not None:
        raise UserError("email", _("A user with the email %(email)s already exists.", email=email))
    check_password_strength(password)
    user = User(email=email, name=(name or "").strip(), role=role)
    _check_unit(role, unit)
    user.unit = unit if role == Role.LEADER else None
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, role: Role, unit: OrgUnit | None, name: str, active: bool) -> User:
    _check_unit(role, unit)
    user.role, user.name, user.active = role, (name or "").strip(), active
    user.unit = unit if role == Role.LEADER else None
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    check_password_strength(password)
    user.set_password(password)
    db.session.flush()


def _check_unit(role: Role, unit: OrgUnit | None) -> None:
    if role == Role.LEADER and unit is None:
        raise UserError("unit", _("A leader must belong to an org unit: the part of the organisation they may read."))
