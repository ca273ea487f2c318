"""Hostile questionnaire files and editor input: refused at their place (JSON path, or sheet, row
and column), nothing imported, never a 500; number answers are finite ASCII numbers."""

from __future__ import annotations

import copy
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from helhet.edge import CONTROL_EXCEPT_NEWLINES
from helhet.extensions import db
from surveys import jsonformat, services, xlsform
from surveys.errors import InvalidQuestionnaire, UnsupportedContent
from surveys.models import Question, Questionnaire, QuestionType
from surveys.questiontypes import AnswerError, kind_of
from tests import factories as core
from tests.surveys.conftest import row_counts
from tests.surveys.factories import make_small_questionnaire
from tests.surveys.test_jsonformat import small_data
from tests.surveys.test_xlsform import workbook

BASE = "/admin/sporreskjema"


def refused_file(name: str, content: bytes) -> list:
    """The problems of a refused import; asserts that nothing was stored."""
    before = row_counts()
    with pytest.raises(InvalidQuestionnaire) as refused:
        services.import_file(name, content)
    db.session.rollback()
    assert row_counts() == before
    return refused.value.problems


def json_file(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def with_number_question(**bounds) -> dict:
    data = small_data()
    data["sections"][1]["questions"].append(
        {"key": "antall", "type": "number", "text": {"nb": "Hvor mange?"}, **bounds}
    )
    return data


NUMBER_AT = "sections[1].questions[1]"


# --- JSON ---------------------------------------------------------------------------------------


def test_a_hundred_thousand_nested_brackets_are_refused_with_line_and_column(any_app):
    problems = refused_file(
        "dyp.json", b'{"key": "x", "title":\n' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    )
    assert len(problems) == 1
    assert "line 2, column 20" in problems[0].message  # the 21st level: the 20th "["


def test_nesting_deeper_than_any_questionnaire_is_refused_at_its_path(any_app):
    data = small_data()
    deep: list = []
    for _level in range(30):
        deep = [deep]
    data["title"]["nb"] = deep
    assert [p.path for p in refused_file("dyp.json", json_file(data))] == ["title.nb" + "[0]" * 18]


@pytest.mark.parametrize(
    "bound",
    [
        "1" + "0" * 400,
        "1e400",
        "-Infinity",
        "Infinity",
        "NaN",
        "1" + "0" * 5000,
        "10000000000000001",
    ],
)
def test_a_number_bound_that_cannot_be_kept_is_refused_at_its_path(any_app, bound):
    text = json.dumps(with_number_question(max=1)).replace('"max": 1', f'"max": {bound}')
    problems = refused_file("tall.json", text.encode())
    assert [p.path for p in problems] == [f"{NUMBER_AT}.max"]


def test_nan_as_a_share_or_a_favourable_point_is_refused(any_app):
    text = json.dumps(small_data()).replace(
        '"items": ["a"]', '"items": ["a"], "min_share": NaN, "favourable_from": NaN'
    )
    assert [p.path for p in refused_file("nan.json", text.encode())] == [
        "indicators[0].favourable_from",
        "indicators[0].min_share",
    ]


@pytest.mark.parametrize("where", ["title", "choice", "key"])
def test_a_control_character_anywhere_in_the_file_is_refused_at_its_path(any_app, where):
    data = small_data()
    if where == "title":
        data["title"]["nb"] = "Liten\u0000"
        expected = "title.nb"
    elif where == "choice":
        data["sections"][0]["questions"][1]["choices"][0]["value"] = "1\u0007"
        expected = "sections[0].questions[1].choices[0].value"
    else:
        data["sections"][0]["questions"][0]["text"]["n\u0000b"] = "A?"
        expected = "sections[0].questions[0].text"
    problems = refused_file("kontroll.json", json_file(data))
    assert [p.path for p in problems] == [expected]
    assert "U+00" in problems[0].message


def test_line_breaks_and_tabs_in_long_texts_are_fine(any_app):
    data = small_data()
    data["sections"][0]["questions"][0]["text"]["nb"] = "Første linje\nandre linje\tmed tabulator"
    questionnaire = services.import_file("linjer.json", json_file(data)).questionnaire
    assert questionnaire.sections[0].questions[0].text["nb"].startswith("Første linje\n")


# --- XLSForm ------------------------------------------------------------------------------------


def test_a_constraint_bound_too_large_to_keep_is_refused_at_its_row(any_app):
    content = workbook(
        [
            ["type", "name", "label", "constraint"],
            ["integer", "antall", "Hvor mange?", ". >= 0 and . <= " + "9" * 400],
        ]
    )
    problems = refused_file("stor.xlsx", content)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("survey", 2, "constraint")]


