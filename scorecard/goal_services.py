"""Writes of goals and the dialogue around them. Every function flushes and never commits (the
route or command commits once), raises GoalError (with the field at fault) for what may not be
written, and records itself in the audit log.

Goals
    create_goal(GoalData(...))                     an administrator's goal (accepted)
    propose_goal(GoalData(...), leader, allowed)   a leader's proposal for a unit of their subtree
    update_goal(goal, GoalData(...), allowed)      change it (a leader's rejected proposal is
                                                   proposed again)
    accept_goal(goal) / reject_goal(goal)          an administrator's answer to a proposal
    copy_goals([goal, ...], to_period)             the same goals one period on
    delete_goal(goal)
    import_goals(file_name, content)               `helhet goals import` and the import page
                                                   (all or nothing, every problem with its place)

The dialogue
    add_comment(goal, user, text)
    set_explanation(goal, text)                    the responsible leader's explanation
    add_measure(goal, text, responsible, deadline), change_measure(...), set_measure_done(...),
    delete_measure(measure)
    save_summary(period, dimension, text, user)    the chief executive's summary (empty: none)
    publish(period, user) / unpublish(period)      the public scorecard of a period

Who may do what is the caller's decision (scorecard/goal_routes.py says it): `allowed` is the set
of org-unit ids the person may set goals for (None: every unit, an administrator).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from collector import clock
from helhet import audit
from helhet import queries as core_queries
from helhet.edge import first_control
from helhet.extensions import db
from helhet.models import OrgUnit, User
from helhet.problems import HelhetError, Problem
from helhet.tabular import ImportFailed, Table, read_csv, read_xlsx
from scorecard import goal_queries
from scorecard.figurefiles import parse_number
from scorecard.goal_models import (
    COMMENT_LENGTH,
    EXPLANATION_LENGTH,
    MEASURE_LENGTH,
    OWNER_LENGTH,
    RATIONALE_LENGTH,
    SUMMARY_LENGTH,
    DimensionSummary,
    Goal,
    GoalComment,
    GoalMeasure,
    GoalState,
    ScorecardPublication,
)
from scorecard.models import Dimension
from scorecard.periods import Period
from scorecard.queries import CatalogueEntry

FIRST_DEADLINE = date(2000, 1, 1)
YEARS_AHEAD = 20  # a measure's deadline is at most this many years ahead (to 31 December)
LARGEST_TARGET = 10**15
MAX_FILE_BYTES = 5 * 1024 * 1024
GOAL_COLUMNS = ["indicator", "unit", "period", "target"]
GOAL_OPTIONAL = ["tolerance", "owner", "rationale"]


class GoalError(HelhetError):
    """A goal, comment, measure or summary that may not be written (message, field)."""


@dataclass(frozen=True)
class GoalData:
    """What a person gives for a goal (the form, a row of the import file)."""

    indicator: str
    unit: OrgUnit | None
    period: str
    target: float | None
    tolerance: float | None = None
    owner: str = ""
    rationale: str = ""


# --- checks --------------------------------------------------------------------------------------


def _period(text: str) -> str:
    period = Period.parse(text or "")
    if period is None or not period.is_year:
        raise GoalError(
            _("Write the period as a year from 1900 to 2100, e.g. 2026 (goals are set per year)."),
            "period",
        )
    return str(period)


def _text(text: str | None, length: int, field: str, newlines: bool, required: str = "") -> str:
    text = (text or "").strip()
    if not text and required:
        raise GoalError(required, field)
    if len(text) > length:
        raise GoalError(
            _("Write at most %(n)s characters (you wrote %(m)s).", n=length, m=len(text)), field
        )
    if first_control(text, newlines=newlines):
        raise GoalError(_("Write ordinary characters only."), field)
    return text


def _usable(number: float | None) -> bool:
    return number is not None and math.isfinite(number) and abs(number) <= LARGEST_TARGET


def goal_problems(
    data: GoalData,
    entries: dict[str, CatalogueEntry],
    allowed: set[int] | None = None,
) -> list[GoalError]:
    """Everything wrong with `data` (empty when it can be saved), each naming its field."""
    found: list[GoalError] = []
    entry = entries.get(data.indicator)
    if entry is None:
        found.append(
            GoalError(
                _(
                    "No indicator has the key %(key)s. Choose one from the catalogue (a figure"
                    " indicator, or <questionnaire>.<indicator> for a survey indicator).",
                    key=(data.indicator or '""')[:140],
                ),
                "indicator",
            )
        )
    if data.unit is None:
        found.append(GoalError(_("Choose an org unit."), "unit"))
    elif allowed is not None and data.unit.id not in allowed:
        found.append(
            GoalError(_("You may set goals only for your own part of the organisation."), "unit")
        )
    try:
        _period(data.period)
    except GoalError as error:
        found.append(error)
    if not _usable(data.target):
        found.append(GoalError(_("Write the target as a number, e.g. 4,5 or 2.0."), "target"))
    elif entry is not None and entry.is_survey and entry.scale is not None:
        low, high = entry.scale
        if not low <= data.target <= high:
            found.append(
                GoalError(
                    _(
                        "The target is on the indicator's own scale: from %(low)s to %(high)s.",
                        low=low,
                        high=high,
                    ),
                    "target",
                )
            )
    if data.tolerance is not None:
        if entry is not None and entry.is_survey:
            found.append(
                GoalError(
                    _(
                        "A tolerance is for figure goals. A survey goal is judged by its 95 %"
                        " interval; leave the tolerance empty."
                    ),
                    "tolerance",
                )
            )
        elif not _usable(data.tolerance) or data.tolerance < 0:
            found.append(
                GoalError(
                    _("Write the tolerance as a number of 0 or more, or leave it empty."),
                    "tolerance",
                )
            )
    for field, value, length in (
        ("owner", data.owner, OWNER_LENGTH),
        ("rationale", data.rationale, RATIONALE_LENGTH),
    ):
        try:
            _text(value, length, field, newlines=field == "rationale")
        except GoalError as error:
            found.append(error)
    return found


def _check(
    data: GoalData, allowed: set[int] | None, goal: Goal | None = None
) -> tuple[CatalogueEntry, str]:
    entries = goal_queries.indicator_entries()
    problems = goal_problems(data, entries, allowed)
    if problems:
        raise problems[0]
    period = _period(data.period)
    other = goal_queries.goal_for(data.indicator, data.unit.id, period)
    if other is not None and (goal is None or other.id != goal.id):
        raise GoalError(
            _(
                "%(unit)s already has a goal for this indicator in %(period)s.",
                unit=data.unit.name,
                period=period,
            ),
            "indicator",
        )
    return entries[data.indicator], period


def _fill(goal: Goal, data: GoalData, period: str) -> None:
    goal.indicator_key = data.indicator
    goal.unit = data.unit
    goal.period = period
    goal.target = float(data.target)
    goal.tolerance = None if data.tolerance is None else float(data.tolerance)
    goal.owner = (data.owner or "").strip()
    goal.rationale = (data.rationale or "").strip()


def _target(goal: Goal) -> str:
    """The goal as the audit log names it."""
    return f"{goal.indicator_key} {goal.unit.code} {goal.period}"


# --- goals ---------------------------------------------------------------------------------------


def create_goal(data: GoalData) -> Goal:
    """An administrator's goal: accepted at once."""
    _entry, period = _check(data, None)
    goal = Goal(state=GoalState.ACCEPTED, explanation="")
    _fill(goal, data, period)
    db.session.add(goal)
    db.session.flush()
    audit.record("goal.created", _target(goal), value=goal.target, tolerance=goal.tolerance)
    return goal


