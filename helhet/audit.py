"""The audit log: who published a questionnaire, closed a round, imported answers or changed a user.

Services call `record()` for each administrator's action; the row joins the service's transaction,
so it is stored exactly when the change is. The actor is the signed-in user during a request and
"command line (<os user>)" for `helhet` commands. Nothing about respondents is ever recorded:
targets are questionnaires, rounds, units and users, details are counts and settings.

Once the transaction that holds an event commits, each function given to `after_commit` gets the
event as `as_dict` shows it: the server log writes it as a JSON line (helhet/logging_json.py) and
the metrics count imports (helhet/metrics.py), from the same record, never from a copy of it.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from helhet.extensions import db
from helhet.models import AuditEvent

# Every action the log knows, with the words the log page shows for it.
ACTIONS = {
    "questionnaire.created": _l("created the questionnaire"),
    "questionnaire.imported": _l("imported the questionnaire"),
    "questionnaire.new_version": _l("started a new version of the questionnaire"),
    "questionnaire.published": _l("published the questionnaire"),
    "questionnaire.deleted": _l("deleted the draft of the questionnaire"),
    "indicator.created": _l("created the figure indicator"),
    "indicator.changed": _l("changed the figure indicator"),
    "indicators.imported": _l("imported figure indicators"),
    "figures.imported": _l("imported figures from"),
    "round.created": _l("created the survey round"),
    "round.extended": _l("extended the survey round"),
    "round.closed": _l("closed the survey round"),
    "round.codes_issued": _l("issued invitation codes for the survey round"),
    "round.contacts_imported": _l("added addresses or phone numbers to invite to the survey round"),
    "round.invitations_sent": _l("sent invitations for the survey round"),
    "round.reminders_sent": _l("sent reminders for the survey round"),
    "round.paper_imported": _l("imported paper answers into the survey round"),
    "round.held_accepted": _l("counted held open-link answers in the survey round"),
    "round.held_discarded": _l("deleted held open-link answers in the survey round"),
    "round.answers_exported": _l("downloaded the anonymised answers of the survey round"),
    "user.created": _l("created the user"),
    "user.changed": _l("changed the user"),
    "user.password_set": _l("set a new password for the user"),
    "unit.saved": _l("saved the org unit"),
    "unit.deleted": _l("deleted the org unit"),
    "unit.population_set": _l("set the headcount of the org unit"),
    "units.imported": _l("imported org units"),
    "token.created": _l("created an API token for the user"),
    "token.revoked": _l("revoked an API token of the user"),
    "followup.point_added": _l("added a follow-up point for"),
    "followup.point_changed": _l("changed a follow-up point for"),
    "followup.point_deleted": _l("deleted a follow-up point for"),
    "followup.action_added": _l("added a follow-up action for"),
    "followup.action_changed": _l("changed a follow-up action for"),
    "followup.action_done": _l("marked a follow-up action done for"),
    "followup.action_undone": _l("marked a follow-up action not done for"),
    "followup.action_deleted": _l("deleted a follow-up action for"),
    "goal.created": _l("created the goal"),
    "goal.proposed": _l("proposed the goal"),
    "goal.changed": _l("changed the goal"),
    "goal.accepted": _l("accepted the proposed goal"),
    "goal.rejected": _l("rejected the proposed goal"),
    "goal.deleted": _l("deleted the goal"),
    "goals.copied": _l("copied goals to the period"),
    "goals.imported": _l("imported goals from"),
    "goal.commented": _l("commented on the goal"),
    "goal.explained": _l("wrote the explanation of the goal"),
    "goal.measure_added": _l("added a measure for the goal"),
    "goal.measure_changed": _l("changed a measure for the goal"),
    "goal.measure_done": _l("marked a measure carried out for the goal"),
    "goal.measure_undone": _l("marked a measure not carried out for the goal"),
    "goal.measure_deleted": _l("deleted a measure for the goal"),
    "scorecard.summary_saved": _l("saved the summary of the scorecard for"),
    "scorecard.published": _l("published the scorecard of the period"),
    "scorecard.unpublished": _l("withdrew the public scorecard of the period"),
}


def _actor() -> tuple[int | None, str]:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, current_user.email
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "?"
    return None, f"command line ({who})"


def record(action: str, target: str = "", **detail) -> None:
    """Add one event to the current transaction (the caller commits). `detail` must be JSON-ready
    and hold no respondent's data."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    user_id, actor = _actor()
    db.session.add(
        AuditEvent(
            user_id=user_id, actor=actor[:254], action=action, target=target[:300], detail=detail
        )
    )


@dataclass(frozen=True)
class Page:
    events: list[AuditEvent]
    number: int
    pages: int


def recent(page: int = 1, per_page: int = 100, action: str | None = None) -> Page:
    """The newest events first, one page at a time."""
    query = select(AuditEvent)
    count = select(func.count()).select_from(AuditEvent)
    if action:
        query, count = (
            query.where(AuditEvent.action == action),
            count.where(AuditEvent.action == action),
        )
    total = db.session.scalar(count)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    events = list(
        db.session.scalars(
            query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return Page(events, page, pages)


def as_dict(event: AuditEvent) -> dict:
    return {
        "at": event.at.isoformat(timespec="seconds") + "Z",
        "actor": event.actor,
        "action": event.action,
        "target": event.target,
        "detail": event.detail,
    }


# --- after the commit ---------------------------------------------------------------------------

_COMMITTED: list[Callable[[dict], None]] = []
_PENDING = "helhet.audit_pending"  # Session.info: the events flushed in the open transaction


def after_commit(listener: Callable[[dict], None]) -> None:
    """Call `listener(as_dict(event))` for every event once its transaction has committed."""
    if listener not in _COMMITTED:
        _COMMITTED.append(listener)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _flush_context) -> None:
    events = sorted((obj for obj in session.new if isinstance(obj, AuditEvent)), key=_by_id)
    flushed = [as_dict(obj) for obj in events]
    if flushed:
        session.info.setdefault(_PENDING, []).extend(flushed)


def _by_id(audit_event: AuditEvent) -> int:
    return audit_event.id


@event.listens_for(Session, "after_commit")
def _announce(session: Session) -> None:
    for record_ in session.info.pop(_PENDING, []):
        for listener in _COMMITTED:
            listener(record_)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
