"""The evaluated scorecard of a period: one row per accepted goal, what every page, the council
report, `helhet scorecard` and the API read.

    rows = period_rows("2026")                       # every accepted goal of the period
    rows = scorecard("2026", readable=..., within=unit, dimension="economy")   # what a reader sees
    row.status, row.value, row.ci_low, row.ci_high, row.trend, row.explanation, row.as_dict()

Where each value comes from:

- A survey indicator (``<questionnaire key>.<indicator key>``): the latest closed round in the
  period (a round's `period`, the year it belongs to) of that questionnaire, any version, whose
  results cover the goal's unit: a unit of the round, or a sector or the municipality above units
  of the round (its value is then the domain estimate over them). The number is the indicator's
  cell of `results.services.round_results(round, [unit])`, the one results service: the same
  number and the same suppression as the result pages. A suppressed cell gives `no_data` and no
  number at all (value, interval, trend and change are all None).
- A figure indicator: the current revision of the unit's figure for the period
  (scorecard.queries.current_figure); a figure without a value (a status symbol) is `no_data`,
  and the explanation says what the symbol means. The comparison regions' values for the period
  come with it.

The status and trend rules are scorecard/evaluation.py's. The Holm family of the survey trends is
every accepted goal of the period, whoever reads and whatever the filter, so that a goal's trend
is the same on every page, in the report, the command and the API.

Texts (`explanation`, names) are in the current language (a request's, or CLI_LOCALE for the
command). Reads only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import g, has_request_context
from flask_babel import gettext as _

from analysis.formatting import format_interval, format_number
from collector import clock
from collector.models import Campaign
from helhet import queries as core_queries
from helhet.i18n import current_language, localized
from helhet.models import OrgUnit
from results import queries as results_queries
from results import services as results_services
from results.services import Cell
from scorecard import queries as catalogue_queries
from scorecard.evaluation import (
    Judgement,
    Reason,
    Status,
    Trend,
    TrendInput,
    judge_figure,
    judge_interval,
    trends,
)
from scorecard.goal_models import Goal, GoalMeasure, MeasureStatus
from scorecard.goal_queries import (
    closed_rounds,
    goals,
    indicator_entries,
    previous_goal,
    previous_period,
)
from scorecard.labels import status_text
from scorecard.models import Figure
from scorecard.periods import Period
from scorecard.queries import DIMENSION_ORDER, CatalogueEntry

SURVEY_DECIMALS = 2  # a survey result on its scale (4.37 on 1-6), as the result pages show means


@dataclass(frozen=True)
class RegionValue:
    """A comparison region's current figure for the period (None value: missing; status why)."""

    region: str
    name: str
    value: float | None
    status: str | None

    def as_dict(self) -> dict:
        return {
            "region": self.region,
            "name": self.name,
            "value": self.value,
            "status": self.status,
        }


@dataclass(frozen=True)
class MeasureRow:
    text: str
    responsible: str
    deadline: date
    done_on: date | None
    status: MeasureStatus
    id: int = 0

    @classmethod
    def of(cls, measure: GoalMeasure, today: date) -> MeasureRow:
        return cls(
            measure.text,
            measure.responsible,
            measure.deadline,
            measure.done_on,
            measure.status(today),
            measure.id,
        )

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "responsible": self.responsible,
            "deadline": self.deadline.isoformat(),
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "status": self.status.value,
        }


