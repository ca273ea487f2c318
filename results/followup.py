"""Writes for follow-up: a round's strengths to keep and areas to improve for one org unit, each
with agreed actions (what, owner, deadline) that are marked done when they are.

    point = add_point(campaign, unit, "improve", "Mer tid til opplæring")
    change_point(point, "strength", "...")
    action = add_action(point, "Fast opplæringsdag hver måned", "Enhetsleder", date(2027, 3, 1))
    change_action(action, text, owner, deadline)
    set_done(action, True)          # done today (Europe/Oslo); False makes it not done again
    delete_action(action); delete_point(point)          # a point goes with its actions

Each change raises FollowupError (with the field at fault) for what a person may not write, and
records itself in the audit log, which is where who wrote what, and when, is kept (results/
models.py keeps no author). Who may write is the route's decision: the readers of the unit's
summary. Reads are in results/queries.py.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from collector import clock
from collector.models import Campaign
from helhet import audit
from helhet.edge import first_control
from helhet.extensions import db
from helhet.models import OrgUnit
from helhet.problems import HelhetError
from results.models import (
    OWNER_LENGTH,
    TEXT_LENGTH,
    ActionStatus,
    FollowupAction,
    FollowupKind,
    FollowupPoint,
)

FIRST_DEADLINE = date(2000, 1, 1)
YEARS_AHEAD = 20  # a deadline is at most this many years ahead (to 31 December)

# The words the pages use (a kind, its heading, an action's status).
KIND_LABELS = {
    FollowupKind.STRENGTH.value: _l("Strength to keep"),
    FollowupKind.IMPROVE.value: _l("Area to improve"),
}
KIND_HEADINGS = {
    FollowupKind.STRENGTH.value: _l("Strengths to keep"),
    FollowupKind.IMPROVE.value: _l("Areas to improve"),
}
STATUS_LABELS = {  # a done action says on which day instead (templates/results/_followup.html)
    ActionStatus.OPEN.value: _l("Not done yet"),
    ActionStatus.OVERDUE.value: _l("Not done, deadline passed"),
}


class FollowupError(HelhetError):
    pass


def add_point(campaign: Campaign, unit: OrgUnit, kind: str, text: str) -> FollowupPoint:
    """A new strength to keep or area to improve for `unit` in the round."""
    point = FollowupPoint(
        campaign=campaign, unit=unit, kind=_kind(kind), text=_text(text, "description", point=True)
    )
    db.session.add(point)
    db.session.flush()
    audit.record("followup.point_added", _target(point), point_id=point.id, kind=point.kind.value)
    return point


def change_point(point: FollowupPoint, kind: str, text: str) -> FollowupPoint:
    new = {"kind": _kind(kind), "text": _text(text, "description", point=True)}
    _change(point, new, "followup.point_changed", point_id=point.id)
    return point


def delete_point(point: FollowupPoint) -> None:
    """Delete the point and its actions."""
    audit.record(
        "followup.point_deleted",
        _target(point),
        point_id=point.id,
        kind=point.kind.value,
        actions=len(point.actions),
    )
    db.session.delete(point)
    db.session.flush()


def add_action(
    point: FollowupPoint, text: str, owner: str, deadline: date | None
) -> FollowupAction:
    action = FollowupAction(
        point=point,
        text=_text(text, "action", point=False),
        owner=_owner(owner),
        deadline=_deadline(deadline),
    )
    db.session.add(action)
    db.session.flush()
    audit.record("followup.action_added", _target(point), point_id=point.id, action_id=action.id)
    return action


def change_action(
    action: FollowupAction, text: str, owner: str, deadline: date | None
) -> FollowupAction:
    new = {
        "text": _text(text, "action", point=False),
        "owner": _owner(owner),
        "deadline": _deadline(deadline),
    }
    _change(action, new, "followup.action_changed", point_id=action.point_id, action_id=action.id)
    return action


def set_done(action: FollowupAction, done: bool, today: date | None = None) -> FollowupAction:
    """Mark the action done (on `today`, Europe/Oslo) or not done; nothing changes, and nothing
    is recorded, when it already is."""
    if done == (action.done_on is not None):
        return action
    action.done_on = (today or clock.today()) if done else None
    db.session.flush()
    audit.record(
        "followup.action_done" if done else "followup.action_undone",
        _target(action.point),
        point_id=action.point_id,
        action_id=action.id,
    )
    return action


def delete_action(action: FollowupAction) -> None:
    point = action.point
    audit.record("followup.action_deleted", _target(point), point_id=point.id, action_id=action.id)
    point.actions.remove(action)
    db.session.flush()


# --- checks ----------------------------------------------------------------------------------


def _change(row, new: dict, event: str, **detail) -> None:
    changed = sorted(name for name, value in new.items() if getattr(row, name) != value)
    if not changed:
        return
    for name in changed:
        setattr(row, name, new[name])
    db.session.flush()
    point = row if isinstance(row, FollowupPoint) else row.point
    audit.record(event, _target(point), changed=changed, **detail)


def _target(point: FollowupPoint) -> str:
    """The round and unit, as the audit log names them."""
    return f"{point.campaign.name}: {point.unit.name} ({point.unit.code})"


def _kind(kind: str | None) -> FollowupKind:
    try:
        return FollowupKind(kind)
    except ValueError:
        raise FollowupError(
            _("Choose whether it is a strength to keep or an area to improve."), "kind"
        ) from None


def _text(text: str | None, field: str, point: bool) -> str:
    text = (text or "").strip()
    if not text:
        if point:
            raise FollowupError(_("Write the strength or the area to improve."), field)
        raise FollowupError(_("Write what is to be done."), field)
    _fits(text, TEXT_LENGTH, field, newlines=True)
    return text


def _owner(owner: str | None) -> str:
    owner = (owner or "").strip()
    if not owner:
        raise FollowupError(_("Write who is responsible for the action."), "owner")
    _fits(owner, OWNER_LENGTH, "owner", newlines=False)
    return owner


def _fits(text: str, length: int, field: str, newlines: bool) -> None:
    if len(text) > length:
        raise FollowupError(
            _("Write at most %(n)s characters (you wrote %(m)s).", n=length, m=len(text)), field
        )
    if first_control(text, newlines=newlines):
        raise FollowupError(_("Write ordinary characters only."), field)


def _deadline(deadline: date | None) -> date:
    if deadline is None:
        raise FollowupError(_("Give the deadline as a date."), "deadline")
    last = date(clock.today().year + YEARS_AHEAD, 12, 31)
    if not FIRST_DEADLINE <= deadline <= last:
        raise FollowupError(
            _(
                "Give a deadline from %(first)s to %(last)s.",
                first=FIRST_DEADLINE.strftime("%d.%m.%Y"),
                last=last.strftime("%d.%m.%Y"),
            ),
            "deadline",
        )
    return deadline