def propose_goal(data: GoalData, leader: User, allowed: set[int] | None) -> Goal:
    """A leader's proposal for a unit in their subtree (`allowed`); an administrator accepts
    or rejects it."""
    _entry, period = _check(data, allowed)
    goal = Goal(state=GoalState.PROPOSED, explanation="", proposed_by=leader)
    _fill(goal, data, period)
    db.session.add(goal)
    db.session.flush()
    audit.record("goal.proposed", _target(goal), value=goal.target)
    return goal


def update_goal(goal: Goal, data: GoalData, allowed: set[int] | None = None) -> Goal:
    """Change a goal. A leader (allowed: their subtree) changes only proposals; a rejected one
    becomes a proposal again."""
    if allowed is not None and goal.state == GoalState.ACCEPTED:
        raise GoalError(_("Only an administrator can change an accepted goal."))
    _entry, period = _check(data, allowed, goal)
    before = {
        "indicator": goal.indicator_key,
        "unit": goal.unit.code,
        "period": goal.period,
        "target": goal.target,
        "tolerance": goal.tolerance,
        "owner": goal.owner,
        "rationale": goal.rationale,
    }
    _fill(goal, data, period)
    if allowed is not None and goal.state == GoalState.REJECTED:
        goal.state = GoalState.PROPOSED
    db.session.flush()
    after = {
        "indicator": goal.indicator_key,
        "unit": goal.unit.code,
        "period": goal.period,
        "target": goal.target,
        "tolerance": goal.tolerance,
        "owner": goal.owner,
        "rationale": goal.rationale,
    }
    changed = sorted(k for k in after if before[k] != after[k])
    if changed:
        audit.record("goal.changed", _target(goal), changed=changed)
    return goal