@dataclass(frozen=True)
class CardRow:
    """One goal, evaluated. Numbers are on the indicator's own scale; a row with status no_data
    has no value, no interval, no change."""

    goal_id: int
    dimension: str
    indicator: str
    indicator_name: str
    kind: str  # "survey" or "figure"
    direction: str
    measure: str
    decimals: int  # how many decimals the pages show the value with
    scale: tuple[int, int] | None
    unit: str
    unit_name: str
    unit_id: int
    unit_level: str
    period: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    target: float
    tolerance: float | None
    status: Status
    reason: Reason
    explanation: str
    trend: Trend | None
    change: float | None
    previous_value: float | None
    p_adjusted: float | None
    source: str
    round_id: int | None
    revision: int | None
    figure_status: str | None
    comparisons: tuple[RegionValue, ...]
    owner: str
    rationale: str
    leader_explanation: str
    measures: tuple[MeasureRow, ...]
    previous_measures: tuple[MeasureRow, ...] = ()
    previous_goal_id: int | None = None
    imported_at: datetime | None = None
    round_name: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def needs_followup(self) -> bool:
        """Not achieved or uncertain: the responsible leader explains and plans measures."""
        return self.status in (Status.NOT_ACHIEVED, Status.UNCERTAIN)

    def as_dict(self) -> dict:
        """The row as `helhet scorecard --format json` prints it and the API returns it."""
        return {
            "goal": self.goal_id,
            "dimension": self.dimension,
            "indicator": self.indicator,
            "indicator_name": self.indicator_name,
            "kind": self.kind,
            "direction": self.direction,
            "unit": self.unit,
            "unit_name": self.unit_name,
            "period": self.period,
            "value": self.value,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "target": self.target,
            "tolerance": self.tolerance,
            "status": self.status.value,
            "status_reason": self.reason.value,
            "explanation": self.explanation,
            "trend": self.trend.value if self.trend else None,
            "change": self.change,
            "previous_value": self.previous_value,
            "trend_p_adjusted": self.p_adjusted,
            "source": self.source,
            "round": self.round_id,
            "revision": self.revision,
            "comparison": [region.as_dict() for region in self.comparisons],
            "owner": self.owner,
            "leader_explanation": self.leader_explanation,
            "measures": [m.as_dict() for m in self.measures],
            "previous_measures": [m.as_dict() for m in self.previous_measures],
        }


CSV_COLUMNS = [
    "goal",
    "dimension",
    "indicator",
    "unit",
    "period",
    "value",
    "ci_low",
    "ci_high",
    "target",
    "tolerance",
    "status",
    "status_reason",
    "trend",
    "change",
    "previous_value",
    "trend_p_adjusted",
    "source",
    "round",
    "revision",
    "comparison",
    "explanation",
    "owner",
    "leader_explanation",
    "measures",
]


def csv_row(row: CardRow) -> list:
    """The row with the CSV_COLUMNS (lists as text: `EKG13=2.1; EAKUO=missing (..)`)."""
    data = row.as_dict()
    data["comparison"] = "; ".join(
        f"{r.region}={r.value if r.value is not None else 'missing'}"
        + (f" ({r.status})" if r.status else "")
        for r in row.comparisons
    )
    data["measures"] = "; ".join(
        f"{m.text} ({m.responsible}, {m.deadline.isoformat()}, {m.status.value})"
        for m in row.measures
    )
    return [data[column] if data[column] is not None else "" for column in CSV_COLUMNS]


# --- what a value is made of ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Value:
    """A goal's value in one period, before judging it."""

    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    se: float | None = None
    reason: Reason | None = None  # set when there is no value
    campaign: Campaign | None = None
    cell: Cell | None = None
    min_group: int | None = None
    figure: Figure | None = None


class _Context:
    """What one evaluation reads once: the indicators, the comparison regions' figures."""

    def __init__(self) -> None:
        self.entries = indicator_entries()
        self._regions: dict[tuple[str, str], tuple[RegionValue, ...]] = {}
        self._rounds: dict[tuple[str, int], list[Campaign]] = {}

    def rounds(self, questionnaire_key: str, year: int) -> list[Campaign]:
        key = (questionnaire_key, year)
        if key not in self._rounds:
            self._rounds[key] = closed_rounds(questionnaire_key, year)
        return self._rounds[key]

    def regions(self, indicator: str, period: str) -> tuple[RegionValue, ...]:
        key = (indicator, period)
        if key not in self._regions:
            self._regions[key] = tuple(
                RegionValue(row.region, row.place_name, row.value, row.status)
                for row in catalogue_queries.comparison_values(indicator, period)
            )
        return self._regions[key]


