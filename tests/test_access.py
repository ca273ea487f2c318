"""Every URL the app registers, opened by an anonymous visitor, a leader and an administrator.

A view must be marked public, staff_only or admin_only (create_app refuses unmarked views), and
this test checks that the mark holds for every method of every route. URL parameters get sample
values from `tests/<package>/access_samples.py` modules, each defining
`samples(world) -> dict[str, object]`; a route with a parameter no module knows fails the test,
so a new page cannot be added without thinking about who may open it.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import tests
from helhet import create_app
from helhet.access import Access
from tests import factories
from tests.conftest import app_config

ROLES = ["anonymous", "leader", "admin"]


def _routes():
    app = create_app(app_config("sqlite://"))
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.rule, rule.endpoint, method))
    return sorted(found)


ROUTES = _routes()


def _sample_modules():
    root = Path(tests.__file__).parent
    for info in pkgutil.iter_modules([str(root)]):
        if info.ispkg and (root / info.name / "access_samples.py").exists():
            yield importlib.import_module(f"tests.{info.name}.access_samples")


def build_world(app) -> dict:
    world = {"tree": factories.make_tree()}
    world["admin"] = factories.make_user("admin@test.no", role="admin")
    world["leader"] = factories.make_user(
        "leder@test.no", role="leader", unit=world["tree"]["4601-helse"]
    )
    values = {
        "unit_id": world["tree"]["4601-helse-hjemme"].id,
        "user_id": world["leader"].id,
        "lang": "nn",
    }
    for module in _sample_modules():
        values.update(module.samples(world))
    world["values"] = values
    return world


def failed(endpoint: str, status: int) -> bool:
    """A server error, other than /ready's 503: its answer here, as these test databases come
    from create_all, not from the migrations."""
    return status >= 500 and not (endpoint == "health.ready" and status == 503)


def fill(rule, values: dict) -> str:
    from werkzeug.routing import Map, Rule

    missing = [a for a in rule.arguments if a not in values]
    assert not missing, (
        f"{rule.rule} has parameters {missing} without a sample value: add them in an "
        "access_samples.py of its package's tests"
    )
    url_map = Map([Rule(rule.rule, endpoint="x")])
    return url_map.bind("localhost").build("x", {a: values[a] for a in rule.arguments})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("path", "endpoint", "method"), ROUTES, ids=[f"{m} {p}" for p, _, m in ROUTES]
)
def test_every_route_obeys_its_access_decision(app, path, endpoint, method, role):
    world = build_world(app)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and r.rule == path)
    url = fill(rule, world["values"])
    client = app.test_client()
    if role != "anonymous":
        factories.login(client, world[role])
    response = client.open(url, method=method)
    level = app.view_functions[endpoint].access
    status = response.status_code

    assert not failed(endpoint, status), f"{method} {url} as {role} gave {status}"
    goes_to_login = status in (301, 302, 303) and "/logg-inn" in response.headers.get(
        "Location", ""
    )
    if level == Access.PUBLIC:
        assert status not in (401, 403) and not goes_to_login
    elif level == Access.TOKEN:  # the API: a bearer token or 401, whoever is signed in
        assert status == 401 and response.is_json, f"{method} {url} as {role} gave {status}"
    elif role == "anonymous":
        assert goes_to_login, f"{method} {url} is {level} but an anonymous visitor got {status}"
    elif level == Access.ADMIN and role == "leader":
        assert status == 403, f"{method} {url} is admin only but a leader got {status}"
    else:
        assert status not in (401, 403) and not goes_to_login, (
            f"{method} {url} as {role} gave {status}"
        )


def test_an_app_with_an_unmarked_view_refuses_to_start(monkeypatch):
    from flask import Blueprint

    import helhet.web

    extra = Blueprint("unmarked", __name__)
    extra.add_url_rule("/unmarked", "page", lambda: "hi")
    original = helhet.web.bp
    monkeypatch.setattr(helhet.web, "bp", extra)
    try:
        with pytest.raises(RuntimeError, match="without an access decision"):
            create_app(app_config("sqlite://"))
    finally:
        monkeypatch.setattr(helhet.web, "bp", original)
