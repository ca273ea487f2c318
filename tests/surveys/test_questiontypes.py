"""The question-type registry: how each type shows a stored answer back to the respondent."""

from __future__ import annotations

from surveys.models import Choice, Question, QuestionType
from surveys.questiontypes import DONT_KNOW, describe_answer


def scale(**extra) -> Question:
    return Question(key="q", type=QuestionType.SCALE, scale_min=1, scale_max=6, dont_know=True,
                    low_label={"nb": "Svært misfornøyd"}, high_label={"nb": "Svært fornøyd"}, **extra)


def choices(kind: QuestionType) -> Question:
    return Question(key="c", type=kind, choices=[Choice(value="a", label={"nb": "Alltid", "en": "Always"}),
                                                 Choice(value="b", label={"nb": "Bare iblant"})])


def test_a_scale_answer_shows_its_end_point_label(app):
    assert describe_answer(scale(), 6, "nb") == "6 – Svært fornøyd"
    assert describe_answer(scale(), 3, "nb") == "3"


def test_dont_know_and_no_answer_are_said_in_words(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert describe_answer(scale(), DONT_KNOW, "en") == "Don't know / not relevant"
        assert describe_answer(scale(), None, "en") == "Not answered"


def test_choices_show_their_labels_in_the_respondents_language(app):
    assert describe_answer(choices(QuestionType.SINGLE), "a", "en") == "Always"
    assert describe_answer(choices(QuestionType.MULTIPLE), ["a", "b"], "nb") == "Alltid, Bare iblant"


def test_numbers_use_a_decimal_comma_in_norwegian(app):
    number = Question(key="n", type=QuestionType.NUMBER, integer_only=False)
    assert describe_answer(number, 2.5, "nb") == "2,5"
    assert describe_answer(number, 2.5, "en") == "2.5"
    assert describe_answer(number, 12.0, "nn") == "12"
