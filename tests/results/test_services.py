"""The results service: R's numbers for a round imported from paper,
and suppression once, inside it.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from sqlalchemy import event

from analysis import SurveyDesign
from collector import dataset
from helhet.extensions import db
from results import queries, services
from results.services import NUMBER_FIELDS
from tests import factories as core_factories
from tests.results import factories
from tests.results.factories import make_small_round, r_reference

RELATIVE = 1e-7  # R's svyciprop fits a GLM: its shares agree to about 1e-10


def everything(campaign):
    return services.round_results(campaign, queries.round_tree(campaign).nodes)


def cells_for(results, unit: str, variable: str):
    """The cells R's row (unit, variable) speaks of: an indicator's own cell, or an item under
    every indicator it belongs to (and on its own)."""
    if variable.startswith("score_"):
        return [results.cell(unit, variable.removeprefix("score_"))]
    return [c for c in results.cells if c.unit == unit and c.item == variable]


def close(ours, theirs) -> bool:
    return math.isclose(ours, theirs, rel_tol=RELATIVE, abs_tol=1e-12)


def test_a_round_imported_from_paper_gives_rs_means_and_standard_errors_for_every_org_unit(any_app):
    campaign = factories.make_api_round(min_group=5)
    results = everything(campaign)
    compared = 0
    for r in r_reference().to_dict("records"):
        for cell in cells_for(results, r["unit"], r["variable"]):
            if r["n"] < 5:
                assert cell.suppressed and cell.reason == "under_min_group", (
                    r["unit"],
                    r["variable"],
                )
                continue
            if cell.suppressed:  # hidden so that subtraction cannot reveal a small neighbour
                assert cell.reason == "complementary"
                continue
            where = (r["unit"], r["variable"], cell.indicator)
            assert cell.n == r["n"], where
            assert close(cell.estimate, r["estimate"]), where
            assert close(cell.se, r["se"]), where
            assert close(cell.ci_low, r["ci_low"]) and close(cell.ci_high, r["ci_high"]), where
            assert cell.df == r["df"], where
            compared += 1
    # the municipality, 3 sectors and 9 units, each for 7 items and 3 indicators (items of two
    # indicators twice), less the cells of q3 and "miljo" that sector H's "vet ikke" hides
    assert compared >= 120
    assert {c.unit for c in results.cells if not c.suppressed} == set(r_reference()["unit"])


def test_favourable_shares_equal_rs_svyciprop_with_the_logit_interval(app):
    campaign = factories.make_api_round(min_group=5)
    results = everything(campaign)
    compared = 0
    for r in r_reference().dropna(subset=["fav"]).to_dict("records"):
        for cell in cells_for(results, r["unit"], r["variable"]):
            if cell.suppressed or cell.indicator == "miljo":  # miljo has no favourable_from
                continue
            assert close(cell.favourable_share, r["fav"]), (r["unit"], r["variable"])
            if not pd.isna(r["fav_ci_low"]):
                assert close(cell.favourable_ci_low, r["fav_ci_low"])
                assert close(cell.favourable_ci_high, r["fav_ci_high"])
            compared += 1
    assert compared >= 80
    assert all(c.favourable_share is None for c in results.cells if c.indicator == "miljo")


def test_scores_on_0_100_move_the_estimate_and_its_interval_with_the_scale(app):
    results = everything(factories.make_api_round())
    cell = results.cell("9990", "laering")
    assert cell.score_0_100 == pytest.approx(100 * (cell.estimate - 1) / 4)
    assert cell.score_ci_low == pytest.approx(100 * (cell.ci_low - 1) / 4)
    assert cell.score_ci_high == pytest.approx(100 * (cell.ci_high - 1) / 4)


def test_a_unit_where_everyone_answered_is_a_census_with_no_sampling_error(app):
    results = everything(factories.make_api_round())  # E-3: 20 of 20
    cell = results.cell("9990-E-3", "laering", "q1")
    assert cell.se == 0 and cell.ci_low == cell.ci_high == cell.estimate
    assert results.unit("9990-E-3").response_rate == 1.0


def test_response_counts_and_rates_add_up_the_units_below(app):
    results = everything(factories.make_api_round())
    sector = results.unit("9990-H")
    assert (sector.respondents, sector.population) == (50, 17 + 34 + 32)
    assert sector.response_rate == pytest.approx(50 / 83)
    assert results.unit("9990").respondents == 200 and results.unit("9990").population == 277


def test_vet_ikke_is_reported_as_a_share_of_the_answers_to_the_item(app):
    results = everything(factories.make_api_round())
    # q3: 66 of the 200 schools have no acs.46 and answered "dk"
    assert results.cell("9990", "laering", "q3").dont_know_share == pytest.approx(66 / 200)
    # q6 was left unanswered, not "vet ikke"
    assert results.cell("9990", "miljo", "q6").dont_know_share == 0
    assert results.cell("9990", "laering").dont_know_share == pytest.approx(66 / 600)


def test_an_indicators_vet_ikke_share_is_left_out_where_one_of_its_items_is_hidden(app):
    # it pools the items: beside the unit's response count it would tell how many answered q3
    results = everything(factories.make_api_round())
    assert results.cell("9990-H-1", "laering", "q3").suppressed
    assert not results.cell("9990-H-1", "laering").suppressed
    assert results.cell("9990-H-1", "laering").dont_know_share is None
    assert results.cell("9990-E-1", "laering").dont_know_share is not None


def test_items_of_no_indicator_have_cells_of_their_own(app):
    results = everything(factories.make_api_round())
    cell = results.cell("9990", None, "q7")
    assert cell is not None and cell.n == 200 and cell.favourable_share is None


def test_the_design_is_stratified_by_unit_with_the_headcounts_and_no_weights(app):
    results = everything(factories.make_api_round())
    assert results.design == services.Design(strata="unit", fpc=True, weights=None, note="")
    assert (results.kind, results.min_group, results.period) == ("employee", 5, 2026)


def test_reading_the_results_writes_nothing_but_the_results_cache(any_app):
    campaign = factories.make_api_round()
    statements = []

    def remember(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()[:4]).upper())

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        everything(campaign)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    writes = [s for s in statements if not s.startswith(("SELECT", "WITH", "PRAGMA", "SET"))]
    assert statements and writes
    assert all("RESULT_CACHE" in s for s in writes), writes


# --- suppression -------------------------------------------------------------------------------


def test_a_unit_under_min_group_has_no_number_in_any_field(any_app):
    results = everything(make_small_round())
    hidden = [c for c in results.cells if c.unit == "4601-helse-hjemme"]
    assert len(hidden) == 3  # the indicator and its two items
    for cell in hidden:
        assert cell.suppressed and cell.reason == "under_min_group"
        assert all(getattr(cell, name) is None for name in NUMBER_FIELDS)
    unit = results.unit("4601-helse-hjemme")
    assert unit.suppressed and unit.respondents is None and unit.response_rate is None


def test_its_sibling_is_hidden_too_when_subtracting_from_the_parent_would_reveal_it(any_app):
    results = everything(make_small_round())
    for cell in (c for c in results.cells if c.unit == "4601-helse-sykehjem"):
        assert cell.suppressed and cell.reason == "complementary"
        assert all(getattr(cell, name) is None for name in NUMBER_FIELDS)
    assert results.unit("4601-helse-sykehjem").respondents is None
    sector = results.cell("4601-helse", "trivsel")
    assert not sector.suppressed and sector.n == 15
    assert not results.cell("4601-oppvekst-skole", "trivsel").suppressed


def test_a_reader_of_part_of_the_tree_sees_the_same_cells_hidden(any_app):
    campaign = make_small_round()
    sykehjem = next(cu.unit for cu in campaign.units if cu.unit.code == "4601-helse-sykehjem")
    results = services.round_results(campaign, [sykehjem])
    assert {c.unit for c in results.cells} == {"4601-helse-sykehjem"}
    assert all(c.suppressed for c in results.cells)


def test_units_outside_the_rounds_tree_get_no_results(app):
    campaign = make_small_round()
    stranger = core_factories.make_unit("9999", "En annen kommune")
    assert services.round_results(campaign, [stranger]).cells == ()


def test_the_round_never_hides_fewer_than_the_floor_of_three(app):
    campaign = make_small_round(min_group=3)
    results = everything(campaign)
    assert not results.cell("4601-helse-hjemme", "trivsel").suppressed  # 3 answers, min_group 3
    campaign.min_group = 2  # older data below the floor: still 3
    assert everything(campaign).min_group == 3


def test_sectors_equal_the_design_on_the_answers_and_units_equal_it_from_the_sums(app):
    campaign = make_small_round(min_group=3)
    results = everything(campaign)
    frame = dataset.answers_frame(campaign)
    frame["sector"] = frame["unit"].str.rsplit("-", n=1).str[0]
    design = SurveyDesign(frame, strata="unit", fpc="headcount")
    for by in ("unit", "sector"):
        table = design.mean("a", by=by)
        for row in table.to_dict("records"):
            cell = results.cell(row[by], "trivsel", "a")
            assert cell.estimate == pytest.approx(row["estimate"], rel=1e-12)
            assert cell.se == pytest.approx(row["se"], rel=1e-9)


def test_without_a_population_for_every_unit_the_design_has_no_fpc_and_says_why(app):
    campaign = make_small_round(min_group=3)
    skole = next(cu.unit for cu in campaign.units if cu.unit.code == "4601-oppvekst-skole")
    skole.populations.clear()
    db.session.commit()
    results = everything(campaign)
    assert not results.design.fpc and "4601-oppvekst-skole" in results.design.note
    frame = dataset.answers_frame(campaign)
    expected = SurveyDesign(frame, strata="unit").mean("a", by="unit")
    row = expected[expected["unit"] == "4601-helse-sykehjem"].iloc[0]
    assert results.cell("4601-helse-sykehjem", "trivsel", "a").se == pytest.approx(row["se"])
    assert results.unit("4601-oppvekst").population is None


def test_a_round_without_answers_hides_every_cell_and_count(app):
    tree = core_factories.make_tree()
    questionnaire = factories.publish_questionnaire(factories.QUESTIONNAIRE)
    campaign = factories.make_round(questionnaire, [tree["4601-helse-hjemme"]])
    results = everything(campaign)
    assert len(results.cells) == 3 * 3  # municipality, sector, unit x the indicator and 2 items
    assert all(c.suppressed and c.reason == "under_min_group" for c in results.cells)
    assert all(u.respondents is None for u in results.units)


def test_a_unit_of_the_round_with_units_of_the_round_below_it_covers_them_and_its_own_staff(
    any_app,
):
    tree = core_factories.make_tree()
    questionnaire = factories.publish_questionnaire(factories.QUESTIONNAIRE)
    units = [tree["4601-helse"], tree["4601-helse-hjemme"], tree["4601-helse-sykehjem"]]
    own = [("4601-helse", str(1 + i % 5), str(1 + (i * 2) % 5)) for i in range(6)]
    rows = own + [r for r in factories.SMALL_ROUND if r[0] != "4601-oppvekst-skole"]
    campaign = factories.make_round(questionnaire, units, 3, factories.paper(rows))
    results = everything(campaign)
    frame = dataset.answers_frame(campaign)
    frame["sector"] = "4601-helse"
    expected = SurveyDesign(frame, strata="unit", fpc="headcount").mean("a", by="sector").iloc[0]
    cell = results.cell("4601-helse", "trivsel", "a")
    assert cell.n == 6 + 3 + 12 == expected["n"]
    assert cell.estimate == pytest.approx(expected["estimate"]) and cell.se == pytest.approx(
        expected["se"]
    )
    assert results.unit("4601-helse").respondents == 21
    assert results.unit("4601-helse").population == 120 + 45 + 75
