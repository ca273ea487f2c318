"""Reads of the core: users and the org-unit tree. Writes are in helhet.users and helhet.orgunits.

    queries.user_by_email("kari@kommune.no")  # the user, or None (email without regard to case)
    queries.all_users()                       # every user, by email
    queries.unit_by_code("4601-helse")        # one org unit, or None
    queries.flattened(within)                 # [(unit, depth)] in tree order, for lists and selects
    queries.subtree_ids(unit)                 # the ids of a unit and every unit below it

The tree is read whole, in a few queries (all_units); walking it (roots, flattened, descendants,
subtree_ids) asks the database nothing more.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from helhet.extensions import db
from helhet.models import OrgUnit, User

# --- users -----------------------------------------------------------------------------------


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))


# --- org units -------------------------------------------------------------------------------


def all_units() -> list[OrgUnit]:
    """Every unit, with its children and populations loaded in the same few queries, so that
    walking the tree (flattened, descendants, subtree_ids) asks the database nothing more."""
    return list(
        db.session.scalars(
            select(OrgUnit)
            .order_by(OrgUnit.code)
            .options(selectinload(OrgUnit.children), selectinload(OrgUnit.populations))
        )
    )


def unit_by_code(code: str) -> OrgUnit | None:
    return db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def roots(within: set[int] | None = None) -> list[OrgUnit]:
    """The top of the tree; for a leader (within = their subtree) the top of their part of it."""
    units = all_units()
    if within is None:
        return [u for u in units if u.parent_id is None]
    return [u for u in units if u.id in within and u.parent_id not in within]


def flattened(within: set[int] | None = None) -> list[tuple[OrgUnit, int]]:
    """(unit, depth) in tree order, for select lists and indented tables."""
    out: list[tuple[OrgUnit, int]] = []

    def walk(unit: OrgUnit, depth: int) -> None:
        out.append((unit, depth))
        for child in sorted(unit.children, key=lambda u: u.name):
            walk(child, depth + 1)

    for root in sorted(roots(within), key=lambda u: u.name):
        walk(root, 0)
    return out


def population(unit: OrgUnit, period: int) -> int | None:
    return next((p.count for p in unit.populations if p.period == period), None)


def descendants(unit: OrgUnit) -> list[OrgUnit]:
    """Every unit below `unit` (the tree is loaded once, not one query per level)."""
    all_units()
    found, stack = [], list(unit.children)
    while stack:
        u = stack.pop()
        found.append(u)
        stack.extend(u.children)
    return found


def subtree_ids(root: OrgUnit) -> set[int]:
    """The ids of `root` and every unit below it."""
    return {root.id, *(u.id for u in descendants(root))}


def unit_dict(unit: OrgUnit) -> dict:
    """A unit as JSON-ready data (for `helhet orgunits list --format json`)."""
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level.value,
        "parent": unit.parent.code if unit.parent else None,
        "population": {str(p.period): p.count for p in unit.populations},
    }
