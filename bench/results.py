"""Benchmark: a large round's result pages against one plain aggregate over its answers.

    python bench/results.py [--responses 1000000] [--units 400] [--sectors 20]
                            [--databases postgresql,sqlite] [--reuse]

A closed employee round with 30 scale items (1-5) in 6 indicators, `--units` units in `--sectors`
sectors, is written straight into a fresh database (SQLite in a temporary folder, and, when
HELHET_BENCH_DATABASE_URL is set, that PostgreSQL database, whose tables are dropped and
recreated). Then, in the same run:

    floor       SELECT count(*), sum(value) over the round's answer rows (what any page costs
                at least if it reads the answers once)
    municipality  results.services.round_results for the municipality, cold (first) and warm
    unit        the same for one unit

    municipality_page, unit_page   the same as HTTP page views by an administrator
    tally         counting the answers once, as the collector does while they arrive (the bench
                  writes them straight into the tables, so it counts them afterwards)

Cold is the first view after the round closed (the results cache emptied), warm the best of three
later views. The goals of issue 7: cold within 2x the floor, warm under 200 ms. Ends with one
line of key=value figures per database.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
ITEMS, INDICATORS = 30, 6


def build(app, responses: int, units: int, sectors: int, seed: int = 1) -> dict:
    """The org tree, the questionnaire and a closed round with `responses` answers of 30 items."""
    from sqlalchemy import text

    from collector.models import Campaign, CampaignUnit
    from helhet.extensions import db
    from helhet.models import OrgUnit, Role, UnitLevel, UnitPopulation, User
    from surveys.models import (
        Indicator,
        Question,
        Questionnaire,
        QuestionnaireKind,
        QuestionnaireStatus,
        QuestionType,
        Section,
    )

    rng = np.random.default_rng(seed)
    with app.app_context():
        db.drop_all()
        db.create_all()
        root = OrgUnit(code="9999", name="Benchmark kommune", level=UnitLevel.MUNICIPALITY)
        sector_units = [
            OrgUnit(code=f"s{s}", name=f"Sektor {s}", level=UnitLevel.SECTOR, parent=root)
            for s in range(sectors)
        ]
        weights = rng.dirichlet(np.ones(units))
        counts = np.maximum(rng.multinomial(responses, weights), 0)
        leaf_units = []
        for u in range(units):
            unit = OrgUnit(
                code=f"u{u}",
                name=f"Enhet {u}",
                level=UnitLevel.UNIT,
                parent=sector_units[u % sectors],
            )
            unit.populations.append(UnitPopulation(period=2026, count=int(counts[u] * 1.25) + 5))
            leaf_units.append(unit)
        db.session.add(root)
        text3 = {"nb": "x", "nn": "x", "en": "x"}
        questionnaire = Questionnaire(
            key="bench",
            version=1,
            kind=QuestionnaireKind.EMPLOYEE,
            title=text3,
            description=text3,
            status=QuestionnaireStatus.PUBLISHED,
            published_at=pd.Timestamp("2026-01-01").to_pydatetime(),
        )
        section = Section(position=1, title=text3)
        for i in range(ITEMS):
            section.questions.append(
                Question(
                    key=f"q{i}",
                    type=QuestionType.SCALE,
                    position=i,
                    required=False,
                    text=text3,
                    scale_min=1,
                    scale_max=5,
                    dont_know=True,
                )
            )
        questionnaire.sections.append(section)
        per = ITEMS // INDICATORS
        for k in range(INDICATORS):
            questionnaire.indicators.append(
                Indicator(
                    key=f"i{k}",
                    name=text3,
                    dimension="organisation",
                    position=k,
                    favourable_from=4,
                    questions=[section.questions[k * per + j] for j in range(per)],
                )
            )
        db.session.add(questionnaire)
        campaign = Campaign(
            name="Benchmark",
            questionnaire=questionnaire,
            period=2026,
            opens_at=pd.Timestamp("2026-01-01").to_pydatetime(),
            closes_at=pd.Timestamp("2026-02-01").to_pydatetime(),
            open_link=False,
            use_codes=True,
            min_group=5,
        )
        for unit in leaf_units:
            campaign.units.append(CampaignUnit(unit=unit, link_token=f"t-{unit.code}"))
        db.session.add(campaign)
        db.session.commit()
        ids = {"campaign": campaign.id, "root": root.id, "unit": leaf_units[0].id}
        unit_ids = np.repeat([u.id for u in leaf_units], counts)
        _insert_answers(db, unit_ids, campaign.id, rng)
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        # the answers were written straight into the tables, not through the collector: count
        # them once as the collector would have while they arrived (collector/tallies.py)
        from collector import tallies

        start = time.perf_counter()
        tallies.recount(db.session.get(Campaign, campaign.id))
        db.session.commit()
        ids["tally_s"] = time.perf_counter() - start
        admin = User(email="bench@example.no", role=Role.ADMIN, name="Bench")
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.commit()
    return ids


def _insert_answers(db, unit_ids: np.ndarray, campaign_id: int, rng, chunk: int = 50_000) -> None:
    """Responses and their answers in chunks: COPY on PostgreSQL, executemany on SQLite."""
    engine = db.engine
    postgres = engine.dialect.name == "postgresql"
    day = date(2026, 1, 15)
    for start in range(0, len(unit_ids), chunk):
        units = unit_ids[start : start + chunk]
        ids = np.arange(start + 1, start + 1 + len(units))
        responses = pd.DataFrame(
            {
                "id": ids,
                "campaign_id": campaign_id,
                "unit_id": units,
                "submitted_on": day + timedelta(days=int(start % 10)),
                "source": "paper",
                "state": "released",
            }
        )
        base = rng.normal(3.6, 0.5, size=(len(units), 1)) + rng.normal(0, 0.8, (len(units), ITEMS))
        values = np.clip(np.rint(base), 1, 5)
        dont_know = rng.random((len(units), ITEMS)) < 0.04
        answers = pd.DataFrame(
            {
                "response_id": np.repeat(ids, ITEMS),
                "question_key": np.tile([f"q{i}" for i in range(ITEMS)], len(units)),
                "value": np.where(dont_know, np.nan, values).ravel(),
                "dont_know": dont_know.ravel(),
            }
        )
        if postgres:
            raw = engine.raw_connection()
            try:
                with raw.cursor() as cursor:
                    for table, frame in (("response", responses), ("answer", answers)):
                        buffer = io.StringIO()
                        frame.to_csv(buffer, header=False, index=False)
                        columns = ", ".join(frame.columns)
                        with cursor.copy(
                            f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)"
                        ) as copy:
                            copy.write(buffer.getvalue())
                raw.commit()
            finally:
                raw.close()
        else:
            with engine.begin() as connection:
                responses.to_sql("response", connection, if_exists="append", index=False)
                answers.to_sql("answer", connection, if_exists="append", index=False)


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


PASSWORD = "benchmark-passord-2026"


def measure(app, ids: dict) -> dict:
    from sqlalchemy import delete, text

    from collector.models import Campaign
    from helhet.extensions import db
    from helhet.models import OrgUnit
    from results.cache import ResultCache
    from results.services import round_results

    with app.app_context():
        campaign = db.session.get(Campaign, ids["campaign"])
        root, unit = db.session.get(OrgUnit, ids["root"]), db.session.get(OrgUnit, ids["unit"])
        floor_sql = text(
            "SELECT count(*), sum(a.value) FROM answer a JOIN response r ON r.id = a.response_id "
            "WHERE r.campaign_id = :c"
        )
        floor = min(
            timed(lambda: db.session.execute(floor_sql, {"c": campaign.id}).all()) for _ in range(3)
        )
        figures = {"floor_s": floor, "tally_s": ids["tally_s"]}

        def forget() -> None:  # what "the first view after the round closed" finds
            db.session.execute(delete(ResultCache))
            db.session.commit()

        for name, target in (("municipality", root), ("unit", unit)):
            forget()
            figures[f"cold_{name}_s"] = timed(lambda t=target: round_results(campaign, [t]))
            figures[f"warm_{name}_s"] = min(
                timed(lambda t=target: round_results(campaign, [t])) for _ in range(3)
            )
        db.session.remove()
    figures.update(measure_pages(app.config["SQLALCHEMY_DATABASE_URI"], ids))
    return figures


def reused(app, args) -> dict | None:
    """The round of an earlier run with the same size, its tallies counted again (--reuse)."""
    from sqlalchemy import func, select

    from collector import tallies
    from collector.models import Campaign, Response
    from helhet.extensions import db
    from helhet.models import OrgUnit

    with app.app_context():
        try:
            campaign = db.session.scalars(
                select(Campaign).where(Campaign.name == "Benchmark")
            ).first()
        except Exception:  # noqa: BLE001 - no tables yet: build instead
            return None
        if campaign is None or len(campaign.units) != args.units:
            return None
        count = db.session.scalar(
            select(func.count()).select_from(Response).where(Response.campaign_id == campaign.id)
        )
        if count != args.responses:
            return None
        start = time.perf_counter()
        tallies.recount(campaign)
        db.session.commit()
        root = db.session.scalars(select(OrgUnit).where(OrgUnit.code == "9999")).one()
        unit = db.session.scalars(select(OrgUnit).where(OrgUnit.code == "u0")).one()
        return {
            "campaign": campaign.id,
            "root": root.id,
            "unit": unit.id,
            "tally_s": time.perf_counter() - start,
        }


def measure_pages(database_url: str, ids: dict) -> dict:
    """The summary pages as an administrator reads them, in an app of their own (as a second
    server process would be)."""
    from sqlalchemy import delete

    from helhet import create_app
    from helhet.extensions import db
    from results.cache import ResultCache

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    response = client.post("/logg-inn", data={"email": "bench@example.no", "password": PASSWORD})
    assert response.status_code == 303, response.status_code
    figures = {}
    pages = {
        "municipality_page": f"/resultater/{ids['campaign']}/enhet/{ids['root']}",
        "unit_page": f"/resultater/{ids['campaign']}/enhet/{ids['unit']}",
    }
    for name, url in pages.items():
        with app.app_context():  # what the first view after the round closed finds
            db.session.execute(delete(ResultCache))
            db.session.commit()
        start = time.perf_counter()
        status = client.get(url).status_code
        figures[f"cold_{name}_s"] = time.perf_counter() - start
        assert status == 200, (url, status)
        figures[f"warm_{name}_s"] = min(timed(lambda u=url: client.get(u)) for _ in range(3))
    return figures


def run(database_url: str, label: str, args) -> None:
    os.environ["HELHET_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="helhet-bench-")
    sys.path.insert(0, str(ROOT))
    from helhet import create_app

    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}
    )
    logging.getLogger("helhet.request").setLevel(logging.WARNING)  # one log line per view
    start = time.perf_counter()
    ids = (reused(app, args) if args.reuse else None) or build(
        app, args.responses, args.units, args.sectors
    )
    built = time.perf_counter() - start
    figures = measure(app, ids)
    ratio = figures["cold_municipality_s"] / figures["floor_s"]
    print(
        f"== {label}: {args.responses:,} responses x {ITEMS} items, {args.units} units, "
        f"{args.sectors} sectors (written in {built:.0f} s)"
    )
    print(f"  floor: one aggregate over the answers    {figures['floor_s'] * 1000:9.0f} ms")
    print(f"  tallying every answer once (as they came)  {figures['tally_s'] * 1000:9.0f} ms")
    for name in ("municipality", "unit", "municipality_page", "unit_page"):
        cold, warm = figures[f"cold_{name}_s"], figures[f"warm_{name}_s"]
        print(
            f"  {name:<18} cold {cold * 1000:7.0f} ms ({cold / figures['floor_s']:4.2f}x floor)"
            f"   warm {warm * 1000:6.0f} ms"
        )
    print("  goals: cold <= 2x floor, warm < 200 ms")
    print(
        " ".join(
            [f"database={label}", f"responses={args.responses}", f"ratio={ratio:.2f}"]
            + [f"{key[:-2]}_ms={value * 1000:.0f}" for key, value in figures.items()]
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--sectors", type=int, default=20)
    parser.add_argument(
        "--databases",
        default="postgresql,sqlite",
        help="which to run, in order (postgresql needs HELHET_BENCH_DATABASE_URL)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on the round an earlier run of the same size left in the database",
    )
    args = parser.parse_args()
    for database in args.databases.split(","):
        if database == "sqlite":
            folder = tempfile.mkdtemp(prefix="helhet-bench-db-")
            run(f"sqlite:///{folder}/bench.sqlite", "sqlite", args)
        elif os.environ.get("HELHET_BENCH_DATABASE_URL"):
            run(os.environ["HELHET_BENCH_DATABASE_URL"], "postgresql", args)
        else:
            print("postgresql: skipped (set HELHET_BENCH_DATABASE_URL)")


if __name__ == "__main__":
    main()