def test_a_length_or_choice_of_thousands_of_digits_gives_no_server_error(any_app):
    content = workbook(
        [
            ["type", "name", "label", "constraint"],
            ["text", "tekst", "Skriv", "string-length(.) <= " + "9" * 5000],
            ["select_one tall", "valg", "Velg", None],
        ],
        [
            ["list_name", "name", "label"],
            ["tall", "1" * 5000, "En"],
            ["tall", "2", "To"],
            ["tall", "3", "Tre"],
        ],
    )
    before = row_counts()
    with pytest.raises((InvalidQuestionnaire, UnsupportedContent)):
        services.import_file("siffer.xlsx", content)
    db.session.rollback()
    assert row_counts() == before


def test_a_cell_with_a_control_character_is_refused_at_its_sheet_row_and_column(
    any_app, monkeypatch
):
    """An .xls can hold NUL and other control characters in a cell; .xlsx cannot (XML), so the book
    as the reader returns it is given here."""
    book = {
        "sheet_names": ["survey"],
        "survey_header": [{"type": None, "name": None, "label": None}],
        "survey": [
            {"type": "text", "name": "a", "label": "Hei"},
            {"type": "text", "name": "b", "label": "H\x00ei"},
        ],
    }
    monkeypatch.setattr(xlsform, "xlsx_to_dict", lambda content: copy.deepcopy(book))
    problems = refused_file("kontroll.xlsx", workbook([["type"]]))
    assert [(p.sheet, p.row, p.column) for p in problems] == [("survey", 3, "label")]


# --- number answers -----------------------------------------------------------------------------


@pytest.fixture
def number_question(app):
    return Question(key="n", type=QuestionType.NUMBER, text={"nb": "?"}, integer_only=False)


@pytest.mark.parametrize(
    "raw",
    [
        "NaN",
        "nan",
        "inf",
        "-Infinity",
        "1e400",
        "1e3",
        "1_000",
        "١٢",
        "۱۲",
        "²",
        "9" * 400,
        "10000000000000001",
        "0x10",
    ],
)
def test_a_number_answer_that_is_not_a_plain_finite_number_is_refused(number_question, raw):
    with pytest.raises(AnswerError):
        kind_of(number_question).parse(number_question, raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12", 12),
        ("-3,5", -3.5),
        ("1 000 000", 1_000_000),
        (".5", 0.5),
        ("1000000000000000", 10**15),
    ],
)
def test_a_plain_number_answer_is_read(number_question, raw, value):
    assert kind_of(number_question).parse(number_question, raw) == value


# --- the editor ---------------------------------------------------------------------------------


@pytest.fixture
def editor(any_app):
    """A signed-in administrator (English pages) and a draft with a number and a choice question."""
    client = any_app.test_client()
    core.login(client, core.make_user("admin@test.no", role="admin"))
    client.get("/sprak/en")
    questionnaire = make_small_questionnaire()
    db.session.commit()
    questions = {q.key: q for s in questionnaire.sections for q in s.questions}
    return client, questionnaire, questions


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "1e400", "1E3", "١٢", "9" * 400])
def test_the_editor_refuses_a_number_bound_that_is_not_a_plain_finite_number(editor, value):
    client, questionnaire, questions = editor
    number = questions["antall"]
    response = client.post(
        f"{BASE}/{questionnaire.id}/sporsmal/{number.id}",
        data={
            "key": "antall",
            "section": number.section_id,
            "text_nb": "Hvor mange?",
            "min_value": value,
            "max_value": "50",
            "action": "save",
        },
    )
    assert response.status_code == 422
    assert "error-message" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (number.min_value, number.max_value) == (0.0, 50.0)


