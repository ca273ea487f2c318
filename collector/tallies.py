"""Tallies: the sufficient statistics of a round's answers, kept as the answers are released.

A results page must never load a large round's answers (DESIGN §7). Everything the results need
is a count, so the collector keeps the counts as responses are released, in three tables
(collector/models.py):

    tally_unit   (round, unit) -> released responses
    tally_item   (round, unit, scale question, "vet ikke"?, value) -> answers
    tally_score  (round, unit, indicator, items answered, their sum) -> respondents

From them every figure of `results.services` follows exactly: n, Σx and Σx² per unit and item
(and so the design-based means of units, sectors and the municipality), the answer distribution,
the "vet ikke" share, and each respondent's indicator score (sum / answered, kept only when
enough of the indicator's items were answered: that rule is applied when reading, so it is never
baked in) with its favourable share.

When they change. Only when responses are released: by `mixing.mix` (a batch of at least
`min_group` responses of one unit, or the seal), and by the paper import (`services.
import_responses`), whose responses are released as they are stored. Both call `add` in their
own transaction, so the tallies and the answers commit or roll back together, and a tally never
moves by one sent response: its old row versions show at most a batch (docs/collector.md; the
seal's scrub vacuums these tables too). Responses that wait to be mixed (RECEIVED) are few (fewer
than `min_group` per unit) and are counted when read (`current`); held open-link answers are not
counted until an administrator accepts them.

`recount(campaign)` rebuilds a round's tallies from its answers (after an upgrade, `helhet
init-db` fills the tallies of rounds that have none; `helhet round retally ID` repairs one), and
the tests check after every kind of write that the kept tallies equal a recount.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd
from flask import current_app
from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from collector.models import (
    Answer,
    Campaign,
    Response,
    ResponseState,
    TallyItem,
    TallyScore,
    TallyUnit,
)
from helhet.extensions import db
from surveys import queries as survey_queries
from surveys.models import Questionnaire

_answer, _response = Answer.__table__, Response.__table__
_unit, _item, _score = TallyUnit.__table__, TallyItem.__table__, TallyScore.__table__


@dataclass(frozen=True)
class TallySpec:
    """What a questionnaire's answers are tallied by: its scale questions and its indicators
    (key -> the indicator's scale questions)."""

    scale_keys: frozenset[str]
    indicators: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def of(cls, questionnaire: Questionnaire) -> TallySpec:
        """The spec of `questionnaire`; kept per process once published (a published version
        never changes, as collector/survey.py's snapshots), since every mixed batch needs it."""
        if questionnaire.published_at is None or not questionnaire.is_published:
            return cls._build(questionnaire)
        cache = current_app.extensions.setdefault("collector.tally_specs", {})
        key = (questionnaire.id, questionnaire.published_at)
        if key not in cache:
            cache[key] = cls._build(questionnaire)
        return cache[key]

    @classmethod
    def _build(cls, questionnaire: Questionnaire) -> TallySpec:
        scale = [q.key for q in survey_queries.scale_questions(questionnaire)]
        keys = frozenset(scale)
        indicators = tuple(
            (indicator.key, items)
            for indicator in survey_queries.indicators(questionnaire)
            if (
                items := tuple(
                    q.key for q in survey_queries.indicator_items(indicator) if q.key in keys
                )
            )
        )
        return cls(keys, indicators)


@dataclass
class Tallies:
    """Counts keyed as the tables are (unit ids, not codes)."""

    units: Counter = field(default_factory=Counter)  # unit_id -> responses
    items: Counter = field(default_factory=Counter)  # (unit_id, key, dont_know, value) -> n
    scores: Counter = field(default_factory=Counter)  # (unit_id, key, answered, total) -> n

    def __add__(self, other: Tallies) -> Tallies:
        return Tallies(
            self.units + other.units, self.items + other.items, self.scores + other.scores
        )

    def __bool__(self) -> bool:
        return bool(self.units)


def count(spec: TallySpec, responses: Iterable[tuple[int, Iterable[Mapping]]]) -> Tallies:
    """Tally responses given as (unit_id, its answer rows with question_key, value, dont_know)."""
    tallies = Tallies()
    for unit_id, answers in responses:
        tallies.units[unit_id] += 1
        values: dict[str, float] = {}
        for answer in answers:
            key = answer["question_key"]
            if key not in spec.scale_keys:
                continue
            if answer["dont_know"]:
                tallies.items[(unit_id, key, True, 0.0)] += 1
            elif answer["value"] is not None:
                value = float(answer["value"])
                tallies.items[(unit_id, key, False, value)] += 1
                values[key] = value
        for indicator, items in spec.indicators:
            answered = [values[key] for key in items if key in values]
            if answered:
                tallies.scores[(unit_id, indicator, len(answered), float(sum(answered)))] += 1
    return tallies


def _upsert(table, rows: list[dict], keys: list[str], counted: str, replaced=()) -> None:
    if not rows:
        return
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(table)
    elif dialect == "sqlite":
        statement = sqlite.insert(table)
    else:  # pragma: no cover - Helhet runs on SQLite and PostgreSQL
        raise RuntimeError(f"tallies need INSERT ... ON CONFLICT, which {dialect} lacks")
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={
            counted: table.c[counted] + statement.excluded[counted],
            **{column: statement.excluded[column] for column in replaced},
        },
    )
    for start in range(0, len(rows), 1000):
        db.session.execute(statement, rows[start : start + 1000])


