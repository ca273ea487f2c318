"""Hostile input at the edges Helhet owns: every form (one base form), every address, the org-unit
pages and CSV import, the user pages and login. Never a 500, nothing half-stored, a clear message.
"""

from __future__ import annotations

import importlib
import io
import pkgutil
from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField, TextAreaField

from helhet import orgunits, queries
from helhet.edge import CONTROL
from helhet.extensions import db
from helhet.forms import HelhetForm
from helhet.models import OrgUnit, User
from helhet.tabular import ImportFailed
from tests import factories as core


def html(response) -> str:
    return response.get_data(as_text=True)


# --- one base form ------------------------------------------------------------------------------


def _app_form_classes() -> list[type]:
    for package in ("helhet", "surveys", "collector"):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            importlib.import_module(info.name)
    found, stack = [], list(FlaskForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in ("helhet", "surveys", "collector"):
            found.append(cls)
    return found


def test_every_form_of_the_app_inherits_the_one_base_form(app):
    forms = _app_form_classes()
    assert len(forms) > 20
    assert [
        f"{c.__module__}.{c.__qualname__}" for c in forms if not issubclass(c, HelhetForm)
    ] == []


class SampleForm(HelhetForm):
    name = StringField()
    story = TextAreaField()
    secret = PasswordField()


def test_posted_text_loses_control_characters_and_keeps_line_breaks_only_where_text_has_lines(app):
    data = {
        "name": "Anne\x00 Berit\x07\nHansen\x9b",
        "story": "Linje 1\r\nLinje\x002\tslutt\x1b",
        "secret": "pass\x00word",
    }
    with app.test_request_context("/", method="POST", data=data):
        form = SampleForm()
    assert form.name.data == "Anne Berit Hansen"
    assert form.story.data == "Linje 1\r\nLinje2\tslutt"
    assert form.secret.data == "pass\x00word"  # hashed, never stored as text: left as typed


def test_a_file_posted_into_a_text_field_is_ignored(app):
    with app.test_request_context(
        "/", method="POST", data={"name": (io.BytesIO(b"x" * 10), "a.txt")}
    ):
        form = SampleForm()
    assert form.name.data is None


def test_a_nul_in_the_login_email_is_a_failed_login_not_a_server_error(any_app):
    response = any_app.test_client().post(
        "/logg-inn", data={"email": "admin\x00@test.no", "password": "x" * 12}
    )
    assert response.status_code == 422


def test_a_file_as_the_login_email_gets_the_fields_message_not_a_server_error(any_app):
    client = any_app.test_client()
    client.get("/sprak/en")
    response = client.post(
        "/logg-inn", data={"email": (io.BytesIO(b"a@b.no"), "email.txt"), "password": "x" * 12}
    )
    assert response.status_code == 422
    assert "This field is required." in html(response)


def test_a_json_body_fills_no_form(any_app):
    client = any_app.test_client()
    assert client.post("/logg-inn", json=[1, 2, 3]).status_code == 422
    assert client.post("/logg-inn", json={"email": 5, "password": ["x"]}).status_code == 422


# --- addresses ----------------------------------------------------------------------------------


def test_a_control_character_in_an_address_is_not_found(any_app):
    client = any_app.test_client()
    assert client.get("/s/abc%00def").status_code == 404
    assert client.get("/s/abc%0Adef").status_code == 404
    assert client.get("/svar/side/1%07").status_code == 404


def test_a_control_character_in_the_query_string_is_a_bad_request(any_app):
    client = any_app.test_client()
    assert client.get("/logg-inn?next=/admin%00").status_code == 400
    assert client.get("/svar/lagret?side%00=1").status_code == 400
    assert client.get("/logg-inn?next=/admin/").status_code == 200


# --- logs ---------------------------------------------------------------------------------------


def test_a_database_error_never_lists_the_values_of_its_statement(any_app):
    with pytest.raises(DBAPIError) as failed:
        db.session.execute(
            text("INSERT INTO no_such_table VALUES (:answer)"), {"answer": "Per Hansen er slem"}
        )
    db.session.rollback()
    assert "Per Hansen" not in str(failed.value)


# --- org-unit CSV -------------------------------------------------------------------------------


def unit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OrgUnit))