def test_the_import_page_names_a_nan_bound_in_bokmal(editor):
    client, _questionnaire, _questions = editor
    client.get("/sprak/nb")
    content = (
        json.dumps({**with_number_question(max=1), "key": "ny"})
        .replace('"max": 1', '"max": NaN')
        .encode()
    )
    response = client.post(f"{BASE}/import", data={"file": (io.BytesIO(content), "tall.json")})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"{NUMBER_AT}.max" in page
    assert (
        "Må være et tall fra -1 000 000 000 000 000 til 1 000 000 000 000 000; NaN er ikke det."
        in page
    )


def test_a_choice_row_named_with_a_superscript_index_is_ignored(editor):
    client, questionnaire, questions = editor
    single = questions["alder"]
    response = client.post(
        f"{BASE}/{questionnaire.id}/sporsmal/{single.id}",
        data={
            "key": "alder",
            "section": single.section_id,
            "text_nb": "Hvor gammel?",
            "choices-0-value": "ung",
            "choices-0-label_nb": "Ung",
            "choices-²-value": "gammel",
            "choices-²-label_nb": "Gammel",
            "action": "save",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert [c.value for c in single.choices] == ["ung"]


# --- random input -------------------------------------------------------------------------------

EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
HOSTILE = st.sampled_from(
    [
        "",
        "\x00",
        "a\x00b",
        "\x07",
        "\x85",
        "²",
        "١٢",
        "NaN",
        "Infinity",
        "1e400",
        "9" * 400,
        "-1",
        "0",
        "1",
        "6",
        "11",
        "scale",
        "single",
        "number",
        "text",
        "info",
        "citizen",
        "a",
        "liten",
        '"',
        "{",
        "[",
        "y",
        "save",
        "stay",
        "add",
        "up-0",
        "remove-0",
        "<b>",
    ]
)
TEXT = st.one_of(HOSTILE, st.text(max_size=30))
FILE = st.binary(max_size=30).map(lambda content: (io.BytesIO(content), "fil.json"))


def clean_texts(value) -> bool:
    """No control character (but tab and line breaks) in any text of a stored questionnaire."""
    if isinstance(value, dict):
        return all(clean_texts(v) for v in value.values())
    if isinstance(value, list):
        return all(clean_texts(v) for v in value)
    return not isinstance(value, str) or CONTROL_EXCEPT_NEWLINES.search(value) is None


def assert_stored_questionnaires_are_clean() -> None:
    """Every stored questionnaire exports
    (no NaN, no infinity: json.dumps would write them) and is clean.
    """
    db.session.rollback()
    for questionnaire in db.session.scalars(select(Questionnaire)):
        data = jsonformat.to_dict(questionnaire)
        json.dumps(data, allow_nan=False)
        assert clean_texts(data)
        assert jsonformat.hostile_values(data) == []


def _containers(children):
    # a named function: hypothesis reads a lambda's source to see that it recurses, and cannot
    # when the formatter splits the lambda over lines
    return st.one_of(st.lists(children, max_size=3), st.dictionaries(TEXT, children, max_size=3))


JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT), _containers, max_leaves=8
)


def mutated(data: dict, path: list, value):
    """`data` with the value at a random place replaced."""
    data = copy.deepcopy(data)
    target = data
    for step in path[:-1]:
        if isinstance(target, dict) and target:
            target = target[sorted(target)[step % len(target)]]
        elif isinstance(target, list) and target:
            target = target[step % len(target)]
    if isinstance(target, dict) and target:
        target[sorted(target)[path[-1] % len(target)]] = value
    elif isinstance(target, list) and target:
        target[path[-1] % len(target)] = value
    return data


