"""The scorecard pages: who may open them, the indicator form, the figure list (a leader sees
their subtree and the comparison regions), and the import: upload, preview, map, confirm."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from helhet.extensions import db
from scorecard import queries
from scorecard.models import Figure, FigureUpload
from tests import factories as core_factories
from tests.scorecard.factories import (
    KOSTRA_MAP,
    csv_text,
    data,
    import_file,
    import_kostra,
    starter,
    xlsx,
)

HEADER = "indicator;unit;period;value;status;note"


@pytest.fixture
def world(app, tree):
    starter()
    return tree


def figure_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Figure))


def upload(client, name: str, content: bytes, mappings: str = ""):
    return client.post(
        "/nokkeltall/import",
        data={"file": (io.BytesIO(content), name), "mappings": mappings},
        content_type="multipart/form-data",
    )


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)


def confirm(client, page: str):
    return client.post(
        "/nokkeltall/import/bekreft",
        data={"token": hidden(page, "token"), "fingerprint": hidden(page, "fingerprint")},
    )


# --- access --------------------------------------------------------------------------------------


def test_a_leader_reads_the_catalogue_and_the_figures(world, leader_client):
    assert leader_client.get("/indikatorer").status_code == 200
    assert leader_client.get("/nokkeltall").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/indikatorer/ny"),
        ("POST", "/indikatorer/ny"),
        ("GET", "/indikatorer/1"),
        ("POST", "/indikatorer/1"),
        ("GET", "/nokkeltall/import"),
        ("POST", "/nokkeltall/import"),
        ("POST", "/nokkeltall/import/kart"),
        ("POST", "/nokkeltall/import/bekreft"),
    ],
)
def test_only_administrators_edit_and_import(world, leader_client, method, path):
    assert leader_client.open(path, method=method).status_code == 403


def test_a_leader_sees_figures_of_their_subtree_and_the_comparison_regions(world, leader_client):
    import_file(
        "t.csv",
        csv_text(
            HEADER,
            "sykefravaer;4601;2024;8,4;;",
            "sykefravaer;4601-helse;2024;10,1;;",
            "sykefravaer;4601-helse-hjemme;2024;11,3;;",
            "sykefravaer;4601-oppvekst;2024;7,2;;",
            "sykefravaer;EKG13;2024;6,9;;",
        ),
    )
    page = leader_client.get("/nokkeltall").get_data(as_text=True)
    assert "(4601-helse)" in page and "(4601-helse-hjemme)" in page and "(EKG13)" in page
    assert "(4601-oppvekst)" not in page and "(4601)" not in page
    assert "7,2" not in page and "8,4" not in page


def test_an_administrator_sees_every_figure_with_norwegian_numbers(world, admin_client):
    import_kostra()
    page = admin_client.get("/nokkeltall?indikator=netto_lanegjeld&periode=2024").get_data(
        as_text=True
    )
    assert "95,0" in page and "(4601)" in page and "(EAKUO)" in page
    assert "Vises ikke av konfidensialitetshensyn" in page  # EAKUO 2024 is missing, and why
    assert "(EKG13)" in page and "92,3" not in page  # 2023 is filtered out


def test_the_figure_list_shows_revisions_and_when_they_changed(world, admin_client):
    import_kostra()
    import_file("rev.json", data("kostra_12134_revised.json"))
    page = admin_client.get("/nokkeltall?indikator=netto_driftsresultat&periode=2024").get_data(
        as_text=True
    )
    assert "Revisjon 2" in page and "Tidligere revisjoner" in page and "2,1" in page


@pytest.mark.parametrize(
    "query", ["?indikator=%00", "?periode=" + "9" * 5000, "?indikator=x&periode=2024K9"]
)
def test_bad_filters_give_no_error(world, admin_client, query):
    assert admin_client.get("/nokkeltall" + query).status_code in (200, 400)


# --- the indicator form --------------------------------------------------------------------------

FORM = {
    "key": "utgifter_per_innbygger",
    "name_nb": "Netto driftsutgifter per innbygger",
    "name_nn": "Netto driftsutgifter per innbyggjar",
    "name_en": "Net operating expenditure per inhabitant",
    "dimension": "economy",
    "measure": "kroner",
    "direction": "lower",
    "decimals": "0",
    "description_nb": "I kroner.",
    "source": "SSB, KOSTRA",
}


def test_an_administrator_creates_and_edits_a_figure_indicator(world, admin_client):
    response = admin_client.post("/indikatorer/ny", data=FORM)
    assert response.status_code == 303
    indicator = queries.figure_indicator("utgifter_per_innbygger")
    assert indicator.decimals == 0 and indicator.name["nn"].endswith("innbyggjar")
    response = admin_client.post(
        f"/indikatorer/{indicator.id}", data={**FORM, "key": "ny_nokkel", "decimals": "1"}
    )
    assert response.status_code == 303
    db.session.refresh(indicator)
    assert indicator.key == "utgifter_per_innbygger" and indicator.decimals == 1
    assert "utgifter_per_innbygger" in admin_client.get("/indikatorer").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"key": "Med Mellomrom"}, "Nøkkelen"),
        ({"key": "sykefravaer"}, "sykefravaer"),
        ({"name_nb": ""}, "bokmål"),
        ({"decimals": "7"}, "0 til 6"),
        ({"decimals": "NaN"}, "heltall"),
        ({"dimension": "velferd"}, "Dimensjon"),
    ],
)
def test_a_bad_indicator_form_is_shown_again_with_the_error(world, admin_client, changes, words):
    response = admin_client.post("/indikatorer/ny", data={**FORM, **changes})
    assert response.status_code == 422
    assert words in response.get_data(as_text=True)


def test_an_unknown_indicator_is_404(world, admin_client):
    assert admin_client.get("/indikatorer/999999").status_code == 404
    assert admin_client.get("/indikatorer/99999999999").status_code == 404


# --- the import ----------------------------------------------------------------------------------


def test_an_upload_shows_a_preview_and_imports_only_when_confirmed(world, admin_client):
    response = upload(admin_client, "figures.csv", data("figures.csv"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Forhåndsvisning" in page and "10,1" in page and "KOSTRA-gruppe 13" in page
    assert figure_count() == 0
    response = confirm(admin_client, page)
    assert response.status_code == 303
    assert figure_count() == 7
    assert db.session.scalar(select(func.count()).select_from(FigureUpload)) == 0


def test_a_jsonstat_upload_is_mapped_on_the_preview_then_imported(world, admin_client):
    response = upload(admin_client, "kostra_12134.json", data("kostra_12134.json"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "KOSdispfond0000" in page and 'action="/nokkeltall/import/bekreft"' not in page
    lines = "\n".join(f"{code}={key}" for code, key in KOSTRA_MAP.items())
    response = admin_client.post(
        "/nokkeltall/import/kart", data={"token": hidden(page, "token"), "mappings": lines}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Landet uten Oslo" in page
    assert confirm(admin_client, page).status_code == 303
    assert figure_count() == 18 and queries.saved_mappings("12134") == KOSTRA_MAP


def test_a_revised_upload_shows_what_changes(world, admin_client):
    import_kostra()
    page = upload(admin_client, "rev.json", data("kostra_12134_revised.json")).get_data(
        as_text=True
    )
    assert "Endrede verdier" in page and "revisjon 2" in page and "2,3" in page
    assert "Null (ingenting å rapportere)" in page and "Tall kan ikke forekomme" in page


BAD_FILES = [
    ("tall.csv", b""),
    ("tall.csv", b"\x00\x01\x02" * 50),
    ("tall.csv", csv_text(HEADER, 'sykefravaer;4601;2024;"8,4;;')),
    ("tall.csv", csv_text(HEADER, "sykefravaer;4601;2024;NaN;;")),
    ("tall.csv", csv_text(HEADER, "sykefravaer;4601;2024;1e999;;")),
    ("tall.csv", csv_text(HEADER, "ukjent;4601;2024;1;;")),
    ("tall.csv", csv_text(HEADER, "sykefravaer;Oslo;2024;1;;")),
    ("tall.csv", csv_text(HEADER, "sykefravaer;4601;2024;1;;", "sykefravaer;4601;2024;2;;")),
    ("tall.csv", csv_text(HEADER, "sykefravaer;4601;ifjor;1;;")),
    ("tall.xlsx", b"PK\x03\x04broken"),
    ("tall.xlsx", xlsx([["indicator", "unit"], ["a", "b"]])),
    ("tall.json", b"{not json"),
    ("tall.json", b'{"value": [NaN], "id": ["a"], "size": [1]}'),
    ("tall.json", b'{"a": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"),
    ("tall.json", '{"label": "\u0000"}'.encode()),
    ("tall.json", b"\xff\xfe\x00{"),
]


@pytest.mark.parametrize(("name", "content"), BAD_FILES)
def test_a_bad_file_is_refused_with_its_problems_and_never_a_500(
    world, admin_client, name, content
):
    response = upload(admin_client, name, content)
    assert response.status_code == 422, response.status_code
    page = response.get_data(as_text=True)
    assert "Ingenting ble importert" in page
    assert 'action="/nokkeltall/import/bekreft"' not in page
    assert figure_count() == 0


def test_a_file_of_another_kind_is_refused_at_the_field(world, admin_client):
    response = upload(admin_client, "tall.exe", b"MZ")
    assert response.status_code == 422
    assert ".csv, .xlsx eller .json" in response.get_data(as_text=True)


def test_a_bad_map_is_refused_at_its_field(world, admin_client):
    response = upload(admin_client, "k.json", data("kostra_12134.json"), mappings="bare tull")
    assert response.status_code == 422
    assert "KODE=INDIKATORNØKKEL" in response.get_data(as_text=True)


def test_an_upload_can_be_confirmed_only_by_its_uploader(world, admin_client, app):
    page = upload(admin_client, "figures.csv", data("figures.csv")).get_data(as_text=True)
    other = core_factories.make_user("admin2@test.no", role="admin")
    client = app.test_client()
    core_factories.login(client, other)
    response = confirm(client, page)
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/nokkeltall/import"
    )
    assert figure_count() == 0


def test_an_expired_upload_cannot_be_confirmed(world, admin_client):
    page = upload(admin_client, "figures.csv", data("figures.csv")).get_data(as_text=True)
    kept = db.session.scalar(select(FigureUpload))
    kept.created_at -= timedelta(hours=2)
    db.session.commit()
    assert confirm(admin_client, page).status_code == 303
    assert figure_count() == 0


def test_a_preview_that_no_longer_holds_is_shown_again_instead_of_imported(world, admin_client):
    page = upload(admin_client, "figures.csv", data("figures.csv")).get_data(as_text=True)
    import_file("t.csv", csv_text(HEADER, "sykefravaer;4601;2024;8,0;;"))
    response = confirm(admin_client, page)
    assert response.status_code == 200
    assert "endret seg etter forhåndsvisningen" in response.get_data(as_text=True)
    assert figure_count() == 1
    assert confirm(admin_client, response.get_data(as_text=True)).status_code == 303
    assert figure_count() == 8


def test_a_confirmation_without_its_fields_is_refused(world, admin_client):
    assert admin_client.post("/nokkeltall/import/bekreft", data={}).status_code == 400
    assert admin_client.post("/nokkeltall/import/kart", data={}).status_code == 400
