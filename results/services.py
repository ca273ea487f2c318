"""A round's results: the one function every page, export, report and API response reads.

    tree = queries.round_tree(campaign)
    results = round_results(campaign, units=tree.nodes)    # or the units a reader may see
    results.cells        one Cell per org unit x indicator and per org unit x item (CELL_COLUMNS)
    results.units        one UnitResult per org unit: response count, population, response rate
    results.frame()      the cells as a DataFrame with the columns CELL_COLUMNS

What it covers. Every unit of the round and every ancestor up to the municipality (`queries.
round_tree`). A unit's figures cover its whole subtree: a sector's and the municipality's figures
are domain estimates over the round's units below them in the one design, as R's
`svyby(~x, ~sector, design, svymean, na.rm=TRUE)` gives them (a domain keeps the whole design).
Cells, per org unit, in this order: each indicator of the questionnaire (item None) followed by its
items (scale questions, in questionnaire order; an item of two indicators appears under both), then
the scale questions that belong to no indicator (indicator None). Number, text and choice
questions have no cells.

The design. Every round is stratified by unit (codes and open links are issued per unit, so each
unit's respondents are a sample of their own), with the finite population correction from the
units' populations for the round's period (R: `svydesign(id=~1, strata=~unit, fpc=~headcount)`):
for an employee survey the headcount, a census attempt per unit, so a unit where 40 of 45 answered
gets a narrow interval. When a unit with answers has no population, or fewer people than answers,
the design has no fpc at all (`Design.fpc` False and `Design.note` says which unit). Weights: the
data model has none yet (a Response keeps age group and gender, but there are no population cells
to post-stratify or rake to), so citizen and service-user surveys use the same unweighted design;
`Design.weights` is None.

Where each number comes from:
- items, for a unit of the round with no unit of the round below it (one stratum): the database
  aggregates n, sum and sum of squares per unit and question (`collector.dataset.item_sums`,
  GROUP BY) and `analysis.item_table_from_sums` turns them into estimate, se and interval;
- items, for every other org unit (sectors, the municipality, a unit of the round with units of
  the round below it): `analysis.SurveyDesign.mean_table` on the answers
  (`collector.dataset.answers_frame`), one domain per org unit. analysis offers domains of several
  strata only on respondent-level data; both paths equal R (tests/results/test_services.py);
- indicators: per respondent, the mean of the indicator's items answered if at least `min_share`
  of them were (`analysis.indicator_scores`), then `SurveyDesign.mean` of that score per org unit;
- favourable_share (only where the indicator has `favourable_from`): the design-based share of
  answers (items) or of respondents' indicator scores (indicators) at or above `favourable_from`,
  with `analysis.favourable_share` (a logit interval, as R's svyciprop; never Wald);
- score_0_100: 100 * (x - min) / (max - min) of the estimate and of its interval, on the
  question's scale (`analysis.rescale_0_100`);
- dont_know_share: "vet ikke" answers / (answers on the scale + "vet ikke" answers) to the item,
  over the unit's subtree, unweighted (from `item_sums`); for an indicator, the same pooled over its
  items, and only where every item cell of the indicator is shown (else None: the pooled share
  would tell how many answered the hidden item);
- respondents: the counted responses in the unit's subtree (`collector.dataset` leaves out
  open-link answers held for review); response_rate: respondents / population, where the
  population is the sum of the populations of the round's units in the subtree (None if one is
  unknown).

Suppression (DESIGN §4) is applied here, once, before anything leaves this function: every cell
is a row of one table per indicator and item over the tree, with n = its valid answers (for an
indicator: the respondents with a score), and `analysis.suppress` hides cells under the round's
min_group (reason "under_min_group") and the complementary cells that subtracting from the parent
would reveal (reason "complementary"). The response counts get the same treatment. A suppressed
cell carries no number at all: n, estimate, se, df, the intervals and every share are None; only
`suppressed` (True) and `reason` are set. The whole tree is suppressed before the cells are
filtered to `units`, so every reader sees the same cells hidden.

Reads only: no writes, no request needed (the CLI calls it). Access is the caller's job: pass
the units the reader may see.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, fields

import pandas as pd

from analysis import (
    MIN_GROUP_FLOOR,
    SurveyDesign,
    favourable_share,
    indicator_scores,
    item_table_from_sums,
    rescale_0_100,
    suppress,
)
from collector import dataset
from collector.models import Campaign
from helhet import queries as core_queries
from helhet.models import OrgUnit
from results import queries
from results.queries import RoundTree
from surveys import queries as survey_queries

LEVEL = 0.95  # every interval is a 95 % interval


@dataclass(frozen=True)
class Cell:
    """One figure cell: an org unit x an indicator (item None) or x an item.

    unit        the org unit's code
    level       "municipality", "sector" or "unit" (the org unit's level)
    indicator   the indicator's key; None for an item that belongs to no indicator
    item        the question key; None on the indicator's own cell
    n           valid answers behind the estimate (an indicator: respondents with a score)
    estimate    mean on the question's own scale (e.g. 1-5), design-based
    se          its standard error (0 for a census; None when it cannot be estimated)
    ci_low, ci_high             95 % t interval with the domain's degrees of freedom (df)
    df          the domain's design degrees of freedom: answering respondents minus their strata
    score_0_100, score_ci_low, score_ci_high        the estimate and interval on 0-100
    favourable_share, favourable_ci_low, favourable_ci_high
                share (0-1) at or above the indicator's favourable_from, with its interval;
                None when the indicator has no favourable_from
    dont_know_share             share (0-1) of the answers that were "vet ikke"
    suppressed  True when the cell is hidden; every number above is then None
    reason      None, "under_min_group" or "complementary" (analysis.disclosure)
    """

    unit: str
    level: str
    indicator: str | None
    item: str | None
    n: int | None
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    df: int | None
    score_0_100: float | None
    score_ci_low: float | None
    score_ci_high: float | None
    favourable_share: float | None
    favourable_ci_low: float | None
    favourable_ci_high: float | None
    dont_know_share: float | None
    suppressed: bool
    reason: str | None


CELL_COLUMNS = tuple(f.name for f in fields(Cell))
NUMBER_FIELDS = tuple(
    name
    for name in CELL_COLUMNS
    if name not in ("unit", "level", "indicator", "item", "suppressed", "reason")
)


@dataclass(frozen=True)
class UnitResult:
    """One org unit of the round's tree: who answered.

    respondents     counted responses in the unit's subtree (None when suppressed)
    population      the population of the round's units in the subtree for the round's period
                    (None when one of them is unknown); never suppressed: it is not an answer
    response_rate   respondents / population (0-1; None when suppressed or the population is
                    unknown or 0)
    suppressed, reason   as Cell: the response count of a small group is hidden too
    """

    unit: str
    name: str
    level: str
    parent: str | None
    respondents: int | None
    population: int | None
    response_rate: float | None
    suppressed: bool
    reason: str | None


@dataclass(frozen=True)
class Design:
    """The design the estimates come from (see the module docstring).

    strata   the stratum column: "unit" (each unit of the round is a stratum)
    fpc      True when the finite population correction (the units' populations) is used
    weights  None: the data model has no survey weights yet
    note     why there is no fpc ("" when there is)
    """

    strata: str
    fpc: bool
    weights: str | None
    note: str


@dataclass(frozen=True)
class RoundResults:
    """Every figure of one round for the org units asked for, already suppressed."""

    campaign_id: int
    questionnaire: str  # the questionnaire's key
    version: int
    kind: str  # "employee", "citizen" or "service_user"
    period: int  # the year whose populations apply
    min_group: int
    design: Design
    units: tuple[UnitResult, ...]
    cells: tuple[Cell, ...]

    def frame(self) -> pd.DataFrame:
        """The cells as a DataFrame with the columns CELL_COLUMNS (None where a Cell has None)."""
        return pd.DataFrame(
            [[getattr(c, name) for name in CELL_COLUMNS] for c in self.cells],
            columns=list(CELL_COLUMNS),
        )

    def cell(self, unit: str, indicator: str | None, item: str | None = None) -> Cell | None:
        """The cell of an org unit (code) and an indicator (key) or one of its items."""
        return next(
            (
                c
                for c in self.cells
                if c.unit == unit and c.indicator == indicator and c.item == item
            ),
            None,
        )

    def unit(self, code: str) -> UnitResult | None:
        return next((u for u in self.units if u.unit == code), None)


# --- what the questionnaire asks for -------------------------------------------------------------


@dataclass(frozen=True)
class _Indicator:
    key: str
    items: tuple[str, ...]
    scale: tuple[float, float]
    min_share: float
    favourable_from: float | None

    @property
    def column(self) -> str:
        return f"score:{self.key}"  # ":" is never in a question key


@dataclass(frozen=True)
class _CellSpec:
    indicator: str | None
    item: str | None
    variable: str  # the frame column estimated: the item's key or the indicator's score column
    scale: tuple[float, float]
    favourable_from: float | None
    dont_know_items: tuple[str, ...]


def _scale(question) -> tuple[float, float]:
    # as surveys.questiontypes: a scale without bounds is 1-5
    return float(question.scale_min or 1), float(question.scale_max or 5)


def _specs(
    campaign: Campaign,
) -> tuple[list[_Indicator], dict[str, tuple[float, float]], list[_CellSpec]]:
    questionnaire = campaign.questionnaire
    scales = {q.key: _scale(q) for q in survey_queries.scale_questions(questionnaire)}
    indicators = []
    for indicator in survey_queries.indicators(questionnaire):
        items = tuple(q.key for q in survey_queries.indicator_items(indicator) if q.key in scales)
        if items:
            indicators.append(
                _Indicator(
                    indicator.key,
                    items,
                    scales[items[0]],
                    float(indicator.min_share or 0.5),
                    indicator.favourable_from,
                )
            )
    specs = []
    grouped: set[str] = set()
    for ind in indicators:
        specs.append(
            _CellSpec(ind.key, None, ind.column, ind.scale, ind.favourable_from, ind.items)
        )
        for item in ind.items:
            specs.append(_CellSpec(ind.key, item, item, scales[item], ind.favourable_from, (item,)))
            grouped.add(item)
    for item, scale in scales.items():
        if item not in grouped:
            specs.append(_CellSpec(None, item, item, scale, None, (item,)))
    return indicators, scales, specs


# --- the estimates, before suppression ------------------------------------------------------------

_EMPTY = {
    "estimate": math.nan,
    "se": math.nan,
    "ci_low": math.nan,
    "ci_high": math.nan,
    "n": 0,
    "df": 0,
}


@dataclass
class _Raw:
    """Unsuppressed figures, keyed by (org unit code, variable) and (code, variable, threshold)."""

    estimates: dict[tuple[str, str], dict]
    favourable: dict[tuple[str, str, float], dict]
    dont_know: dict[tuple[str, str], tuple[int, int]]  # (code, item) -> (vet ikke, on the scale)
    respondents: dict[str, int]
    population: dict[str, int | None]
    design: Design


def _design_choice(tree: RoundTree, campaign: Campaign, respondents: dict[str, int]) -> Design:
    units = {unit.code: unit for unit in tree.nodes}
    for code in sorted(respondents):
        population = core_queries.population(units[code], campaign.period)
        if population is None:
            return Design(
                "unit",
                False,
                None,
                f"{code} has no population for {campaign.period}: no finite population correction",
            )
        if population < respondents[code]:
            return Design(
                "unit",
                False,
                None,
                f"{code} has more responses ({respondents[code]}) than its population "
                f"({population}): no finite population correction",
            )
    return Design("unit", True, None, "")


def _records(
    table: pd.DataFrame, by: str, variable_column: str | None = None, variable: str | None = None
):
    for row in table.to_dict("records"):
        yield row[by], (row[variable_column] if variable_column else variable), row


def _raw(
    campaign: Campaign,
    tree: RoundTree,
    indicators: list[_Indicator],
    scales: dict[str, tuple[float, float]],
    specs: list[_CellSpec],
) -> _Raw:
    units = {unit.code: unit for unit in tree.nodes}
    frame = dataset.answers_frame(campaign)
    respondents = {str(k): int(v) for k, v in frame["unit"].value_counts().items()}
    design_info = _design_choice(tree, campaign, respondents)
    unit_population = {
        code: core_queries.population(units[code], campaign.period) for code in tree.round_units
    }
    population = {}
    for code in tree.depth:
        counts = [unit_population[u] for u in tree.strata[code]]
        population[code] = None if any(c is None for c in counts) else int(sum(counts))
    subtree_respondents = {
        code: sum(respondents.get(u, 0) for u in tree.strata[code]) for code in tree.depth
    }

    estimates: dict[tuple[str, str], dict] = {}
    favourable: dict[tuple[str, str, float], dict] = {}
    dont_know: dict[tuple[str, str], tuple[int, int]] = {}
    item_keys = list(scales)

    # the database path: per unit and question sums, for items and "vet ikke"
    sums = dataset.item_sums(campaign, question_keys=item_keys) if item_keys else None
    if sums is not None and len(sums):
        per_stratum = {
            (r["unit"], r["item"]): (int(r["dont_know"]), int(r["n"]))
            for r in sums.to_dict("records")
        }
        for code in tree.depth:
            for item in item_keys:
                parts = [per_stratum.get((u, item), (0, 0)) for u in tree.strata[code]]
                dont_know[(code, item)] = (sum(p[0] for p in parts), sum(p[1] for p in parts))
        leaves = [
            code for code in tree.depth if tree.is_single_stratum(code) and respondents.get(code)
        ]
        leaf_sums = sums[sums["unit"].isin(leaves) & (sums["n"] > 0)]
        if len(leaf_sums):
            table = item_table_from_sums(
                leaf_sums[["unit", "item", "n", "sum", "sumsq"]],
                population=(
                    {u: unit_population[u] for u in leaf_sums["unit"].unique()}
                    if design_info.fpc
                    else None
                ),
                respondents={u: respondents[u] for u in leaf_sums["unit"].unique()},
                level=LEVEL,
            )
            for code, item, row in _records(table, "unit", "item"):
                estimates[(code, item)] = row

    # the respondent-level path: domains of several strata, indicators, favourable shares
    if len(frame):
        depth_of = tree.depth
        columns: dict[str, pd.Series] = {}
        for d in sorted(set(depth_of.values())):
            ancestor_at = {
                u: next((a for a in tree.ancestors(u) if depth_of[a] == d), None)
                for u in tree.round_units
            }
            columns[f"_depth{d}"] = frame["unit"].map(ancestor_at)
        for ind in indicators:
            columns[ind.column] = indicator_scores(
                frame, list(ind.items), scale=ind.scale, min_share=ind.min_share
            )
        data = pd.concat([frame, pd.DataFrame(columns, index=frame.index)], axis=1)
        design = SurveyDesign(data, strata="unit", fpc="headcount" if design_info.fpc else None)
        wanted_thresholds = sorted(
            {(s.variable, float(s.favourable_from)) for s in specs if s.favourable_from is not None}
        )
        for d in sorted(set(depth_of.values())):
            by = f"_depth{d}"
            at_depth = {code for code, dd in depth_of.items() if dd == d}
            several = [code for code in at_depth if not tree.is_single_stratum(code)]
            if several and item_keys:
                table = design.mean_table(item_keys, by=by, level=LEVEL)
                for code, item, row in _records(table, by, "item"):
                    if code in several:
                        estimates[(code, item)] = row
            if indicators:
                table = design.mean_table([ind.column for ind in indicators], by=by, level=LEVEL)
                for code, variable, row in _records(table, by, "item"):
                    estimates[(code, variable)] = row
            for variable, threshold in wanted_thresholds:
                table = favourable_share(design, variable, threshold, by=by, level=LEVEL)
                for code, _, row in _records(table, by):
                    favourable[(code, variable, threshold)] = row

    return _Raw(estimates, favourable, dont_know, subtree_respondents, population, design_info)


# --- suppression and the cells --------------------------------------------------------------------


def _number(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _hidden(table: pd.DataFrame, tree: RoundTree, min_group: int, by: list[str] | None) -> dict:
    """(code, *by values) -> reason, for every cell `analysis.suppress` hides."""
    if not len(table):
        return {}
    plan = suppress(table, dict(tree.parent), min_group=min_group, unit="unit", n="n", by=by)
    keys = ["unit", *(by or [])]
    return {
        tuple(row[k] for k in keys): row["reason"]
        for row in plan[plan["hidden"]].to_dict("records")
    }


def round_results(campaign: Campaign, units: Iterable[OrgUnit]) -> RoundResults:
    """Every figure of `campaign` for `units` (the org units the reader may see), suppressed.

    `units` are filtered to the round's tree (its units and their ancestors): an org unit outside
    it has no results and is left out. Suppression is decided on the whole tree first, so every
    reader sees the same cells hidden. See the module docstring for what each number is.
    """
    tree = queries.round_tree(campaign)
    indicators, scales, specs = _specs(campaign)
    raw = _raw(campaign, tree, indicators, scales, specs)
    min_group = max(int(campaign.min_group or 0), MIN_GROUP_FLOOR)

    def estimate(code: str, spec: _CellSpec) -> dict:
        return raw.estimates.get((code, spec.variable), _EMPTY)

    cell_table = pd.DataFrame(
        [
            (code, spec.indicator or "", spec.item or "", int(estimate(code, spec)["n"]))
            for code in tree.depth
            for spec in specs
        ],
        columns=["unit", "indicator", "item", "n"],
    )
    hidden_cells = _hidden(cell_table, tree, min_group, ["indicator", "item"])
    count_table = pd.DataFrame(
        [(code, raw.respondents[code]) for code in tree.depth], columns=["unit", "n"]
    )
    hidden_counts = _hidden(count_table, tree, min_group, None)

    wanted = {unit.code for unit in units}
    cells: list[Cell] = []
    unit_results: list[UnitResult] = []
    for node in tree.nodes:
        code = node.code
        if code not in wanted:
            continue
        level = getattr(node.level, "value", node.level)
        reason = hidden_counts.get((code,))
        population = raw.population[code]
        shown_count = None if reason else raw.respondents[code]
        rate = (shown_count / population) if shown_count is not None and population else None
        unit_results.append(
            UnitResult(
                code,
                node.name,
                level,
                tree.parent[code],
                shown_count,
                population,
                rate,
                reason is not None,
                reason,
            )
        )
        for spec in specs:
            reason = hidden_cells.get((code, spec.indicator or "", spec.item or ""))
            if reason is not None:
                cells.append(
                    Cell(
                        code,
                        level,
                        spec.indicator,
                        spec.item,
                        **dict.fromkeys(NUMBER_FIELDS),
                        suppressed=True,
                        reason=reason,
                    )
                )
                continue
            # an indicator's "vet ikke" share pools its items: only where every item is shown,
            # else it would tell how many answered a hidden item
            pooled_ok = spec.item is not None or not any(
                (code, spec.indicator, item) in hidden_cells for item in spec.dont_know_items
            )
            cells.append(_shown_cell(code, level, spec, estimate(code, spec), raw, pooled_ok))
    return RoundResults(
        campaign_id=campaign.id,
        questionnaire=campaign.questionnaire.key,
        version=campaign.questionnaire.version,
        kind=getattr(campaign.questionnaire.kind, "value", campaign.questionnaire.kind),
        period=campaign.period,
        min_group=min_group,
        design=raw.design,
        units=tuple(unit_results),
        cells=tuple(cells),
    )


def _shown_cell(
    code: str, level: str, spec: _CellSpec, row: dict, raw: _Raw, dont_know_ok: bool
) -> Cell:
    est, lo, hi = (_number(row[k]) for k in ("estimate", "ci_low", "ci_high"))
    score = [None if v is None else float(rescale_0_100(v, spec.scale)) for v in (est, lo, hi)]
    fav = {}
    if spec.favourable_from is not None:
        fav = raw.favourable.get((code, spec.variable, float(spec.favourable_from)), {})
    dk = sum(raw.dont_know.get((code, item), (0, 0))[0] for item in spec.dont_know_items)
    answered = sum(raw.dont_know.get((code, item), (0, 0))[1] for item in spec.dont_know_items)
    return Cell(
        unit=code,
        level=level,
        indicator=spec.indicator,
        item=spec.item,
        n=int(row["n"]),
        estimate=est,
        se=_number(row["se"]),
        ci_low=lo,
        ci_high=hi,
        df=int(row["df"]),
        score_0_100=score[0],
        score_ci_low=score[1],
        score_ci_high=score[2],
        favourable_share=_number(fav.get("estimate")),
        favourable_ci_low=_number(fav.get("ci_low")),
        favourable_ci_high=_number(fav.get("ci_high")),
        dont_know_share=(dk / (dk + answered)) if dont_know_ok and dk + answered else None,
        suppressed=False,
        reason=None,
    )