def _stamp() -> int:
    return secrets.randbits(62)


def add(campaign_id: int, tallies: Tallies) -> None:
    """Add `tallies` to the round's stored tallies (in the caller's transaction)."""
    _upsert(
        _unit,
        [
            {"campaign_id": campaign_id, "unit_id": u, "responses": n, "stamp": _stamp()}
            for u, n in sorted(tallies.units.items())
        ],
        ["campaign_id", "unit_id"],
        "responses",
        replaced=("stamp",),
    )
    _upsert(
        _item,
        [
            {
                "campaign_id": campaign_id,
                "unit_id": u,
                "question_key": key,
                "dont_know": dk,
                "value": value,
                "count": n,
            }
            for (u, key, dk, value), n in sorted(tallies.items.items())
        ],
        ["campaign_id", "unit_id", "question_key", "dont_know", "value"],
        "count",
    )
    _upsert(
        _score,
        [
            {
                "campaign_id": campaign_id,
                "unit_id": u,
                "indicator_key": key,
                "answered": answered,
                "total": total,
                "count": n,
            }
            for (u, key, answered, total), n in sorted(tallies.scores.items())
        ],
        ["campaign_id", "unit_id", "indicator_key", "answered", "total"],
        "count",
    )


def stored(campaign_id: int, question_keys: Iterable[str] | None = None) -> Tallies:
    """The round's tallies as kept (released responses only); with `question_keys`, only the
    item tallies of those questions (and no scores)."""
    tallies = Tallies()
    for u, n in db.session.execute(
        select(_unit.c.unit_id, _unit.c.responses).where(_unit.c.campaign_id == campaign_id)
    ):
        tallies.units[u] = int(n)
    items = select(
        _item.c.unit_id, _item.c.question_key, _item.c.dont_know, _item.c.value, _item.c.count
    ).where(_item.c.campaign_id == campaign_id)
    if question_keys is not None:
        items = items.where(_item.c.question_key.in_(list(question_keys)))
    for u, key, dk, value, n in db.session.execute(items):
        tallies.items[(u, key, bool(dk), float(value))] = int(n)
    if question_keys is not None:
        return tallies
    for u, key, answered, total, n in db.session.execute(
        select(
            _score.c.unit_id,
            _score.c.indicator_key,
            _score.c.answered,
            _score.c.total,
            _score.c.count,
        ).where(_score.c.campaign_id == campaign_id)
    ):
        tallies.scores[(u, key, int(answered), float(total))] = int(n)
    return tallies


def _responses(response_filter, order: bool = False) -> Iterator[tuple[int, list[dict]]]:
    query = (
        select(
            _response.c.id,
            _response.c.unit_id,
            _answer.c.question_key,
            _answer.c.value,
            _answer.c.dont_know,
        )
        .select_from(_response.outerjoin(_answer, _answer.c.response_id == _response.c.id))
        .where(response_filter)
    )
    if order:
        query = query.order_by(_response.c.id)
    rows: dict[int, tuple[int, list[dict]]] = {}
    for row in db.session.execute(query).mappings():
        _unit_id, answers = rows.setdefault(row["id"], (row["unit_id"], []))
        if row["question_key"] is not None:
            answers.append(row)
    yield from rows.values()


def stamps(campaign_id: int) -> list[tuple[int, int, int]]:
    """(unit_id, released responses, stamp) of every unit of the round with tallies: changes
    whenever a tally changes (see TallyUnit.stamp)."""
    return [
        (int(u), int(n), int(stamp))
        for u, n, stamp in db.session.execute(
            select(_unit.c.unit_id, _unit.c.responses, _unit.c.stamp)
            .where(_unit.c.campaign_id == campaign_id)
            .order_by(_unit.c.unit_id)
        )
    ]


def received_count(campaign_id: int) -> int:
    """How many of the round's responses wait to be mixed (a partial index counts them)."""
    return db.session.scalar(
        select(func.count())
        .select_from(_response)
        .where(
            _response.c.campaign_id == campaign_id,
            _response.c.state == ResponseState.RECEIVED.value,
        )
    )


def current(campaign: Campaign, question_keys: Iterable[str] | None = None) -> Tallies:
    """Every counted response of the round: the stored tallies and the responses that wait to be
    mixed (about min_group per unit at most, so this stays a small read). With `question_keys`,
    only those questions' item tallies (see `stored`)."""
    spec = TallySpec.of(campaign.questionnaire)
    waiting = count(
        spec,
        _responses(
            (_response.c.campaign_id == campaign.id)
            & (_response.c.state == ResponseState.RECEIVED.value)
        ),
    )
    if question_keys is not None:
        keys = set(question_keys)
        waiting.items = Counter({k: n for k, n in waiting.items.items() if k[1] in keys})
        waiting.scores = Counter()
    return stored(campaign.id, question_keys) + waiting


