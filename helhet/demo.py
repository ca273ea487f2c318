"""The demo municipality: Eksempel kommune, its sectors and units, the standard questionnaires,
three logins (an administrator, a leader for the health and care sector, and the chief executive:
the leader of the whole municipality), an open employee round, an open citizen round whose
questionnaire has conditions and grids (helhet/data/demo_tjenester.json), closed rounds with
simulated answers (last year's and this year's employee survey for every unit, and a service-user
survey for the home care), and a scorecard: two years of economic figures from a JSON-stat file
(and its revision), sickness absence and population growth from a CSV file, goals on all four
dimensions with every status, explanations and measures for the goals not reached, the chief
executive's summaries, and this year's scorecard published.

The answers are simulated with a fixed seed and stored through the collector's own paper import
(`collector.services.import_responses`), then the rounds are closed and sealed as any round is.
The figures go through the scorecard's own importer (`scorecard.services.plan_import`), and the
goals through `scorecard.goal_services`, as an administrator's would.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

from collector import services as round_services
from collector.clock import to_local, utcnow
from collector.models import Campaign
from helhet import demo_scorecard, orgunits, queries, users
from helhet.extensions import db
from helhet.models import OrgUnit, Role, UnitLevel
from scorecard import services as scorecard_services
from surveys import jsonformat, library
from surveys import queries as survey_queries
from surveys import services as survey_services

ADMIN = ("admin", "admin@eksempel.kommune.no", "demo-admin-passord")
LEADER = ("leader", "helseleder@eksempel.kommune.no", "demo-leder-passord")
CHIEF = ("leader", "kommunedirektor@eksempel.kommune.no", "demo-direktor-passord")
LOGINS = [ADMIN, LEADER, CHIEF]
LOGIN_UNITS = {LEADER[1]: "4699-helse", CHIEF[1]: "4699"}  # the leaders' org units
LOGIN_NAMES = {
    ADMIN[1]: "Demo-administrator",
    LEADER[1]: "Demo-leder helse og omsorg",
    CHIEF[1]: "Demo-kommunedirektør",
}

# (code, name, level, parent code, headcount)
TREE = [
    ("4699", "Eksempel kommune", UnitLevel.MUNICIPALITY, None, 1480),
    ("4699-helse", "Helse og omsorg", UnitLevel.SECTOR, "4699", 520),
    ("4699-helse-hjemme", "Hjemmetjenesten", UnitLevel.UNIT, "4699-helse", 45),
    ("4699-helse-sykehjem", "Solbakken sykehjem", UnitLevel.UNIT, "4699-helse", 82),
    ("4699-helse-psykisk", "Psykisk helse og rus", UnitLevel.UNIT, "4699-helse", 23),
    ("4699-helse-legevakt", "Legevakten", UnitLevel.UNIT, "4699-helse", 14),
    ("4699-helse-frisklivs", "Frisklivssentralen", UnitLevel.UNIT, "4699-helse", 5),
    ("4699-oppvekst", "Oppvekst", UnitLevel.SECTOR, "4699", 610),
    ("4699-oppvekst-nordli", "Nordli skole", UnitLevel.UNIT, "4699-oppvekst", 38),
    ("4699-oppvekst-sentrum", "Sentrum skole", UnitLevel.UNIT, "4699-oppvekst", 52),
    ("4699-oppvekst-eikelund", "Eikelund barnehage", UnitLevel.UNIT, "4699-oppvekst", 19),
    ("4699-teknisk", "Teknisk drift", UnitLevel.SECTOR, "4699", 95),
    ("4699-teknisk-vei", "Vei og park", UnitLevel.UNIT, "4699-teknisk", 31),
    ("4699-teknisk-vann", "Vann og avløp", UnitLevel.UNIT, "4699-teknisk", 27),
    ("4699-stab", "Stab og støtte", UnitLevel.SECTOR, "4699", 60),
]


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(OrgUnit))


def load(year: int | None = None) -> list[tuple[str, str, str]]:
    """Create the demo data (flushes; the caller commits) and return the logins."""
    year = year or date.today().year
    units: dict[str, OrgUnit] = {}
    for code, name, level, parent, headcount in TREE:
        unit = orgunits.save_unit(
            OrgUnit(), code, name, level, units.get(parent) if parent else None
        )
        orgunits.set_population(unit, year, headcount)
        units[code] = unit
    library.install_standard(publish=True)
    scorecard_services.install_starter_indicators()
    _demo_round(units)
    _citizen_round(units)
    _closed_rounds(units, year)
    for role, email, password in LOGINS:
        if queries.user_by_email(email) is None:
            users.create_user(
                email,
                password,
                Role(role),
                units[LOGIN_UNITS[email]] if role == "leader" else None,
                LOGIN_NAMES[email],
            )
    demo_scorecard.load(units, year)
    return LOGINS


def _demo_round(units: dict[str, OrgUnit]) -> None:
    """An open employee-survey round for the health and care units, with open links (codes are
    issued by the administrator on the round's page, since codes are shown only once)."""
    questionnaire = survey_queries.published("medarbeiderundersokelse")
    if questionnaire is None:
        return
    now = utcnow()
    round_services.create_campaign(
        name=f"Medarbeiderundersøkelse {now.year} (demo)",
        questionnaire=questionnaire,
        units=[
            units[code]
            for code in (
                "4699-helse-hjemme",
                "4699-helse-sykehjem",
                "4699-helse-psykisk",
                "4699-helse-legevakt",
            )
        ],
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        open_link=True,
        use_codes=True,
        min_group=5,
    )


CITIZEN_QUESTIONNAIRE = Path(__file__).parent / "data" / "demo_tjenester.json"


def _citizen_round(units: dict[str, OrgUnit]) -> None:
    """An open citizen survey for the whole municipality through an open link, whose questionnaire
    shows conditions (questions about kindergartens and home care only for those who used them, a
    follow-up only for those who would not recommend the place) and grids (helhet/data)."""
    data = jsonformat.loads(CITIZEN_QUESTIONNAIRE.read_bytes())
    questionnaire = survey_queries.published(data["key"]) or survey_services.install(
        data, publish_it=True
    )
    if questionnaire is None:
        return
    now = utcnow()
    round_services.create_campaign(
        name=f"Innbyggerundersøkelse {now.year} (demo: vilkår og rutenett)",
        questionnaire=questionnaire,
        units=[units["4699"]],
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        open_link=True,
        use_codes=True,
        min_group=5,
    )


# --- closed rounds with simulated answers -----------------------------------------------------

SEED = 4699
MIN_GROUP = 5
SMALL_UNIT = "4699-helse-frisklivs"  # fewer answers than MIN_GROUP: its cells are suppressed
HOME_CARE = "4699-helse-hjemme"
SERVICE_USERS = 38  # home-care service users who answered

# The employee survey's indicators on a 1-5 scale: the municipality's mean, and how much this
# year differs from last year (most stay put; leadership and development rose, workload fell).
EMPLOYEE_MEANS = {
    "motivasjon": 4.1,
    "mestring": 4.0,
    "selvstendighet": 3.8,
    "bruk_av_kompetanse": 3.7,
    "ledelse": 3.5,
    "rolleklarhet": 3.9,
    "utvikling": 3.3,
    "samarbeid": 4.0,
    "arbeidsmengde": 3.2,
    "helhetsvurdering": 3.8,
}
EMPLOYEE_CHANGE = {"ledelse": 0.35, "utvikling": 0.3, "arbeidsmengde": -0.3}
# The service-user survey's indicators on a 1-6 scale, and how often each is answered "vet ikke".
SERVICE_MEANS = {
    "resultat": 4.8,
    "respektfull_behandling": 5.2,
    "informasjon": 4.3,
    "brukermedvirkning": 4.4,
    "helhetsvurdering": 5.0,
}
SERVICE_DONT_KNOW = {"informasjon": 0.12, "brukermedvirkning": 0.06}


def _closed_rounds(units: dict[str, OrgUnit], year: int) -> None:
    """Last year's and this year's employee survey for every unit, and this year's service-user
    survey for the home care: closed, sealed, with answers simulated from one seed."""
    employees = survey_queries.published("medarbeiderundersokelse")
    service = survey_queries.published("bruker_hjemmetjenester")
    if employees is None or service is None:
        return
    rng = np.random.default_rng(SEED)
    now = utcnow()
    round_units = [units[code] for code, _n, level, _p, _h in TREE if level == UnitLevel.UNIT]
    headcounts = {code: headcount for code, _n, _l, _p, headcount in TREE}
    last_headcounts = {
        code: max(3, int(headcounts[code] + rng.integers(-3, 4)))
        for code in headcounts
        if code != SMALL_UNIT
    } | {SMALL_UNIT: headcounts[SMALL_UNIT]}
    for code, headcount in last_headcounts.items():
        orgunits.set_population(units[code], year - 1, headcount)
    # each unit differs from the municipality, a little differently per indicator
    unit_effects = {
        unit.code: rng.normal(0, 0.25) + rng.normal(0, 0.2, len(EMPLOYEE_MEANS))
        for unit in round_units
    }
    last_window = (datetime(year - 1, 9, 1, 6), datetime(year - 1, 9, 22, 21))
    this_window = _window_this_year(year, now, days_ago=(45, 21))
    for period, window, counts, change in (
        (year - 1, last_window, last_headcounts, 0.0),
        (year, this_window, headcounts, 1.0),
    ):
        campaign = _closed_round(
            f"Medarbeiderundersøkelse {period}", employees, round_units, period, window
        )
        rows = []
        for unit in round_units:
            rows += _employee_rows(
                rng, unit.code, counts[unit.code], unit_effects[unit.code], change, window
            )
        _import_and_close(campaign, window, rows, [q.key for q in _questions(employees)])
    window = _window_this_year(year, now, days_ago=(80, 60))
    campaign = _closed_round(
        f"Brukerundersøkelse hjemmetjenesten {year}", service, [units[HOME_CARE]], year, window
    )
    rows = _service_rows(rng, HOME_CARE, SERVICE_USERS, window)
    _import_and_close(campaign, window, rows, [q.key for q in _questions(service)])


def _window_this_year(year: int, now: datetime, days_ago: tuple[int, int]) -> tuple:
    """(opens, closes) some days before now, kept inside the year where the year allows it."""
    start = datetime(year, 1, 1, 6)
    opens, closes = now - timedelta(days=days_ago[0]), now - timedelta(days=days_ago[1])
    if opens < start:
        opens = min(start, now - timedelta(hours=2))
        closes = max(opens + timedelta(hours=1), min(closes, now - timedelta(minutes=1)))
    return opens, closes


def _questions(questionnaire) -> list:
    return [q for section in questionnaire.sections for q in section.questions]


def _closed_round(name: str, questionnaire, round_units: list, period: int, window) -> Campaign:
    """A round created as an administrator would (codes, min_group 5); it closes after import."""
    return round_services.create_campaign(
        name=name,
        questionnaire=questionnaire,
        units=round_units,
        opens_at=window[0],
        closes_at=utcnow() + timedelta(hours=1),  # closed below, once the answers are in
        open_link=False,
        use_codes=True,
        min_group=MIN_GROUP,
        period=period,
    )


def _import_and_close(campaign: Campaign, window, rows: list[dict], keys: list[str]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["unit", "submitted_on", *keys], restval="")
    writer.writeheader()
    writer.writerows(rows)
    round_services.import_responses(campaign, out.getvalue())
    campaign.closes_at = window[1]
    db.session.flush()
    round_services.close_now(campaign)  # seals the round as one whose time ran out


def _days(rng: np.random.Generator, window, count: int) -> list[str]:
    first, last = to_local(window[0]).date(), to_local(window[1]).date()
    span = max(0, (last - first).days)
    offsets = np.minimum(rng.geometric(0.15, count) - 1, span)  # most answer in the first days
    return [(first + timedelta(days=int(days))).isoformat() for days in offsets]


def _scale(rng: np.random.Generator, means: np.ndarray, low: int, high: int, spread: float):
    """One answer per respondent: their own level plus noise, rounded onto the scale."""
    return np.clip(np.rint(means + rng.normal(0, spread, len(means))), low, high).astype(int)


def _indicator_items(key: str) -> dict[str, list[str]]:
    questionnaire = survey_queries.published(key)
    return {i.key: [q.key for q in i.questions] for i in questionnaire.indicators}


def _employee_rows(
    rng: np.random.Generator, code: str, headcount: int, effects, change: float, window
) -> list[dict]:
    """60-90 % of the unit's headcount answer (the small unit: fewer than MIN_GROUP)."""
    count = int(headcount * rng.uniform(0.6, 0.9))
    if code == SMALL_UNIT:
        count = min(count, MIN_GROUP - 1)
    indicators = _indicator_items("medarbeiderundersokelse")
    days = _days(rng, window, count)
    people = rng.normal(0, 0.55, count)  # some are more content than others on every question
    rows = [{"unit": code, "submitted_on": day} for day in days]
    for (key, mean), effect in zip(EMPLOYEE_MEANS.items(), effects, strict=True):
        level = mean + effect + change * EMPLOYEE_CHANGE.get(key, 0.0)
        if code == "4699-helse-sykehjem" and key == "arbeidsmengde":
            level -= 0.4 * change  # the nursing home's workload grew this year
        leaning = rng.normal(0, 0.3, count)
        for item in indicators[key]:
            values = _scale(rng, level + people + leaning, 1, 5, 0.75)
            skipped = rng.random(count) < 0.02
            for row, value, skip in zip(rows, values, skipped, strict=True):
                if not skip:
                    row[item] = str(value)
    return rows


def _service_rows(rng: np.random.Generator, code: str, count: int, window) -> list[dict]:
    indicators = _indicator_items("bruker_hjemmetjenester")
    people = rng.normal(0, 0.6, count)
    who = rng.choice(["selv", "sammen", "parorende"], size=count, p=[0.6, 0.25, 0.15])
    rows = [
        {"unit": code, "submitted_on": day, "hj_hvem_svarer": str(answer)}
        for day, answer in zip(_days(rng, window, count), who, strict=True)
    ]
    for key, mean in SERVICE_MEANS.items():
        for item in indicators[key]:
            values = _scale(rng, mean + people, 1, 6, 0.7)
            dont_know = rng.random(count) < SERVICE_DONT_KNOW.get(key, 0.02)
            skipped = rng.random(count) < 0.03
            for row, value, unknown, skip in zip(rows, values, dont_know, skipped, strict=True):
                if unknown:
                    row[item] = "vet ikke"
                elif not skip:
                    row[item] = str(value)
    return rows
