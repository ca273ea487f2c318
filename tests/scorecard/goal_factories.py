"""Goals and closed survey rounds for the goal and scorecard tests, made through the public
services as an administrator would (rounds through the collector, answers through the paper
import, figures through the figure import, goals through scorecard.goal_services)."""

from __future__ import annotations

from datetime import timedelta

from collector import services as collector_services
from collector.clock import utcnow
from collector.models import Campaign
from helhet import queries as core_queries
from helhet.extensions import db
from scorecard import goal_services
from scorecard.goal_models import Goal
from tests.results.factories import QUESTIONNAIRE, paper, publish_questionnaire
from tests.scorecard.factories import csv_text, import_file, starter

SURVEY = "liten.trivsel"  # the indicator of tests.results.factories.QUESTIONNAIRE (1-5)


def unit(code: str):
    return core_queries.unit_by_code(code)


def questionnaire():
    from surveys import queries as survey_queries

    return survey_queries.published("liten") or publish_questionnaire(QUESTIONNAIRE)


def closed_round(
    rows: list[tuple[str, str, str]],
    period: int = 2026,
    codes: list[str] | None = None,
    min_group: int = 5,
    name: str = "Runde",
) -> Campaign:
    """A round of the small questionnaire for the units (default: those in `rows`) with the
    answers (unit, a, b) imported from paper, then closed and sealed."""
    codes = codes or sorted({code for code, _a, _b in rows})
    now = utcnow()
    campaign = collector_services.create_campaign(
        name=name,
        questionnaire=questionnaire(),
        units=[unit(code) for code in codes],
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=1),
        open_link=False,
        use_codes=True,
        min_group=min_group,
        period=period,
    )
    db.session.commit()
    if rows:
        collector_services.import_responses(campaign, paper(rows).encode("utf-8"))
        db.session.commit()
    collector_services.close_now(campaign)
    db.session.commit()
    return campaign


def answers(code: str, values: list[int], b_offset: int = 0) -> list[tuple[str, str, str]]:
    """One answer per value: a = value, b = value + b_offset (kept on 1-5)."""
    return [(code, str(v), str(min(5, max(1, v + b_offset)))) for v in values]


def goal(
    indicator: str,
    code: str,
    target: float,
    period: str = "2026",
    tolerance: float | None = None,
    owner: str = "",
) -> Goal:
    made = goal_services.create_goal(
        goal_services.GoalData(indicator, unit(code), period, target, tolerance, owner)
    )
    db.session.commit()
    return made


def figures(*lines: str) -> None:
    """Import figure rows `indicator;unit;period;value;status` (the starter indicators)."""
    starter()
    import_file("figures.csv", csv_text("indicator;unit;period;value;status", *lines))
