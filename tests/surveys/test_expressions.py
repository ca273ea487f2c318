"""XLSForm `relevant` and LimeSurvey relevance expressions read into conditions
(surveys/expressions.py), and the XLSForm import that uses them."""

from __future__ import annotations

import pytest

from surveys import conditions, queries, services
from surveys.errors import UnsupportedContent
from surveys.expressions import NotACondition, limesurvey_relevance, xlsform_relevant
from tests.surveys.test_xlsform import workbook

EARLIER = {
    "q1": ("q1", {"type": "single", "choices": [{"value": "yes"}, {"value": "no"}]}),
    "q2": ("q2", {"type": "scale", "min": 1, "max": 6}),
    "q3": ("q3", {"type": "multiple", "choices": [{"value": "a"}, {"value": "b"}]}),
    "q4": ("q4", {"type": "text"}),
    "alder": ("alder", {"type": "number", "integer": True}),
    "belop": ("belop", {"type": "number", "integer": False}),
    "Q1": ("q1", {"type": "single"}),
    "Q3": ("q3", {"type": "multiple"}),
    "G1Q2": ("g1q2", {"type": "scale", "min": 1, "max": 5}),
}


@pytest.mark.parametrize(
    ("expression", "condition"),
    [
        ("${q1} = 'yes'", {"question": "q1", "op": "equals", "value": "yes"}),
        ('${q1}="yes"', {"question": "q1", "op": "equals", "value": "yes"}),
        ("'yes' = ${q1}", {"question": "q1", "op": "equals", "value": "yes"}),
        ("${q2} >= 3", {"question": "q2", "op": "at_least", "value": 3}),
        ("${q2} > 3", {"question": "q2", "op": "at_least", "value": 4}),
        ("${q2} < '3'", {"question": "q2", "op": "at_most", "value": 2}),
        ("3 <= ${q2}", {"question": "q2", "op": "at_least", "value": 3}),
        ("${alder} >= 67", {"question": "alder", "op": "at_least", "value": 67}),
        ("${belop} <= 2.5", {"question": "belop", "op": "at_most", "value": 2.5}),
        ("selected(${q3}, 'a')", {"question": "q3", "op": "equals", "value": "a"}),
        ("${q4} != ''", {"question": "q4", "op": "answered"}),
        ("${q4} = ''", {"question": "q4", "op": "not_answered"}),
        ("string-length(${q4}) > 0", {"question": "q4", "op": "answered"}),
        (
            "${q1} = 'yes' and (${q2} >= 3 or selected(${q3}, 'b'))",
            {
                "all": [
                    {"question": "q1", "op": "equals", "value": "yes"},
                    {
                        "any": [
                            {"question": "q2", "op": "at_least", "value": 3},
                            {"question": "q3", "op": "equals", "value": "b"},
                        ]
                    },
                ]
            },
        ),
    ],
)
def test_xlsform_expressions_that_become_conditions(app, expression, condition):
    assert xlsform_relevant(expression, EARLIER.get) == condition


@pytest.mark.parametrize(
    "expression",
    [
        "${q1} != 'yes'",  # no "not equal to" a value
        "not(selected(${q3}, 'a'))",
        "${q2} + 1 > 3",
        "${q2} > ${alder}",  # two answers compared
        "regex(${q4}, '[a-z]+')",
        "${later} = 'x'",  # not an earlier question
        "${belop} > 2",  # > on decimals
        "${q1} >= 'yes'",
        "${q1} = 'yes' and",
        "${q1} = 'yes'))",
        "${q1} = 'yes' # comment",
    ],
)
def test_xlsform_expressions_that_do_not(app, expression):
    with pytest.raises(NotACondition):
        xlsform_relevant(expression, EARLIER.get)


@pytest.mark.parametrize(
    ("equation", "condition"),
    [
        ('Q1 == "Y"', {"question": "q1", "op": "equals", "value": "Y"}),
        ("((Q1.NAOK == 'yes'))", {"question": "q1", "op": "equals", "value": "yes"}),
        ("{G1Q2 >= 4}", {"question": "g1q2", "op": "at_least", "value": 4}),
        ("G1Q2 gt 3", {"question": "g1q2", "op": "at_least", "value": 4}),
        ('Q3_a == "Y"', {"question": "q3", "op": "equals", "value": "a"}),
        ("!is_empty(Q1)", {"question": "q1", "op": "answered"}),
        ("is_empty(Q1.NAOK)", {"question": "q1", "op": "not_answered"}),
        (
            'Q1 == "A1" || Q1 == "A2" && G1Q2 <= 2',
            {
                "any": [
                    {"question": "q1", "op": "equals", "value": "A1"},
                    {
                        "all": [
                            {"question": "q1", "op": "equals", "value": "A2"},
                            {"question": "g1q2", "op": "at_most", "value": 2},
                        ]
                    },
                ]
            },
        ),
    ],
)
def test_limesurvey_equations_that_become_conditions(app, equation, condition):
    assert limesurvey_relevance(equation, EARLIER.get) == condition