def accept_goal(goal: Goal) -> Goal:
    if goal.state == GoalState.ACCEPTED:
        raise GoalError(_("The goal is already accepted."))
    goal.state = GoalState.ACCEPTED
    db.session.flush()
    audit.record("goal.accepted", _target(goal))
    return goal


def reject_goal(goal: Goal) -> Goal:
    if goal.state != GoalState.PROPOSED:
        raise GoalError(_("Only a proposal can be rejected."))
    goal.state = GoalState.REJECTED
    db.session.flush()
    audit.record("goal.rejected", _target(goal))
    return goal


def delete_goal(goal: Goal) -> None:
    audit.record("goal.deleted", _target(goal), state=goal.state.value)
    db.session.delete(goal)
    db.session.flush()


@dataclass(frozen=True)
class CopySummary:
    copied: int
    skipped: int  # the next period already had a goal for the indicator and unit


def copy_goals(goals: list[Goal], to_period: str) -> CopySummary:
    """The accepted goals, with their targets, tolerances, owners and rationales, in `to_period`
    (explanations, measures and comments stay with the period they were written for). A goal
    whose indicator and unit already have one in `to_period` is skipped."""
    period = _period(to_period)
    copied = skipped = 0
    for goal in goals:
        if goal.state != GoalState.ACCEPTED or goal.period == period:
            continue
        if goal_queries.goal_for(goal.indicator_key, goal.unit_id, period) is not None:
            skipped += 1
            continue
        db.session.add(
            Goal(
                indicator_key=goal.indicator_key,
                unit_id=goal.unit_id,
                period=period,
                target=goal.target,
                tolerance=goal.tolerance,
                owner=goal.owner,
                rationale=goal.rationale,
                state=GoalState.ACCEPTED,
                explanation="",
            )
        )
        db.session.flush()
        copied += 1
    if copied:
        audit.record("goals.copied", period, copied=copied, skipped=skipped)
    return CopySummary(copied, skipped)


# --- the import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