@EXAMPLES
@given(
    path=st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=6),
    value=JSON_VALUE,
    raw=st.one_of(st.none(), st.binary(max_size=40)),
)
def test_a_randomly_broken_questionnaire_file_is_imported_whole_or_refused_through_the_page(
    editor, path, value, raw
):
    client, _questionnaire, _questions = editor
    data = {**small_data(), "key": "importert"}
    content = (
        raw
        if raw is not None
        else json.dumps(mutated(data, path, value), ensure_ascii=False).encode()
    )
    before = row_counts()
    response = client.post(f"{BASE}/import", data={"file": (io.BytesIO(content), "skjema.json")})
    assert response.status_code in (200, 303, 422), response.status_code
    if response.status_code == 422:
        assert row_counts() == before
    assert_stored_questionnaires_are_clean()


XLS_CELL = st.one_of(
    st.none(),
    TEXT,
    st.integers(),
    st.sampled_from(
        [
            "integer",
            "decimal",
            "select_one l",
            "select_multiple l",
            "begin group",
            "end group",
            "note",
            "calculate",
            ". >= 0 and . <= " + "9" * 400,
            "string-length(.) <= " + "9" * 50,
            ". > 1.5",
            "yes",
            "${a}",
        ]
    ),
)


@EXAMPLES
@given(
    survey=st.lists(st.lists(XLS_CELL, min_size=3, max_size=4), max_size=5),
    choices=st.lists(st.lists(XLS_CELL, min_size=3, max_size=3), max_size=4),
    skip=st.booleans(),
)
def test_a_random_xlsform_is_imported_whole_or_refused_through_the_page(
    editor, survey, choices, skip
):
    client, _questionnaire, _questions = editor
    try:
        content = workbook(
            [["type", "name", "label", "constraint"], *survey],
            [["list_name", "name", "label"], *choices],
        )
    except (
        IllegalCharacterError
    ):  # openpyxl refuses control characters in a cell: no .xlsx holds them
        return
    before = row_counts()
    data = {"file": (io.BytesIO(content), "skjema.xlsx")}
    if skip:
        data["skip_unsupported"] = "y"
    response = client.post(f"{BASE}/import", data=data)
    assert response.status_code in (200, 303, 422), response.status_code
    if response.status_code == 422:
        assert row_counts() == before
    assert_stored_questionnaires_are_clean()


QUESTION_FIELDS = [
    "key",
    "section",
    "text_nb",
    "text_nn",
    "help_nb",
    "required",
    "min_value",
    "max_value",
    "integer_only",
    "choices-0-value",
    "choices-0-label_nb",
    "choices-1-value",
    "choices-²-value",
    "action",
]


@EXAMPLES
@given(
    data=st.lists(
        st.tuples(
            st.one_of(st.sampled_from(QUESTION_FIELDS), st.text(max_size=10)),
            st.one_of(TEXT, TEXT, FILE),
        ),
        max_size=10,
    ),
    which=st.sampled_from(["antall", "alder", "fornoyd", "kommentar"]),
)
def test_random_data_in_the_question_editor_never_gives_a_server_error(editor, data, which):
    client, questionnaire, questions = editor
    question = questions[which]
    response = client.post(
        f"{BASE}/{questionnaire.id}/sporsmal/{question.id}", data=MultiDict(data)
    )
    # 400: a multipart part whose name the parser cannot read (e.g. "\r") is refused at the edge
    assert response.status_code in (303, 400, 409, 422), response.status_code
    if response.status_code == 422:
        assert "error-summary" in response.get_data(as_text=True)
    assert_stored_questionnaires_are_clean()


@EXAMPLES
@given(
    data=st.lists(
        st.tuples(
            st.sampled_from(["key", "kind", "title_nb", "title_en", "description_nb", "x"]),
            st.one_of(TEXT, TEXT, FILE),
        ),
        max_size=8,
    )
)
def test_random_data_in_the_settings_form_never_gives_a_server_error(editor, data):
    client, questionnaire, _questions = editor
    response = client.post(f"{BASE}/{questionnaire.id}/innstillinger", data=MultiDict(data))
    assert response.status_code in (303, 400, 409, 422), response.status_code
    assert_stored_questionnaires_are_clean()
