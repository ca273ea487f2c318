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

Where each number comes from: the round's tallies (`collector.tallies.current`: counts kept as
responses are released, plus the few that wait to be mixed), so no result ever loads the answers.
- items: per unit (stratum) and question, n, Σx and Σx² follow from the counts per value; every
  org unit's estimate is a domain over its strata (`analysis.domain_table_from_sums`, identical
  to `SurveyDesign(...).mean(item, by=...)` and so to R's svyby);
- indicators: a respondent's score is the mean of the indicator's items answered, kept if at
  least `min_share` of them were (as `analysis.indicator_scores`); the tallies count respondents
  by (items answered, their sum), so the score's n, Σ and Σ² per unit are exact, and the domains
  follow as for items;
- favourable_share (only where the indicator has `favourable_from`): the design-based share of
  answers (items) or of respondents' scores (indicators) at or above `favourable_from`, with
  R's svyciprop logit interval (never Wald), from the same counts;
- score_0_100: 100 * (x - min) / (max - min) of the estimate and of its interval, on the
  question's scale (`analysis.rescale_0_100`);
- dont_know_share: "vet ikke" answers / (answers on the scale + "vet ikke" answers) to the item,
  over the unit's subtree, unweighted; for an indicator, the same pooled over its
  items, and only where every item cell of the indicator is shown (else None: the pooled share
  would tell how many answered the hidden item);
- respondents: the counted responses in the unit's subtree (the tallies leave out
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
from dataclasses import asdict, dataclass, fields, replace

import numpy as np
import pandas as pd
from sqlalchemy import select

from analysis import MIN_GROUP_FLOOR, domain_table_from_sums, suppress
from collector import tallies
from collector.models import Campaign
from helhet.extensions import db
from helhet.models import OrgUnit, UnitPopulation
from results import cache, queries
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
    key: str = ""  # the state of the round they were computed from (results/cache.py): what is
    # derived from them (charts, distributions) may be kept under the same key

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


def _populations(campaign: Campaign, tree: RoundTree) -> dict[str, int | None]:
    """The round's units' populations for its period (one query), by code."""
    ids = {unit.id: unit.code for unit in tree.nodes if unit.code in tree.round_units}
    found = dict(
        db.session.execute(
            select(UnitPopulation.unit_id, UnitPopulation.count).where(
                UnitPopulation.period == campaign.period, UnitPopulation.unit_id.in_(list(ids))
            )
        ).all()
    )
    return {code: found.get(unit_id) for unit_id, code in ids.items()}


def _design_choice(respondents: dict[str, int], population: dict[str, int | None], period: int):
    for code in sorted(respondents):
        if population.get(code) is None:
            return Design(
                "unit",
                False,
                None,
                f"{code} has no population for {period}: no finite population correction",
            )
        if population[code] < respondents[code]:
            return Design(
                "unit",
                False,
                None,
                f"{code} has more responses ({respondents[code]}) than its population "
                f"({population[code]}): no finite population correction",
            )
    return Design("unit", True, None, "")


