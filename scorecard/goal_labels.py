"""The words of goals and the scorecard in the reader's language: statuses (always with an icon
and a text, never colour alone), trends, the states of a proposal, the measures' states, and
who the chief executive is."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from helhet.models import Role
from scorecard.evaluation import Status, Trend
from scorecard.goal_models import GoalState, MeasureStatus

STATUS_LABELS = {
    Status.ACHIEVED.value: _l("Achieved"),
    Status.NOT_ACHIEVED.value: _l("Not achieved"),
    Status.UNCERTAIN.value: _l("Uncertain"),
    Status.NO_DATA.value: _l("No data"),
}
# A figure has no sampling error: its "uncertain" is a value within the tolerance band.
FIGURE_UNCERTAIN_LABEL = _l("Close to the target")
STATUS_ICONS = {  # shown beside the text, hidden from screen readers (the text says it)
    Status.ACHIEVED.value: "check",
    Status.NOT_ACHIEVED.value: "cross",
    Status.UNCERTAIN.value: "question",
    Status.NO_DATA.value: "dash",
}
STATUS_ORDER = [Status.ACHIEVED, Status.UNCERTAIN, Status.NOT_ACHIEVED, Status.NO_DATA]

TREND_LABELS = {
    Trend.BETTER.value: _l("Better"),
    Trend.WORSE.value: _l("Worse"),
    Trend.NO_CLEAR_CHANGE.value: _l("No clear change"),
    Trend.UNCHANGED.value: _l("Unchanged"),
}
STATE_LABELS = {
    GoalState.PROPOSED.value: _l("Proposed"),
    GoalState.ACCEPTED.value: _l("Accepted"),
    GoalState.REJECTED.value: _l("Rejected"),
}
MEASURE_LABELS = {
    MeasureStatus.DONE.value: _l("Carried out"),
    MeasureStatus.PLANNED.value: _l("Planned"),
    MeasureStatus.OVERDUE.value: _l("Not carried out, deadline passed"),
}


def status_label(status: str, kind: str = "survey") -> str:
    """The status in words; a figure's "uncertain" is "close to the target"."""
    if status == Status.UNCERTAIN.value and kind == "figure":
        return str(FIGURE_UNCERTAIN_LABEL)
    return str(STATUS_LABELS[status])


def is_chief_executive(user) -> bool:
    """The chief executive (kommunedirektør) is the leader of the whole municipality: a leader
    whose org unit is the top of the tree. No role of its own: the org tree already says who
    leads it all (docs/scorecard.md)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.LEADER and user.unit is not None and user.unit.parent_id is None


def may_write_summaries(user) -> bool:
    """The chief executive writes the scorecard's summaries per dimension; an administrator may
    write them for them."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.ADMIN or is_chief_executive(user)