def _survey_value(context: _Context, entry: CatalogueEntry, unit: OrgUnit, year: int) -> _Value:
    for campaign in context.rounds(entry.questionnaire_key, year):
        if unit.code not in results_queries.round_tree(campaign):
            continue
        results = results_services.round_results(campaign, [unit])
        cell = results.cell(unit.code, entry.indicator_key)
        if cell is None:
            return _Value(reason=Reason.NO_CELL, campaign=campaign)
        if cell.suppressed:
            reason = (
                Reason.SUPPRESSED_COMPLEMENTARY
                if cell.reason == "complementary"
                else Reason.SUPPRESSED
            )
            return _Value(reason=reason, campaign=campaign, min_group=results.min_group)
        if cell.estimate is None:
            return _Value(reason=Reason.NO_CELL, campaign=campaign)
        return _Value(
            value=cell.estimate,
            ci_low=cell.ci_low,
            ci_high=cell.ci_high,
            se=cell.se,
            campaign=campaign,
            cell=cell,
            min_group=results.min_group,
        )
    return _Value(reason=Reason.NO_ROUND)


def _figure_value(entry: CatalogueEntry, unit: OrgUnit, period: str) -> _Value:
    figure = catalogue_queries.current_figure(entry.key, period, unit=unit)
    if figure is None:
        return _Value(reason=Reason.NO_FIGURE)
    if figure.value is None:
        return _Value(reason=Reason.FIGURE_MISSING, figure=figure)
    return _Value(value=figure.value, figure=figure)


def _value(context: _Context, entry: CatalogueEntry, unit: OrgUnit, period: str | None) -> _Value:
    if period is None:
        return _Value(reason=Reason.NO_FIGURE)
    if entry.is_survey:
        return _survey_value(context, entry, unit, Period.parse(period).year)
    return _figure_value(entry, unit, period)


# --- words ---------------------------------------------------------------------------------------


def _n(value: float | None, decimals: int) -> str:
    return format_number(value, decimals, current_language())


def target_decimals(target: float, decimals: int) -> int:
    """Enough decimals to show the target as it was set (4.25 with 2, 90 with the indicator's)."""
    for extra in range(decimals, 7):
        if abs(round(target, extra) - target) < 1e-9:
            return extra
    return 6


