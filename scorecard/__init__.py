"""The scorecard (DESIGN §2-4): the indicator catalogue and imported figures, on which goals,
their evaluation and the scorecard pages are built.

    models.py       FigureIndicator, ComparisonRegion, FigureSeries, Figure (with revisions),
                    SourceMapping (ContentsCode -> indicator, per source table), FigureUpload
    queries.py      catalogue() of figure and survey indicators; figure_rows(), current_figure(),
                    figure_history(), comparison_values()
    services.py     save_indicator(), import_indicators_csv(), install_starter_indicators();
                    plan_import() and apply_import() for figure files; uploads
    figurefiles.py  reading CSV, XLSX and JSON-stat 2.0 figure files (the format registry)
    periods.py      2024, 2024T1, 2024K1, 2024M01
    regions.py      which codes can be comparison regions (SSB's shapes)
    starter.py      the starter set of figure indicators
    labels.py       translated vocabulary: units of measure, directions, status symbols
    routes.py       /indikatorer, /nokkeltall (pages); cli.py: `helhet indicators`, `helhet figures`

docs/scorecard.md describes the file formats and the commands. Survey results are never stored
or computed here: survey indicators are listed from the questionnaires (surveys.queries), and
their values will come from results.services.round_results.
"""

from flask import Blueprint

bp = Blueprint("scorecard", __name__, cli_group=None)  # cli.py adds its own command groups

from scorecard import (  # noqa: E402,F401
    card_routes,
    cli,
    goal_cli,
    goal_models,
    goal_routes,
    routes,
)
