"""Importing figures (services.plan_import / apply_import) on SQLite and PostgreSQL: what is
added, changed (a new revision) and left, the maps of ContentsCodes, the comparison regions, and
that a file with any problem changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helhet.extensions import db
from helhet.models import AuditEvent
from scorecard import queries, services
from scorecard.models import ComparisonRegion, Figure, SourceMapping
from surveys import library
from tests import factories as core_factories
from tests.scorecard.factories import (
    KOSTRA_MAP,
    csv_text,
    data,
    encode,
    import_file,
    import_kostra,
    jsonstat,
    starter,
    xlsx,
)

HEADER = "indicator;unit;period;value;status;note"


@pytest.fixture
def world(any_app):
    tree = core_factories.make_tree()
    starter()
    return tree


def figure_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Figure))


def current(key: str, period: str, unit=None, region=None) -> tuple:
    figure = queries.current_figure(key, period, unit=unit, region=region)
    return (figure.value, figure.status, figure.revision)


def test_a_jsonstat_file_is_imported_with_a_map_and_its_regions(world):
    summary = import_file("kostra_12134.json", data("kostra_12134.json"), KOSTRA_MAP)
    assert (summary.added, summary.changed, summary.unchanged, summary.regions) == (18, 0, 0, 2)
    assert current("netto_driftsresultat", "2024", unit=world["4601"]) == (2.1, None, 1)
    ekg13 = queries.region_by_code("EKG13")
    assert ekg13.label == "Kostragruppe 13"
    assert current("disposisjonsfond", "2023", region=ekg13) == (None, "..", 1)
    assert current("netto_lanegjeld", "2024", region=queries.region_by_code("EAKUO")) == (
        None,
        ":",
        1,
    )
    figure = queries.current_figure("netto_lanegjeld", "2023", unit=world["4601"])
    assert (figure.source, figure.source_file, figure.decimals) == ("12134", "kostra_12134.json", 1)


def test_the_map_is_saved_for_the_table_and_used_again(world):
    import_kostra()
    saved = queries.saved_mappings("12134")
    assert saved == KOSTRA_MAP
    plan = services.plan_import("kostra_12134.json", data("kostra_12134.json"))
    assert not plan.problems and len(plan.unchanged) == 18 and not plan.saved_mappings


def test_without_a_map_every_unknown_contentscode_is_a_problem_at_its_path(world):
    plan = services.plan_import("kostra_12134.json", data("kostra_12134.json"))
    assert [p.path for p in plan.problems] == [
        "dimension.ContentsCode.category.index.KOSnettodriftsres0000",
        "dimension.ContentsCode.category.index.KOSdispfond0000",
        "dimension.ContentsCode.category.index.KOSnettolaanegj0000",
    ]
    with pytest.raises(services.ImportRejected):
        services.apply_import(plan)
    assert figure_count() == 0


def test_a_code_mapped_to_nothing_is_left_out_and_the_choice_is_saved(world):
    mappings = {**KOSTRA_MAP, "KOSnettolaanegj0000": None}
    summary = import_file("kostra_12134.json", data("kostra_12134.json"), mappings)
    assert summary.added == 12
    assert queries.saved_mappings("12134")["KOSnettolaanegj0000"] is None
    assert services.plan_import("k.json", data("kostra_12134.json")).left_out == 6


def test_a_map_to_an_unknown_or_survey_indicator_or_an_absent_code_is_refused(world):
    library.install_standard(publish=True)
    db.session.commit()
    plan = services.plan_import(
        "k.json",
        data("kostra_12134.json"),
        {
            **KOSTRA_MAP,
            "KOSdispfond0000": "finnes_ikke",
            "KOSnettolaanegj0000": "medarbeiderundersokelse.ledelse",
            "KOSannet0000": "sykefravaer",
        },
    )
    messages = [str(p) for p in plan.problems]
    assert any("KOSannet0000, which is not a ContentsCode" in m for m in messages)
    assert any("No figure indicator has the key finnes_ikke" in m for m in messages)
    assert any("medarbeiderundersokelse.ledelse is a survey indicator" in m for m in messages)


def test_importing_the_revised_figures_adds_revisions_and_keeps_the_earlier_ones(world):
    import_kostra()
    plan = services.plan_import("kostra_12134_revised.json", data("kostra_12134_revised.json"))
    assert not plan.problems
    assert (len(plan.added), len(plan.changed), len(plan.unchanged)) == (1, 3, 6)
    assert plan.empty_cells == 2 and plan.new_regions == [("4602", "Kinn")]
    changed = {
        (f.indicator, f.place): (f.previous.value, f.value, f.revision) for f in plan.changed
    }
    assert changed[("netto_driftsresultat", "4601")] == (2.1, 2.3, 2)
    services.apply_import(plan)
    db.session.commit()
    history = queries.figure_history("netto_driftsresultat", "2024", unit=world["4601"])
    assert [(f.revision, f.value) for f in history] == [(1, 2.1), (2, 2.3)]
    ekg13 = queries.region_by_code("EKG13")
    assert current("disposisjonsfond", "2024", region=ekg13) == (None, ".", 2)
    eakuo = queries.region_by_code("EAKUO")
    assert current("netto_lanegjeld", "2024", region=eakuo) == (None, "-", 2)
    # the 2023 figures were not in the revised file and stay as they were
    assert current("netto_driftsresultat", "2023", unit=world["4601"]) == (1.2, None, 1)


def test_importing_the_same_file_again_changes_nothing(world):
    import_kostra()
    before = figure_count()
    summary = import_file("kostra_12134.json", data("kostra_12134.json"))
    assert (summary.added, summary.changed, summary.unchanged) == (0, 0, 18)
    assert figure_count() == before


def test_a_csv_file_is_imported_to_org_units_and_regions(world):
    summary = import_file("figures.csv", data("figures.csv"))
    assert (summary.added, summary.regions) == (7, 2)
    assert current("sykefravaer", "2024", unit=world["4601-oppvekst"]) == (7.25, None, 1)
    assert current("sykefravaer", "2024K1", unit=world["4601"]) == (-1234.5, None, 1)
    figure = queries.current_figure(
        "befolkningsvekst", "2024", region=queries.region_by_code("EKG13")
    )
    assert (figure.value, figure.status, figure.note) == (None, "..", "Tallgrunnlag mangler")
    assert queries.region_by_code("EKG13").label == "KOSTRA-gruppe 13"


def test_a_region_label_column_names_a_new_region(world):
    import_file(
        "t.csv",
        csv_text("indicator;unit;period;value;region_label", "sykefravaer;4602;2024;6,1;Kinn"),
    )
    assert queries.region_by_code("4602").label == "Kinn"


def test_an_xlsx_file_is_imported(world):
    content = xlsx(
        [
            ["indicator", "unit", "period", "value", "note"],
            ["sykefravaer", "4601-helse", 2024, 9.75, "Fra HR"],
            ["befolkningsvekst", "4601", "2024", "1,2", None],
        ]
    )
    summary = import_file("tall.xlsx", content)
    assert summary.added == 2
    assert current("sykefravaer", "2024", unit=world["4601-helse"]) == (9.75, None, 1)


def test_a_file_with_one_bad_row_imports_nothing(world):
    content = csv_text(HEADER, "sykefravaer;4601;2024;8,4;;", "sykefravaer;4601-helse;2024;x;;")
    plan = services.plan_import("t.csv", content)
    assert [p.place for p in plan.problems] == ["Line 3, column value"]
    with pytest.raises(services.ImportRejected):
        services.apply_import(plan)
    db.session.rollback()
    assert figure_count() == 0


@pytest.mark.parametrize(
    ("line", "place", "words"),
    [
        ("finnes_ikke;4601;2024;1;;", "Line 2, column indicator", "No figure indicator"),
        ("sykefravaer;4601-helse-hjemmme;2024;1;;", "Line 2, column unit", "neither the code"),
        ("sykefravaer;Oslo kommune;2024;1;;", "Line 2, column unit", "neither the code"),
        ("sykefravaer;4601;2024-01;1;;", "Line 2, column period", "not a period"),
        ("sykefravaer;4601;2024;1e3;;", "Line 2, column value", "not a number"),
        ("sykefravaer;4601;2024;1000000000000000,5;;", "Line 2, column value", "not a number"),
    ],
)
def test_a_bad_row_is_reported_at_its_place(world, line, place, words):
    plan = services.plan_import("t.csv", csv_text(HEADER, line))
    (problem,) = plan.problems
    assert problem.place == place and words in problem.message


def test_a_survey_indicator_gets_no_figures_from_a_file(world):
    library.install_standard(publish=True)
    db.session.commit()
    plan = services.plan_import(
        "t.csv", csv_text(HEADER, "medarbeiderundersokelse.ledelse;4601;2024;4,1;;")
    )
    (problem,) = plan.problems
    assert "is a survey indicator" in problem.message


def test_duplicate_rows_are_refused_naming_the_first(world):
    plan = services.plan_import(
        "t.csv",
        csv_text(HEADER, "sykefravaer;4601;2024;8,4;;", "sykefravaer;4601;2024;8,5;;"),
    )
    (problem,) = plan.problems
    assert problem.place == "Line 3, column value" and "Line 2" in problem.message


def test_two_contentscodes_mapped_to_one_indicator_are_duplicates(world):
    plan = services.plan_import(
        "k.json",
        data("kostra_12134.json"),
        {**KOSTRA_MAP, "KOSdispfond0000": "netto_driftsresultat"},
    )
    assert plan.problems and all("The same indicator" in p.message for p in plan.problems)
    assert plan.problems[0].path.startswith("value[")


def test_a_map_is_refused_for_a_csv_file(world):
    plan = services.plan_import("figures.csv", data("figures.csv"), {"A": "sykefravaer"})
    assert any("for JSON-stat files" in p.message for p in plan.problems)


def test_a_changed_region_label_renames_the_region(world):
    import_kostra()
    dataset = jsonstat()
    dataset["dimension"]["KOKkommuneregion0000"]["category"]["label"]["EKG13"] = "KOSTRA-gruppe 13"
    plan = services.plan_import("k.json", encode(dataset))
    assert plan.renamed_regions == [("EKG13", "Kostragruppe 13", "KOSTRA-gruppe 13")]
    services.apply_import(plan)
    db.session.commit()
    assert queries.region_by_code("EKG13").label == "KOSTRA-gruppe 13"


def test_a_changed_note_is_a_new_revision(world):
    import_file("t.csv", csv_text(HEADER, "sykefravaer;4601;2024;8,4;;"))
    summary = import_file("t.csv", csv_text(HEADER, "sykefravaer;4601;2024;8,4;;Korrigert"))
    assert summary.changed == 1
    assert current("sykefravaer", "2024", unit=world["4601"]) == (8.4, None, 2)


def test_the_fingerprint_changes_when_the_database_does(world):
    first = services.plan_import("figures.csv", data("figures.csv"))
    again = services.plan_import("figures.csv", data("figures.csv"))
    assert first.fingerprint == again.fingerprint
    import_file("t.csv", csv_text(HEADER, "sykefravaer;4601;2024;8,0;;"))
    assert services.plan_import("figures.csv", data("figures.csv")).fingerprint != first.fingerprint


def test_an_import_is_recorded_in_the_audit_log(world):
    import_kostra()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "figures.imported"))
    assert event.target == "kostra_12134.json"
    assert event.detail["added"] == 18 and event.detail["table"] == "12134"


def test_an_org_unit_with_figures_cannot_be_deleted_by_accident(world):
    from sqlalchemy.exc import IntegrityError

    from helhet import orgunits

    import_file("t.csv", csv_text(HEADER, "sykefravaer;4601-oppvekst-skole;2024;5,5;;"))
    with pytest.raises(IntegrityError):
        orgunits.delete_unit(world["4601-oppvekst-skole"])
    db.session.rollback()
    assert queries.current_figure("sykefravaer", "2024", unit=world["4601-oppvekst-skole"])


def test_series_are_unique_per_indicator_and_place_in_the_database(world):
    from sqlalchemy.exc import IntegrityError

    from scorecard.models import FigureSeries

    indicator = queries.figure_indicator("sykefravaer")
    region = ComparisonRegion(code="EKG13", label="KOSTRA-gruppe 13")
    db.session.add_all([FigureSeries(indicator=indicator, region=region)])
    db.session.commit()
    db.session.add(FigureSeries(indicator=indicator, region=region))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(FigureSeries(indicator=indicator))  # no place at all
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_mappings_are_one_per_table_and_code_in_the_database(world):
    import_kostra()
    assert db.session.scalar(select(func.count()).select_from(SourceMapping)) == len(KOSTRA_MAP)


def test_a_region_label_is_kept_on_one_line(world):
    import_file(
        "t.csv",
        csv_text(
            "indicator;unit;period;value;region_label",
            "sykefravaer;4601;2024;6,0;",
            'sykefravaer;4602;2024;6,1;"Kinn\nkommune"',
        ),
    )
    assert queries.region_by_code("4602").label == "Kinn kommune"