def explain(
    reason: Reason,
    value: _Value,
    goal: Goal,
    entry: CatalogueEntry | None,
    decimals: int,
) -> str:
    """Why the goal has its status, in one or two sentences of the current language."""
    t = _n(goal.target, target_decimals(goal.target, decimals))
    lower = entry is not None and entry.direction.value == "lower"
    if reason == Reason.INTERVAL_GOOD_SIDE:
        interval = format_interval(value.ci_low, value.ci_high, decimals, current_language())
        if lower:
            return _(
                "The whole 95 %% interval (%(interval)s) is at or below the target %(target)s.",
                interval=interval,
                target=t,
            )
        return _(
            "The whole 95 %% interval (%(interval)s) is at or above the target %(target)s.",
            interval=interval,
            target=t,
        )
    if reason == Reason.INTERVAL_BAD_SIDE:
        interval = format_interval(value.ci_low, value.ci_high, decimals, current_language())
        if lower:
            return _(
                "The whole 95 %% interval (%(interval)s) is above the target %(target)s.",
                interval=interval,
                target=t,
            )
        return _(
            "The whole 95 %% interval (%(interval)s) is below the target %(target)s.",
            interval=interval,
            target=t,
        )
    if reason == Reason.TARGET_IN_INTERVAL:
        return _(
            "The target %(target)s lies inside the 95 %% interval (%(interval)s): the true value"
            " may be on either side of it.",
            target=t,
            interval=format_interval(value.ci_low, value.ci_high, decimals, current_language()),
        )
    if reason == Reason.NO_INTERVAL:
        return _(
            "No interval could be computed for the result, so it cannot be said on which side of"
            " the target %(target)s the true value lies.",
            target=t,
        )
    v = _n(value.value, decimals)
    tolerance = _n(goal.tolerance, target_decimals(goal.tolerance or 0.0, decimals))
    if reason == Reason.FIGURE_REACHED:
        if lower:
            return _(
                "The figure %(value)s is at or below the target %(target)s.", value=v, target=t
            )
        return _("The figure %(value)s is at or above the target %(target)s.", value=v, target=t)
    if reason == Reason.FIGURE_WITHIN_TOLERANCE:
        if lower:
            return _(
                "The figure %(value)s is above the target %(target)s, but within the tolerance"
                " of %(tolerance)s.",
                value=v,
                target=t,
                tolerance=tolerance,
            )
        return _(
            "The figure %(value)s is below the target %(target)s, but within the tolerance of"
            " %(tolerance)s.",
            value=v,
            target=t,
            tolerance=tolerance,
        )
    if reason == Reason.FIGURE_BEYOND_TOLERANCE:
        if goal.tolerance:
            if lower:
                return _(
                    "The figure %(value)s is above the target %(target)s by more than the"
                    " tolerance of %(tolerance)s.",
                    value=v,
                    target=t,
                    tolerance=tolerance,
                )
            return _(
                "The figure %(value)s is below the target %(target)s by more than the tolerance"
                " of %(tolerance)s.",
                value=v,
                target=t,
                tolerance=tolerance,
            )
        if lower:
            return _("The figure %(value)s is above the target %(target)s.", value=v, target=t)
        return _("The figure %(value)s is below the target %(target)s.", value=v, target=t)
    if reason == Reason.NO_ROUND:
        return _(
            "No closed survey round of %(questionnaire)s in %(period)s covers %(unit)s.",
            questionnaire=entry.questionnaire_key if entry else "",
            period=goal.period,
            unit=goal.unit.name,
        )
    if reason == Reason.NO_CELL:
        return _(
            "The round %(round)s has no result for this indicator.",
            round=value.campaign.name if value.campaign else "",
        )
    if reason == Reason.SUPPRESSED:
        return _(
            "Too few answers to show a result (under %(n)s): the result of %(round)s is hidden"
            " to protect the respondents' anonymity.",
            n=value.min_group,
            round=value.campaign.name if value.campaign else "",
        )
    if reason == Reason.SUPPRESSED_COMPLEMENTARY:
        return _(
            "The result of %(round)s is hidden to protect another unit with few answers.",
            round=value.campaign.name if value.campaign else "",
        )
    if reason == Reason.NO_FIGURE:
        return _(
            "No figure for %(period)s has been imported for %(unit)s.",
            period=goal.period,
            unit=goal.unit.name,
        )
    if reason == Reason.FIGURE_MISSING:
        symbol = value.figure.status if value.figure else None
        meaning = status_text(symbol)
        if symbol and meaning:
            return _(
                "The figure is missing: %(meaning)s (%(symbol)s).", meaning=meaning, symbol=symbol
            )
        if symbol:
            return _("The figure is missing (%(symbol)s).", symbol=symbol)
        return _("The figure is missing.")
    return _("The indicator %(key)s is not in the catalogue.", key=goal.indicator_key)


def _source(value: _Value, decimals: int) -> str:
    if value.campaign is not None:
        return value.campaign.name
    figure = value.figure
    if figure is not None:
        return _(
            "%(source)s, revision %(revision)s (%(date)s)",
            source=figure.source or "-",
            revision=figure.revision,
            date=figure.imported_at.date().isoformat(),
        )
    return ""


# --- the rows ------------------------------------------------------------------------------------


def _shown_decimals(entry: CatalogueEntry | None) -> int:
    if entry is None:
        return 1
    return SURVEY_DECIMALS if entry.is_survey else entry.decimals