def _stratum_sums(
    counts: tallies.TallyFrames,
    code_of: dict[int, str],
    indicators: list[_Indicator],
    scales: dict[str, tuple[float, float]],
    thresholds: dict[str, set[float]],
) -> tuple[pd.DataFrame, pd.DataFrame, dict[tuple[str, str], tuple[int, int]]]:
    """Per unit (stratum) and variable: [unit, item, n, sum, sumsq] for the means, the same
    for the 0/1 "at or above the threshold" variables (item "<variable>@<threshold>"), and
    (unit, item) -> ("vet ikke" answers, answers on the scale)."""
    items = counts.items
    items = items[items["question_key"].isin(list(scales)) & items["unit_id"].isin(list(code_of))]
    items = items.assign(unit=items["unit_id"].map(code_of))
    dont_know_answers = items["dont_know"].astype(bool)
    answered = items[~dont_know_answers]
    per_item = (
        items.assign(
            dk=np.where(dont_know_answers, items["count"], 0),
            on_scale=np.where(dont_know_answers, 0, items["count"]),
        )
        .groupby(["unit", "question_key"])[["dk", "on_scale"]]
        .sum()
    )
    dont_know = {
        key: (int(dk), int(on_scale))
        for key, dk, on_scale in zip(
            per_item.index, per_item["dk"], per_item["on_scale"], strict=True
        )
    }
    values = [
        pd.DataFrame(
            {
                "unit": answered["unit"],
                "variable": answered["question_key"],
                "value": answered["value"].astype(float),
                "n": answered["count"].astype(float),
            }
        )
    ]
    scores = counts.scores
    for ind in indicators:
        mine = scores[(scores["indicator_key"] == ind.key) & scores["unit_id"].isin(list(code_of))]
        # as analysis.indicator_scores: a score only with enough of the items answered
        mine = mine[
            (mine["answered"] > 0) & (mine["answered"] >= ind.min_share * len(ind.items) - 1e-9)
        ]
        values.append(
            pd.DataFrame(
                {
                    "unit": mine["unit_id"].map(code_of),
                    "variable": ind.column,
                    "value": mine["total"].astype(float) / mine["answered"].astype(float),
                    "n": mine["count"].astype(float),
                }
            )
        )
    data = pd.concat(values, ignore_index=True)
    columns = ["unit", "item", "n", "sum", "sumsq"]

    def sums(frame: pd.DataFrame, variable: pd.Series, y: np.ndarray) -> pd.DataFrame:
        n = frame["n"].to_numpy()
        grouped = (
            pd.DataFrame(
                {
                    "unit": frame["unit"].to_numpy(),
                    "item": variable.to_numpy(),
                    "n": n,
                    "sum": n * y,
                    "sumsq": n * y * y,
                }
            )
            .groupby(["unit", "item"], sort=False)
            .sum()
            .reset_index()
        )
        return grouped[columns]

    means = sums(data, data["variable"], data["value"].to_numpy())
    shares = []
    for variable, wanted in thresholds.items():
        frame = data[data["variable"] == variable]
        for threshold in sorted(wanted):
            label = pd.Series([f"{variable}@{threshold!r}"] * len(frame), dtype=object)
            above = (frame["value"].to_numpy() >= threshold).astype(float)
            shares.append(sums(frame, label, above))
    shares_frame = pd.concat(shares, ignore_index=True) if shares else pd.DataFrame(columns=columns)
    return means, shares_frame, dont_know


def _raw(
    campaign: Campaign,
    tree: RoundTree,
    indicators: list[_Indicator],
    scales: dict[str, tuple[float, float]],
    specs: list[_CellSpec],
) -> _Raw:
    code_of = {unit.id: unit.code for unit in tree.nodes if unit.code in tree.round_units}
    counts = tallies.current_frames(campaign)
    respondents = {code_of[u]: n for u, n in counts.units.items() if n > 0 and u in code_of}
    unit_population = _populations(campaign, tree)
    design_info = _design_choice(respondents, unit_population, campaign.period)
    population = {}
    for code in tree.depth:
        parts = [unit_population[u] for u in tree.strata[code]]
        population[code] = None if any(p is None for p in parts) else int(sum(parts))
    subtree_respondents = {
        code: sum(respondents.get(u, 0) for u in tree.strata[code]) for code in tree.depth
    }
    thresholds: dict[str, set[float]] = {}
    for spec in specs:
        if spec.favourable_from is not None:
            thresholds.setdefault(spec.variable, set()).add(float(spec.favourable_from))
    means, shares, per_stratum = _stratum_sums(counts, code_of, indicators, scales, thresholds)

    dont_know = {}
    for code in tree.depth:
        for item in scales:
            parts = [per_stratum.get((u, item), (0, 0)) for u in tree.strata[code]]
            dont_know[(code, item)] = (sum(p[0] for p in parts), sum(p[1] for p in parts))

    estimates: dict[tuple[str, str], dict] = {}
    favourable: dict[tuple[str, str, float], dict] = {}
    if respondents:
        domains = {code: tree.strata[code] for code in tree.depth}
        fpc = {u: unit_population[u] for u in respondents} if design_info.fpc else None
        if len(means):
            table = domain_table_from_sums(means, domains, respondents, fpc, level=LEVEL)
            for row in table.to_dict("records"):
                estimates[(row["domain"], row["item"])] = row
        if len(shares):
            table = domain_table_from_sums(
                shares, domains, respondents, fpc, level=LEVEL, proportion=True
            )
            for row in table.to_dict("records"):
                variable, threshold = row["item"].rsplit("@", 1)
                favourable[(row["domain"], variable, float(threshold))] = row
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


CACHE_FORMAT = 2  # raise when Cell, UnitResult or a rule here changes: old entries are not read


