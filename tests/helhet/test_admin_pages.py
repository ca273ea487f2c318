"""The administrator's pages for users and org units, used as a person would use them."""

from __future__ import annotations

import io

from helhet import queries
from helhet.models import Role


def english(client):
    client.get("/sprak/en")
    return client


def test_an_admin_creates_a_leader_for_a_unit(admin_client, tree):
    response = admin_client.post(
        "/admin/brukere/ny",
        data={
            "email": "Kari@Kommune.no",
            "name": "Kari",
            "role": "leader",
            "unit": tree["4601-helse"].id,
            "password": "et passord som er langt",
            "active": "y",
        },
    )
    assert response.status_code == 303
    kari = queries.user_by_email("kari@kommune.no")
    assert kari.role == Role.LEADER and kari.unit.code == "4601-helse"
    assert kari.check_password("et passord som er langt")


def test_a_leader_without_a_unit_is_refused_at_the_unit_field(admin_client, tree):
    english(admin_client)
    response = admin_client.post(
        "/admin/brukere/ny",
        data={
            "email": "per@kommune.no",
            "role": "leader",
            "unit": "",
            "password": "et passord som er langt",
        },
    )
    assert response.status_code == 422
    assert b"A leader must belong to an org unit" in response.data
    assert b'value="per@kommune.no"' in response.data  # what was typed is kept
    assert queries.user_by_email("per@kommune.no") is None


def test_a_short_password_is_refused(admin_client, tree):
    response = admin_client.post(
        "/admin/brukere/ny", data={"email": "a@b.no", "role": "admin", "password": "kort"}
    )
    assert response.status_code == 422
    assert queries.user_by_email("a@b.no") is None


def test_a_duplicate_email_is_refused(admin_client, admin):
    english(admin_client)
    response = admin_client.post(
        "/admin/brukere/ny",
        data={"email": admin.email, "role": "admin", "password": "et passord som er langt"},
    )
    assert response.status_code == 422
    assert b"already exists" in response.data


def test_an_admin_resets_a_password(admin_client, leader):
    response = admin_client.post(
        f"/admin/brukere/{leader.id}/passord",
        data={"password": "helt nytt passord", "confirm": "helt nytt passord"},
    )
    assert response.status_code == 303
    assert leader.check_password("helt nytt passord")


def test_two_different_new_passwords_are_refused(admin_client, leader):
    response = admin_client.post(
        f"/admin/brukere/{leader.id}/passord",
        data={"password": "helt nytt passord", "confirm": "et annet passord"},
    )
    assert response.status_code == 422


def test_an_admin_deactivates_a_user(admin_client, leader, tree):
    response = admin_client.post(
        f"/admin/brukere/{leader.id}",
        data={"name": "Leder", "role": "leader", "unit": tree["4601-helse"].id},
    )
    assert response.status_code == 303
    assert leader.active is False


def test_an_admin_creates_and_edits_a_unit(admin_client, tree):
    response = admin_client.post(
        "/admin/enheter/ny",
        data={
            "code": "4601-helse-legevakt",
            "name": "Legevakten",
            "level": "unit",
            "parent": tree["4601-helse"].id,
        },
    )
    assert response.status_code == 303
    unit = queries.unit_by_code("4601-helse-legevakt")
    assert unit.parent.code == "4601-helse"
    admin_client.post(f"/admin/enheter/{unit.id}/befolkning", data={"period": 2026, "count": 14})
    assert queries.population(unit, 2026) == 14


def test_moving_a_unit_under_its_own_child_is_refused_at_the_parent_field(admin_client, tree):
    english(admin_client)
    helse = tree["4601-helse"]
    response = admin_client.post(
        f"/admin/enheter/{helse.id}",
        data={
            "code": helse.code,
            "name": helse.name,
            "level": "sector",
            "parent": tree["4601-helse-hjemme"].id,
        },
    )
    # the child is not even offered as a parent, so the form refuses the choice
    assert response.status_code == 422
    assert helse.parent.code == "4601"


def test_the_csv_import_page_lists_every_error_and_imports_nothing(admin_client, tree):
    english(admin_client)
    data = {
        "file": (
            io.BytesIO(b"code,name,parent\nny-enhet,,4601\nannen,Annen,mangler\n"),
            "units.csv",
        )
    }
    response = admin_client.post(
        "/admin/enheter/import", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert b"Line 2, column name" in response.data
    assert b"Line 3, column parent" in response.data
    assert queries.unit_by_code("annen") is None


def test_the_csv_import_page_imports_a_good_file(admin_client, tree):
    data = {
        "file": (
            io.BytesIO(b"code;name;parent;population_2026\n4601-ny;Ny enhet;4601-helse;12\n"),
            "units.csv",
        )
    }
    response = admin_client.post(
        "/admin/enheter/import", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 303
    assert queries.population(queries.unit_by_code("4601-ny"), 2026) == 12


def test_a_unit_in_use_by_a_user_cannot_be_deleted(admin_client, leader, tree):
    english(admin_client)
    unit = tree["4601-helse"]
    unit_children = list(unit.children)
    for child in unit_children:
        admin_client.post(f"/admin/enheter/{child.id}/slett")
    response = admin_client.post(f"/admin/enheter/{unit.id}/slett", follow_redirects=True)
    assert b"is in use" in response.data
    assert queries.unit_by_code("4601-helse") is not None


def test_a_leaders_overview_shows_only_their_part_of_the_organisation(leader_client):
    page = leader_client.get("/admin/").get_data(as_text=True)
    assert "Hjemmetjenesten" in page
    assert "Skolen" not in page
