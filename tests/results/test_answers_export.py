"""A round's anonymised answers (results/answers_export.py): the files open with their labels,
nothing of a unit the result pages hide is in them, only administrators get them."""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from collections import Counter

import pyreadstat
import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from collector.models import Answer, Response, ResponseState
from helhet.extensions import db
from helhet.models import AuditEvent
from results.answers_export import DONT_KNOW_CODE, spss_name
from tests import factories as core
from tests.results import factories
from tests.results.test_routes import client_for, close, core_units

ROLES = ["anonymous", "other_leader", "leader", "admin"]
FORMATS = ["csv", "xlsx", "sav"]
COLUMNS = ["unit", "a", "b", "c", "rolle", "tiltak_kurs", "tiltak_mote", "ar"]

QUESTIONNAIRE = {
    "format": "helhet-questionnaire",
    "format_version": 1,
    "key": "svar",
    "kind": "employee",
    "title": {"nb": "Svarundersøkelse", "nn": "Svarundersøking", "en": "Answer survey"},
    "sections": [
        {
            "questions": [
                {
                    "key": "a",
                    "type": "scale",
                    "text": {
                        "nb": "Jeg trives på jobben",
                        "nn": "Eg trivst på jobben",
                        "en": "I enjoy my work",
                    },
                    "required": False,
                    "min": 1,
                    "max": 5,
                    "low_label": {"nb": "Helt uenig", "nn": "Heilt usamd", "en": "Disagree"},
                    "high_label": {"nb": "Helt enig", "nn": "Heilt samd", "en": "Agree"},
                    "dont_know": True,
                },
                {
                    "key": "b",
                    "type": "scale",
                    "text": {"nb": "Jeg får brukt evnene mine"},
                    "required": False,
                    "min": 1,
                    "max": 5,
                    "dont_know": False,
                },
                {
                    "key": "c",
                    "type": "scale",
                    "text": {"nb": "Jeg har nattevakter"},
                    "required": False,
                    "min": 1,
                    "max": 5,
                    "dont_know": False,
                },
                {
                    "key": "rolle",
                    "type": "single",
                    "text": {"nb": "Hva er rollen din?", "en": "What is your role?"},
                    "required": False,
                    "choices": [
                        {"value": "leder", "label": {"nb": "Leder", "en": "Manager"}},
                        {"value": "ansatt", "label": {"nb": "Ansatt", "en": "Employee"}},
                    ],
                },
                {
                    "key": "tiltak",
                    "type": "multiple",
                    "text": {"nb": "Hvilke tiltak ønsker du?"},
                    "required": False,
                    "choices": [
                        {"value": "kurs", "label": {"nb": "Kurs"}},
                        {"value": "møte", "label": {"nb": "Flere møter"}},
                    ],
                },
                {
                    "key": "ar",
                    "type": "number",
                    "text": {"nb": "Hvor mange år har du jobbet her?"},
                    "required": False,
                    "min": 0,
                    "max": 100000,
                    "integer": True,
                },
                {
                    "key": "kommentar",
                    "type": "text",
                    "text": {"nb": "Har du andre kommentarer?", "en": "Any other comments?"},
                    "required": False,
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

HJEMME, SYKEHJEM, SKOLE = "4601-helse-hjemme", "4601-helse-sykehjem", "4601-oppvekst-skole"
# The number question marks whose answer a value is: 7771-7773 Hjemmetjenesten (3 answers, under
# 5), 5550-5561 Sykehjemmet (hidden to protect it), 0-19 Skolen, 4242 a held answer of Skolen.
HIDDEN_MARKS = {7771, 7772, 7773, *range(5550, 5562)}
HELD_MARK = 4242


def _row(unit, a, b, c, rolle, tiltak, ar, kommentar) -> str:
    return f'{unit};{a};{b};{c};{rolle};"{tiltak}";{ar};"{kommentar}"\n'


def answers_csv() -> str:
    rows = [
        _row(HJEMME, 1, 2, 3, "leder", "kurs", 7771 + i, f"Hjemme-hemmelighet {i}")
        for i in range(3)
    ]
    rows += [
        _row(
            SYKEHJEM, 1 + i % 5, 1 + (i * 3) % 5, 2, "ansatt", "møte", 5550 + i, f"Sykehjem-sak {i}"
        )
        for i in range(12)
    ]
    for i in range(20):
        a = "dk" if i in (4, 9) else 1 + (i * 2) % 5
        c = 1 + i % 5 if i < 3 else ""  # only 3 of Skolen answer c: its cell is hidden
        rolle = ("leder", "ansatt")[i % 2]
        tiltak = ("kurs", "kurs,møte", "")[i % 3]
        rows.append(_row(SKOLE, a, 1 + (i * 7) % 5, c, rolle, tiltak, i, f"Skole-kommentar {i}"))
    rows.append(_row(SKOLE, 5, 5, 5, "leder", "kurs", HELD_MARK, "Holdt tilbake"))
    return "unit;a;b;c;rolle;tiltak;ar;kommentar\n" + "".join(rows)


def skole_rows() -> list[dict]:
    """Skolen's 20 counted answers as the file should hold them (c left empty)."""
    found = []
    for i in range(20):
        found.append(
            {
                "a": DONT_KNOW_CODE if i in (4, 9) else 1 + (i * 2) % 5,
                "b": 1 + (i * 7) % 5,
                "c": None,
                "rolle": 1 + i % 2,
                "tiltak_kurs": 1 if i % 3 in (0, 1) else 0,
                "tiltak_mote": 1 if i % 3 == 1 else 0,
                "ar": i,
            }
        )
    for row in found:
        if row["tiltak_kurs"] == 0 and row["tiltak_mote"] == 0:
            row["tiltak_kurs"] = row["tiltak_mote"] = None  # not answered
    return found


def answers_world(closed: bool = True) -> dict:
    """A closed round of QUESTIONNAIRE: Hjemmetjenesten under min_group, Sykehjemmet hidden to
    protect it, Skolen shown (with one more answer held for review), and the users."""
    tree = core.make_tree()
    questionnaire = factories.publish_questionnaire(QUESTIONNAIRE)
    units = [tree[HJEMME], tree[SYKEHJEM], tree[SKOLE]]
    campaign = factories.make_round(questionnaire, units, 5, answers_csv())
    held = db.session.scalar(
        select(Answer.response_id).where(Answer.question_key == "ar", Answer.value == HELD_MARK)
    )
    db.session.execute(update(Response).where(Response.id == held).values(state=ResponseState.HELD))
    db.session.commit()
    if closed:
        close(campaign)
    units = {u.code: u for u in core_units()}
    return {
        "campaign": campaign,
        "units": units,
        "admin": core.make_user("admin@test.no", role="admin"),
        "leader": core.make_user("leder@test.no", role="leader", unit=units["4601-helse"]),
        "other_leader": core.make_user("annen@test.no", role="leader", unit=units["4601-oppvekst"]),
    }


def url(world, fmt: str, unit: str = "4601") -> str:
    return f"/resultater/{world['campaign'].id}/enhet/{world['units'][unit].id}/svar.{fmt}"


def read_sav(body: bytes, tmp_path, user_missing: bool = True):
    path = tmp_path / "svar.sav"
    path.write_bytes(body)
    return pyreadstat.read_sav(str(path), user_missing=user_missing)


def from_csv(body: bytes) -> list[dict]:
    assert body.startswith("\ufeff".encode())
    header, *lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert header == COLUMNS
    return [
        {
            c: (t if c == "unit" else (None if t == "" else int(t)))
            for c, t in zip(header, line, strict=True)
        }
        for line in lines
    ]


def from_xlsx(body: bytes) -> dict[str, list[list]]:
    """Each sheet's rows, padded to the width of its first row (a read-only sheet leaves out
    empty cells at the end of a row)."""
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    sheets = {}
    for sheet in workbook.worksheets:
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        width = len(rows[0]) if rows else 0
        sheets[sheet.title] = [row + [None] * (width - len(row)) for row in rows]
    return sheets


def without_unit(rows: list[dict]) -> Counter:
    return Counter(tuple(sorted((k, v) for k, v in r.items() if k != "unit")) for r in rows)


def sav_rows(frame) -> list[dict]:
    def value(v):
        return None if v != v else int(v)  # NaN is not equal to itself

    return [
        {c: (r[c] if c == "unit" else value(r[c])) for c in frame.columns}
        for r in frame.to_dict("records")
    ]


def test_spss_names_are_letters_digits_and_underscores_unique_and_never_reserved():
    taken: set[str] = set()
    assert spss_name("unit", taken) == "unit"
    assert spss_name("Unit", taken) == "Unit_2"  # SPSS does not tell case apart
    assert spss_name("tiltak_møte", taken) == "tiltak_mote"
    assert spss_name("to", taken) == "to_v"
    assert spss_name("1_svar", taken) == "v_1_svar"
    assert spss_name("æøå-?", taken) == "aeoaa"
    assert spss_name("a_", taken) == "a"
    long = spss_name("x" * 80, taken)
    assert len(long) == 64 and spss_name("x" * 80, taken) == "x" * 62 + "_2"


def test_the_sav_file_has_the_answers_with_variable_and_value_labels(any_app, tmp_path):
    world = answers_world()
    response = client_for(any_app, world, "admin").get(url(world, "sav"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(".sav")
    frame, meta = read_sav(response.get_data(), tmp_path)
    assert list(frame.columns) == COLUMNS
    labels = meta.column_names_to_labels
    assert labels["a"] == "Jeg trives på jobben" and labels["unit"] == "Enhet"
    assert labels["tiltak_mote"] == "Hvilke tiltak ønsker du?: Flere møter"
    values = meta.variable_value_labels
    assert values["a"] == {1.0: "Helt uenig", 5.0: "Helt enig", 99.0: "Vet ikke / ikke aktuelt"}
    assert values["rolle"] == {1.0: "Leder", 2.0: "Ansatt"}
    assert values["tiltak_kurs"] == {0.0: "Ikke valgt", 1.0: "Valgt"}
    assert values["unit"] == {SKOLE: "Skolen"}
    assert meta.missing_ranges == {"a": [{"lo": 99.0, "hi": 99.0}]}
    assert meta.variable_measure["a"] == "ordinal" and meta.variable_measure["ar"] == "scale"
    rows = sav_rows(frame)
    assert {r["unit"] for r in rows} == {SKOLE}
    assert without_unit(rows) == without_unit(skole_rows())
    notes = " ".join(meta.notes)
    assert "Hjemmetjenesten" in notes and "Sykehjemmet" in notes
    # read as SPSS reads it, «vet ikke» is missing
    plain, _ = read_sav(response.get_data(), tmp_path, user_missing=False)
    assert plain["a"].isna().sum() == 2 and (plain["a"] <= 5).sum() == 18


def test_the_xlsx_has_the_answers_a_sheet_of_labels_and_a_sheet_of_notes(any_app):
    world = answers_world()
    body = client_for(any_app, world, "admin").get(url(world, "xlsx")).get_data()
    sheets = from_xlsx(body)
    assert list(sheets) == ["Svar", "Etiketter", "Om filen"]
    header, *lines = sheets["Svar"]
    assert header == COLUMNS
    rows = [dict(zip(header, line, strict=True)) for line in lines]
    assert without_unit(rows) == without_unit(skole_rows())
    labels = sheets["Etiketter"]
    assert labels[0] == ["Variabel", "Etikett", "Verdi", "Verdietikett"]
    assert ["a", "Jeg trives på jobben", None, None] in labels
    assert ["a", None, 99, "Vet ikke / ikke aktuelt (manglende verdi)"] in labels
    assert ["rolle", None, 2, "Ansatt"] in labels
    notes = "\n".join(line[0] for line in sheets["Om filen"])
    assert "15 besvarelser er utelatt" in notes
    assert "Hjemmetjenesten: For få svar til å vise resultat (under 5)" in notes
    assert "Sykehjemmet: Skjult for å verne en annen enhet med få svar" in notes
    assert "Skolen: c" in notes  # c's cell is hidden for Skolen, so its answers are left empty


def test_the_csv_holds_the_same_rows_as_the_xlsx(any_app):
    world = answers_world()
    client = client_for(any_app, world, "admin")
    rows = from_csv(client.get(url(world, "csv")).get_data())
    assert without_unit(rows) == without_unit(skole_rows())
    assert {r["unit"] for r in rows} == {SKOLE}


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_answer_of_a_unit_the_pages_hide_and_no_held_answer_is_in_the_file(any_app, fmt):
    world = answers_world()
    body = client_for(any_app, world, "admin").get(url(world, fmt)).get_data()
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(body)) as workbook:
            body = b"".join(workbook.read(name) for name in workbook.namelist())
    text = body.decode("utf-8", errors="replace")
    for mark in (*HIDDEN_MARKS, HELD_MARK):
        assert str(mark) not in text, mark
    if fmt == "sav":  # numbers are binary there: look for them as doubles
        for mark in (*HIDDEN_MARKS, HELD_MARK):
            assert struct.pack("<d", float(mark)) not in body, mark
    for code in (HJEMME, SYKEHJEM):
        assert code not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_subtree_with_only_hidden_units_gives_a_file_without_rows_that_says_why(
    any_app, fmt, tmp_path
):
    world = answers_world()
    response = client_for(any_app, world, "admin").get(url(world, fmt, "4601-helse"))
    assert response.status_code == 200
    body = response.get_data()
    if fmt == "csv":
        assert from_csv(body) == []
    elif fmt == "xlsx":
        sheets = from_xlsx(body)
        assert sheets["Svar"] == [COLUMNS]
        assert "Hjemmetjenesten" in "\n".join(line[0] for line in sheets["Om filen"])
    else:
        frame, meta = read_sav(body, tmp_path)
        assert len(frame) == 0 and list(frame.columns) == COLUMNS
        assert "Hjemmetjenesten" in " ".join(meta.notes)


def test_the_rows_have_no_response_id_date_or_background_and_come_in_random_order(any_app):
    world = answers_world()
    rows = from_csv(client_for(any_app, world, "admin").get(url(world, "csv")).get_data())
    # the number answers were imported as 0, 1, ..., 19: the order of the responses' ids
    assert [r["ar"] for r in rows] != list(range(20))  # 1 in 20! to fail by chance
    assert sorted(r["ar"] for r in rows) == list(range(20))


def test_the_labels_are_in_the_readers_language(any_app, tmp_path):
    world = answers_world()
    client = client_for(any_app, world, "admin")
    client.get("/sprak/en")
    _, meta = read_sav(client.get(url(world, "sav")).get_data(), tmp_path)
    assert meta.column_names_to_labels["a"] == "I enjoy my work"
    assert meta.column_names_to_labels["b"] == "Jeg får brukt evnene mine"  # no English text
    assert meta.variable_value_labels["rolle"] == {1.0: "Manager", 2.0: "Employee"}
    assert meta.variable_value_labels["a"][99.0] == "Don't know / not relevant"


def test_a_download_is_in_the_audit_log_without_any_answer(any_app):
    world = answers_world()
    client_for(any_app, world, "admin").get(url(world, "xlsx"))
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "round.answers_exported")
    )
    assert event is not None and event.actor == "admin@test.no"
    assert event.detail == {"unit": "4601", "format": "xlsx", "rows": 20}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_only_an_administrator_downloads_the_answers(any_app, role, fmt):
    world = answers_world()
    for unit in ("4601", "4601-helse", "4601-oppvekst-skole"):
        response = client_for(any_app, world, role).get(url(world, fmt, unit))
        if role == "anonymous":
            assert response.status_code == 302 and "/logg-inn" in response.headers["Location"]
        elif role == "admin":
            assert response.status_code == 200
        else:  # a leader, also of the unit's own subtree
            assert response.status_code == 403
            assert "Skole" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/resultater/999999/enhet/{helse}/svar.csv",
        "/resultater/99999999999/enhet/{helse}/svar.sav",
        "/resultater/{cid}/enhet/999999/svar.xlsx",
        "/resultater/{cid}/enhet/{outside}/svar.csv",
        "/resultater/{cid}/enhet/{helse}/svar.pdf",
        "/resultater/{cid}/enhet/{helse}/svar.json",
        "/resultater/{cid}/enhet/{helse}/svar.",
    ],
)
def test_an_unknown_round_unit_or_format_is_a_404_that_says_so(any_app, path):
    world = answers_world()
    outside = core.make_unit("4601-annet", "Annet", world["units"]["4601"])
    values = {
        "cid": world["campaign"].id,
        "helse": world["units"]["4601-helse"].id,
        "outside": outside.id,
    }
    response = client_for(any_app, world, "admin").get(path.format(**values))
    assert response.status_code == 404
    if path.endswith((".pdf", ".json")):
        assert "CSV, XLSX eller SPSS (.sav)" in response.get_data(as_text=True)


def test_an_open_round_gives_its_answers_so_far_as_preliminary(any_app):
    world = answers_world(closed=False)
    sheets = from_xlsx(client_for(any_app, world, "admin").get(url(world, "xlsx")).get_data())
    assert "foreløpige" in "\n".join(line[0] for line in sheets["Om filen"])


# --- the command ---------------------------------------------------------------------------------


def run(app, *args):
    return app.test_cli_runner().invoke(args=["answers", *map(str, args)])


def test_the_command_writes_the_same_file_and_puts_the_notes_on_standard_error(any_app, tmp_path):
    world = answers_world()
    out = tmp_path / "svar.sav"
    result = run(any_app, world["campaign"].id, "--format", "sav", "--lang", "nn", "--out", out)
    assert result.exit_code == 0, result.output
    frame, meta = pyreadstat.read_sav(str(out), user_missing=True)
    assert without_unit(sav_rows(frame)) == without_unit(skole_rows())
    assert meta.column_names_to_labels["a"] == "Eg trivst på jobben"
    assert "15 svar er utelatne" in result.stderr and "Hjemmetjenesten" in result.stderr
    assert "Wrote 20 rows" in result.stderr


def test_the_command_writes_csv_to_standard_output_for_one_unit(any_app):
    world = answers_world()
    result = run(any_app, world["campaign"].id, "--unit", SKOLE, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert without_unit(from_csv(result.stdout_bytes)) == without_unit(skole_rows())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999999", "--format", "csv"], "No survey round has the id 999999."),
        (["{cid}", "--format", "csv", "--unit", "9999-ukjent"], "No org unit has the code"),
        (["{cid}", "--format", "pdf"], "Invalid value for '--format'"),
    ],
)
def test_the_command_refuses_an_unknown_round_unit_or_format(any_app, args, message):
    world = answers_world()
    result = run(any_app, *(a.format(cid=world["campaign"].id) for a in args))
    assert result.exit_code != 0
    assert message in result.output


# --- a unit of the round with units of the round below it ----------------------------------------


def nested_round(own: int, hjemme: int, sykehjem: int):
    """A round of Helse itself (`own` answers, marked 100+) and its two units (Hjemmetjenesten
    marked 7771+, Sykehjemmet 5550+)."""
    tree = core.make_tree()
    questionnaire = factories.publish_questionnaire(QUESTIONNAIRE)
    rows = [_row("4601-helse", 3, 3, 3, "leder", "kurs", 100 + i, "Helse") for i in range(own)]
    rows += [_row(HJEMME, 2, 2, 2, "leder", "kurs", 7771 + i, "Hjemme") for i in range(hjemme)]
    rows += [
        _row(SYKEHJEM, 4, 4, 4, "ansatt", "kurs", 5550 + i, "Sykehjem") for i in range(sykehjem)
    ]
    units = [tree["4601-helse"], tree[HJEMME], tree[SYKEHJEM]]
    campaign = factories.make_round(
        questionnaire, units, 5, "unit;a;b;c;rolle;tiltak;ar;kommentar\n" + "".join(rows)
    )
    close(campaign)
    admin = core.make_user("admin@test.no", role="admin")
    return campaign, {u.code: u for u in core_units()}, admin


def exported_marks(app, campaign, units, admin) -> set[int]:
    client = client_for(app, {"admin": admin}, "admin")
    body = client.get(f"/resultater/{campaign.id}/enhet/{units['4601'].id}/svar.csv").get_data()
    return {r["ar"] for r in from_csv(body)}


def test_a_units_own_rows_are_left_out_when_a_hidden_unit_below_it_could_be_worked_out(any_app):
    # the pages show Helse (25) and may show Sykehjemmet (12): with Helse's own 10 rows,
    # Hjemmetjenesten (3) would be the rest
    campaign, units, admin = nested_round(own=10, hjemme=3, sykehjem=12)
    marks = exported_marks(any_app, campaign, units, admin)
    assert not marks & {100 + i for i in range(10)}
    assert not marks & {7771, 7772, 7773}


def test_a_units_own_rows_are_left_out_when_they_are_fewer_than_min_group(any_app):
    # the pages protect Helse's own 3 answers by hiding Hjemmetjenesten; the file leaves out both
    campaign, units, admin = nested_round(own=3, hjemme=10, sykehjem=12)
    marks = exported_marks(any_app, campaign, units, admin)
    assert marks == set(range(5550, 5562))


def test_a_round_that_promised_units_their_indicators_only_gives_no_item_values_per_unit(any_app):
    # the pages show units no item results at all, so neither may the file: a sibling's hidden
    # item figure would be the sector's figure minus the rows shown
    tree = core.make_tree()
    questionnaire = factories.publish_questionnaire({**QUESTIONNAIRE, "hide_unit_items": True})
    campaign = factories.make_round(questionnaire, [tree[SKOLE]], 5, answers_csv_of(SKOLE))
    close(campaign)
    admin = core.make_user("admin@test.no", role="admin")
    client = client_for(any_app, {"admin": admin}, "admin")
    body = client.get(f"/resultater/{campaign.id}/enhet/{tree['4601'].id}/svar.xlsx").get_data()
    sheets = from_xlsx(body)
    header, *lines = sheets["Svar"]
    rows = [dict(zip(header, line, strict=True)) for line in lines]
    assert len(rows) == 20
    assert all(r["a"] is None and r["b"] is None and r["c"] is None for r in rows)
    assert sorted(r["ar"] for r in rows) == list(range(20))  # no figures of it on the pages
    assert "Skolen: a, b, c" in "\n".join(line[0] for line in sheets["Om filen"])


def answers_csv_of(unit: str) -> str:
    """The rows of answers_csv() of one unit, without the held one's mark."""
    header, *rows = answers_csv().splitlines(True)
    return header + "".join(r for r in rows if r.startswith(unit + ";") and str(HELD_MARK) not in r)
