"""Rounds for the results tests, made through the public services as an administrator would.

`make_api_round()` is the round of tests/results/data (R's apistrat schools as 200 employees of
nine units in three sectors; see api_round.R): the org units come in through the org-unit CSV
import, the questionnaire through the JSON import, the answers through the paper-answer import.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pandas as pd

from collector import services as collector_services
from collector.clock import utcnow
from collector.models import Campaign
from helhet import orgunits
from helhet import queries as core_queries
from helhet.extensions import db
from helhet.models import OrgUnit
from surveys import services as survey_services
from tests.factories import make_tree

DATA = Path(__file__).parent / "data"
R_CSV = DATA / "api_round_r.csv"  # R's estimates for make_api_round()
PERIOD = 2026


def import_units(text: str) -> dict[str, OrgUnit]:
    orgunits.import_csv(text.encode("utf-8"))
    db.session.commit()
    return {unit.code: unit for unit in core_queries.all_units()}


def publish_questionnaire(data: dict):
    questionnaire = survey_services.import_data(data)
    survey_services.publish(questionnaire)
    db.session.commit()
    return questionnaire


def make_round(
    questionnaire, units: list[OrgUnit], min_group: int = 5, answers: str | None = None
) -> Campaign:
    """An open round of `questionnaire` for `units`, with `answers` imported as paper answers."""
    now = utcnow()
    campaign = collector_services.create_campaign(
        name="Resultatrunde",
        questionnaire=questionnaire,
        units=units,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
        open_link=False,
        use_codes=True,
        min_group=min_group,
        period=PERIOD,
    )
    db.session.commit()
    if answers:
        collector_services.import_responses(campaign, answers.encode("utf-8"))
        db.session.commit()
    return campaign


def make_api_round(min_group: int = 5) -> Campaign:
    units = import_units((DATA / "api_round_units.csv").read_text(encoding="utf-8"))
    questionnaire = publish_questionnaire(
        json.loads((DATA / "api_round_questionnaire.json").read_text(encoding="utf-8"))
    )
    leaves = [unit for code, unit in units.items() if unit.level.value == "unit"]
    return make_round(
        questionnaire,
        leaves,
        min_group,
        (DATA / "api_round_answers.csv").read_text(encoding="utf-8"),
    )


def r_reference() -> pd.DataFrame:
    """R's estimates for make_api_round(), one row per org unit and variable (see api_round.R)."""
    return pd.read_csv(R_CSV)


QUESTIONNAIRE = {
    "format": "helhet-questionnaire",
    "format_version": 1,
    "key": "liten",
    "kind": "employee",
    "title": {"nb": "Liten undersøkelse"},
    "sections": [
        {
            "questions": [
                {
                    "key": "a",
                    "type": "scale",
                    "text": {"nb": "A"},
                    "required": False,
                    "min": 1,
                    "max": 5,
                    "dont_know": True,
                },
                {
                    "key": "b",
                    "type": "scale",
                    "text": {"nb": "B"},
                    "required": False,
                    "min": 1,
                    "max": 5,
                    "dont_know": True,
                },
            ]
        }
    ],
    "indicators": [
        {
            "key": "trivsel",
            "name": {"nb": "Trivsel"},
            "dimension": "organisation",
            "items": ["a", "b"],
            "min_share": 0.5,
            "favourable_from": 4,
        }
    ],
}


def paper(rows: list[tuple[str, str, str]]) -> str:
    return "unit;a;b\n" + "".join(f"{u};{a};{b}\n" for u, a, b in rows)


# Hjemmetjenesten: 3 answers (under 5); Sykehjemmet: 12; Skolen: 20. Helse = hjemme + sykehjem is
# shown (15), so Sykehjemmet must be hidden too, or Helse - Sykehjemmet would give Hjemmetjenesten.
SMALL_ROUND = (
    [
        ("4601-helse-hjemme", "1", "2"),
        ("4601-helse-hjemme", "2", "2"),
        ("4601-helse-hjemme", "2", "1"),
    ]
    + [("4601-helse-sykehjem", str(1 + i % 5), str(1 + (i * 3) % 5)) for i in range(12)]
    + [("4601-oppvekst-skole", str(1 + (i * 2) % 5), str(1 + (i * 7) % 5)) for i in range(20)]
)


def make_small_round(min_group: int = 5):
    tree = make_tree()
    questionnaire = publish_questionnaire(QUESTIONNAIRE)
    units = [tree["4601-helse-hjemme"], tree["4601-helse-sykehjem"], tree["4601-oppvekst-skole"]]
    return make_round(questionnaire, units, min_group, paper(SMALL_ROUND))
