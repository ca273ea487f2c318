"""Mixing: no response can be linked to its invitation code, not even with the database in hand.

Sending claims the code and stores the response in one transaction (exactly once, durable), so at
that moment the two rows share everything a database records about a write: the transaction id
(PostgreSQL's xmin), the position in the table and in the id sequence, the frames of SQLite's WAL.
This module takes those links apart, in three steps (docs/collector.md has the threat model):

1. A sent response is RECEIVED. As soon as its unit has at least `min_group` received responses,
   they are re-written together, in a random order, in the transaction of the send that completed
   the batch: new ids, new rows, one transaction id for the whole batch (RELEASED). From then on a
   code can only be linked to its batch, never to one response of it.
2. When the round has closed, `seal` mixes every response of each unit once more into one shuffled
   batch, re-writes all the round's invitations in one statement (so they share one transaction
   id), removes the unfinished open-link drafts and deletes the round's contacts (the addresses
   and phone numbers invitations were sent to).
3. After the seal has committed, `scrub_storage` removes what the database keeps of the old rows:
   on PostgreSQL it rewrites the invitation table in id order (CLUSTER, which also drops the old
   row versions and their bytes), rewrites the draft table (VACUUM FULL: a deleted draft holds its
   invitation and its answers) and the contact table (deleted addresses and phone numbers) and
   vacuums responses and answers; on SQLite, whose deletions are
   zeroed as they happen (`secure_delete`), it rebuilds the file (VACUUM) and truncates the WAL.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError

from collector import tallies
from collector.clock import utcnow
from collector.models import (
    Answer,
    Campaign,
    Contact,
    Draft,
    Invitation,
    Response,
    ResponseState,
)
from helhet.extensions import db

log = logging.getLogger(__name__)

_response, _answer, _invitation = Response.__table__, Answer.__table__, Invitation.__table__
_shuffler = random.SystemRandom()
CHUNK = 500  # ids per IN (...) list: well below SQLite's limit on bound parameters
MIXED = (ResponseState.RECEIVED.value, ResponseState.RELEASED.value)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def received_count(campaign_id: int, unit_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(_response)
        .where(
            _response.c.campaign_id == campaign_id,
            _response.c.unit_id == unit_id,
            _response.c.state == ResponseState.RECEIVED.value,
        )
    )


def release_if_ready(campaign_id: int, unit_id: int, batch: int) -> int:
    """Mix the unit's received responses into one shuffled batch once there are at least `batch`
    of them; returns how many were released (0 while the batch is not full)."""
    if received_count(campaign_id, unit_id) < batch:
        return 0
    return mix(campaign_id, unit_id, (ResponseState.RECEIVED.value,), at_least=batch)


def mix(campaign_id: int, unit_id: int, states: Iterable[str], at_least: int = 1) -> int:
    """Re-write one unit's responses in the given states (and their answers) in a random order,
    as RELEASED, under new ids; the old rows are deleted. Returns the number of responses mixed.

    The rows are locked first (in id order, so two sends cannot deadlock). A concurrent send may
    have mixed some of them meanwhile: if fewer than `at_least` are left, nothing is done, so a
    batch is never smaller than asked for.
    """
    rows = (
        db.session.execute(
            select(_response)
            .where(
                _response.c.campaign_id == campaign_id,
                _response.c.unit_id == unit_id,
                _response.c.state.in_(list(states)),
            )
            .order_by(_response.c.id)
            .with_for_update()
        )
        .mappings()
        .all()
    )
    if not rows or len(rows) < at_least:
        return 0
    old_ids = [row["id"] for row in rows]
    answers: dict[int, list[dict]] = defaultdict(list)
    for chunk in _chunks(old_ids):
        for answer in db.session.execute(
            select(_answer).where(_answer.c.response_id.in_(chunk)).order_by(_answer.c.id)
        ).mappings():
            answers[answer["response_id"]].append(dict(answer))
    order = list(rows)
    _shuffler.shuffle(order)
    new_rows = [
        {
            **{key: value for key, value in row.items() if key != "id"},
            "state": ResponseState.RELEASED.value,
            "held_reason": None,
        }
        for row in order
    ]
    new_ids = (
        db.session.execute(
            insert(_response).returning(_response.c.id, sort_by_parameter_order=True), new_rows
        )
        .scalars()
        .all()
    )
    answer_rows = [
        {**{k: v for k, v in answer.items() if k != "id"}, "response_id": new_id}
        for new_id, row in zip(new_ids, order, strict=True)
        for answer in answers[row["id"]]
    ]
    if answer_rows:
        db.session.execute(insert(_answer), answer_rows)
    newly_released = [row for row in rows if row["state"] == ResponseState.RECEIVED.value]
    if newly_released:
        campaign = db.session.get(Campaign, campaign_id)
        tallies.add(
            campaign_id,
            tallies.count(
                tallies.TallySpec.of(campaign.questionnaire),
                ((row["unit_id"], answers[row["id"]]) for row in newly_released),
            ),
        )
    for chunk in _chunks(old_ids):
        db.session.execute(delete(_answer).where(_answer.c.response_id.in_(chunk)))
        db.session.execute(delete(_response).where(_response.c.id.in_(chunk)))
    return len(rows)


@dataclass(frozen=True)
class Sealed:
    responses: int  # responses mixed into one batch per unit
    drafts_removed: int  # unfinished open-link drafts removed


def seal(campaign: Campaign) -> Sealed:
    """Take apart every link between the closed round's codes and its responses (step 2 above).

    Flushes; the caller commits and then calls `scrub_storage()`. Responses held for review stay
    held (they came through an open link, not with a code).
    """
    mixed = sum(mix(campaign.id, cu.unit_id, MIXED) for cu in campaign.units)
    db.session.execute(
        update(_invitation)
        .where(_invitation.c.campaign_id == campaign.id)
        .values(status=_invitation.c.status)
    )
    removed = db.session.execute(
        delete(Draft)
        .where(Draft.campaign_id == campaign.id, Draft.invitation_id.is_(None))
        .execution_options(synchronize_session=False)
    ).rowcount
    # the addresses and phone numbers of the invitations (collector/invitations.py) go too
    db.session.execute(
        delete(Contact)
        .where(Contact.campaign_id == campaign.id)
        .execution_options(synchronize_session=False)
    )
    campaign.sealed_at = utcnow()
    db.session.flush()
    return Sealed(responses=mixed, drafts_removed=removed or 0)


def scrub_storage() -> bool:
    """Remove the old rows' traces from the database files (step 3 above). Run after the seal
    has committed, outside any transaction. Returns False when the database was too busy (the
    seal itself holds; run it again later: `helhet campaign close ID` does)."""
    engine = db.engine
    try:
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("SET lock_timeout = '10s'")
                connection.exec_driver_sql("CLUSTER invitation USING pk_invitation")
                connection.exec_driver_sql("VACUUM FULL draft")
                connection.exec_driver_sql("VACUUM FULL contact")  # deleted addresses' bytes
                connection.exec_driver_sql(
                    "VACUUM response, answer, tally_unit, tally_item, tally_score"
                )
        elif engine.dialect.name == "sqlite":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM")
                busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()[0]
                if busy:
                    return False
    except DBAPIError as error:
        log.warning("Could not scrub the database files after sealing a round: %s", error.orig)
        return False
    return True
