"""Follow-up of a round's results: a leader writes strengths to keep and areas to improve for a unit
of their subtree, with agreed actions (owner, deadline), marks them done, and the next round's
summary shows them beside the new results. Every page, on SQLite and PostgreSQL: who may read and
write it, what bad input gets, and what the rows link."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, inspect, select

from collector import clock
from helhet.extensions import db
from helhet.models import AuditEvent
from results import followup
from results.models import FollowupAction, FollowupPoint
from tests import factories as core
from tests.conftest import PG_URL, _dispose, _require_postgres, make_app, sqlite_url
from tests.results import factories
from tests.results.test_routes import ROLES, client_for, core_units, later_round, small_world

# --- helpers -------------------------------------------------------------------------------------


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def add_point(world, code="4601-helse", kind="improve", text="Mer tid til opplæring"):
    point = followup.add_point(world["campaign"], world["units"][code], kind, text)
    db.session.commit()
    return point


def add_action(point, text="Fast opplæringsdag", owner="Enhetsleder", deadline=None, done=False):
    action = followup.add_action(point, text, owner, deadline or clock.today() + timedelta(days=30))
    if done:
        followup.set_done(action, True)
    db.session.commit()
    return action


def base(world, code="4601-helse") -> str:
    return f"/resultater/{world['campaign'].id}/enhet/{world['units'][code].id}/oppfolging"


def counts() -> tuple[int, int]:
    """(points, actions) stored."""
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(FollowupPoint)),
        db.session.scalar(select(func.count()).select_from(FollowupAction)),
    )


def stored_point(point_id: int) -> FollowupPoint | None:
    db.session.expire_all()
    return db.session.get(FollowupPoint, point_id)


def stored_action(action_id: int) -> FollowupAction | None:
    db.session.expire_all()
    return db.session.get(FollowupAction, action_id)


LATER = (clock.today() + timedelta(days=60)).isoformat()


# --- through the pages, with CSRF on as in production ------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def csrf_app(request, tmp_path):
    """The app with CSRF protection on, on SQLite and on PostgreSQL."""
    if request.param == "postgresql":
        _require_postgres()
        url = PG_URL
    else:
        url = sqlite_url(tmp_path)
    app = make_app(url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app
    _dispose(app)


def csrf_in(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page).group(1)


def sign_in_with_csrf(client, user) -> None:
    token = csrf_in(client.get("/logg-inn").get_data(as_text=True))
    response = client.post(
        "/logg-inn",
        data={"email": user.email, "password": core.PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 303


def test_a_leader_writes_edits_marks_done_and_deletes_follow_up_through_the_pages(csrf_app):
    world = small_world()
    client = csrf_app.test_client()
    sign_in_with_csrf(client, world["leader"])
    url = base(world)

    page = client.get(url)
    assert page.status_code == 200
    token = csrf_in(page.get_data(as_text=True))
    new = {"kind": "improve", "description": "Mer tid til opplæring"}
    assert client.post(url, data=new).status_code == 400  # no CSRF token: refused
    assert counts() == (0, 0)

    created = client.post(url, data={**new, "csrf_token": token})
    assert created.status_code == 303
    point = db.session.scalars(select(FollowupPoint)).one()
    assert (point.kind.value, point.text) == ("improve", "Mer tid til opplæring")
    assert created.headers["Location"].endswith(f"{url}/punkt/{point.id}")

    point_page = client.get(f"{url}/punkt/{point.id}")
    token = csrf_in(point_page.get_data(as_text=True))
    action = {"action": "Fast opplæringsdag", "owner": "Kari Nordmann", "deadline": LATER}
    assert client.post(f"{url}/punkt/{point.id}/tiltak", data=action).status_code == 400
    added = client.post(f"{url}/punkt/{point.id}/tiltak", data={**action, "csrf_token": token})
    assert added.status_code == 303
    stored = db.session.scalars(select(FollowupAction)).one()
    assert (stored.text, stored.owner, stored.deadline.isoformat()) == (
        "Fast opplæringsdag",
        "Kari Nordmann",
        LATER,
    )

    status = f"{url}/tiltak/{stored.id}/status"
    assert client.post(status, data={"done": "yes"}).status_code == 400
    assert client.post(status, data={"done": "yes", "csrf_token": token}).status_code == 303
    assert stored_action(stored.id).done_on == clock.today()
    summary = text_of(client.get(url.removesuffix("/oppfolging")))
    assert "Fast opplæringsdag" in summary and "Kari Nordmann" in summary
    assert f"Gjennomført {clock.today():%d.%m.%Y}" in summary
    assert client.post(status, data={"done": "no", "csrf_token": token}).status_code == 303
    assert stored_action(stored.id).done_on is None

    edit = {"kind": "strength", "description": "Godt samarbeid", "csrf_token": token}
    assert client.post(f"{url}/punkt/{point.id}", data=edit).status_code == 303
    assert (stored_point(point.id).kind.value, stored_point(point.id).text) == (
        "strength",
        "Godt samarbeid",
    )
    changed = {**action, "owner": "Ola Nordmann", "csrf_token": token}
    assert client.post(f"{url}/tiltak/{stored.id}", data=changed).status_code == 303
    assert stored_action(stored.id).owner == "Ola Nordmann"

    assert client.get(f"{url}/tiltak/{stored.id}/slett").status_code == 200
    assert client.post(f"{url}/tiltak/{stored.id}/slett").status_code == 400
    assert counts() == (1, 1)
    deleted = client.post(f"{url}/tiltak/{stored.id}/slett", data={"csrf_token": token})
    assert deleted.status_code == 303 and counts() == (1, 0)
    assert client.post(f"{url}/punkt/{point.id}/slett", data={"csrf_token": token}).status_code == (
        303
    )
    assert counts() == (0, 0)

    logged = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in logged if e.action.startswith("followup.")] == [
        "followup.point_added",
        "followup.action_added",
        "followup.action_done",
        "followup.action_undone",
        "followup.point_changed",
        "followup.action_changed",
        "followup.action_deleted",
        "followup.point_deleted",
    ]
    assert {e.actor for e in logged if e.action.startswith("followup.")} == {"leder@test.no"}
    assert all("Nordmann" not in str(e.detail) for e in logged), "texts stay out of the log"


def test_deleting_a_point_deletes_its_actions(any_app):
    world = small_world()
    point = add_point(world)
    add_action(point)
    add_action(point, "Nytt tiltak")
    client = client_for(any_app, world, "leader")
    page = text_of(client.get(f"{base(world)}/punkt/{point.id}/slett"))
    assert "Punktet og de 2 tiltakene blir slettet for godt." in page
    assert client.post(f"{base(world)}/punkt/{point.id}/slett").status_code == 303
    assert counts() == (0, 0)


# --- who may read and write ----------------------------------------------------------------------


def follow_up_routes(world, point, action) -> dict[str, tuple[str, str, dict]]:
    """Every follow-up route as (method, url, form data that changes something)."""
    url = base(world)
    return {
        "page": ("GET", url, {}),
        "add point": ("POST", url, {"kind": "strength", "description": "Ny styrke"}),
        "point page": ("GET", f"{url}/punkt/{point.id}", {}),
        "edit point": (
            "POST",
            f"{url}/punkt/{point.id}",
            {"kind": "strength", "description": "Endret"},
        ),
        "add action": (
            "POST",
            f"{url}/punkt/{point.id}/tiltak",
            {"action": "Nytt tiltak", "owner": "Kari", "deadline": LATER},
        ),
        "action page": ("GET", f"{url}/tiltak/{action.id}", {}),
        "edit action": (
            "POST",
            f"{url}/tiltak/{action.id}",
            {"action": "Endret tiltak", "owner": "Kari", "deadline": LATER},
        ),
        "done": ("POST", f"{url}/tiltak/{action.id}/status", {"done": "yes"}),
        "delete point page": ("GET", f"{url}/punkt/{point.id}/slett", {}),
        "delete point": ("POST", f"{url}/punkt/{point.id}/slett", {}),
        "delete action page": ("GET", f"{url}/tiltak/{action.id}/slett", {}),
        "delete action": ("POST", f"{url}/tiltak/{action.id}/slett", {}),
        "summary": ("GET", url.removesuffix("/oppfolging"), {}),
    }


def snapshot():
    db.session.expire_all()
    points = db.session.scalars(select(FollowupPoint).order_by(FollowupPoint.id)).all()
    actions = db.session.scalars(select(FollowupAction).order_by(FollowupAction.id)).all()
    return [(p.id, p.kind, p.text) for p in points], [
        (a.id, a.text, a.owner, a.deadline, a.done_on) for a in actions
    ]


ROUTE_NAMES = [
    "page",
    "add point",
    "point page",
    "edit point",
    "add action",
    "action page",
    "edit action",
    "done",
    "delete point page",
    "delete point",
    "delete action page",
    "delete action",
    "summary",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTE_NAMES)
def test_only_readers_of_the_unit_read_and_write_its_follow_up(any_app, route, role):
    world = small_world()
    point = add_point(world, text="Hemmelig punkt for Helse")
    action = add_action(point, text="Hemmelig tiltak for Helse")
    method, url, data = follow_up_routes(world, point, action)[route]
    before = snapshot()
    response = client_for(any_app, world, role).open(url, method=method, data=data)
    if role == "anonymous":
        assert response.status_code == 302 and "/logg-inn" in response.headers["Location"]
    elif role == "other_leader":  # the leader of Oppvekst may not touch Helse's follow-up
        assert response.status_code == 403
        assert "Hemmelig" not in text_of(response)
    elif method == "GET":
        assert response.status_code == 200
        assert "Hemmelig" in text_of(response)
    else:
        assert response.status_code == 303
        assert snapshot() != before
        return
    assert snapshot() == before


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("which", ["point", "action"])
def test_a_point_of_another_unit_cannot_be_reached_through_ones_own_unit(any_app, method, which):
    world = small_world()
    school = add_point(world, "4601-oppvekst-skole", text="Skolens punkt")
    school_action = add_action(school, text="Skolens tiltak")
    before = snapshot()
    own = base(world)  # the leader of Helse's own unit
    url = {
        "point": f"{own}/punkt/{school.id}/slett",
        "action": f"{own}/tiltak/{school_action.id}/slett",
    }[which]
    response = client_for(any_app, world, "leader").open(url, method=method)
    assert response.status_code == 404
    assert snapshot() == before


def test_a_leader_cannot_open_the_follow_up_of_a_round_that_is_still_open(any_app):
    campaign = factories.make_small_round()  # open: leaders do not see it yet
    units = {u.code: u for u in core_units()}
    world = {
        "campaign": campaign,
        "units": units,
        "leader": core.make_user("leder@test.no", role="leader", unit=units["4601-helse"]),
        "admin": core.make_user("admin@test.no", role="admin"),
    }
    url = base(world)
    assert client_for(any_app, world, "leader").get(url).status_code == 404
    assert client_for(any_app, world, "leader").post(url, data={}).status_code == 404
    assert client_for(any_app, world, "admin").get(url).status_code == 200


# --- bad input ---------------------------------------------------------------------------------


def post_point(any_app, world, data, content_type=None):
    client = client_for(any_app, world, "leader")
    return client.post(base(world), data=data, content_type=content_type)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "improve", "description": ""}, "Skriv styrken eller området som skal forbedres."),
        ({"kind": "improve", "description": " \t\r\n "}, "Skriv styrken eller området"),
        ({"kind": "improve", "description": "\x00\x01\x1b"}, "Skriv styrken eller området"),
        ({"description": "Godt samarbeid"}, "Velg om det er en styrke å ta vare på"),
        ({"kind": "evil", "description": "Godt samarbeid"}, "Velg om det er en styrke"),
        ({"kind": "improve", "description": "x" * 1001}, "Skriv høyst 1000 tegn (du skrev 1001)."),
    ],
    ids=["empty", "blank", "only-controls", "no-kind", "unknown-kind", "too-long"],
)
def test_a_point_that_cannot_be_saved_says_why_and_keeps_what_was_typed(any_app, data, message):
    world = small_world()
    response = post_point(any_app, world, data)
    page = text_of(response)
    assert response.status_code == 422
    assert message in page
    if data.get("description", "").strip() and "\x00" not in data["description"]:
        assert data["description"] in page
    assert counts() == (0, 0)


def test_nul_and_control_characters_are_taken_out_of_a_point(any_app):
    world = small_world()
    data = {"kind": "strength", "description": "Godt\x00 samarbeid\x1b\nog humør"}
    assert post_point(any_app, world, data).status_code == 303
    assert db.session.scalars(select(FollowupPoint.text)).one() == "Godt samarbeid\nog humør"


def test_a_file_posted_as_the_description_is_not_read_as_text(any_app):
    world = small_world()
    data = {"kind": "improve", "description": (io.BytesIO(b"Mer tid"), "punkt.txt")}
    response = post_point(any_app, world, data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Skriv styrken eller området" in text_of(response)
    assert counts() == (0, 0)


def test_ten_megabytes_of_text_are_refused_without_a_500_and_nothing_is_stored(any_app):
    world = small_world()
    data = {"kind": "improve", "description": "å" * (10 * 1024 * 1024)}
    response = post_point(any_app, world, data)
    assert response.status_code == 413  # over MAX_FORM_MEMORY_SIZE: the app's "too large" page
    assert counts() == (0, 0)


def test_a_long_text_just_under_the_request_limit_gets_the_length_message(any_app):
    world = small_world()
    response = post_point(any_app, world, {"kind": "improve", "description": "x" * 200_000})
    assert response.status_code == 422
    assert "Skriv høyst 1000 tegn (du skrev 200000)." in text_of(response)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"deadline": "31.02.2027"}, "Skriv datoen som ÅÅÅÅ-MM-DD"),
        ({"deadline": "99999-01-01"}, "Skriv datoen som ÅÅÅÅ-MM-DD"),
        ({"deadline": "2027-13-01"}, "Skriv datoen som ÅÅÅÅ-MM-DD"),
        ({"deadline": "２０２７-03-01"}, "Skriv datoen som ÅÅÅÅ-MM-DD"),
        ({"deadline": "2027-03-01\x00"}, None),  # the NUL is stripped: a good date
        ({"deadline": "0001-01-01"}, "Fristen må være fra 01.01.2000 til"),
        ({"deadline": "9999-12-31"}, "Fristen må være fra 01.01.2000 til"),
        ({"deadline": ""}, "Skriv fristen som en dato."),
        ({"owner": ""}, "Skriv hvem som har ansvaret for tiltaket."),
        ({"owner": "x" * 201}, "Skriv høyst 200 tegn (du skrev 201)."),
        ({"action": ""}, "Skriv hva som skal gjøres."),
        ({"action": "x" * 1001}, "Skriv høyst 1000 tegn (du skrev 1001)."),
    ],
    ids=[
        "no-such-day",
        "five-digit-year",
        "month-13",
        "fullwidth-digits",
        "nul",
        "year-1",
        "year-9999",
        "no-deadline",
        "no-owner",
        "long-owner",
        "no-action",
        "long-action",
    ],
)
def test_an_action_that_cannot_be_saved_says_why(any_app, changes, message):
    world = small_world()
    point = add_point(world)
    data = {"action": "Fast opplæringsdag", "owner": "Kari", "deadline": "2027-03-01", **changes}
    client = client_for(any_app, world, "leader")
    response = client.post(f"{base(world)}/punkt/{point.id}/tiltak", data=data)
    if message is None:
        assert response.status_code == 303
        assert db.session.scalars(select(FollowupAction.deadline)).one() == date(2027, 3, 1)
        return
    assert response.status_code == 422
    assert message in text_of(response)
    assert counts() == (1, 0)


def test_an_owner_typed_over_two_lines_is_kept_on_one(any_app):
    world = small_world()
    point = add_point(world)
    data = {"action": "Tiltak", "owner": "Kari\r\nNordmann", "deadline": "01.03.2027"}
    response = client_for(any_app, world, "leader").post(
        f"{base(world)}/punkt/{point.id}/tiltak", data=data
    )
    assert response.status_code == 303
    stored = db.session.scalars(select(FollowupAction)).one()
    assert (stored.owner, stored.deadline) == ("Kari Nordmann", date(2027, 3, 1))


def test_an_edit_that_cannot_be_saved_leaves_the_action_as_it_was(any_app):
    world = small_world()
    action = add_action(add_point(world), owner="Kari")
    before = snapshot()
    response = client_for(any_app, world, "leader").post(
        f"{base(world)}/tiltak/{action.id}",
        data={"action": "Endret", "owner": "", "deadline": "99999-01-01"},
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Skriv datoen som ÅÅÅÅ-MM-DD" in page and "99999-01-01" in page
    assert snapshot() == before


@pytest.mark.parametrize("done", ["", "maybe", "yes\x00"])
def test_a_status_other_than_yes_or_no_is_refused(any_app, done):
    world = small_world()
    action = add_action(add_point(world))
    response = client_for(any_app, world, "leader").post(
        f"{base(world)}/tiltak/{action.id}/status", data={"done": done}
    )
    assert response.status_code in (303, 400)
    if done == "yes\x00":  # the NUL is stripped: "yes"
        assert stored_action(action.id).done_on == clock.today()
    else:
        assert response.status_code == 400 and stored_action(action.id).done_on is None


@pytest.mark.parametrize(
    "path",
    [
        "/punkt/999999",
        "/punkt/99999999999",
        "/punkt/999999/slett",
        "/punkt/999999/tiltak",
        "/tiltak/999999",
        "/tiltak/99999999999",
        "/tiltak/999999/status",
        "/tiltak/999999/slett",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unknown_point_or_action_is_a_404(any_app, path, method):
    world = small_world()
    response = client_for(any_app, world, "admin").open(base(world) + path, method=method)
    assert response.status_code in (404, 405)
    if not (path.endswith(("/tiltak", "/status")) and method == "GET"):
        assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/resultater/999999/enhet/{helse}/oppfolging",
        "/resultater/99999999999/enhet/{helse}/oppfolging",
        "/resultater/{cid}/enhet/999999/oppfolging",
        "/resultater/{cid}/enhet/{outside}/oppfolging",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unknown_round_or_a_unit_outside_the_round_is_a_404(any_app, url, method):
    world = small_world()
    outside = core.make_unit("4601-annet", "Annet", world["units"]["4601"])
    values = {
        "cid": world["campaign"].id,
        "helse": world["units"]["4601-helse"].id,
        "outside": outside.id,
    }
    data = {"kind": "improve", "description": "Noe"}
    response = client_for(any_app, world, "admin").open(
        url.format(**values), method=method, data=data
    )
    assert response.status_code == 404
    assert counts() == (0, 0)


# --- the next round ----------------------------------------------------------------------------


ANSWERS = [("4601-oppvekst-skole", str(1 + i % 5), str(1 + (i * 3) % 5)) for i in range(20)]


def test_the_next_rounds_summary_shows_what_was_agreed_and_whether_it_was_done(any_app):
    later, school = later_round(ANSWERS, ANSWERS)
    earlier = earlier_of(later)
    today = clock.today()
    keep = followup.add_point(earlier, school, "strength", "Godt samarbeid i teamet")
    improve = followup.add_point(earlier, school, "improve", "Mer tid til opplæring")
    done = followup.add_action(improve, "Fast opplæringsdag", "Kari", today - timedelta(days=90))
    followup.set_done(done, True, today - timedelta(days=100))
    followup.add_action(improve, "Mentorordning", "Ola", today - timedelta(days=1))
    followup.add_action(keep, "Felles lunsj", "Per", today + timedelta(days=10))
    followup.add_point(later, school, "improve", "Bedre informasjon")
    db.session.commit()
    leader = core.make_user("leder@test.no", role="leader", unit=school.parent)
    page = text_of(
        client_for(any_app, {"leader": leader}, "leader").get(
            f"/resultater/{later.id}/enhet/{school.id}"
        )
    )

    section = page[page.index('id="oppfolging"') :]
    earlier_part = section[: section.index("Etter denne runden")]
    assert f"Avtalt etter forrige runde ({earlier.name})" in earlier_part
    assert "Styrker å ta vare på" in earlier_part and "Områder å forbedre" in earlier_part
    assert "Godt samarbeid i teamet" in earlier_part and "Mer tid til opplæring" in earlier_part
    done_on = today - timedelta(days=100)
    assert f"Gjennomført {done_on:%d.%m.%Y}" in item_of(earlier_part, "Fast opplæringsdag")
    assert "Ikke gjennomført, fristen er ute" in item_of(earlier_part, "Mentorordning")
    assert "Ikke gjennomført ennå" in item_of(earlier_part, "Felles lunsj")
    assert "Bedre informasjon" not in earlier_part
    assert "Bedre informasjon" in section[section.index("Etter denne runden") :]
    assert f"/resultater/{earlier.id}/enhet/{school.id}/oppfolging" in section


def test_the_first_round_has_no_previous_follow_up_and_other_units_follow_up_stays_away(any_app):
    later, school = later_round(ANSWERS, ANSWERS)
    earlier = earlier_of(later)
    other = next(u for u in core_units() if u.code == "4601-helse-hjemme")
    followup.add_point(earlier, other, "improve", "Hjemmetjenestens punkt")
    db.session.commit()
    admin = core.make_user("admin@test.no", role="admin")
    client = client_for(any_app, {"admin": admin}, "admin")
    later_page = text_of(client.get(f"/resultater/{later.id}/enhet/{school.id}"))
    assert "Det ble ikke skrevet noen oppfølging etter forrige runde." in later_page
    assert "Hjemmetjenestens punkt" not in later_page
    earlier_page = text_of(client.get(f"/resultater/{earlier.id}/enhet/{school.id}"))
    assert "Avtalt etter forrige runde" not in earlier_page
    assert "Ingen styrker å ta vare på eller områder å forbedre er skrevet ned ennå." in (
        earlier_page
    )


def earlier_of(later):
    from results import queries

    return queries.earlier_rounds(later)[0]


def item_of(page: str, text: str) -> str:
    """The list item (an action) that holds `text`."""
    at = page.index(text)
    return page[page.rindex("<li", 0, at) : page.index("</li>", at)]


# --- what the rows link --------------------------------------------------------------------------


def test_the_follow_up_tables_link_a_round_and_a_unit_and_nothing_about_respondents(any_app):
    columns = {
        table: {c["name"] for c in inspect(db.engine).get_columns(table)}
        for table in ("followup_point", "followup_action")
    }
    assert columns == {
        "followup_point": {"id", "campaign_id", "unit_id", "kind", "text"},
        "followup_action": {"id", "point_id", "text", "owner", "deadline", "done_on"},
    }
    links = {
        (table, fk["referred_table"])
        for table in columns
        for fk in inspect(db.engine).get_foreign_keys(table)
    }
    assert links == {
        ("followup_point", "campaign"),
        ("followup_point", "org_unit"),
        ("followup_action", "followup_point"),
    }


def test_the_follow_up_pages_read_in_nynorsk_and_english(any_app):
    world = small_world()
    action = add_action(add_point(world), deadline=clock.today() - timedelta(days=1))
    client = client_for(any_app, world, "leader")
    client.get("/sprak/nn")
    page = text_of(client.get(base(world)))
    assert "Område å forbetre" in page and "Ikkje gjennomført, fristen er ute" in page
    assert "Merk som gjennomført" in page
    client.get("/sprak/en")
    page = text_of(client.get(f"{base(world)}/tiltak/{action.id}"))
    assert "Edit the action" in page and "Responsible" in page


# --- in a browser (tests/results/test_pages_browser.py) ----------------------------------------


def make_followup_pages(world) -> dict[str, str]:
    """Follow-up for Helse: an area to improve with a done, an overdue and an open action (one
    with a very long word) and a strength; the follow-up pages by name."""
    helse = world["units"]["4601-helse"]
    point = followup.add_point(world["campaign"], helse, "improve", "Mer tid til opplæring " * 5)
    today = clock.today()
    done = followup.add_action(point, "Fast opplæringsdag", "Enhetsleder", today)
    followup.set_done(done, True)
    late = followup.add_action(point, "Mentorordning" * 8, "Kari Nordmann", today - timedelta(1))
    followup.add_action(point, "Felles lunsj", "Per", today + timedelta(days=30))
    followup.add_point(world["campaign"], helse, "strength", "Godt samarbeid")
    db.session.commit()
    base = f"/resultater/{world['campaign'].id}/enhet/{helse.id}/oppfolging"
    return {
        "follow-up": base,
        "summary with follow-up": base.removesuffix("/oppfolging"),
        "point": f"{base}/punkt/{point.id}",
        "action": f"{base}/tiltak/{late.id}",
        "delete question": f"{base}/punkt/{point.id}/slett",
    }
