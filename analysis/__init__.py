"""Helhet's statistics: answers in (pandas DataFrames), trustworthy numbers out.

A pure library (no Flask, no SQLAlchemy, no global state; charts use matplotlib's Figure API, never
pyplot). Every estimate equals R's `survey` package for the same design (DESIGN.md §4); the docs
are in docs/analysis.md.

Designs and estimates (`analysis.design`)::

    design = SurveyDesign(data, weights=None, strata=None, fpc=None, ids=None, lonely_psu="adjust")
    design.mean(var, by=None, level=0.95, df="domain")        # svymean / svyby(svymean)
    design.total(var, by=None, level=0.95, df="domain")       # svytotal
    design.mean_table(items, by=None)                         # many items, one long table
    design.proportion(condition, by=None, method="logit")     # svyciprop: "logit", "beta", "wilson"
    design.poststratify(columns, population)                  # postStratify -> new design
    design.rake(margins, maxit=10, epsilon=1)                 # rake -> new design
    design.weighting_diagnostics()                            # Kish deff, effective n
    design.with_weights(weights, step=None)                   # same design, other weights
    design.variable(var)                                      # the values as floats, NaN missing
    design.compare(var, by=, a=, b=)                          # svyttest: a - b, se, t, df, p

  Estimate tables have the columns [<by>], estimate, se, ci_low, ci_high, n (int), df (int);
  the meaning of NaN / 0 in them is in `analysis.results`.

Comparisons (`analysis.compare`)::

    compare_rounds(earlier, later)        # independent rounds: z on the two standard errors
    adjust_pvalues(p, method="holm")      # "holm" or "bh", as R's p.adjust

Indicators (`analysis.indicators`)::

    indicator_scores(answers, items, scale=(1, 6), min_share=0.5, dont_know=None)
    rescale_0_100(values_or_table, scale)
    favourable_share(design, var, threshold, by=None, method=None)
    dont_know_share(answers, items, dont_know=None)
    cronbach_alpha(items) -> Alpha (Feldt interval)

The employee-survey table, fast and from SQL sums (`analysis.sufficient`)::

    item_table(frame, items, unit="unit", population=None)               # from answers
    item_table_from_sums(sums, population=None, respondents=None)        # from GROUP BY sums
    cell_sums(frame, items, unit="unit")                                 # the sums, in Python

Disclosure control (`analysis.disclosure`)::

    suppress(table, tree, min_group=5, unit="unit", n="n", by=None)     # adds hidden, reason
    MIN_GROUP_FLOOR                       # 3: min_group is never below it, anywhere

Charts (`analysis.charts`, each returns a Chart with png, svg, table, rows())::

    indicator_bars, trend, units_dotplot, likert_diverging, dimension_overview

Number formatting (`analysis.formatting`): format_number, format_interval, format_percent
(decimal comma for nb/nn).
"""

from analysis.compare import adjust_pvalues, compare_rounds
from analysis.design import SurveyDesign
from analysis.disclosure import MIN_GROUP_FLOOR, suppress
from analysis.formatting import format_interval, format_number, format_percent
from analysis.indicators import (
    cronbach_alpha,
    dont_know_share,
    favourable_share,
    indicator_scores,
    rescale_0_100,
)
from analysis.intervals import clopper_pearson_interval, wilson_interval
from analysis.results import Alpha, Comparison, Estimate, WeightingDiagnostics
from analysis.sufficient import (
    cell_sums,
    domain_table_from_sums,
    item_table,
    item_table_from_sums,
)
from analysis.variance import LonelyPSUError

__all__ = [
    "MIN_GROUP_FLOOR",
    "Alpha",
    "Comparison",
    "Estimate",
    "LonelyPSUError",
    "SurveyDesign",
    "WeightingDiagnostics",
    "adjust_pvalues",
    "cell_sums",
    "clopper_pearson_interval",
    "compare_rounds",
    "cronbach_alpha",
    "dont_know_share",
    "favourable_share",
    "format_interval",
    "format_number",
    "format_percent",
    "indicator_scores",
    "item_table",
    "item_table_from_sums",
    "domain_table_from_sums",
    "rescale_0_100",
    "suppress",
    "wilson_interval",
]
