"""A question hidden by a condition is "not asked", not "not answered": its n counts only those
who were asked, and the drill-down says who it was asked of."""

from __future__ import annotations

import copy

from sqlalchemy import func, select

from collector.models import Answer
from helhet.extensions import db
from results import services
from tests.results import factories
from tests.results.test_pages import (
    HJEMME,
    SKOLE,
    SYKEHJEM,
    closed_round,
    get_text,
    items_table,
    page_url,
)
from tests.results.test_routes import client_for


def conditional() -> dict:
    """The small questionnaire with b on a page of its own, asked only when a is at least 3."""
    data = copy.deepcopy(factories.QUESTIONNAIRE)
    a, b = data["sections"][0]["questions"]
    data["sections"] = [
        {"questions": [a]},
        {"questions": [b | {"condition": {"question": "a", "op": "at_least", "value": 3}}]},
    ]
    return data


# per unit: a = 1..5 twice, b always 4 (on paper, b was written even where it was not asked)
ANSWERS = [(unit, str(1 + i % 5), "4") for unit in (HJEMME, SYKEHJEM, SKOLE) for i in range(10)]


def test_n_of_a_conditional_question_counts_only_those_asked_and_the_page_says_so(any_app):
    campaign, tree, admin = closed_round(ANSWERS, conditional())
    # the paper import keeps b only where a >= 3 (6 of 10 per unit): the others were not asked
    assert db.session.scalar(select(func.count()).where(Answer.question_key == "b")) == 18
    results = services.round_results(campaign, [tree["4601"]])
    cells = {c.item: c for c in results.cells if c.unit == "4601" and c.item}
    assert cells["a"].n == 30
    assert cells["b"].n == 18  # not 30: the 12 not asked are not item non-response
    client = client_for(any_app, {"admin": admin}, "admin")
    table = items_table(get_text(client, page_url(campaign, tree["4601"])))
    assert "Bare spurt når «A» er minst 3" in table
    assert table.count("Bare spurt når") == 1  # a was asked of everyone


def test_the_drill_down_in_english(any_app):
    campaign, tree, admin = closed_round(ANSWERS, conditional())
    client = client_for(any_app, {"admin": admin}, "admin")
    client.get("/sprak/en")
    page = get_text(client, page_url(campaign, tree["4601"]))
    assert (
        "Asked only when «A» is at least 3; its answers count only those it was asked of." in page
    )


def test_the_answers_export_tells_not_asked_from_not_answered(any_app, tmp_path):
    from flask_babel import force_locale

    from results.answers_export import ANSWER_FORMATS, answer_table, notes

    campaign, tree, _admin = closed_round(ANSWERS, conditional())
    table = answer_table(campaign, tree["4601"], "en")
    names = [v.name for v in table.variables]
    assert names == ["unit", "a", "b", "b_asked"]
    rows = [dict(zip(names, row, strict=True)) for row in table.rows]
    assert len(rows) == 30
    for row in rows:
        asked = row["a"] >= 3
        assert row["b_asked"] == (1 if asked else 0)
        assert row["b"] == (4 if asked else None)
    with force_locale("en"):
        assert any("<key>_asked" in line for line in notes(table))
    # every format writes the column (the .sav with its value labels)
    for fmt in ("csv", "xlsx", "sav"):
        assert ANSWER_FORMATS[fmt].render(table)
    import pyreadstat

    path = tmp_path / "svar.sav"
    path.write_bytes(ANSWER_FORMATS["sav"].render(table))
    _frame, meta = pyreadstat.read_sav(str(path))
    assert meta.variable_value_labels["b_asked"] == {
        0.0: "Not asked (hidden by a condition)",
        1.0: "Asked",
    }


def test_the_free_text_page_says_who_a_conditional_text_question_was_asked_of(any_app):
    from results.free_text import free_text_page
    from tests import factories as core
    from tests.results.test_routes import close

    data = conditional()
    data["sections"][1]["questions"].append(
        {
            "key": "hvorfor",
            "type": "text",
            "text": {"nb": "Hvorfor?", "en": "Why?"},
            "condition": {"question": "a", "op": "at_least", "value": 3},
        }
    )
    tree = core.make_tree()
    published = factories.publish_questionnaire(data)
    units = [tree[HJEMME], tree[SYKEHJEM], tree[SKOLE]]
    rows = "".join(
        f"{unit};{1 + i % 5};4;svar {i}\n" for unit in (HJEMME, SYKEHJEM, SKOLE) for i in range(10)
    )
    campaign = factories.make_round(published, units, 5, "unit;a;b;hvorfor\n" + rows)
    close(campaign)
    page = free_text_page(campaign, tree["4601"])
    (question,) = page.questions
    assert len(question.answers) == 18  # written on paper by all 30; asked of 18
    assert question.asked_only == "«A» is at least 3"  # (no request: the CLI language)


def test_the_pdf_report_says_who_a_conditional_question_was_asked_of(any_app):
    from tests.results.test_report import text_of

    campaign, tree, admin = closed_round(ANSWERS, conditional())
    client = client_for(any_app, {"admin": admin}, "admin")
    response = client.get(f"/resultater/{campaign.id}/enhet/{tree['4601'].id}/rapport.pdf")
    assert response.status_code == 200
    text = " ".join(text_of(response.get_data()).split())
    assert "B: Bare spurt når «A» er minst 3" in text