def refused(data) -> list[tuple]:
    """(line, column, message) of every error; asserts that nothing was stored."""
    before = unit_count()
    with pytest.raises(ImportFailed) as failure:
        orgunits.import_csv(data)
    db.session.rollback()
    assert unit_count() == before
    return [(e.line, e.column, e.message) for e in failure.value.problems]


def places(errors) -> list[tuple]:
    return [(line, column) for line, column, _message in errors]


@pytest.mark.parametrize(
    "count",
    [
        "²",
        "١٢",
        "۱۲",
        "1_000",
        "99999999999999999999999",
        "2147483648",
        "10000001",
        "-1",
        "1e3",
        "9" * 5000,
    ],
)
def test_a_population_that_is_not_an_ascii_count_within_range_is_refused_at_its_cell(
    any_app, count
):
    errors = refused(f"code,name,population_2026\n4601,Kommunen,{count}\n".encode())
    assert places(errors) == [(2, "population_2026")]


def test_the_largest_population_allowed_is_stored(any_app):
    orgunits.import_csv(b"code,name,population_2026\n4601,Kommunen,10 000 000\n")
    db.session.commit()
    assert queries.population(queries.unit_by_code("4601"), 2026) == 10_000_000


@pytest.mark.parametrize(
    "column", ["population_²⁰²⁶", "population_٢٠٢٦", "population_99999999999999999999"]
)
def test_a_population_column_whose_year_is_not_four_ascii_digits_is_refused(any_app, column):
    assert places(refused(f"code,name,{column}\n4601,Kommunen,1\n".encode())) == [(1, column)]


@pytest.mark.parametrize("cell", ["Kom\x00munen", "Kommunen\x07", "\x1bKommunen", "Kom\x85munen"])
def test_a_control_character_in_a_cell_is_refused_at_its_line_and_column(any_app, cell):
    errors = refused(f"code,name\n4601,Ok\n4602,{cell}\n".encode())
    assert places(errors) == [(3, "name")]
    assert "U+00" in errors[0][2]


def test_a_nul_in_the_header_is_refused_on_line_1(any_app):
    assert places(refused(b"code,na\x00me\n4601,Kommunen\n")) == [(1, None)]


def test_an_unclosed_quote_is_refused_on_the_line_where_it_opens(any_app):
    errors = refused(b'code,name\n4601,Kommunen\n4602,"Nabokommunen\n4603,Tredje\n4604,Fjerde\n')
    assert places(errors) == [(3, None)]
    assert unit_count() == 0


def test_text_after_a_closing_quote_is_refused_on_its_line(any_app):
    assert places(refused(b'code,name\n4601,"Kommu"nen\n')) == [(2, None)]


def test_a_name_running_over_several_lines_is_refused_at_the_name(any_app):
    errors = refused(b'code,name\n4601,"Kommunen\n4602,Nabo"\n')
    assert places(errors) == [(3, "name")]


def test_a_file_with_only_the_header_says_it_has_no_rows(any_app):
    client = any_app.test_client()
    client.get("/sprak/en")
    errors = refused(b"code,name,parent,level\n")
    assert [message for _line, _column, message in errors] == [
        "The file has column names but no rows below them."
    ]
    assert refused(b"code,name\n\n;\n,\n") != []


def test_a_quote_written_twice_inside_a_quoted_cell_is_one_quote_also_far_down_the_file(any_app):
    rows = "".join(f"4601-{n},Enhet nummer {n},4601\n" for n in range(300))
    orgunits.import_csv(
        f'code,name,parent\n4601,Kommunen,\n{rows}4601-x,"Enhet ""X""",4601\n'.encode()
    )
    assert queries.unit_by_code("4601-x").name == 'Enhet "X"'


# --- random input at every form and import of the core ------------------------------------------

HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\x07",
        "\x1b[31m",
        "\x85",
        "\t",
        "\r\n",
        "²",
        "١٢",
        "۱۲",
        "2147483648",
        "99999999999999999999999",
        "9" * 400,
        "-1",
        "1e3",
        "NaN",
        "inf",
        "1_000",
        "4601",
        "4601-helse",
        "municipality",
        "sector",
        "unit",
        "admin",
        "leader",
        "1",
        "0",
        "None",
        "y",
        "<script>",
        '"',
        '""',
        "a" * 300,
        "x@test.no",
        "ny@test.no",
    ]
)
TEXT = st.one_of(HOSTILE, st.text(max_size=40))
FILE = st.binary(max_size=40).map(lambda content: (io.BytesIO(content), "fil.txt"))
VALUE = st.one_of(TEXT, TEXT, TEXT, FILE)


def form_data(names: list[str]):
    """Random form data: mostly the form's own fields (with hostile values), some unknown names."""
    return st.lists(
        st.tuples(st.one_of(st.sampled_from(names), st.text(max_size=12)), VALUE), max_size=10
    )


def clean(text: str | None) -> bool:
    return text is None or CONTROL.search(text) is None


def assert_nothing_unclean_is_stored() -> None:
    db.session.rollback()
    for unit in db.session.scalars(select(OrgUnit)):
        assert clean(unit.code) and clean(unit.name) and len(unit.name) <= 200, (
            unit.code,
            unit.name,
        )
        assert all(
            0 <= p.count <= 10_000_000 and 1900 <= p.period <= 2200 for p in unit.populations
        )
    for user in db.session.scalars(select(User)):
        assert clean(user.email) and clean(user.name), (user.email, user.name)


def assert_refused_with_a_message(response) -> None:
    assert response.status_code < 500
    if response.status_code == 422:
        assert "error-summary" in html(response) or "error-message" in html(response)


@pytest.fixture
def admin_in(any_app):
    """A signed-in administrator of a small tree, on SQLite and PostgreSQL."""
    tree = core.make_tree()
    client = any_app.test_client()
    core.login(client, core.make_user("admin@test.no", role="admin"))
    return client, tree


EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@EXAMPLES
@given(data=form_data(["code", "name", "level", "parent"]), which=st.sampled_from(["new", "edit"]))
def test_random_data_in_the_unit_form_never_gives_a_server_error_or_an_unclean_unit(
    admin_in, data, which
):
    client, tree = admin_in
    before = unit_count()
    url = (
        "/admin/enheter/ny" if which == "new" else f"/admin/enheter/{tree['4601-helse-hjemme'].id}"
    )
    response = client.post(url, data=MultiDict(data))
    assert_refused_with_a_message(response)
    if response.status_code != 303:
        assert unit_count() == before
    assert_nothing_unclean_is_stored()


@EXAMPLES
@given(data=form_data(["period", "count"]))
def test_random_data_in_the_population_form_never_gives_a_server_error(admin_in, data):
    client, tree = admin_in
    response = client.post(
        f"/admin/enheter/{tree['4601-helse'].id}/befolkning", data=MultiDict(data)
    )
    assert_refused_with_a_message(response)
    assert_nothing_unclean_is_stored()


CSV_CELL = st.one_of(
    HOSTILE, st.text(max_size=12), st.sampled_from(['"', '"a', 'a"b', '"a""b"', "\n", ";", ","])
)
CSV_HEADER = st.lists(
    st.sampled_from(
        [
            "code",
            "name",
            "parent",
            "level",
            "population_2026",
            "population_²⁰²⁶",
            "population_2026",
            "x\x00",
        ]
    ),
    min_size=1,
    max_size=5,
)


RANDOM_CSV = st.tuples(CSV_HEADER, st.lists(st.lists(CSV_CELL, max_size=6), max_size=5))
NEARLY_RIGHT_CSV = st.tuples(  # the right columns, so that some files are imported
    st.just(["code", "name", "parent", "population_2026"]),
    st.lists(
        st.tuples(
            st.sampled_from(["4601-ny", "4601-x", "4601", "a b"]),
            st.text(max_size=15).map(lambda t: '"' + t.replace('"', '""') + '"'),
            st.sampled_from(["4601", "4601-helse", "", "finnes-ikke"]),
            st.sampled_from(["", "12", "10 000 000", "²", "2147483648"]),
        ).map(list),
        min_size=1,
        max_size=3,
    ),
)