def _table(file_name: str, content: bytes) -> Table:
    if len(content) > MAX_FILE_BYTES:
        raise ImportFailed(
            [Problem(_("The file is larger than %(n)s MB.", n=MAX_FILE_BYTES // (1024 * 1024)))]
        )
    if file_name.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        return read_xlsx(content, GOAL_COLUMNS, GOAL_OPTIONAL)
    return read_csv(content, GOAL_COLUMNS, GOAL_OPTIONAL)


def import_goals(file_name: str, content: bytes) -> ImportSummary:
    """Create or update accepted goals from a CSV (or XLSX) file, all or nothing: raises
    ImportFailed listing every problem with its line (or row) and column. Columns: indicator,
    unit (an org unit's code), period (a year), target, and optionally tolerance, owner and
    rationale (a column left out keeps an existing goal's value). A row whose indicator, unit
    and period already have a goal changes that goal (and accepts it)."""
    table = _table(file_name, content)
    entries = goal_queries.indicator_entries()
    units = {unit.code: unit for unit in core_queries.all_units()}
    problems: list[Problem] = []
    planned: list[tuple[Goal | None, GoalData, str]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, cells in table.rows:
        before = len(problems)
        unit = units.get(cells["unit"])
        if unit is None:
            problems.append(
                table.problem(
                    _("No org unit has the code %(code)s.", code=cells["unit"][:64] or '""'),
                    number,
                    "unit",
                )
            )
        numbers: dict[str, float | None] = {}
        for column in ("target", "tolerance"):
            text = cells.get(column, "")
            numbers[column] = None
            if text:
                numbers[column] = parse_number(text)
                if numbers[column] is None:
                    problems.append(
                        table.problem(
                            _(
                                "%(value)s is not a number. Write it as 4,5 or 4.5.",
                                value=text[:40],
                            ),
                            number,
                            column,
                        )
                    )
            elif column == "target":
                problems.append(table.problem(_("Write the target."), number, column))
        if len(problems) > before:
            continue
        existing = None
        period = Period.parse(cells["period"])
        if period is not None and period.is_year:
            existing = goal_queries.goal_for(cells["indicator"], unit.id, str(period))
        data = GoalData(
            indicator=cells["indicator"],
            unit=unit,
            period=cells["period"],
            target=numbers["target"],
            tolerance=numbers["tolerance"]
            if "tolerance" in table.header
            else (existing.tolerance if existing else None),
            owner=cells["owner"]
            if "owner" in table.header
            else (existing.owner if existing else ""),
            rationale=cells["rationale"]
            if "rationale" in table.header
            else (existing.rationale if existing else ""),
        )
        errors = goal_problems(data, entries)
        for error in errors:
            problems.append(table.problem(error.message, number, error.field or "indicator"))
        if errors:
            continue
        identity = (data.indicator, unit.code, str(period))
        if identity in seen:
            problems.append(
                table.problem(
                    _(
                        "The same indicator, unit and period as on line %(other)s.",
                        other=seen[identity],
                    ),
                    number,
                    "indicator",
                )
            )
            continue
        seen[identity] = number
        planned.append((existing, data, str(period)))
    if problems:
        raise ImportFailed(problems)
    created = updated = 0
    for existing, data, period in planned:
        goal = existing
        if goal is None:
            goal = Goal(state=GoalState.ACCEPTED, explanation="")
            db.session.add(goal)
            created += 1
        else:
            goal.state = GoalState.ACCEPTED
            updated += 1
        _fill(goal, data, period)
    db.session.flush()
    audit.record("goals.imported", file_name[:200], created=created, updated=updated)
    return ImportSummary(created, updated)


# --- the dialogue --------------------------------------------------------------------------------


def add_comment(goal: Goal, user: User, text: str) -> GoalComment:
    text = _text(text, COMMENT_LENGTH, "text", newlines=True, required=_("Write the comment."))
    comment = GoalComment(
        goal=goal, author_id=user.id, author_name=(user.name or user.email)[:254], text=text
    )
    db.session.add(comment)
    db.session.flush()
    audit.record("goal.commented", _target(goal), comment_id=comment.id)
    return comment


def set_explanation(goal: Goal, text: str) -> Goal:
    """The responsible leader's explanation of why the goal is not (surely) reached ("" clears
    it)."""
    text = _text(text, EXPLANATION_LENGTH, "explanation", newlines=True)
    if text != goal.explanation:
        goal.explanation = text
        db.session.flush()
        audit.record("goal.explained", _target(goal))
    return goal


def _responsible(text: str | None) -> str:
    return _text(
        text,
        OWNER_LENGTH,
        "responsible",
        newlines=False,
        required=_("Write who is responsible for the measure."),
    )


def _measure_text(text: str | None) -> str:
    return _text(
        text, MEASURE_LENGTH, "text", newlines=True, required=_("Write what is to be done.")
    )


def _deadline(deadline: date | None) -> date:
    if deadline is None:
        raise GoalError(_("Give the deadline as a date."), "deadline")
    last = date(clock.today().year + YEARS_AHEAD, 12, 31)
    if not FIRST_DEADLINE <= deadline <= last:
        raise GoalError(
            _(
                "Give a deadline from %(first)s to %(last)s.",
                first=FIRST_DEADLINE.strftime("%d.%m.%Y"),
                last=last.strftime("%d.%m.%Y"),
            ),
            "deadline",
        )
    return deadline


def add_measure(goal: Goal, text: str, responsible: str, deadline: date | None) -> GoalMeasure:
    measure = GoalMeasure(
        goal=goal,
        text=_measure_text(text),
        responsible=_responsible(responsible),
        deadline=_deadline(deadline),
    )
    db.session.add(measure)
    db.session.flush()
    audit.record("goal.measure_added", _target(goal), measure_id=measure.id)
    return measure


def change_measure(
    measure: GoalMeasure, text: str, responsible: str, deadline: date | None
) -> GoalMeasure:
    new = {
        "text": _measure_text(text),
        "responsible": _responsible(responsible),
        "deadline": _deadline(deadline),
    }
    changed = sorted(name for name, value in new.items() if getattr(measure, name) != value)
    if changed:
        for name in changed:
            setattr(measure, name, new[name])
        db.session.flush()
        audit.record(
            "goal.measure_changed", _target(measure.goal), measure_id=measure.id, changed=changed
        )
    return measure


def set_measure_done(measure: GoalMeasure, done: bool, today: date | None = None) -> GoalMeasure:
    """Mark the measure carried out (today, Europe/Oslo) or not; nothing happens when it is."""
    if done == (measure.done_on is not None):
        return measure
    measure.done_on = (today or clock.today()) if done else None
    db.session.flush()
    audit.record(
        "goal.measure_done" if done else "goal.measure_undone",
        _target(measure.goal),
        measure_id=measure.id,
    )
    return measure


def delete_measure(measure: GoalMeasure) -> None:
    goal = measure.goal
    audit.record("goal.measure_deleted", _target(goal), measure_id=measure.id)
    goal.measures.remove(measure)
    db.session.flush()


def save_summary(period: str, dimension: Dimension, text: str, user: User) -> None:
    """The chief executive's summary of a dimension in a period; empty text removes it."""
    period = _period(period)
    text = _text(text, SUMMARY_LENGTH, "text", newlines=True)
    summary = goal_queries.summary(period, dimension)
    if not text:
        if summary is not None:
            db.session.delete(summary)
            db.session.flush()
            audit.record("scorecard.summary_saved", f"{period} {dimension.value}", removed=True)
        return
    if summary is not None and summary.text == text:
        return
    author_id, author_name = user.id, (user.name or user.email)[:254]
    if summary is None:
        summary = DimensionSummary(period=period, dimension=dimension)
    summary.text, summary.author_id, summary.author_name = text, author_id, author_name
    db.session.add(summary)
    db.session.flush()
    audit.record("scorecard.summary_saved", f"{period} {dimension.value}")


def publish(period: str, user: User) -> ScorecardPublication:
    """Let anyone read the period's scorecard (the public pages), from now on."""
    period = _period(period)
    found = goal_queries.publication(period)
    if found is not None:
        return found
    found = ScorecardPublication(period=period, published_by_id=user.id if user else None)
    db.session.add(found)
    db.session.flush()
    audit.record("scorecard.published", period)
    return found


def unpublish(period: str) -> None:
    found = goal_queries.publication(_period(period))
    if found is not None:
        db.session.delete(found)
        db.session.flush()
        audit.record("scorecard.unpublished", found.period)
