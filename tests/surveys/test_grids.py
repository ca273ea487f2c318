"""Grids in the questionnaire: declared in JSON, checked, edited, previewed and imported from
XLSForm (table-list / likert groups) and LimeSurvey (arrays)."""

from __future__ import annotations

import copy

import pytest

from helhet.extensions import db
from surveys import jsonformat, limesurvey, queries, services
from surveys.errors import InvalidQuestionnaire, UnsupportedContent
from tests.surveys.factories import make_question, make_questionnaire, make_section
from tests.surveys.test_limesurvey import data as lss
from tests.surveys.test_limesurvey import questions_of
from tests.surveys.test_xlsform import workbook

BASE = "/admin/sporreskjema"
SCALE = {"type": "scale", "min": 1, "max": 5, "dont_know": True,
         "low_label": {"nb": "Helt uenig"}, "high_label": {"nb": "Helt enig"}}  # fmt: skip


def statement(key: str, **extra) -> dict:
    return {"key": key, "text": {"nb": f"Påstand {key}"}, **SCALE, **extra}


def questionnaire(*sections: list[dict]) -> dict:
    return {
        "format": "helhet-questionnaire",
        "format_version": 1,
        "key": "rutenett",
        "kind": "employee",
        "title": {"nb": "Rutenett"},
        "sections": [
            {"title": {"nb": f"Del {i}"}, "questions": qs} for i, qs in enumerate(sections)
        ],
    }


GOOD = questionnaire(
    [
        {"key": "intro", "type": "info", "text": {"nb": "Hvor enig er du?"}},
        statement("a", grid="enighet"),
        statement("b", grid="enighet"),
        statement("c", grid="enighet"),
        statement("d"),
    ]
)


def problems(data) -> dict[str, str]:
    with pytest.raises(InvalidQuestionnaire) as invalid:
        jsonformat.validate(data)
    return {p.path: p.message for p in invalid.value.problems}


# --- the format --------------------------------------------------------------------------------


def test_a_grid_round_trips_through_json_unchanged(any_app):
    imported = services.import_data(copy.deepcopy(GOOD))
    exported = jsonformat.to_dict(imported)
    assert [q.get("grid") for q in exported["sections"][0]["questions"]] == [
        None,
        "enighet",
        "enighet",
        "enighet",
        None,
    ]
    assert jsonformat.to_dict(jsonformat.from_dict(exported)) == exported


def test_only_scale_questions_can_be_in_a_grid(app, english):
    data = copy.deepcopy(GOOD)
    data["sections"][0]["questions"][0]["grid"] = "enighet"
    found = problems(data)
    assert "not a scale question" in found["sections[0].questions[0].grid"]


def test_the_questions_of_a_grid_must_share_the_scale(app, english):
    for change in ({"max": 6}, {"dont_know": False}, {"high_label": {"nb": "Enig"}}):
        data = copy.deepcopy(GOOD)
        data["sections"][0]["questions"][3].update(change)
        found = problems(data)
        assert list(found) == ["sections[0].questions[3].grid"], change
        assert "must share one scale" in found["sections[0].questions[3].grid"]
        assert "c differs from a" in found["sections[0].questions[3].grid"]


def test_the_questions_of_a_grid_must_follow_each_other(app, english):
    data = copy.deepcopy(GOOD)
    data["sections"][0]["questions"][4]["grid"] = "enighet"
    data["sections"][0]["questions"][3].pop("grid")
    found = problems(data)
    assert "must follow each other" in found["sections[0].questions[4].grid"]
    across = questionnaire([statement("a", grid="g")], [statement("b", grid="g")])
    assert "sections[1].questions[0].grid" in problems(across)


def test_the_schema_refuses_a_grid_name_that_is_not_a_key(app, english):
    data = copy.deepcopy(GOOD)
    data["sections"][0]["questions"][1]["grid"] = "Not a key"
    assert "sections[0].questions[1].grid" in problems(data)


# --- the editor and the preview -------------------------------------------------------------------


def scale_form(question, grid: str) -> dict:
    return {
        "key": question.key,
        "section": question.section_id,
        "text_nb": question.text["nb"],
        "required": "y",
        "scale_min": "1",
        "scale_max": "6",
        "low_label_nb": "Helt uenig",
        "high_label_nb": "Helt enig",
        "grid": grid,
        "action": "save",
    }


def editor_questionnaire():
    q = make_questionnaire("redigert")
    section = q.sections[0]
    first = make_question(section, "trivsel", text="Jeg trives på jobben")
    second = make_question(section, "mestring", text="Jeg mestrer oppgavene")
    other = make_section(q, "Annet")
    make_question(other, "stolthet", text="Jeg er stolt av jobben")
    db.session.commit()
    return q, first, second


def test_the_editor_puts_questions_in_a_grid_and_the_preview_shows_it(admin_client):
    admin_client.get("/sprak/en")
    q, first, second = editor_questionnaire()
    assert b'name="grid"' in admin_client.get(f"{BASE}/{q.id}/sporsmal/{first.id}").data
    for question in (first, second):
        response = admin_client.post(
            f"{BASE}/{q.id}/sporsmal/{question.id}", data=scale_form(question, "trivsel")
        )
        assert response.status_code == 303, response.data[:3000]
    db.session.expire_all()
    assert [x.grid for x in q.sections[0].questions] == ["trivsel", "trivsel"]
    preview = admin_client.get(f"{BASE}/{q.id}/forhandsvisning/1").get_data(as_text=True)
    assert preview.count('<div class="grid grid--cols-6">') == 1
    assert preview.count("grid__row") == 2