@EXAMPLES
@given(
    table=st.one_of(RANDOM_CSV, NEARLY_RIGHT_CSV),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_a_random_org_unit_csv_is_imported_whole_or_refused_with_its_lines(
    admin_in, table, delimiter, encoding
):
    client, _tree = admin_in
    header, rows = table
    text = "\n".join(delimiter.join(line) for line in [header, *rows]) + "\n"
    content = text.encode(encoding, errors="replace")
    before = unit_count()
    response = client.post(
        "/admin/enheter/import", data={"file": (io.BytesIO(content), "enheter.csv")}
    )
    assert response.status_code in (303, 422), response.status_code
    event(f"status {response.status_code}")
    if response.status_code == 422:
        assert "error-summary" in html(response)
        assert unit_count() == before
    assert_nothing_unclean_is_stored()


@EXAMPLES
@given(
    data=form_data(["email", "name", "role", "unit", "active", "password"]),
    which=st.sampled_from(["new", "edit"]),
)
def test_random_data_in_the_user_forms_never_gives_a_server_error_or_an_unclean_user(
    admin_in, data, which
):
    client, tree = admin_in
    leader = db.session.scalar(select(User).where(User.email == "leder@test.no")) or core.make_user(
        "leder@test.no", role="leader", unit=tree["4601-helse"]
    )
    before = db.session.scalar(select(func.count()).select_from(User))
    url = "/admin/brukere/ny" if which == "new" else f"/admin/brukere/{leader.id}"
    response = client.post(url, data=MultiDict(data))
    assert_refused_with_a_message(response)
    if response.status_code != 303:
        assert db.session.scalar(select(func.count()).select_from(User)) == before
    assert_nothing_unclean_is_stored()


@EXAMPLES
@given(data=form_data(["password", "confirm"]))
def test_random_data_in_the_password_form_never_gives_a_server_error(admin_in, data):
    client, tree = admin_in
    leader = db.session.scalar(select(User).where(User.email == "leder@test.no")) or core.make_user(
        "leder@test.no", role="leader", unit=tree["4601-helse"]
    )
    response = client.post(f"/admin/brukere/{leader.id}/passord", data=MultiDict(data))
    assert_refused_with_a_message(response)


@EXAMPLES
@given(data=form_data(["email", "password"]), next_page=st.one_of(st.none(), TEXT))
def test_random_data_in_the_login_form_never_gives_a_server_error_or_a_session(
    any_app, data, next_page
):
    client = any_app.test_client()
    url = "/logg-inn" if next_page is None else f"/logg-inn?next={quote(next_page)}"
    response = client.post(url, data=MultiDict(data))
    assert response.status_code in (400, 422), response.status_code
    assert client.get("/admin/").status_code in (302, 303)


def test_the_import_page_says_in_bokmal_that_a_header_only_file_has_no_rows(admin_in):
    client, _tree = admin_in
    before = unit_count()
    response = client.post(
        "/admin/enheter/import", data={"file": (io.BytesIO(b"code;name\n"), "enheter.csv")}
    )
    assert response.status_code == 422
    assert "Fila har kolonnenavn, men ingen rader under dem." in html(response)
    assert unit_count() == before


@pytest.mark.parametrize("path", ["/svar", "/logg-inn"])
def test_a_form_part_without_a_readable_name_is_a_bad_request_not_a_server_error(app, path):
    """A multipart part named `\\` comes out of the parser with no name at all; CSRF protection then
    crashed looking for its token among the names."""
    csrf_app = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = csrf_app.post(
            path,
            data={"\\": "x", "code": (io.BytesIO(b"abc"), "f.txt")},
            content_type="multipart/form-data",
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
