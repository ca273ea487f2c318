"""Paper answers (or answers moved from another system): validated cell by cell, all or nothing."""

import pytest
from sqlalchemy import func, select

from collector import services
from collector.clock import to_local, today
from collector.models import Answer, Response, ResponseSource
from helhet.extensions import db
from helhet.tabular import ImportFailed
from tests.collector import factories


def imported(campaign, text: str) -> int:
    count = services.import_responses(campaign, text.encode("utf-8"))
    db.session.commit()
    return count


def errors_of(campaign, text: str) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        services.import_responses(campaign, text.encode("utf-8"))
    db.session.rollback()
    return [(e.line, e.column) for e in failure.value.problems]


def test_each_row_becomes_one_paper_response_with_its_answers(app, tree):
    open_round = factories.make_open_round(tree)
    assert (
        imported(
            open_round.campaign,
            "unit;s1q1;s1q2;x_multiple;x_text\n"
            "4601-helse-hjemme;6;dk;a,b;Bra\n4601-helse-hjemme;1;;;\n",
        )
        == 2
    )
    responses = list(db.session.scalars(select(Response).order_by(Response.id)))
    assert [r.source for r in responses] == [ResponseSource.PAPER] * 2
    assert responses[0].submitted_on == today()
    first = {
        (a.question_key, a.value, a.text, a.dont_know)
        for a in db.session.scalars(select(Answer).where(Answer.response_id == responses[0].id))
    }
    assert first == {
        ("s1q1", 6.0, None, False),
        ("s1q2", None, None, True),
        ("x_multiple", None, "a", False),
        ("x_multiple", None, "b", False),
        ("x_text", None, "Bra", False),
    }


def test_an_optional_date_and_background_columns_are_kept(app, tree):
    open_round = factories.make_open_round(tree)
    day = to_local(open_round.campaign.opens_at).date()
    imported(
        open_round.campaign,
        f"unit;s1q1;submitted_on;age_group;gender\n4601-helse-hjemme;3;{day:%d.%m.%Y};30-39;k\n",
    )
    response = db.session.scalars(select(Response)).one()
    assert response.submitted_on == day and response.age_group == "30-39" and response.gender == "k"


def test_required_questions_may_be_left_empty_on_paper(app, tree):
    open_round = factories.make_open_round(tree)
    assert imported(open_round.campaign, "unit;s2q5\n4601-helse-hjemme;2\n") == 1


def test_semicolon_comma_and_windows_1252_files_are_read(app, tree):
    open_round = factories.make_open_round(tree)
    data = "unit,s1q1,x_text\r\n4601-helse-hjemme,4,Blåbær\r\n".encode("cp1252")
    assert services.import_responses(open_round.campaign, data) == 1
    assert (
        db.session.scalars(select(Answer.text).where(Answer.question_key == "x_text")).one()
        == "Blåbær"
    )


def test_every_error_is_reported_with_line_and_column(app, tree):
    open_round = factories.make_open_round(tree)
    errors = errors_of(
        open_round.campaign,
        "unit;s1q1;x_single;x_number;submitted_on\n"
        "4601-helse-hjemme;0;a;1;\n"
        "4601-oppvekst-skole;3;d;;\n"
        "4601-helse-hjemme;;;500;2026-13-01\n",
    )
    assert errors == [
        (2, "s1q1"),
        (3, "unit"),
        (3, "x_single"),
        (4, "x_number"),
        (4, "submitted_on"),
    ]


def test_unknown_columns_are_errors_on_line_1(app, tree):
    open_round = factories.make_open_round(tree)
    assert errors_of(open_round.campaign, "unit;s1q1;nope\n4601-helse-hjemme;3;1\n") == [
        (1, "nope")
    ]


def test_a_row_without_answers_is_an_error(app, tree):
    open_round = factories.make_open_round(tree)
    assert errors_of(open_round.campaign, "unit;s1q1\n4601-helse-hjemme;\n") == [(2, None)]


def test_nothing_is_stored_when_any_row_is_wrong(app, tree):
    open_round = factories.make_open_round(tree)
    errors_of(open_round.campaign, "unit;s1q1\n4601-helse-hjemme;3\n4601-helse-hjemme;9\n")
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_an_empty_file_is_an_error(app, tree):
    open_round = factories.make_open_round(tree)
    with pytest.raises(ImportFailed):
        services.import_responses(open_round.campaign, b"")
