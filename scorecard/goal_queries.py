"""Reads of goals and the dialogue around them (scorecard/goal_models.py).

    goals(period="2026", readable=..., states=...)     goals, by period, dimension order, unit
    goal_by_id(id)                                      one goal (None for a wrong id)
    goal_for(indicator_key, unit_id, period)            the goal of an indicator, unit and period
    goal_periods()                                      every period that has a goal, newest first
    previous_goal(goal)                                 the same indicator and unit a year before
    indicator_entries()                                 the catalogue by key, for goals
    closed_rounds(questionnaire_key, year)              the rounds a survey goal's value can come
                                                        from, the latest to close first
    summaries(period), publication(period), published_periods()

`readable` is helhet.access.readable_unit_ids(): None for administrators, else the ids of the
leader's subtree (goals of other units are left out).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collector.models import Campaign, CampaignState
from helhet.extensions import db
from results import queries as results_queries
from scorecard import queries as catalogue_queries
from scorecard.goal_models import (
    DimensionSummary,
    Goal,
    GoalComment,
    GoalMeasure,
    GoalState,
    ScorecardPublication,
)
from scorecard.models import Dimension, Direction, Measure
from scorecard.periods import Period, period_sort_key
from scorecard.queries import CatalogueEntry
from surveys import queries as survey_queries

LARGEST_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL


def goal_by_id(ident: int) -> Goal | None:
    if not 1 <= ident <= LARGEST_ID:
        return None
    return db.session.get(Goal, ident)


def goals(
    period: str | None = None,
    readable: set[int] | None = None,
    states: tuple[GoalState, ...] | None = (GoalState.ACCEPTED,),
) -> list[Goal]:
    """Goals (by default the accepted ones), by period and then by indicator and unit code."""
    query = select(Goal).options(
        selectinload(Goal.unit), selectinload(Goal.measures), selectinload(Goal.comments)
    )
    if period is not None:
        query = query.where(Goal.period == period)
    if states is not None:
        query = query.where(Goal.state.in_(list(states)))
    if readable is not None:
        query = query.where(Goal.unit_id.in_(readable or {-1}))
    found = list(db.session.scalars(query))
    return sorted(
        found, key=lambda g: (period_sort_key(g.period), g.indicator_key, g.unit.code, g.id)
    )


def goal_for(indicator_key: str, unit_id: int, period: str) -> Goal | None:
    return db.session.scalar(
        select(Goal).where(
            Goal.indicator_key == indicator_key, Goal.unit_id == unit_id, Goal.period == period
        )
    )


def goal_periods(states: tuple[GoalState, ...] | None = (GoalState.ACCEPTED,)) -> list[str]:
    """Every period with a goal, newest first."""
    query = select(Goal.period).distinct()
    if states is not None:
        query = query.where(Goal.state.in_(list(states)))
    return sorted(db.session.scalars(query), key=period_sort_key, reverse=True)


def previous_period(period: str) -> str | None:
    parsed = Period.parse(period)
    if parsed is None or not parsed.is_year or parsed.year <= 1900:
        return None
    return str(parsed.year - 1)


def next_period(period: str) -> str | None:
    parsed = Period.parse(period)
    if parsed is None or not parsed.is_year or parsed.year >= 2100:
        return None
    return str(parsed.year + 1)


def previous_goal(goal: Goal) -> Goal | None:
    """The accepted goal of the same indicator and unit in the period before (whose measures the
    scorecard shows as carried out or not)."""
    before = previous_period(goal.period)
    if before is None:
        return None
    found = goal_for(goal.indicator_key, goal.unit_id, before)
    return found if found is not None and found.state == GoalState.ACCEPTED else None


def measure(goal: Goal, measure_id: int) -> GoalMeasure | None:
    """The measure `measure_id` if it is one of the goal's."""
    if not 1 <= measure_id <= LARGEST_ID:
        return None
    return db.session.scalar(
        select(GoalMeasure).where(GoalMeasure.id == measure_id, GoalMeasure.goal_id == goal.id)
    )


def comments(goal: Goal) -> list[GoalComment]:
    return list(goal.comments)


# --- indicators ----------------------------------------------------------------------------------


def indicator_entries() -> dict[str, CatalogueEntry]:
    """Every indicator a goal can name, by key: the catalogue (figure indicators and the newest
    published questionnaires' indicators), and the indicators that only earlier published
    versions have (a goal set before a new version dropped its indicator keeps its dimension)."""
    entries = {entry.key: entry for entry in catalogue_queries.catalogue()}
    seen_keys = {entry.questionnaire_key for entry in entries.values() if entry.is_survey}
    for questionnaire in survey_queries.all_published():  # by key, newest version first
        if questionnaire.key not in seen_keys:
            continue
        for indicator in survey_queries.indicators(questionnaire):
            key = f"{questionnaire.key}.{indicator.key}"
            if key in entries:
                continue
            items = survey_queries.indicator_items(indicator)
            lows = [q.scale_min for q in items if q.scale_min is not None]
            highs = [q.scale_max for q in items if q.scale_max is not None]
            entries[key] = CatalogueEntry(
                key=key,
                kind="survey",
                name=dict(indicator.name or {}),
                description=dict(questionnaire.title or {}),
                dimension=Dimension(indicator.dimension),
                measure=Measure.SCALE_SCORE,
                direction=Direction.HIGHER,
                decimals=1,
                source=f"{questionnaire.key} v{questionnaire.version}",
                questionnaire_key=questionnaire.key,
                indicator_key=indicator.key,
                scale=(min(lows), max(highs)) if lows and highs else None,
            )
    return entries


# --- survey rounds -------------------------------------------------------------------------------


def closed_rounds(questionnaire_key: str, year: int) -> list[Campaign]:
    """The closed rounds of a questionnaire (any version) whose period is `year`, the latest to
    close first (results.queries.rounds: the one list of rounds)."""
    return [
        campaign
        for campaign in results_queries.rounds()
        if campaign.questionnaire.key == questionnaire_key
        and campaign.period == year
        and campaign.state() == CampaignState.CLOSED
    ]


# --- summaries and publication -------------------------------------------------------------------


def summaries(period: str) -> dict[str, DimensionSummary]:
    """The chief executive's summaries of a period, by dimension key."""
    return {
        summary.dimension.value: summary
        for summary in db.session.scalars(
            select(DimensionSummary).where(DimensionSummary.period == period)
        )
    }


def summary(period: str, dimension: Dimension) -> DimensionSummary | None:
    return db.session.scalar(
        select(DimensionSummary).where(
            DimensionSummary.period == period, DimensionSummary.dimension == dimension
        )
    )


def publication(period: str) -> ScorecardPublication | None:
    return db.session.scalar(
        select(ScorecardPublication).where(ScorecardPublication.period == period)
    )


def published_periods() -> list[str]:
    """The periods anyone may read, newest first."""
    return sorted(
        db.session.scalars(select(ScorecardPublication.period)), key=period_sort_key, reverse=True
    )