def _evaluate(goal_list: list[Goal], period: str) -> list[CardRow]:
    context = _Context()
    today = clock.today()
    before = previous_period(period)
    prepared = []
    for goal in goal_list:
        entry = context.entries.get(goal.indicator_key)
        if entry is None:
            now = previous = _Value(reason=Reason.UNKNOWN_INDICATOR)
        else:
            now = _value(context, entry, goal.unit, period)
            previous = _value(context, entry, goal.unit, before) if now.reason is None else _Value()
        prepared.append((goal, entry, now, previous))
    trend_results = trends(
        [
            TrendInput(
                current=now.value,
                previous=previous.value,
                direction=entry.direction.value if entry else "higher",
                sampled=bool(entry and entry.is_survey),
                se_current=now.se,
                se_previous=previous.se,
                decimals=_shown_decimals(entry),
            )
            for goal, entry, now, previous in prepared
        ]
    )
    rows = []
    for (goal, entry, now, previous), trend in zip(prepared, trend_results, strict=True):
        decimals = _shown_decimals(entry)
        if now.reason is not None:
            judgement = Judgement(Status.NO_DATA, now.reason)
        elif entry.is_survey:
            judgement = judge_interval(
                now.value, now.ci_low, now.ci_high, goal.target, entry.direction.value
            )
        else:
            judgement = judge_figure(now.value, goal.target, goal.tolerance, entry.direction.value)
        status, reason = judgement.status, judgement.reason
        earlier = previous_goal(goal)
        rows.append(
            CardRow(
                goal_id=goal.id,
                dimension=entry.dimension.value if entry else "",
                indicator=goal.indicator_key,
                indicator_name=localized(entry.name) if entry else goal.indicator_key,
                kind=entry.kind if entry else "",
                direction=entry.direction.value if entry else "",
                measure=entry.measure.value if entry else "",
                decimals=decimals,
                scale=entry.scale if entry else None,
                unit=goal.unit.code,
                unit_name=goal.unit.name,
                unit_id=goal.unit_id,
                unit_level=goal.unit.level.value,
                period=goal.period,
                value=now.value,
                ci_low=now.ci_low,
                ci_high=now.ci_high,
                target=goal.target,
                tolerance=goal.tolerance,
                status=status,
                reason=reason,
                explanation=explain(reason, now, goal, entry, decimals),
                trend=trend.trend,
                change=None if trend.change is None else round(trend.change, 10),
                previous_value=previous.value if trend.trend is not None else None,
                p_adjusted=trend.p_adjusted,
                source=_source(now, decimals),
                round_id=now.campaign.id if now.campaign else None,
                round_name=now.campaign.name if now.campaign else "",
                revision=now.figure.revision if now.figure else None,
                imported_at=now.figure.imported_at if now.figure else None,
                figure_status=now.figure.status if now.figure else None,
                comparisons=context.regions(goal.indicator_key, period)
                if entry is not None and not entry.is_survey
                else (),
                owner=goal.owner,
                rationale=goal.rationale,
                leader_explanation=goal.explanation,
                measures=tuple(MeasureRow.of(m, today) for m in goal.measures),
                previous_measures=tuple(MeasureRow.of(m, today) for m in earlier.measures)
                if earlier
                else (),
                previous_goal_id=earlier.id if earlier else None,
            )
        )
    return rows


def _order(row: CardRow) -> tuple:
    dimension = (
        DIMENSION_ORDER.index(row.dimension)
        if row.dimension in {d.value for d in DIMENSION_ORDER}
        else len(DIMENSION_ORDER)
    )
    return (dimension, row.unit, row.indicator_name.casefold(), row.goal_id)


def period_rows(period: str) -> list[CardRow]:
    """Every accepted goal of the period, evaluated together (one Holm family), ordered by
    dimension, unit code and indicator name. Kept for the rest of a request."""
    key = (period, current_language())
    if has_request_context():
        kept = g.setdefault("scorecard_rows", {})
        if key not in kept:
            kept[key] = sorted(_evaluate(goals(period=period), period), key=_order)
        return kept[key]
    return sorted(_evaluate(goals(period=period), period), key=_order)


def scorecard(
    period: str,
    readable: set[int] | None = None,
    within: OrgUnit | None = None,
    dimension: str | None = None,
    only_unit: bool = False,
) -> list[CardRow]:
    """The rows a reader sees: goals of units in `readable` (None: all), in the subtree of
    `within` (or of that unit only, with `only_unit`), of one dimension or all."""
    rows = period_rows(period)
    if readable is not None:
        rows = [r for r in rows if r.unit_id in readable]
    if within is not None:
        ids = {within.id} if only_unit else core_queries.subtree_ids(within)
        rows = [r for r in rows if r.unit_id in ids]
    if dimension:
        rows = [r for r in rows if r.dimension == dimension]
    return rows


def goal_row(goal: Goal) -> CardRow | None:
    """An accepted goal's row, evaluated with the rest of its period (None for other states)."""
    return next((r for r in period_rows(goal.period) if r.goal_id == goal.id), None)
