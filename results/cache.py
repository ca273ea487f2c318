"""Computed results kept in the database until what they were computed from changes.

    key = fingerprint(parts)                         # everything the results depend on
    found = load(campaign_id, key, names)            # name -> payload, for the names kept
    store(campaign_id, key, {name: payload, ...})    # after computing them once

A round's results are computed once per state of its answers, then read from the `result_cache`
table by every process (pages, API, reports, CLI); never kept in a process, so two servers cannot
disagree. An entry is named by what it holds (e.g. "unit:4601" for one org unit's cells) and
keyed by a fingerprint of everything it was computed from (`services._fingerprint`: the tallies'
stamps and counts, the responses waiting to be mixed, the tree, the populations, the
questionnaire's indicators, min_group, the code's version). When any of it changes the key
changes, the old entries are never read again, and `store` deletes them.

Only suppressed results are kept here: the same numbers every reader may see, never a count of a
hidden cell. Writes go through their own short transaction, so a page view stores what it
computed even though the request itself writes nothing; when the database is busy the entry is
simply not stored (it is computed again next time).
"""

from __future__ import annotations

import hashlib
import json
import logging

from sqlalchemy import ForeignKey, String, Text, delete, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, mapped_column

from helhet.extensions import db

log = logging.getLogger(__name__)


class ResultCache(db.Model):
    """One computed entry of a round's results (see the module docstring)."""

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)


_table = ResultCache.__table__


def fingerprint(parts) -> str:
    """SHA-256 of the JSON of `parts` (anything json.dumps takes, in a stable order)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load(campaign_id: int, key: str, names: list[str]) -> dict[str, object]:
    """The kept payloads among `names` for this fingerprint (decoded)."""
    found: dict[str, object] = {}
    for start in range(0, len(names), 500):
        for name, payload in db.session.execute(
            select(_table.c.name, _table.c.payload).where(
                _table.c.campaign_id == campaign_id,
                _table.c.fingerprint == key,
                _table.c.name.in_(names[start : start + 500]),
            )
        ):
            found[name] = json.loads(payload)
    return found


def store(campaign_id: int, key: str, entries: dict[str, object]) -> bool:
    """Keep `entries` under this fingerprint and drop the round's older ones, in a transaction of
    their own. Returns False (and keeps nothing) when the database was busy or refused."""
    rows = [
        {
            "campaign_id": campaign_id,
            "fingerprint": key,
            "name": name,
            "payload": json.dumps(payload, separators=(",", ":"), allow_nan=False),
        }
        for name, payload in entries.items()
    ]
    engine = db.engine
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.begin() as connection:
            try:
                if sqlite:  # never wait long for a request that holds the write lock: skip
                    connection.exec_driver_sql("PRAGMA busy_timeout = 200")
                else:
                    connection.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
                connection.execute(
                    delete(_table).where(
                        _table.c.campaign_id == campaign_id, _table.c.fingerprint != key
                    )
                )
                existing = set(
                    connection.scalars(
                        select(_table.c.name).where(
                            _table.c.campaign_id == campaign_id, _table.c.fingerprint == key
                        )
                    )
                )
                fresh = [row for row in rows if row["name"] not in existing]
                for start in range(0, len(fresh), 500):
                    connection.execute(insert(_table), fresh[start : start + 500])
            finally:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA busy_timeout = 10000")
    except DBAPIError as error:  # busy, or another server stored the same entry just now
        log.info("Results of round %s were not cached: %s", campaign_id, error.orig)
        return False
    return True