def test_the_editor_refuses_a_grid_that_breaks_the_rules_and_says_why(admin_client):
    admin_client.get("/sprak/en")
    q, first, _second = editor_questionnaire()
    stolthet = queries.question_by_key(q, "stolthet")
    admin_client.post(f"{BASE}/{q.id}/sporsmal/{first.id}", data=scale_form(first, "trivsel"))
    response = admin_client.post(
        f"{BASE}/{q.id}/sporsmal/{stolthet.id}", data=scale_form(stolthet, "trivsel")
    )
    assert response.status_code == 422
    assert b"must follow each other in one section" in response.data
    db.session.expire_all()
    assert queries.question_by_key(q, "stolthet").grid is None
    bad_name = admin_client.post(
        f"{BASE}/{q.id}/sporsmal/{first.id}", data=scale_form(first, "Trivsel og mestring")
    )
    assert bad_name.status_code == 422 and b"Start with a lowercase letter" in bad_name.data


# --- imports ----------------------------------------------------------------------------------


def test_limesurvey_arrays_become_grids(app, english):
    converted = limesurvey.convert(lss("scales_and_arrays.lss"), skip_unsupported=True)
    qs = questions_of(converted)
    assert qs["apning_sq001"]["grid"] == qs["apning_sq002"]["grid"] == "apning"
    assert qs["anbefale_sq001"]["grid"] == "anbefale"
    assert "grid" not in qs["total"] and "grid" not in qs["apning"]  # a 5 and the array's text
    clean = jsonformat.validate(converted.data)
    assert any(q["grid"] for s in clean["sections"] for q in s["questions"])


LIKERT = [["list_name", "name", "label"]] + [
    ["enig", str(n), label]
    for n, label in enumerate(["Helt uenig", "2", "3", "4", "Helt enig"], start=1)
]


def grid_workbook(group_appearance: str, row_appearance: str = "", choices=LIKERT) -> bytes:
    return workbook(
        [
            ["type", "name", "label", "appearance", "required"],
            ["begin group", "arbeid", "Om arbeidet", group_appearance, ""],
            ["select_one enig", "trives", "Jeg trives", row_appearance, "yes"],
            ["select_one enig", "mestrer", "Jeg mestrer oppgavene", row_appearance, ""],
            ["text", "annet", "Noe annet?", "", ""],
            ["end group", "", "", "", ""],
        ],
        choices,
        [["form_id", "form_title"], ["grid_test", "Rutenett"]],
    )


@pytest.mark.parametrize(
    ("group", "row"), [("field-list table-list", ""), ("table-list", ""), ("field-list", "likert")]
)
def test_an_xlsform_table_list_or_likert_group_becomes_a_grid(app, english, group, row):
    result = services.import_file("skjema.xlsx", grid_workbook(group, row))
    data = jsonformat.to_dict(result.questionnaire)
    trives, mestrer, annet = data["sections"][0]["questions"]
    assert trives == {
        "key": "trives",
        "type": "scale",
        "text": {"nb": "Jeg trives"},
        "required": True,
        "min": 1,
        "max": 5,
        "low_label": {"nb": "Helt uenig"},
        "high_label": {"nb": "Helt enig"},
        "dont_know": False,
        "grid": "arbeid",
    }
    assert mestrer["grid"] == "arbeid" and "grid" not in annet


def test_an_xlsform_group_without_a_grid_appearance_keeps_single_choice_questions(app, english):
    result = services.import_file("skjema.xlsx", grid_workbook("field-list"))
    types = [
        q["type"] for q in jsonformat.to_dict(result.questionnaire)["sections"][0]["questions"]
    ]
    assert types == ["single", "single", "text"]


def test_an_xlsform_grid_with_labels_between_the_ends_is_listed_unless_skipped(app, english):
    labelled = [["list_name", "name", "label"]] + [
        ["enig", str(n), label]
        for n, label in enumerate(["Helt uenig", "Uenig", "Nøytral", "Enig", "Helt enig"], 1)
    ]
    content = grid_workbook("table-list", choices=labelled)
    with pytest.raises(UnsupportedContent) as stopped:
        services.import_file("skjema.xlsx", content)
    db.session.rollback()
    assert any("Uenig, Nøytral, Enig" in str(p) for p in stopped.value.problems)
    result = services.import_file("skjema.xlsx", content, skip_unsupported=True)
    assert [q.grid for q in result.questionnaire.sections[0].questions] == [
        "arbeid",
        "arbeid",
        None,
    ]


def test_an_xlsform_grid_row_whose_choices_are_not_a_scale_stays_single_with_a_note(app, english):
    words = [["list_name", "name", "label"], ["enig", "ja", "Ja"], ["enig", "nei", "Nei"]]
    result = services.import_file("skjema.xlsx", grid_workbook("table-list", choices=words))
    assert [q.type for q in result.questionnaire.sections[0].questions] == [
        "single",
        "single",
        "text",
    ]
    assert any("not the numbers of a scale" in str(p) for p in result.notes)
