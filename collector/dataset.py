"""Loading a round's answers for analysis: one function per shape (DESIGN §2).

`answers_frame(campaign)`   one row per response (wide), for design-based estimates
`answers_long(campaign)`    one row per answer row, as stored
`item_sums(campaign)`       n, Σx and Σx² per unit and question, computed by the database with
                            GROUP BY, so the cost grows with units x questions, not respondents

Everything here is a read of the counted responses (not those held for review); nothing is
suppressed yet: suppression (min_group) is analysis's job.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import case, func, select

from collector.models import Answer, Campaign, Response, ResponseState
from collector.survey import load
from helhet.extensions import db
from helhet.models import OrgUnit, UnitPopulation
from surveys.models import QuestionType

NUMERIC_TYPES = (QuestionType.SCALE, QuestionType.NUMBER)

SUMS_COLUMNS = ["unit", "item", "n", "sum", "sumsq", "dont_know", "respondents", "population"]
# Held open-link responses wait for an administrator's decision and are not part of the data.
COUNTED = Response.state != ResponseState.HELD

RESPONSE_COLUMNS = [
    "response_id",
    "unit",
    "headcount",
    "source",
    "submitted_on",
    "age_group",
    "gender",
]


def _headcounts(campaign: Campaign) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(UnitPopulation.unit_id, UnitPopulation.count).where(
                UnitPopulation.period == campaign.period,
                UnitPopulation.unit_id.in_([cu.unit_id for cu in campaign.units]),
            )
        ).all()
    )


def answers_frame(campaign: Campaign) -> pd.DataFrame:
    """One row per response of the round.

    Columns: response_id (int), unit (org unit code), headcount (the unit's population for the
    round's period, NaN if unknown; use as the finite population correction), source ("web",
    "open_link", "paper"), submitted_on (date), age_group, gender (str or None), then one
    column per question, named by its key:

    - scale and number questions: float; NaN when unanswered or answered "don't know"
    - single choice: the chosen value (str), NaN when unanswered
    - multiple choice: one 0/1 column per option, named "<key>.<value>" (NaN when unanswered)

    Free-text questions are left out (they are shown to administrators elsewhere, never
    aggregated per unit).
    """
    survey = load(campaign.questionnaire_id, campaign.questionnaire.published_at)
    questions = [q for q in survey.questions if q.answerable and q.type != QuestionType.TEXT]
    headcounts = _headcounts(campaign)
    responses = db.session.execute(
        select(
            Response.id,
            OrgUnit.code,
            Response.unit_id,
            Response.source,
            Response.submitted_on,
            Response.age_group,
            Response.gender,
        )
        .join(OrgUnit, OrgUnit.id == Response.unit_id)
        .where(Response.campaign_id == campaign.id, COUNTED)
        .order_by(Response.id)
    ).all()
    frame = pd.DataFrame(
        [
            (
                r.id,
                r.code,
                headcounts.get(r.unit_id),
                getattr(r.source, "value", r.source),
                r.submitted_on,
                r.age_group,
                r.gender,
            )
            for r in responses
        ],
        columns=RESPONSE_COLUMNS,
    )
    frame["headcount"] = pd.to_numeric(frame["headcount"], errors="coerce").astype(float)
    columns: dict[str, pd.Series] = {}
    answers = db.session.execute(
        select(Answer.response_id, Answer.question_key, Answer.value, Answer.text, Answer.dont_know)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.campaign_id == campaign.id, COUNTED)
    ).all()
    by_question: dict[str, list] = {}
    for row in answers:
        by_question.setdefault(row.question_key, []).append(row)
    index = pd.Index(frame["response_id"])
    for question in questions:
        rows = by_question.get(question.key, [])
        if question.type in NUMERIC_TYPES:
            values = {
                r.response_id: (float("nan") if r.dont_know or r.value is None else r.value)
                for r in rows
            }
            columns[question.key] = pd.Series(values, dtype=float).reindex(index)
        elif question.type == QuestionType.SINGLE:
            values = {r.response_id: r.text for r in rows}
            columns[question.key] = pd.Series(values, dtype=object).reindex(index)
        elif question.type == QuestionType.MULTIPLE:
            answered = {r.response_id for r in rows}
            for choice in question.choices:
                chosen = {r.response_id for r in rows if r.text == choice.value}
                columns[f"{question.key}.{choice.value}"] = pd.Series(
                    [
                        (1.0 if rid in chosen else 0.0) if rid in answered else float("nan")
                        for rid in index
                    ],
                    index=index,
                    dtype=float,
                )
    if columns:
        extra = pd.DataFrame(columns, index=index).reset_index(drop=True)
        frame = pd.concat([frame, extra], axis=1)
    return frame


def answers_long(campaign: Campaign) -> pd.DataFrame:
    """Every stored answer row: response_id, unit, question_key, value, text, dont_know."""
    rows = db.session.execute(
        select(
            Answer.response_id,
            OrgUnit.code,
            Answer.question_key,
            Answer.value,
            Answer.text,
            Answer.dont_know,
        )
        .join(Response, Response.id == Answer.response_id)
        .join(OrgUnit, OrgUnit.id == Response.unit_id)
        .where(Response.campaign_id == campaign.id, COUNTED)
        .order_by(Answer.response_id, Answer.id)
    ).all()
    return pd.DataFrame(
        [tuple(r) for r in rows],
        columns=["response_id", "unit", "question_key", "value", "text", "dont_know"],
    )


def item_sums(campaign: Campaign, question_keys: list[str] | None = None) -> pd.DataFrame:
    """Sufficient statistics per unit and question, aggregated in the database, in the shape
    `analysis.item_table_from_sums` takes (so a results page never loads the answers):

    unit (code), item (question key), n (numeric answers; "don't know" excluded), sum (Σx),
    sumsq (Σx²), dont_know (number of "don't know" answers), respondents (the unit's responses,
    n_h), population (the unit's headcount for the round's period, N_h; NaN if unknown).
    Only questions with numeric answers appear.
    """
    value = Answer.value
    query = (
        select(
            Response.unit_id,
            OrgUnit.code,
            Answer.question_key,
            func.count(value).label("n"),
            func.sum(value).label("sum"),
            func.sum(value * value).label("sumsq"),
            func.sum(case((Answer.dont_know.is_(True), 1), else_=0)).label("dont_know"),
        )
        .join(Response, Response.id == Answer.response_id)
        .join(OrgUnit, OrgUnit.id == Response.unit_id)
        .where(
            Response.campaign_id == campaign.id,
            COUNTED,
            (value.is_not(None)) | Answer.dont_know.is_(True),
        )
        .group_by(Response.unit_id, OrgUnit.code, Answer.question_key)
        .order_by(OrgUnit.code, Answer.question_key)
    )
    if question_keys is not None:
        query = query.where(Answer.question_key.in_(question_keys))
    respondents = dict(
        db.session.execute(
            select(Response.unit_id, func.count())
            .where(Response.campaign_id == campaign.id, COUNTED)
            .group_by(Response.unit_id)
        ).all()
    )
    headcounts = _headcounts(campaign)
    rows = db.session.execute(query).all()
    frame = pd.DataFrame(
        [
            (
                r.code,
                r.question_key,
                int(r.n),
                float(r.sum or 0.0),
                float(r.sumsq or 0.0),
                int(r.dont_know or 0),
                respondents[r.unit_id],
                headcounts.get(r.unit_id),
            )
            for r in rows
        ],
        columns=SUMS_COLUMNS,
    )
    frame["population"] = pd.to_numeric(frame["population"], errors="coerce").astype(float)
    return frame