def round_results(campaign: Campaign, units: Iterable[OrgUnit]) -> RoundResults:
    """Every figure of `campaign` for `units` (the org units the reader may see), suppressed.

    `units` are filtered to the round's tree (its units and their ancestors): an org unit outside
    it has no results and is left out. Suppression is decided on the whole tree first, so every
    reader sees the same cells hidden. See the module docstring for what each number is.

    The whole tree's results are computed once per state of the round (from its tallies) and kept
    in the database (results/cache.py), one entry per org unit, so a later view reads only the
    units it shows.
    """
    tree = queries.round_tree(campaign)
    indicators, scales, specs = _specs(campaign)
    asked = {u.code for u in units}
    wanted = [node.code for node in tree.nodes if node.code in asked]
    key = _fingerprint(campaign, tree, specs, indicators)
    names = ["round", *(f"unit:{code}" for code in wanted)]
    kept = cache.load(campaign.id, key, names)
    if len(kept) == len(names):
        return _decode(key, kept["round"], [kept[f"unit:{code}"] for code in wanted])
    full = replace(_compute(campaign, tree, indicators, scales, specs), key=key)
    cache.store(campaign.id, key, _encode(full))
    return replace(
        full,
        units=tuple(u for u in full.units if u.unit in asked),
        cells=tuple(c for c in full.cells if c.unit in asked),
    )


def _fingerprint(campaign: Campaign, tree: RoundTree, specs, indicators) -> str:
    """Everything a round's results are computed from (see results/cache.py)."""
    questionnaire = campaign.questionnaire
    return cache.fingerprint(
        [
            CACHE_FORMAT,
            campaign.id,
            campaign.period,
            campaign.min_group,
            questionnaire.id,
            questionnaire.version,
            bool(getattr(questionnaire, "hide_unit_items", False)),
            [(n.code, n.name, getattr(n.level, "value", n.level)) for n in tree.nodes],
            sorted(tree.parent.items(), key=lambda p: p[0]),
            sorted(tree.round_units),
            sorted(_populations(campaign, tree).items(), key=lambda p: p[0]),
            [repr(spec) for spec in specs],
            [repr(indicator) for indicator in indicators],
            tallies.stamps(campaign.id),
            tallies.received_count(campaign.id),
        ]
    )


def _encode(results: RoundResults) -> dict[str, object]:
    entries: dict[str, object] = {
        "round": {
            "campaign_id": results.campaign_id,
            "questionnaire": results.questionnaire,
            "version": results.version,
            "kind": results.kind,
            "period": results.period,
            "min_group": results.min_group,
            "design": asdict(results.design),
        }
    }
    cells: dict[str, list] = {u.unit: [] for u in results.units}
    for cell in results.cells:
        cells[cell.unit].append(list(vars(cell).values()))  # in field order: CELL_COLUMNS
    for unit in results.units:
        entries[f"unit:{unit.unit}"] = {"unit": asdict(unit), "cells": cells[unit.unit]}
    return entries


def _decode(key: str, meta: dict, units: list[dict]) -> RoundResults:
    return RoundResults(
        key=key,
        **{k: v for k, v in meta.items() if k != "design"},
        design=Design(**meta["design"]),
        units=tuple(UnitResult(**entry["unit"]) for entry in units),
        cells=tuple(
            Cell(**dict(zip(CELL_COLUMNS, values, strict=True)))
            for entry in units
            for values in entry["cells"]
        ),
    )


def _compute(
    campaign: Campaign,
    tree: RoundTree,
    indicators: list[_Indicator],
    scales: dict[str, tuple[float, float]],
    specs: list[_CellSpec],
) -> RoundResults:
    """Every figure of the round for the whole tree, suppressed (no cache)."""
    units = tree.nodes
    hide_unit_items = bool(getattr(campaign.questionnaire, "hide_unit_items", False))
    raw = _raw(campaign, tree, indicators, scales, specs)
    # A survey that promises units their indicators only shows item figures for the top of the
    # tree alone, and only where it covers at least two units with answers: a sector's items
    # would be its unit's where it has one, and the top's minus a sector's would give another
    # sector's, which may be one unit.
    item_owners = {
        code
        for code, parent in tree.parent.items()
        if parent is None and sum(raw.respondents.get(u, 0) > 0 for u in tree.strata[code]) >= 2
    }
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
            if hide_unit_items and spec.item is not None and code not in item_owners:
                continue  # the survey promised units their indicators only (see item_owners)
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
    low, high = spec.scale
    factor = 100.0 / (high - low)  # as analysis.rescale_0_100, on plain numbers
    score = [None if v is None else (v - low) * factor for v in (est, lo, hi)]
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
