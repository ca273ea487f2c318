"""Small factories for test data. Each makes one thing, with defaults a test can override."""

from __future__ import annotations

from helhet.extensions import db
from helhet.models import OrgUnit, Role, UnitLevel, UnitPopulation, User

PASSWORD = "correct horse battery"


def make_unit(
    code: str,
    name: str | None = None,
    parent: OrgUnit | None = None,
    level: UnitLevel | None = None,
    population: dict[int, int] | None = None,
) -> OrgUnit:
    if level is None:
        level = UnitLevel.MUNICIPALITY if parent is None else UnitLevel.UNIT
    unit = OrgUnit(code=code, name=name or code, parent=parent, level=level)
    for period, count in (population or {}).items():
        unit.populations.append(UnitPopulation(period=period, count=count))
    db.session.add(unit)
    db.session.flush()
    return unit


def make_tree(year: int = 2026) -> dict[str, OrgUnit]:
    root = make_unit("4601", "Testkommune", population={year: 300})
    helse = make_unit("4601-helse", "Helse", root, UnitLevel.SECTOR, {year: 120})
    oppvekst = make_unit("4601-oppvekst", "Oppvekst", root, UnitLevel.SECTOR, {year: 150})
    units = {
        "4601": root,
        "4601-helse": helse,
        "4601-oppvekst": oppvekst,
        "4601-helse-hjemme": make_unit(
            "4601-helse-hjemme", "Hjemmetjenesten", helse, population={year: 45}
        ),
        "4601-helse-sykehjem": make_unit(
            "4601-helse-sykehjem", "Sykehjemmet", helse, population={year: 75}
        ),
        "4601-oppvekst-skole": make_unit(
            "4601-oppvekst-skole", "Skolen", oppvekst, population={year: 150}
        ),
    }
    db.session.commit()
    return units


def make_user(
    email: str, role: str = "admin", unit: OrgUnit | None = None, password: str = PASSWORD
) -> User:
    user = User(email=email, role=Role(role), unit=unit, name=email.split("@")[0])
    user.set_password(password)  # uses the app's PASSWORD_HASH_METHOD
    db.session.add(user)
    db.session.commit()
    return user


def login(client, user: User, password: str = PASSWORD):
    response = client.post("/logg-inn", data={"email": user.email, "password": password})
    assert response.status_code == 303, f"login failed for {user.email}: {response.status_code}"
    return response
