"""What the backup, copy and several-servers tests share: databases built by the migrations, fresh
PostgreSQL databases beside the test database, a round of the standard employee survey, and the
state of a round as a user of Helhet would compare it (responses, codes, results)."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import timedelta

from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from collector import services as collector_services
from collector.clock import utcnow
from collector.models import Answer, Campaign, CampaignUnit, Invitation, Response
from helhet import create_app
from helhet.config import normalise_database_url
from helhet.extensions import db
from results import queries as results_queries
from results import services as results_services
from results.cache import _table as result_cache_table
from surveys import library
from surveys.models import Questionnaire
from tests.conftest import PG_URL, app_config, make_app

STANDARD = "medarbeiderundersokelse"


def migrated_app(url: str, **overrides):
    """An app on an empty database whose schema the migrations made (as `helhet init-db` does),
    so that `helhet db upgrade` knows where it is."""
    app = make_app(url, **overrides)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        db.session.remove()
    return app


def postgres_url_named(name: str) -> str:
    return make_url(normalise_database_url(PG_URL)).set(database=name).render_as_string(False)


@contextmanager
def fresh_postgres(suffix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database `<test database>_<suffix>` on the test server, dropped
    afterwards; yields its URL."""
    base = make_url(normalise_database_url(PG_URL))
    name = f"{base.database}_{suffix}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield postgres_url_named(name)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@dataclass
class StandardRound:
    campaign_id: int
    questionnaire_id: int
    codes: dict[str, list[str]]  # unit code -> its codes

    def all_codes(self) -> list[str]:
        return [code for codes in self.codes.values() for code in codes]


def make_standard_round(units, codes_per_unit: int, min_group: int = 5) -> StandardRound:
    """The standard employee survey (4 pages, 1-5, indicators), published, in an open round with
    codes for each of `units`."""
    library.install_standard()
    questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.key == STANDARD))
    campaign = collector_services.create_campaign(
        name="Medarbeiderundersøkelsen",
        questionnaire=questionnaire,
        units=units,
        opens_at=utcnow() - timedelta(hours=1),
        closes_at=utcnow() + timedelta(days=7),
        open_link=False,
        use_codes=True,
        min_group=min_group,
    )
    codes = {
        unit.code: collector_services.add_codes(campaign, unit, codes_per_unit) for unit in units
    }
    db.session.commit()
    return StandardRound(campaign.id, questionnaire.id, codes)


def cli(url: str, *args: str):
    """Run `helhet ARGS` against the database at `url` (an app of its own, as an operator's
    shell would have)."""
    app = create_app(app_config(url))
    with app.app_context():  # else the command would run in the test's app context
        result = app.test_cli_runner().invoke(args=list(args))
        db.session.remove()
        db.engine.dispose()
    return result


# --- the state of a round, as it is compared ------------------------------------------------------


def round_state(campaign_id: int) -> tuple:
    """(each code's state, the responses): the codes as (hash, status) pairs; each response as
    its unit, state and sorted answers, counted (responses have no order and no lasting id)."""
    codes = tuple(
        sorted(
            (row.code_hash, str(row.status))
            for row in db.session.execute(
                select(Invitation.code_hash, Invitation.status).where(
                    Invitation.campaign_id == campaign_id
                )
            )
        )
    )
    answers: dict[int, list] = {}
    for row in db.session.execute(
        select(Answer.response_id, Answer.question_key, Answer.value, Answer.text, Answer.dont_know)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.campaign_id == campaign_id)
    ):
        answers.setdefault(row.response_id, []).append(
            (row.question_key, row.value, row.text, row.dont_know)
        )
    responses = Counter(
        (
            row.unit_id,
            str(row.state),
            row.submitted_on.isoformat(),
            tuple(sorted(answers.get(row.id, []))),
        )
        for row in db.session.execute(
            select(Response.id, Response.unit_id, Response.state, Response.submitted_on).where(
                Response.campaign_id == campaign_id
            )
        )
    )
    return codes, tuple(sorted(responses.items()))


def round_results_json(campaign_id: int, fresh: bool = False) -> str:
    """Every figure of the round for its whole tree (results.services.round_results), as JSON;
    `fresh` computes them from the tallies again (the kept results are dropped first)."""
    if fresh:
        db.session.execute(result_cache_table.delete())
        db.session.commit()
    campaign = db.session.get(Campaign, campaign_id)
    results = results_services.round_results(campaign, results_queries.round_tree(campaign).nodes)
    db.session.commit()
    return json.dumps(asdict(results), sort_keys=True, default=str)


def same_results(a: str, b: str) -> bool:
    """Two round_results_json the same: every field equal, numbers to 12 significant digits (the
    tallies' rows may be summed in another order in another database)."""
    return _same(json.loads(a), json.loads(b))


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def unit_ids(campaign_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == campaign_id)
        )
    )