def recount(campaign: Campaign) -> Tallies:
    """Rebuild the round's stored tallies from its released answers, aggregated by the database
    (in the caller's transaction); returns them. `count` and this must agree: the tests check it
    after every kind of write."""
    spec = TallySpec.of(campaign.questionnaire)
    for table in (_unit, _item, _score):
        db.session.execute(delete(table).where(table.c.campaign_id == campaign.id))
    released = (_response.c.campaign_id == campaign.id) & (
        _response.c.state == ResponseState.RELEASED.value
    )
    joined = _answer.join(_response, _response.c.id == _answer.c.response_id)
    total = Tallies()
    for unit_id, n in db.session.execute(
        select(_response.c.unit_id, func.count()).where(released).group_by(_response.c.unit_id)
    ):
        total.units[unit_id] = int(n)
    if spec.scale_keys:
        value = case((_answer.c.dont_know.is_(True), 0.0), else_=_answer.c.value)
        dont_know = _answer.c.dont_know.is_(True)
        for unit_id, key, dk, v, n in db.session.execute(
            select(_response.c.unit_id, _answer.c.question_key, dont_know, value, func.count())
            .select_from(joined)
            .where(
                released,
                _answer.c.question_key.in_(sorted(spec.scale_keys)),
                dont_know | _answer.c.value.is_not(None),
            )
            .group_by(_response.c.unit_id, _answer.c.question_key, dont_know, value)
        ):
            total.items[(unit_id, key, bool(dk), float(v))] = int(n)
    for indicator, items in spec.indicators:
        per_response = (
            select(
                _response.c.unit_id.label("unit_id"),
                func.count().label("answered"),
                func.sum(_answer.c.value).label("total"),
            )
            .select_from(joined)
            .where(
                released,
                _answer.c.question_key.in_(items),
                _answer.c.dont_know.is_not(True),
                _answer.c.value.is_not(None),
            )
            .group_by(_response.c.unit_id, _response.c.id)
            .subquery()
        )
        for unit_id, answered, subtotal, n in db.session.execute(
            select(
                per_response.c.unit_id,
                per_response.c.answered,
                per_response.c.total,
                func.count(),
            ).group_by(per_response.c.unit_id, per_response.c.answered, per_response.c.total)
        ):
            total.scores[(unit_id, indicator, int(answered), float(subtotal))] = int(n)
    add(campaign.id, total)
    return total


ITEM_COLUMNS = ["unit_id", "question_key", "dont_know", "value", "count"]
SCORE_COLUMNS = ["unit_id", "indicator_key", "answered", "total", "count"]


@dataclass(frozen=True)
class TallyFrames:
    """`current` as tables, for computing on them (a key may appear more than once: sum it).

    units   unit_id -> responses
    items   ITEM_COLUMNS          scores  SCORE_COLUMNS
    """

    units: dict[int, int]
    items: pd.DataFrame
    scores: pd.DataFrame


def current_frames(campaign: Campaign) -> TallyFrames:
    """Every counted response of the round (as `current`), read straight into tables."""
    spec = TallySpec.of(campaign.questionnaire)
    waiting = count(
        spec,
        _responses(
            (_response.c.campaign_id == campaign.id)
            & (_response.c.state == ResponseState.RECEIVED.value)
        ),
    )
    units = Counter(
        dict(
            db.session.execute(
                select(_unit.c.unit_id, _unit.c.responses).where(_unit.c.campaign_id == campaign.id)
            ).all()
        )
    )
    items = pd.DataFrame(
        db.session.execute(
            select(*(_item.c[c] for c in ITEM_COLUMNS)).where(_item.c.campaign_id == campaign.id)
        ).all(),
        columns=ITEM_COLUMNS,
    )
    scores = pd.DataFrame(
        db.session.execute(
            select(*(_score.c[c] for c in SCORE_COLUMNS)).where(_score.c.campaign_id == campaign.id)
        ).all(),
        columns=SCORE_COLUMNS,
    )
    if waiting:
        items = _joined(
            items, pd.DataFrame([(*k, n) for k, n in waiting.items.items()], columns=ITEM_COLUMNS)
        )
        scores = _joined(
            scores,
            pd.DataFrame([(*k, n) for k, n in waiting.scores.items()], columns=SCORE_COLUMNS),
        )
    return TallyFrames(dict(units + waiting.units), items, scores)


def _joined(kept: pd.DataFrame, waiting: pd.DataFrame) -> pd.DataFrame:
    """The rows of both frames (same columns); an empty one is left out, as pandas will no longer
    ignore it when it decides the columns' types."""
    frames = [frame for frame in (kept, waiting) if not frame.empty]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else (frames or [kept])[0]


def untallied_rounds() -> list[Campaign]:
    """Rounds with released responses but no tallies (rounds from before tallies existed)."""
    has_tally = select(_unit.c.campaign_id).distinct()
    has_released = select(_response.c.campaign_id).where(
        _response.c.state == ResponseState.RELEASED.value
    )
    return list(
        db.session.scalars(
            select(Campaign).where(Campaign.id.in_(has_released), Campaign.id.not_in(has_tally))
        )
    )
