"""XLSForm import: the real forms in ../shared/fixtures/xlsform/ and workbooks written here.

What Helhet cannot represent is reported row by row (sheet, row, column) and stops the import
unless the administrator skips it; errors name their place; nothing is ever half-imported."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook

from helhet.extensions import db
from surveys import jsonformat, queries, services, xlsform
from surveys.errors import InvalidQuestionnaire, UnsupportedContent
from tests.surveys.conftest import row_counts


def workbook(
    survey: list[list], choices: list[list] | None = None, settings: list[list] | None = None
) -> bytes:
    """An .xlsx with the given sheets; the first row of each is the header."""
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for name, rows in (("choices", choices), ("settings", settings)):
        if rows:
            extra = book.create_sheet(name)
            for row in rows:
                extra.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


NORWEGIAN_SURVEY = [
    [
        "type",
        "name",
        "label::Norsk bokmål (nb)",
        "label::Nynorsk (nn)",
        "label::English (en)",
        "hint::nb",
        "required",
        "constraint",
        "appearance",
    ],
    [
        "begin group",
        "tjenesten",
        "Om tjenesten",
        "Om tenesta",
        "About the service",
        "Tenk på siste år",
        None,
        None,
        "field-list",
    ],
    [
        "select_one fornoyd",
        "fornoyd",
        "Hvor fornøyd er du?",
        "Kor nøgd er du?",
        "How satisfied are you?",
        None,
        "yes",
        None,
        None,
    ],
    [
        "select_multiple tjenester",
        "tjenester",
        "Hvilke tjenester bruker du?",
        "Kva tenester brukar du?",
        "Which services do you use?",
        "Velg alle som passer",
        "no",
        None,
        None,
    ],
    [
        "integer",
        "alder",
        "Hvor gammel er du?",
        "Kor gammal er du?",
        "How old are you?",
        None,
        "TRUE",
        ". >= 0 and . <= 120",
        None,
    ],
    ["end group", None, None, None, None, None, None, None, None],
    [
        "decimal",
        "timer",
        "Hvor mange timer?",
        "Kor mange timar?",
        "How many hours?",
        None,
        None,
        ". >= 0.5",
        None,
    ],
    [
        "text",
        "kommentar",
        "Noe mer?",
        "Noko meir?",
        "Anything else?",
        None,
        None,
        "string-length(.) <= 500",
        None,
    ],
    ["note", "takk", "Takk for svarene!", "Takk for svara!", "Thank you!", None, None, None, None],
]
NORWEGIAN_CHOICES = [
    ["list_name", "name", "label::Norsk bokmål (nb)", "label::Nynorsk (nn)", "label::English (en)"],
    ["fornoyd", 1, "Svært misfornøyd", "Svært misnøgd", "Very dissatisfied"],
    ["fornoyd", 2, "Misfornøyd", "Misnøgd", "Dissatisfied"],
    ["fornoyd", 3, "Verken eller", "Verken eller", "Neither"],
    ["fornoyd", 4, "Fornøyd", "Nøgd", "Satisfied"],
    ["fornoyd", 5, "Svært fornøyd", "Svært nøgd", "Very satisfied"],
    ["tjenester", "helse", "Helse", "Helse", "Health"],
    ["tjenester", "skole", "Skole", "Skule", "School"],
]
NORWEGIAN_SETTINGS = [
    ["form_title", "form_id", "version"],
    ["Brukerundersøkelse (test)", "bruker_test", "2026010101"],
]


def norwegian_workbook() -> bytes:
    return workbook(NORWEGIAN_SURVEY, NORWEGIAN_CHOICES, NORWEGIAN_SETTINGS)


def places(problems) -> set[tuple]:
    return {(p.sheet, p.row, p.column) for p in problems}


def unsupported_in(content: bytes, name: str) -> list:
    before = row_counts()
    with pytest.raises(UnsupportedContent) as stopped:
        services.import_file(name, content)
    db.session.rollback()
    assert row_counts() == before, "nothing may be imported while unsupported rows are not skipped"
    return stopped.value.problems


# --- the Norwegian workbook ------------------------------------------------------------------


def test_a_norwegian_xlsform_imports_as_the_expected_questionnaire(app):
    result = services.import_file("skjema.xlsx", norwegian_workbook())
    data = jsonformat.to_dict(result.questionnaire)
    assert data["key"] == "bruker_test" and data["title"] == {"nb": "Brukerundersøkelse (test)"}
    first, second = data["sections"]
    assert first["title"] == {"nb": "Om tjenesten", "nn": "Om tenesta", "en": "About the service"}
    assert first["intro"] == {"nb": "Tenk på siste år"}
    assert first["questions"][0] == {
        "key": "fornoyd",
        "type": "single",
        "text": {
            "nb": "Hvor fornøyd er du?",
            "nn": "Kor nøgd er du?",
            "en": "How satisfied are you?",
        },
        "required": True,
        "choices": [
            {"value": str(n), "label": label}
            for n, label in zip(
                range(1, 6),
                [
                    {"nb": "Svært misfornøyd", "nn": "Svært misnøgd", "en": "Very dissatisfied"},
                    {"nb": "Misfornøyd", "nn": "Misnøgd", "en": "Dissatisfied"},
                    {"nb": "Verken eller", "nn": "Verken eller", "en": "Neither"},
                    {"nb": "Fornøyd", "nn": "Nøgd", "en": "Satisfied"},
                    {"nb": "Svært fornøyd", "nn": "Svært nøgd", "en": "Very satisfied"},
                ],
                strict=True,
            )
        ],
    }
    assert first["questions"][1]["type"] == "multiple" and first["questions"][1]["help"] == {
        "nb": "Velg alle som passer"
    }
    assert first["questions"][2] == {
        "key": "alder",
        "type": "number",
        "text": {"nb": "Hvor gammel er du?", "nn": "Kor gammal er du?", "en": "How old are you?"},
        "required": True,
        "min": 0,
        "max": 120,
        "integer": True,
    }
    assert [q["key"] for q in second["questions"]] == ["timer", "kommentar", "takk"]
    assert "title" not in second  # questions outside any group
    assert second["questions"][0]["min"] == 0.5 and second["questions"][0]["integer"] is False
    assert second["questions"][1]["max_length"] == 500
    assert second["questions"][2]["type"] == "info"


def test_numbered_choices_that_look_like_a_scale_stay_single_choice_and_are_noted(app, english):
    result = services.import_file("skjema.xlsx", norwegian_workbook())
    assert queries.question_by_key(result.questionnaire, "fornoyd").type == "single"
    notes = [n for n in result.notes if (n.sheet, n.row) == ("survey", 3)]
    assert notes and "look like a scale" in notes[0].message


def test_an_xlsform_derived_questionnaire_round_trips_to_the_same_bytes(any_app):
    first = services.import_file("skjema.xlsx", norwegian_workbook()).questionnaire
    db.session.commit()
    exported = jsonformat.dumps(first)
    services.delete_draft(first)
    db.session.commit()
    again = services.import_data(json.loads(exported))
    db.session.commit()
    db.session.expire_all()
    assert jsonformat.dumps(queries.get(again.id)) == exported


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("Norsk bokmål (nb)", "nb"),
        ("Norwegian", "nb"),
        ("no", "nb"),
        ("nb-NO", "nb"),
        ("Bokmål", "nb"),
        ("Nynorsk (nn)", "nn"),
        ("nynorsk", "nn"),
        ("nn", "nn"),
        ("English (en)", "en"),
        ("english", "en"),
        ("en-GB", "en"),
        ("English", "en"),
        ("Chinese", None),
        ("French (fr)", None),
        ("Deutsch", None),
    ],
)
def test_label_columns_are_mapped_to_our_languages(tag, language):
    assert xlsform.language_of(tag) == language


def test_a_label_column_without_language_is_read_as_bokmal_and_noted(app, english):
    content = workbook([["type", "name", "label"], ["text", "navn", "Hva heter kommunen?"]])
    result = services.import_file("kommune.xlsx", content)
    assert queries.question_by_key(result.questionnaire, "navn").text == {
        "nb": "Hva heter kommunen?"
    }
    assert result.questionnaire.key == "kommune"  # no settings sheet: the file name
    assert any(n.column == "label" and "read as bokmål" in n.message for n in result.notes)


def test_a_default_language_in_the_settings_decides_where_untagged_labels_go(app):
    content = workbook(
        [["type", "name", "label"], ["text", "navn", "What is your name?"]],
        settings=[["form_id", "default_language"], ["eng", "English (en)"]],
    )
    result = services.import_file("x.xlsx", content)
    assert queries.question_by_key(result.questionnaire, "navn").text == {
        "en": "What is your name?"
    }


def test_a_name_that_is_not_a_key_is_turned_into_one_and_noted(app):
    content = workbook(
        [["type", "name", "label::nb"], ["text", "Kommune-Navn", "Hva heter kommunen?"]]
    )
    result = services.import_file("x.xlsx", content)
    assert result.questionnaire.questions[0].key == "kommune_navn"
    assert any((n.row, n.column) == (2, "name") for n in result.notes)


# --- the real forms --------------------------------------------------------------------------


def test_the_spec_test_form_reports_what_cannot_be_represented_row_by_row(
    app, english, xlsform_fixture
):
    content = xlsform_fixture("xlsform_spec_test.xlsx").read_bytes()
    problems = unsupported_in(content, "xlsform_spec_test.xlsx")
    found = places(problems)
    assert ("survey", 15, "type") in found  # begin repeat
    assert ("survey", 3, "relevant") in found  # a relevance expression on a group
    assert ("survey", 7, "relevant") in found
    assert ("survey", 34, "type") in found  # geopoint
    assert ("survey", 31, "type") in found  # date
    assert ("survey", 40, "type") in found  # calculate
    assert ("survey", 9, "image") in found  # media on a question
    assert ("survey", 6, "label::chinese") in found  # a language Helhet does not keep
    assert ("settings", 2, "public_key") in found
    assert ("choices", 4, "image") in found  # a choice that is only a picture
    by_place = {(p.sheet, p.row, p.column): p.message for p in problems}
    assert (
        "repeat" in by_place[("survey", 15, "type")]
        and "imported once" in by_place[("survey", 15, "type")]
    )
    assert "geopoint" in by_place[("survey", 34, "type")]


def test_the_spec_test_form_imports_the_rest_when_told_to_skip(app, xlsform_fixture):
    content = xlsform_fixture("xlsform_spec_test.xlsx").read_bytes()
    q = services.import_file("xlsform_spec_test.xlsx", content, skip_unsupported=True).questionnaire
    keys = [x.key for x in queries.questions(q)]
    for kept in (
        "skip_to_end",
        "my_name",
        "address",
        "a_integer",
        "a_decimal",
        "required_text",
        "select_multiple_test",
        "label_test",
        "table_list_question",
        "note_test",
        "launch",
    ):
        assert kept in keys
    for left_out in (
        "display_image_test",
        "compact_test",
        "date_test",
        "geopoint_test",
        "calculate_test",
        "start",
        "deviceid",
        "image_test",
    ):
        assert left_out not in keys
    assert queries.question_by_key(q, "required_text").required is True
    assert queries.question_by_key(q, "my_name").text == {"en": "Enter your name"}
    assert q.key == "spec_test"


def test_choice_filters_are_reported_and_duplicate_choices_they_allowed_are_left_out(
    app, english, xlsform_fixture
):
    content = xlsform_fixture("choice_filter_test.xlsx").read_bytes()
    found = places(unsupported_in(content, "choice_filter_test.xlsx"))
    assert {
        ("survey", 3, "choice_filter"),
        ("survey", 4, "choice_filter"),
        ("choices", 6, "name"),
    } <= found
    q = services.import_file(
        "choice_filter_test.xlsx", content, skip_unsupported=True
    ).questionnaire
    assert [c.value for c in queries.question_by_key(q, "county").choices] == [
        "king",
        "pierce",
        "cameron",
    ]
    assert len(queries.question_by_key(q, "city").choices) == 8


def test_the_old_tutorial_xls_reports_its_repeat_and_keeps_its_conditions(app, xlsform_fixture):
    content = xlsform_fixture("tutorial.xls").read_bytes()
    found = places(unsupported_in(content, "tutorial.xls"))
    assert ("survey", 2, "type") in found  # begin repeat
    assert not any(column == "bind:relevant" for _sheet, _row, column in found)  # conditions now


def test_the_old_tutorial_xls_imports_its_questions_once_when_told_to_skip(app, xlsform_fixture):
    content = xlsform_fixture("tutorial.xls").read_bytes()
    result = services.import_file("tutorial.xls", content, skip_unsupported=True)
    q = result.questionnaire
    # one group, in three pages: a condition reads only answers of earlier pages
    pages = queries.pages(q)
    assert [s.title for s, _q in pages] == [{"nb": "Household Member or Visitor"}] * 3
    assert [[x.key for x in qs] for _s, qs in pages][1:] == [
        ["age_in_months", "age_in_years"],
        ["literate", "pregnant"],
    ]
    assert {(n.row, n.column) for n in result.notes} >= {(9, "relevant"), (11, "relevant")}
    questions = [x for _s, qs in pages for x in qs]
    assert queries.question_by_key(q, "age_in_months").condition == {
        "question": "older_than_five",
        "op": "equals",
        "value": "no",
    }
    assert queries.question_by_key(q, "pregnant").condition == {
        "all": [
            {"question": "age_in_years", "op": "at_least", "value": 15},
            {"question": "age_in_years", "op": "at_most", "value": 49},
            {"question": "sex", "op": "equals", "value": "female"},
        ]
    }
    assert [x.type for x in questions][:3] == [
        "text",
        "single",
        "single",
    ]  # "select one from" is select_one
    months, years = (
        queries.question_by_key(q, "age_in_months"),
        queries.question_by_key(q, "age_in_years"),
    )
    assert (months.max_value, months.min_value, years.min_value) == (72, None, 5)


def test_the_real_forms_round_trip_after_import(any_app, xlsform_fixture):
    for name in ("xlsform_spec_test.xlsx", "choice_filter_test.xlsx", "tutorial.xls"):
        q = services.import_file(
            name, xlsform_fixture(name).read_bytes(), skip_unsupported=True
        ).questionnaire
        db.session.commit()
        exported = jsonformat.dumps(q)
        services.delete_draft(q)
        again = services.import_data(json.loads(exported))
        db.session.commit()
        assert jsonformat.dumps(again) == exported, name


# --- bad files -------------------------------------------------------------------------------


def refused(content: bytes, name: str = "skjema.xlsx", skip: bool = False) -> list:
    before = row_counts()
    with pytest.raises(InvalidQuestionnaire) as failure:
        services.import_file(name, content, skip_unsupported=skip)
    db.session.rollback()
    assert row_counts() == before
    return failure.value.problems


def test_a_corrupt_xlsx_is_refused_with_a_message(app, english):
    problems = refused(b"PK\x03\x04 this is not really a zip file")
    assert "could not be read as an Excel workbook (.xlsx)" in problems[0].message


def test_a_json_file_named_xlsx_is_refused(app, english):
    assert "could not be read" in refused(b'{"key": "x"}')[0].message


def test_an_unknown_type_names_sheet_row_and_column(app, english):
    problems = refused(
        workbook([["type", "name", "label::nb"], ["text", "a", "A?"], ["slider", "b", "B?"]])
    )
    assert [(p.sheet, p.row, p.column, p.message) for p in problems] == [
        ("survey", 3, "type", "Unknown type slider.")
    ]


def test_duplicate_names_name_both_rows(app, english):
    problems = refused(
        workbook([["type", "name", "label::nb"], ["text", "a", "A?"], ["integer", "a", "B?"]])
    )
    assert (problems[0].sheet, problems[0].row, problems[0].column) == ("survey", 3, "name")
    assert "row 2" in problems[0].message


def test_a_question_without_a_label_is_refused_at_its_label(app, english):
    problems = refused(workbook([["type", "name", "label::nb"], ["text", "a", None]]))
    assert [(p.sheet, p.row, p.column) for p in problems] == [("survey", 2, "label")]


def test_a_choice_without_a_label_and_a_missing_list_are_refused(app):
    problems = refused(
        workbook(
            [
                ["type", "name", "label::nb"],
                ["select_one ja_nei", "a", "A?"],
                ["select_one finnes_ikke", "b", "B?"],
            ],
            [["list_name", "name", "label::nb"], ["ja_nei", "ja", "Ja"], ["ja_nei", "nei", None]],
        )
    )
    assert places(problems) == {("choices", 3, "label"), ("survey", 3, "type")}


def test_an_unclosed_group_is_refused_at_its_begin_row(app):
    problems = refused(
        workbook([["type", "name", "label::nb"], ["begin group", "g", "G"], ["text", "a", "A?"]])
    )
    assert places(problems) == {("survey", 2, "type")}


def test_errors_are_reported_even_when_skipping(app):
    content = workbook(
        [
            ["type", "name", "label::nb", "relevant"],
            ["text", "a", "A?", "${b} = 1"],
            ["slider", "b", "B?", None],
        ]
    )
    assert places(refused(content, skip=True)) == {("survey", 3, "type")}


def test_a_problem_found_after_conversion_is_placed_in_the_workbook(app):
    long_label = "x" * 600  # choice labels are at most 500 characters in our format
    problems = refused(
        workbook(
            [["type", "name", "label::nb"], ["select_one liste", "a", "A?"]],
            [
                ["list_name", "name", "label::nb"],
                ["liste", "en", "En"],
                ["liste", "to", long_label],
            ],
        )
    )
    assert places(problems) == {("choices", 3, "label")}


def test_a_question_without_a_name_is_refused_at_its_name(app):
    problems = refused(workbook([["type", "name", "label::nb"], ["text", None, "A?"]]))
    assert places(problems) == {("survey", 2, "name")}
