"""Loading answers for analysis: a wide frame per response, and sums per unit and question from
the database (GROUP BY) that agree with the frame."""

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collector import dataset, services
from helhet.extensions import db
from tests.collector import factories


def paper(
    campaign, rows: list[str], header: str = "unit;s1q1;s1q2;x_single;x_multiple;x_text"
) -> None:
    services.import_responses(campaign, (header + "\n" + "\n".join(rows) + "\n").encode())
    db.session.commit()


def test_the_frame_has_one_row_per_response_with_unit_headcount_and_numeric_items(app, tree):
    open_round = factories.make_open_round(tree)
    paper(open_round.campaign, ["4601-helse-hjemme;5;dk;a;a,c;Bra", "4601-helse-hjemme;2;3;;;"])
    frame = dataset.answers_frame(open_round.campaign)
    assert list(frame.columns[:7]) == dataset.RESPONSE_COLUMNS
    assert len(frame) == 2
    assert list(frame["unit"]) == ["4601-helse-hjemme"] * 2
    assert list(frame["headcount"]) == [45.0, 45.0]
    assert list(frame["s1q1"]) == [5.0, 2.0]
    assert math.isnan(frame["s1q2"][0]) and frame["s1q2"][1] == 3.0  # don't know is missing
    assert math.isnan(frame["s2q1"][0])
    assert frame["x_single"][0] == "a" and frame["x_single"].isna()[1]
    assert list(frame["x_multiple.a"][:1]) == [1.0] and frame["x_multiple.b"][0] == 0.0
    assert math.isnan(frame["x_multiple.a"][1])
    assert "x_text" not in frame.columns


def test_item_sums_give_n_sum_and_sum_of_squares_per_unit_and_question(app, tree):
    open_round = factories.make_open_round(tree)
    paper(
        open_round.campaign,
        ["4601-helse-hjemme;5;dk;;;", "4601-helse-hjemme;2;3;;;", "4601-helse-hjemme;6;;;;"],
    )
    sums = dataset.item_sums(open_round.campaign).set_index(["unit", "item"])
    row = sums.loc[("4601-helse-hjemme", "s1q1")]
    assert (row["n"], row["sum"], row["sumsq"], row["dont_know"]) == (3, 13.0, 65.0, 0)
    row = sums.loc[("4601-helse-hjemme", "s1q2")]
    assert (row["n"], row["sum"], row["dont_know"]) == (1, 3.0, 1)
    assert (row["respondents"], row["population"]) == (3, 45.0)


def test_an_empty_round_gives_empty_tables(app, tree):
    open_round = factories.make_open_round(tree)
    assert dataset.answers_frame(open_round.campaign).empty
    assert dataset.item_sums(open_round.campaign).empty


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(
        st.tuples(
            st.sampled_from(["4601-helse-hjemme", "4601-helse-sykehjem"]),
            st.one_of(st.integers(1, 6), st.just("dk"), st.just("")),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_the_database_sums_agree_with_the_frame(app, tree, values):
    questionnaire = factories.make_questionnaire(
        key=f"q{len(values)}x{abs(hash(tuple(values))) % 10**8}",
        sections=1,
        questions_per_section=2,
    )
    campaign = factories.make_campaign(
        questionnaire, [tree["4601-helse-hjemme"], tree["4601-helse-sykehjem"]]
    )
    paper(campaign, [f"{unit};{value};1" for unit, value in values], header="unit;s1q1;s1q2")
    frame = dataset.answers_frame(campaign)
    sums = dataset.item_sums(campaign, ["s1q1"]).set_index("unit")
    for unit, group in frame.groupby("unit"):
        x = group["s1q1"].dropna().to_numpy()
        if len(x) == 0:
            continue
        assert sums.loc[unit, "n"] == len(x)
        assert np.isclose(sums.loc[unit, "sum"], x.sum()) and np.isclose(
            sums.loc[unit, "sumsq"], (x * x).sum()
        )


def test_the_item_table_from_database_sums_equals_the_one_from_the_answers(app, tree):
    """The results pages' path (GROUP BY in the database, then analysis) gives the same estimates,
    standard errors and intervals as the design-based path over every respondent's answers."""
    from analysis import item_table, item_table_from_sums

    questionnaire = factories.make_questionnaire(sections=1, questions_per_section=2)
    campaign = factories.make_campaign(
        questionnaire, [tree["4601-helse-hjemme"], tree["4601-helse-sykehjem"]]
    )
    rows = [
        "4601-helse-hjemme;5;dk;;;",
        "4601-helse-hjemme;2;3;;;",
        "4601-helse-hjemme;6;4;;;",
        "4601-helse-sykehjem;1;2;;;",
        "4601-helse-sykehjem;3;;;;",
        "4601-helse-sykehjem;4;5;;;",
        "4601-helse-sykehjem;4;6;;;",
    ]
    paper(campaign, [row.removesuffix(";;;") for row in rows], header="unit;s1q1;s1q2")
    items = ["s1q1", "s1q2"]
    from_sums = item_table_from_sums(dataset.item_sums(campaign, items))
    from_answers = item_table(dataset.answers_frame(campaign), items, population="headcount")
    key = ["item", "unit"]
    left = from_sums.sort_values(key).reset_index(drop=True)
    right = from_answers.sort_values(key).reset_index(drop=True)
    assert list(left[key].itertuples(index=False)) == list(right[key].itertuples(index=False))
    for column in ("estimate", "se", "ci_low", "ci_high"):
        assert np.allclose(left[column], right[column], rtol=1e-12, equal_nan=True), column
    assert list(left["n"]) == list(right["n"]) == [3, 4, 2, 3] and list(left["df"]) == list(
        right["df"]
    )
    assert left["se"].gt(0).all()  # real intervals, not a vacuous comparison of NaNs
