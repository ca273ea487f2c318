"""The indicator catalogue: the starter set, figure indicators an administrator adds, the survey
indicators read from the questionnaires, and the indicator CSV import."""

from __future__ import annotations

import pytest

from helhet.extensions import db
from helhet.tabular import ImportFailed
from scorecard import queries, services
from scorecard.models import Dimension, Direction, Measure
from surveys import library
from tests.scorecard.factories import csv_text, data, starter

STARTER = {
    "netto_driftsresultat": (Dimension.ECONOMY, Direction.HIGHER),
    "disposisjonsfond": (Dimension.ECONOMY, Direction.HIGHER),
    "netto_lanegjeld": (Dimension.ECONOMY, Direction.LOWER),
    "sykefravaer": (Dimension.ORGANISATION, Direction.LOWER),
    "befolkningsvekst": (Dimension.COMMUNITY, Direction.HIGHER),
}


def test_the_starter_set_has_the_figures_municipalities_steer_by(app):
    assert services.install_starter_indicators() == list(STARTER)
    for key, (dimension, direction) in STARTER.items():
        entry = queries.catalogue_entry(key)
        assert (entry.dimension, entry.direction, entry.measure) == (
            dimension,
            direction,
            Measure.PERCENT,
        )
        assert all(entry.name.get(lang) for lang in ("nb", "nn", "en"))
        assert all(entry.description.get(lang) for lang in ("nb", "nn", "en"))
    assert "brutto driftsinntekter" in queries.catalogue_entry("netto_lanegjeld").description["nb"]


def test_installing_the_starter_set_again_keeps_an_administrators_edits(app):
    starter()
    indicator = queries.figure_indicator("sykefravaer")
    indicator.name = {"nb": "Sykefravær (alle)"}
    indicator.decimals = 2
    db.session.commit()
    assert services.install_starter_indicators() == []
    assert queries.figure_indicator("sykefravaer").name == {"nb": "Sykefravær (alle)"}


def test_survey_indicators_come_from_the_newest_published_questionnaires(app):
    starter()
    library.install_standard(publish=True)
    db.session.commit()
    entry = queries.catalogue_entry("medarbeiderundersokelse.ledelse")
    assert entry.kind == "survey" and entry.measure == Measure.SCALE_SCORE
    assert entry.dimension == Dimension.ORGANISATION and entry.scale == (1, 5)
    assert entry.questionnaire_key == "medarbeiderundersokelse"
    service = queries.catalogue_entry("bruker_hjemmetjenester.respektfull_behandling")
    assert service.dimension == Dimension.SERVICE and service.scale == (1, 6)
    keys = [e.key for e in queries.catalogue()]
    assert keys.index("netto_driftsresultat") < keys.index("bruker_hjemmetjenester.resultat")
    assert queries.figure_indicator("medarbeiderundersokelse.ledelse") is None


def test_a_figure_indicator_is_created_and_its_key_stays(app):
    data_in = services.IndicatorData(
        key="utgifter_per_innbygger",
        name={"nb": "Netto driftsutgifter per innbygger", "en": "Net expenditure per inhabitant"},
        dimension=Dimension.ECONOMY,
        measure=Measure.KRONER,
        direction=Direction.LOWER,
        decimals=0,
        source="SSB, KOSTRA",
    )
    indicator = services.save_indicator(None, data_in)
    db.session.commit()
    changed = services.IndicatorData(**{**data_in.__dict__, "key": "annen_nokkel", "decimals": 1})
    services.save_indicator(indicator, changed)
    db.session.commit()
    assert indicator.key == "utgifter_per_innbygger" and indicator.decimals == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"key": "Netto Driftsresultat"}, "key"),
        ({"key": "med.punktum"}, "key"),
        ({"key": "1aar"}, "key"),
        ({"name": {"nb": "  "}}, "name_nb"),
        ({"name": {"nb": "x" * 201}}, "name_nb"),
        ({"decimals": 7}, "decimals"),
        ({"source": "x" * 201}, "source"),
    ],
)
def test_a_bad_indicator_is_refused_at_its_field(app, changes, field):
    base = {
        "key": "ny",
        "name": {"nb": "Ny"},
        "dimension": Dimension.COMMUNITY,
        "measure": Measure.PERCENT,
        "direction": Direction.HIGHER,
    }
    with pytest.raises(services.ScorecardError) as caught:
        services.save_indicator(None, services.IndicatorData(**{**base, **changes}))
    assert caught.value.field == field


def test_a_key_can_be_used_once(app):
    starter()
    with pytest.raises(services.ScorecardError) as caught:
        services.save_indicator(
            None,
            services.IndicatorData(
                "sykefravaer", {"nb": "Igjen"}, Dimension.ECONOMY, Measure.PERCENT, Direction.LOWER
            ),
        )
    assert caught.value.field == "key"


def test_indicators_are_imported_from_csv_with_norwegian_words(app):
    summary = services.import_indicators_csv(data("indicators.csv"))
    db.session.commit()
    assert (summary.created, summary.updated) == (2, 0)
    entry = queries.catalogue_entry("barnevern_per_1000")
    assert (entry.dimension, entry.measure, entry.direction) == (
        Dimension.SERVICE,
        Measure.PER_1000_INHABITANTS,
        Direction.LOWER,
    )
    assert queries.figure_indicator("utgifter_per_innbygger").decimals == 0


def test_an_indicator_csv_updates_existing_keys_and_keeps_what_it_does_not_name(app):
    starter()
    services.import_indicators_csv(
        csv_text(
            "key;name_nb;dimension;measure;direction",
            "sykefravaer;Sykefravær i alt;organisasjonskvalitet;prosent;lavere",
        )
    )
    db.session.commit()
    indicator = queries.figure_indicator("sykefravaer")
    assert indicator.name["nb"] == "Sykefravær i alt" and indicator.name["nn"] == "Sjukefråvær"


def test_a_bad_indicator_csv_imports_nothing_and_names_every_place(app):
    with pytest.raises(ImportFailed) as caught:
        services.import_indicators_csv(
            csv_text(
                "key;name_nb;dimension;measure;direction;decimals",
                "god_nokkel;God;økonomi;prosent;høyere;1",
                "Dårlig nøkkel;Dårlig;økonomi;prosent;høyere;1",
                "x;X;velferd;prosent;høyere;1",
                "y;Y;økonomi;liter;høyere;1",
                "z;Z;økonomi;prosent;opp;9",
                "god_nokkel;Igjen;økonomi;prosent;høyere;1",
            )
        )
    assert [p.place for p in caught.value.problems] == [
        "Line 3, column key",
        "Line 4, column dimension",
        "Line 5, column measure",
        "Line 6, column direction",
        "Line 6, column decimals",
        "Line 7, column key",
    ]
    db.session.rollback()
    assert queries.figure_indicator("god_nokkel") is None


def test_init_db_adds_the_starter_set_after_the_migrations(app, runner, monkeypatch):
    import helhet.cli

    monkeypatch.setattr(helhet.cli, "upgrade", lambda: None)  # the tables are there already
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Added the starter indicators: netto_driftsresultat" in result.output
    assert queries.figure_indicator("befolkningsvekst") is not None
    again = runner.invoke(args=["init-db"])
    assert "starter indicators" not in again.output and "up to date" in again.output