@pytest.mark.parametrize(
    "equation",
    ['Q1 != "Y"', "count(Q1, Q3) > 1", "Q1.shown == 'x'", "sum(G1Q2, 1) > 3", "Q9 == 1"],
)
def test_limesurvey_equations_that_do_not(app, equation):
    if equation == "Q1.shown == 'x'":  # .shown is read as the answer: allowed
        assert limesurvey_relevance(equation, EARLIER.get)["op"] == "equals"
        return
    with pytest.raises(NotACondition):
        limesurvey_relevance(equation, EARLIER.get)


CONDITIONAL_FORM = [
    ["type", "name", "label::nb", "relevant"],
    ["select_one janei", "barn", "Har du barn?", None],
    ["integer", "alder", "Alder", None],
    ["begin group", "bh", "Barnehage", "${barn} = 'ja'"],
    ["integer", "antall", "Hvor mange barn?", None],
    ["text", "hvorfor", "Hvorfor?", "${antall} >= 2 or ${alder} < 30"],
    ["end group", None, None, None],
    ["note", "slutt", "Takk", "${hvorfor} != ''"],
]
CHOICES = [["list_name", "name", "label::nb"], ["janei", "ja", "Ja"], ["janei", "nei", "Nei"]]


def test_an_xlsform_with_relevant_columns_imports_with_conditions(app):
    result = services.import_file("barn.xlsx", workbook(CONDITIONAL_FORM, CHOICES))
    q = result.questionnaire
    pages = queries.pages(q)
    assert [[x.key for x in qs] for _s, qs in pages] == [
        ["barn", "alder"],
        ["antall"],
        ["hvorfor"],  # reads antall on the same page: a page of its own, same group condition
        ["slutt"],
    ]
    group = {"question": "barn", "op": "equals", "value": "ja"}
    assert pages[1][0].condition == group and pages[2][0].condition == group
    assert queries.question_by_key(q, "hvorfor").condition == {
        "any": [
            {"question": "alder", "op": "at_most", "value": 29},
            {"question": "antall", "op": "at_least", "value": 2},
        ]
    }
    page = type("P", (), {})
    shown = conditions.asked(
        [type("Page", (page,), {"condition": s.condition, "questions": qs}) for s, qs in pages],
        {"barn": "nei", "alder": 20},
    )
    assert shown.pages == {1}  # the group is hidden, and slutt reads hvorfor, not answered


def test_an_xlsform_relevant_that_is_no_condition_is_reported_at_its_row(app, english):
    form = [
        *CONDITIONAL_FORM[:5],
        ["text", "hvorfor", "Hvorfor?", "${antall} != 2"],
        *CONDITIONAL_FORM[6:],
    ]
    with pytest.raises(UnsupportedContent) as refused:
        services.import_file("barn.xlsx", workbook(form, CHOICES))
    ((problem,),) = [refused.value.problems]
    assert (problem.sheet, problem.row, problem.column) == ("survey", 6, "relevant")
    assert "cannot be represented" in problem.message and "Not equal to" in problem.message
    # skipped: the question is always shown
    q = services.import_file(
        "barn.xlsx", workbook(form, CHOICES), skip_unsupported=True
    ).questionnaire
    assert queries.question_by_key(q, "hvorfor").condition is None


def test_an_xlsform_relevant_with_a_wrong_value_is_an_error_at_its_row(app, english):
    form = [
        *CONDITIONAL_FORM[:3],
        ["begin group", "bh", "Barnehage", "${barn} = 'kanskje'"],
        *CONDITIONAL_FORM[4:],
    ]
    from surveys.errors import InvalidQuestionnaire

    with pytest.raises(InvalidQuestionnaire) as refused:
        services.import_file("barn.xlsx", workbook(form, CHOICES))
    found = [(p.sheet, p.row, p.column, p.message) for p in refused.value.problems]
    assert found[0][:3] == ("survey", 4, "relevant")
    assert '"kanskje" is not a choice of barn' in found[0][3]
