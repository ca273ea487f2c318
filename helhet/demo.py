"""The demo municipality: Eksempel kommune, its sectors and units, the standard questionnaires,
and two logins (an administrator and a leader for the health and care sector)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from collector import services as round_services
from collector.clock import utcnow
from helhet import orgunits, queries, users
from helhet.extensions import db
from helhet.models import OrgUnit, Role, UnitLevel
from surveys import library
from surveys import queries as survey_queries

ADMIN = ("admin", "admin@eksempel.kommune.no", "demo-admin-passord")
LEADER = ("leader", "helseleder@eksempel.kommune.no", "demo-leder-passord")
LOGINS = [ADMIN, LEADER]

# (code, name, level, parent code, headcount)
TREE = [
    ("4699", "Eksempel kommune", UnitLevel.MUNICIPALITY, None, 1480),
    ("4699-helse", "Helse og omsorg", UnitLevel.SECTOR, "4699", 520),
    ("4699-helse-hjemme", "Hjemmetjenesten", UnitLevel.UNIT, "4699-helse", 45),
    ("4699-helse-sykehjem", "Solbakken sykehjem", UnitLevel.UNIT, "4699-helse", 82),
    ("4699-helse-psykisk", "Psykisk helse og rus", UnitLevel.UNIT, "4699-helse", 23),
    ("4699-helse-legevakt", "Legevakten", UnitLevel.UNIT, "4699-helse", 14),
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
    _demo_round(units)
    for role, email, password in LOGINS:
        if queries.user_by_email(email) is None:
            users.create_user(
                email,
                password,
                Role(role),
                units["4699-helse"] if role == "leader" else None,
                "Demo-administrator" if role == "admin" else "Demo-leder helse og omsorg",
            )
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
