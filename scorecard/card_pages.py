"""What the scorecard pages and the council report show, built from scorecard.card's rows (and so
from the one results service and the current figures): the four dimensions side by side for an
org unit, the units below it with their statuses (the drill-down), a goal's chart with its target
line and the comparison regions, and a figure goal's revisions. Reads only.

    view = card_view(period, unit, readable, dimension=None, below=False)
    view.columns        [(dimension, label, [CardRow, ...], summary or None)] in DIMENSION_ORDER
    view.children       [(OrgUnit, {status: count})]: the units below, for drilling down
    view.trail          the units from the reader's top down to `unit`
    goal_chart(row)     analysis.charts.indicator_bars: the goal's value (with its interval), last
                        period's, the comparison regions', the target as a line
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from flask_babel import gettext as _

from helhet import queries as core_queries
from helhet.i18n import current_language
from helhet.models import OrgUnit
from scorecard import card as scorecard_card
from scorecard import goal_queries
from scorecard import queries as catalogue_queries
from scorecard.card import CardRow, target_decimals
from scorecard.goal_labels import STATUS_ORDER
from scorecard.goal_models import DimensionSummary, Goal
from scorecard.labels import DIMENSION_LABELS, MEASURE_LABELS
from scorecard.models import Figure
from scorecard.queries import DIMENSION_ORDER


@dataclass(frozen=True)
class Column:
    dimension: str
    label: str
    rows: list[CardRow]
    summary: DimensionSummary | None


@dataclass(frozen=True)
class CardView:
    period: str
    unit: OrgUnit
    columns: list[Column]
    children: list[tuple[OrgUnit, dict[str, int]]]
    trail: list[OrgUnit]
    below: bool  # the goals of the units below are shown too
    counts: dict[str, int]  # statuses of the goals shown

    @property
    def rows(self) -> list[CardRow]:
        return [row for column in self.columns for row in column.rows]


def _counts(rows: list[CardRow]) -> dict[str, int]:
    counts = {status.value: 0 for status in STATUS_ORDER}
    for row in rows:
        counts[row.status.value] += 1
    return counts


def top_units(readable: set[int] | None) -> list[OrgUnit]:
    """The top of the reader's part of the tree (administrators, the public: the municipality)."""
    return core_queries.roots(readable)


def trail(unit: OrgUnit, readable: set[int] | None) -> list[OrgUnit]:
    chain = []
    node: OrgUnit | None = unit
    while node is not None and (readable is None or node.id in readable):
        chain.append(node)
        node = node.parent
    return chain[::-1]


def card_view(
    period: str,
    unit: OrgUnit,
    readable: set[int] | None,
    dimension: str | None = None,
    below: bool = False,
) -> CardView:
    """The scorecard of `unit` (its own goals; with `below`, its subtree's) for a reader who may
    read `readable` (None: everything)."""
    rows = scorecard_card.scorecard(
        period, readable=readable, within=unit, dimension=dimension, only_unit=not below
    )
    subtree = scorecard_card.scorecard(period, readable=readable, within=unit)
    summaries = goal_queries.summaries(period) if unit.parent_id is None else {}
    columns = [
        Column(
            d.value,
            str(DIMENSION_LABELS[d.value]),
            [row for row in rows if row.dimension == d.value],
            summaries.get(d.value),
        )
        for d in DIMENSION_ORDER
        if not dimension or d.value == dimension
    ]
    children = []
    for child in sorted(unit.children, key=lambda u: u.name):
        if readable is not None and child.id not in readable:
            continue
        ids = core_queries.subtree_ids(child)
        mine = [row for row in subtree if row.unit_id in ids]
        if dimension:
            mine = [row for row in mine if row.dimension == dimension]
        children.append((child, _counts(mine)))
    return CardView(
        period=period,
        unit=unit,
        columns=columns,
        children=children,
        trail=trail(unit, readable),
        below=below,
        counts=_counts(rows),
    )


# --- a goal's chart and history ------------------------------------------------------------------


def goal_chart(row: CardRow):
    """The goal's value with its interval, the previous period's, and the comparison regions',
    as horizontal bars, with the target as a dashed line (analysis.charts.indicator_bars). A
    value that is missing (no data, a suppressed result) has no bar and says so in words."""
    from analysis.charts import indicator_bars  # matplotlib: only when a chart is drawn

    nan = math.nan
    labels = [f"{row.unit_name} {row.period}"]
    estimates = [row.value if row.value is not None else nan]
    lows = [row.ci_low if row.ci_low is not None else nan]
    highs = [row.ci_high if row.ci_high is not None else nan]
    if row.previous_value is not None:
        labels.append(f"{row.unit_name} {goal_queries.previous_period(row.period)}")
        estimates.append(row.previous_value)
        lows.append(nan)
        highs.append(nan)
    for region in row.comparisons:
        labels.append(region.name)
        estimates.append(region.value if region.value is not None else nan)
        lows.append(nan)
        highs.append(nan)
    table = pd.DataFrame({"label": labels, "estimate": estimates, "ci_low": lows, "ci_high": highs})
    language = current_language()
    target = _("Target %(target)s", target=_number(row.target, row.decimals, language))
    if row.kind == "survey":
        axis = _("Score on the scale %(low)s–%(high)s", low=row.scale[0], high=row.scale[1])
        description = _(
            "Bars: the result of %(unit)s with its 95 %% interval, last period's result and the"
            " comparison regions' values; the dashed line is the target. The numbers are in the"
            " table below.",
            unit=row.unit_name,
        )
    else:
        axis = str(MEASURE_LABELS.get(row.measure, ""))
        description = _(
            "Bars: the figure of %(unit)s, last period's figure and the comparison regions'"
            " figures; the dashed line is the target. The numbers are in the table below.",
            unit=row.unit_name,
        )
    return indicator_bars(
        table,
        target=row.target,
        scale=tuple(row.scale) if row.kind == "survey" and row.scale else None,
        title=row.indicator_name,
        description=description,
        axis_label=axis,
        target_label=target,
        missing_text=_("No data"),
        locale=language,
        decimals=row.decimals,
    )


def _number(value: float, decimals: int, language: str) -> str:
    from analysis.formatting import format_number

    return format_number(value, target_decimals(value, decimals), language)


def goal_history(goal: Goal) -> list[Figure]:
    """A figure goal's figure for its period: every revision, newest first ([] for a survey
    goal, or when nothing was imported)."""
    if "." in goal.indicator_key:
        return []
    return catalogue_queries.figure_history(goal.indicator_key, goal.period, unit=goal.unit)[::-1]
