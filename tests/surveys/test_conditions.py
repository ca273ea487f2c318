"""surveys.conditions: the evaluator, the canonical form, the checks and the words, without a
database (the format and the answering pages have their own tests)."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

import pytest

from surveys import conditions
from surveys.conditions import Target, asked, canonical, holds


def cond(key, op, value=None):
    out = {"question": key, "op": op}
    if value is not None:
        out["value"] = value
    return out


# --- holds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        (None, {}, True),
        (cond("a", "equals", "yes"), {"a": "yes"}, True),
        (cond("a", "equals", "yes"), {"a": "no"}, False),
        (cond("a", "equals", "yes"), {}, False),
        (cond("a", "equals", 3), {"a": 3}, True),
        (cond("a", "equals", 3), {"a": 3.0}, True),
        (cond("a", "equals", 3), {"a": "3"}, False),  # a text never equals a number
        (cond("a", "equals", True), {"a": 1}, False),  # nor does a boolean
        (cond("a", "equals", "dk"), {"a": "dk"}, True),
        (cond("a", "equals", 3), {"a": "dk"}, False),
        (cond("m", "equals", "b"), {"m": ["a", "b"]}, True),  # multiple: b is chosen
        (cond("m", "equals", "c"), {"m": ["a", "b"]}, False),
        (cond("m", "equals", "c"), {"m": []}, False),
        (cond("a", "one_of", ["x", "y"]), {"a": "y"}, True),
        (cond("a", "one_of", ["x", "y"]), {"a": "z"}, False),
        (cond("m", "one_of", ["x", "y"]), {"m": ["z", "x"]}, True),
        (cond("m", "one_of", ["x", "y"]), {"m": ["z"]}, False),
        (cond("a", "at_least", 4), {"a": 4}, True),
        (cond("a", "at_least", 4), {"a": 3}, False),
        (cond("a", "at_least", 4), {"a": "dk"}, False),  # vet ikke is no point on the scale
        (cond("a", "at_least", 4), {}, False),
        (cond("a", "at_most", 2.5), {"a": 2.5}, True),
        (cond("a", "at_most", 2.5), {"a": 2.6}, False),
        (cond("a", "at_most", 2), {"a": "dk"}, False),
        (cond("a", "at_most", 2), {"a": ["1"]}, False),
        (cond("a", "answered"), {"a": "dk"}, True),  # vet ikke is an answer
        (cond("a", "answered"), {"a": 0}, True),
        (cond("a", "answered"), {"a": ""}, False),
        (cond("a", "answered"), {"a": []}, False),
        (cond("a", "answered"), {"a": None}, False),
        (cond("a", "not_answered"), {}, True),
        (cond("a", "not_answered"), {"a": []}, True),
        (cond("a", "not_answered"), {"a": 1}, False),
        ({"all": [cond("a", "equals", 1), cond("b", "answered")]}, {"a": 1, "b": "x"}, True),
        ({"all": [cond("a", "equals", 1), cond("b", "answered")]}, {"a": 1}, False),
        ({"any": [cond("a", "equals", 1), cond("b", "answered")]}, {"b": "x"}, True),
        ({"any": [cond("a", "equals", 1), cond("b", "answered")]}, {}, False),
        (
            {
                "any": [
                    {"all": [cond("a", "equals", 1), cond("b", "answered")]},
                    cond("c", "at_least", 5),
                ]
            },
            {"c": 6},
            True,
        ),
    ],
)
def test_holds(condition, answers, expected):
    assert holds(condition, answers) is expected


LEAVES = [
    cond("a", "equals", 2),
    cond("a", "at_least", 3),
    cond("a", "at_most", 3),
    cond("a", "answered"),
    cond("a", "not_answered"),
    cond("b", "one_of", ["x", "y"]),
    cond("m", "equals", "y"),
]
ANSWER_VALUES = {
    "a": [None, 1, 2, 3, 4, 2.0, "dk"],
    "b": [None, "x", "y", "z", ""],
    "m": [None, [], ["x"], ["x", "y"]],
}
ALL_ANSWERS = [
    {k: v for k, v in zip(ANSWER_VALUES, combo, strict=True) if v is not None}
    for combo in itertools.product(*ANSWER_VALUES.values())
]


def random_condition(rng: random.Random, depth: int = 0) -> dict:
    if depth > 2 or rng.random() < 0.4:
        return rng.choice(LEAVES)
    kind = rng.choice(("all", "any"))
    return {kind: [random_condition(rng, depth + 1) for _ in range(rng.randint(1, 3))]}


@pytest.mark.parametrize("seed", range(40))
def test_the_canonical_form_means_the_same_is_stable_and_does_not_depend_on_order(seed):
    rng = random.Random(seed)
    condition = random_condition(rng)
    form = canonical(condition)
    assert canonical(form) == form
    for answers in ALL_ANSWERS:
        assert holds(form, answers) is holds(condition, answers)
    # the same condition written with its members in another order, repeated, or wrapped
    shuffled = shuffle(condition, rng)
    assert canonical(shuffled) == form
    assert canonical({"all": [shuffled, condition]}) == form
    assert canonical({"any": [{"any": [condition]}]}) == form


def shuffle(condition: dict, rng: random.Random) -> dict:
    for kind in ("all", "any"):
        if kind in condition:
            members = [shuffle(c, rng) for c in condition[kind]]
            rng.shuffle(members)
            return {kind: members}
    return dict(reversed(list(condition.items())))


@pytest.mark.parametrize("seed", range(20))
def test_not_answered_is_the_opposite_of_answered_and_missing_fails_every_value_test(seed):
    rng = random.Random(seed)
    key = rng.choice("abm")
    for answers in ALL_ANSWERS:
        assert holds(cond(key, "answered"), answers) is not holds(
            cond(key, "not_answered"), answers
        )
        if key not in answers:
            for op, value in [
                ("equals", 2),
                ("one_of", ["x", 2]),
                ("at_least", -1),
                ("at_most", 99),
            ]:
                assert not holds(cond(key, op, value), answers)


def test_canonical_writes_keys_in_order_whole_numbers_and_sorted_unique_values():
    assert list(canonical({"value": 3.0, "op": "at_least", "question": "a"}).items()) == [
        ("question", "a"),
        ("op", "at_least"),
        ("value", 3),
    ]
    assert canonical(cond("a", "one_of", ["dk", 3, 1.0, 3.0, "b"])) == cond(
        "a", "one_of", [1, 3, "b", "dk"]
    )
    assert canonical(cond("a", "one_of", [2, 2.0])) == cond("a", "equals", 2)
    assert canonical(cond("a", "answered")) == {"question": "a", "op": "answered"}
    assert canonical({"all": [cond("a", "answered")]}) == cond("a", "answered")
    assert canonical({"all": [cond("b", "answered"), {"all": [cond("a", "answered")]}]}) == {
        "all": [cond("a", "answered"), cond("b", "answered")]
    }
    # a different kind of group inside stays a group
    nested = {
        "all": [cond("a", "answered"), {"any": [cond("b", "answered"), cond("c", "answered")]}]
    }
    assert canonical(nested) == nested


# --- asked ---------------------------------------------------------------------------------------


@dataclass
class Q:
    key: str
    condition: dict | None = None


@dataclass
class P:
    questions: list
    condition: dict | None = None


def test_asked_hides_questions_and_pages_and_keeps_only_answers_of_shown_questions():
    pages = [
        P([Q("har_barn"), Q("alder")]),
        P(
            [
                Q("barnehage", cond("har_barn", "equals", "ja")),
                Q("info", cond("alder", "at_least", 67)),
            ]
        ),
        P([Q("fornoyd")], condition=cond("barnehage", "answered")),
        P([Q("slutt")]),
    ]
    answers = {"har_barn": "ja", "alder": 30, "barnehage": 5, "fornoyd": 3}
    result = asked(pages, answers)
    assert result.pages == {1, 2, 3, 4}
    assert result.questions == {"har_barn", "alder", "barnehage", "fornoyd", "slutt"}
    assert result.answers == answers
    # a later change hides barnehage, and so (cascading) page 3 and its answer
    answers["har_barn"] = "nei"
    result = asked(pages, answers)
    assert result.pages == {1, 4}  # page 2's questions are all hidden: the page is skipped
    assert result.questions == {"har_barn", "alder", "slutt"}
    assert result.answers == {"har_barn": "nei", "alder": 30}


def test_a_page_without_questions_is_shown_unless_its_condition_fails():
    pages = [P([Q("a")]), P([]), P([], condition=cond("a", "equals", 1))]
    assert asked(pages, {}).pages == {1, 2}
    assert asked(pages, {"a": 1}).pages == {1, 2, 3}


def test_conditions_read_only_earlier_pages_answers():
    # the same page's answer does not count: the page is drawn before it is answered
    pages = [P([Q("a"), Q("b", cond("a", "answered"))])]
    assert asked(pages, {"a": 1, "b": 2}).questions == {"a"}


def test_referred_lists_each_key_once_in_order():
    condition = {
        "any": [cond("b", "answered"), {"all": [cond("a", "answered"), cond("b", "equals", 1)]}]
    }
    assert conditions.referred(condition) == ["b", "a"]
    assert conditions.referred(None) == []


# --- shape and values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("a", "equals", 1), []),
        ("x", [("c", "not_object")]),
        ({}, [("c", "one_kind")]),
        ({"all": [cond("a", "answered")], "question": "a"}, [("c", "one_kind")]),
        ({"all": []}, [("c.all", "empty_group")]),
        ({"any": [{"op": "answered"}]}, [("c.any[0].question", "missing")]),
        ({"question": "a"}, [("c.op", "missing")]),
        ({"question": "a", "op": "equals"}, [("c.value", "missing")]),
        (cond("a", "answered", 1), [("c.value", "no_value")]),
        (cond("a", "one_of", 1), [("c.value", "one_of_list")]),
        ({"question": "a", "op": "one_of", "value": []}, [("c.value", "one_of_list")]),
        (cond("a", "equals", [1]), [("c.value", "single_value")]),
    ],
)
def test_shape_problems(condition, expected):
    assert conditions.shape_problems(condition, "c") == expected


SCALE = Target("s", "scale", low=1, high=6, dont_know=True)
SCALE_NO_DK = Target("t", "scale", low=1, high=5)
SINGLE = Target("v", "single", ("ja", "nei"))
MULTI = Target("m", "multiple", ("a", "b"))
NUMBER = Target("n", "number", low=0, high=120)
TEXT = Target("x", "text")
INFO = Target("i", "info")


@pytest.mark.parametrize(
    ("target", "op", "value", "problem"),
    [
        (SCALE, "equals", 6, None),
        (SCALE, "equals", "dk", None),
        (SCALE_NO_DK, "equals", "dk", "no_dont_know"),
        (SCALE, "equals", 7, "off_scale"),
        (SCALE, "equals", 2.5, "off_scale"),
        (SCALE, "at_least", "dk", "not_a_number"),
        (SCALE, "one_of", [1, 9], "off_scale"),
        (SINGLE, "equals", "ja", None),
        (SINGLE, "one_of", ["ja", "kanskje"], "not_a_choice"),
        (SINGLE, "equals", 1, "not_a_choice"),
        (SINGLE, "at_least", 1, "needs_number_question"),
        (MULTI, "equals", "b", None),
        (NUMBER, "at_least", 18, None),
        (NUMBER, "at_most", 200, "out_of_range"),
        (NUMBER, "equals", "ja", "not_a_number"),
        (TEXT, "answered", None, None),
        (TEXT, "equals", "ja", "text_only_answered"),
        (INFO, "answered", None, "info"),
    ],
)
def test_value_problem(target, op, value, problem):
    found = conditions.value_problem(target, op, value)
    assert (found[0] if found else None) == problem


def test_reference_problems_tell_a_later_question_from_an_unknown_one():
    earlier = {"s": SCALE}
    condition = {
        "all": [cond("s", "equals", 9), cond("later", "answered"), cond("nope", "answered")]
    }
    assert [
        (p, k)
        for p, k, _params in conditions.reference_problems(condition, "c", earlier, ["later"])
    ] == [
        ("c.all[0].value", "off_scale"),
        ("c.all[1].question", "not_earlier"),
        ("c.all[2].question", "unknown_question"),
    ]


# --- in words ------------------------------------------------------------------------------------


@dataclass
class C:
    value: str
    label: dict


@dataclass
class Question:
    text: dict
    type: str
    choices: tuple = ()


def test_describe_in_bokmal_and_english(app):
    questions = {
        "barn": Question(
            {"nb": "Har du barn?", "en": "Do you have children?"},
            "single",
            (C("ja", {"nb": "Ja", "en": "Yes"}),),
        ),
        "alder": Question({"nb": "Alder", "en": "Age"}, "number"),
        "tilbud": Question(
            {"nb": "Hva bruker du?", "en": "What do you use?"},
            "multiple",
            (C("bib", {"nb": "Bibliotek", "en": "Library"}),),
        ),
    }
    condition = {
        "all": [
            cond("barn", "equals", "ja"),
            {"any": [cond("alder", "at_least", 67), cond("tilbud", "equals", "bib")]},
        ]
    }
    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("nb"):
            assert conditions.describe(condition, questions, "nb") == (
                "«Har du barn?» er «Ja» og («Alder» er minst 67 eller «Hva bruker du?» har"
                " «Bibliotek» valgt)"
            )
        with force_locale("en"):
            assert conditions.describe(condition, questions, "en") == (
                "«Do you have children?» is «Yes» and («Age» is at least 67 or «What do you use?»"
                " has «Library» chosen)"
            )
            assert conditions.describe(cond("alder", "not_answered"), questions, "en") == (
                "«Age» is not answered"
            )
