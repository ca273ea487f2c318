"""Which respondent-level answers may leave the results: the rule the answer export
(results/answers_export.py) and the free-text page (results/free_text.py) share.

    frame = dataset.answers_frame(campaign)
    rule = release(campaign, frame)
    rule.released             codes of the round's units whose rows may be shown
    rule.withheld             the round's units whose rows may not, each with its reason
    rule.hidden_items[code]   question keys whose values are left empty in the rows of `code`

The result pages hide a figure of a group under the round's min_group, and the figures that
subtracting from the parent would reveal (`services.round_results` applies `analysis.suppress`
to the whole tree). Respondent-level rows are labelled with their unit, so a row of a unit is as
much as that unit's figures: it may be shown only where the pages show the unit. The rule, per
unit of the round (the rows carry the unit the response was given for):

1. the unit's response count is suppressed (`UnitResult.suppressed`: under min_group, or hidden
   to protect another unit): its rows are withheld, with the pages' reason;
2. the unit has units of the round below it and one of them is suppressed: its rows are withheld
   ("complementary"). Its figures on the pages cover its subtree; its own rows would give the
   subtree minus itself, and so the hidden units below it;
3. fewer than min_group responses were given for the unit itself (possible only when units of
   the round lie below it, whose respondents the pages count with it): withheld
   ("under_min_group"). `analysis.suppress` already protects such an own part by hiding a unit
   beside it, so rule 2 applies as well; this rule keeps the rows out should that ever change;
4. in the rows that are shown, a scale question's values are left empty for a unit where the
   pages hide a cell the question feeds: the item's cell, or a cell of an indicator it belongs
   to (hidden cells of the units below count for a unit that has units of the round below it),
   and where fewer than min_group of the unit's own responses answered it on the scale. Else the
   rows would give the hidden cell, or with the parent's figure a sibling's. A unit that has no
   cell for the question at all (the questionnaire promised units their indicators only,
   `hide_unit_items`) counts as hidden too: the pages keep its item figures to themselves, and
   whether they would be suppressed is not known here.

Number, choice and free-text questions have no figures on the pages, so only rules 1-3 apply to
them. Held open-link responses are never part of the data (`collector.dataset.COUNTED`).
Reads only; access is the caller's job (administrators only).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from collector.models import Campaign
from results import queries, services
from results.queries import RoundTree
from results.services import RoundResults
from surveys import queries as survey_queries

UNDER_MIN_GROUP = "under_min_group"
COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class Withheld:
    """A unit of the round whose respondent-level answers are not shown, and why (the reasons of
    `analysis.disclosure`: "under_min_group" or "complementary")."""

    unit: str
    name: str
    reason: str


@dataclass(frozen=True)
class Release:
    """The release rule's answer for one round (see the module docstring)."""

    tree: RoundTree
    results: RoundResults
    released: frozenset[str]
    withheld: tuple[Withheld, ...]  # in tree order
    hidden_items: dict[str, frozenset[str]]  # released unit -> question keys left empty

    @property
    def min_group(self) -> int:
        return self.results.min_group

    def in_scope(self, code: str) -> frozenset[str]:
        """The round's units in the subtree of `code` (the org unit a page or file is about)."""
        return frozenset(self.tree.strata[code])

    def withheld_in(self, code: str) -> tuple[Withheld, ...]:
        scope = self.in_scope(code)
        return tuple(w for w in self.withheld if w.unit in scope)

    def count_shown(self, code: str) -> bool:
        """True when the pages show the response count of `code`'s subtree (so the number of
        rows left out of it can be told: it follows from that count and the rows shown)."""
        result = self.results.unit(code)
        return result is not None and not result.suppressed


def _hidden_cells(results: RoundResults, scale_keys: set[str]) -> dict[str, set[str]]:
    """unit code -> the scale questions that feed a suppressed cell of the unit, or that have no
    cell at the unit (a unit promised its indicators only; `scale_keys`: every scale question,
    also one no org unit shows)."""
    items_of: dict[str, set[str]] = {}
    for cell in results.cells:
        if cell.indicator is not None and cell.item is not None:
            items_of.setdefault(cell.indicator, set()).add(cell.item)
    with_cell: dict[str, set[str]] = {unit.unit: set() for unit in results.units}
    for cell in results.cells:
        if cell.item is not None:
            with_cell[cell.unit].add(cell.item)
    items = set().union(scale_keys, *with_cell.values())
    hidden = {code: items - found for code, found in with_cell.items()}
    for cell in results.cells:
        if cell.suppressed:
            keys = {cell.item} if cell.item is not None else items_of.get(cell.indicator, set())
            hidden.setdefault(cell.unit, set()).update(keys)
    return hidden


def release(campaign: Campaign, frame: pd.DataFrame) -> Release:
    """The release rule for `campaign`, given its answers (`collector.dataset.answers_frame`)."""
    tree = queries.round_tree(campaign)
    results = services.round_results(campaign, tree.nodes)
    min_group = results.min_group
    suppressed = {u.unit: u.reason for u in results.units if u.suppressed}
    names = {node.code: node.name for node in tree.nodes}
    own = {str(k): int(v) for k, v in frame["unit"].value_counts().items()}
    # every scale question, also one no org unit shows a figure of (hide_unit_items)
    scale_keys = {q.key for q in survey_queries.scale_questions(campaign.questionnaire)}
    item_keys = sorted(scale_keys & set(frame.columns))
    answered = frame.groupby("unit")[item_keys].count() if item_keys else pd.DataFrame()
    cells = _hidden_cells(results, scale_keys)

    released: set[str] = set()
    withheld: list[Withheld] = []
    hidden_items: dict[str, frozenset[str]] = {}
    for node in tree.nodes:
        code = node.code
        if code not in tree.round_units:
            continue
        below = tree.strata[code]
        if code in suppressed:
            reason = suppressed[code]
        elif any(unit in suppressed for unit in below):
            reason = COMPLEMENTARY
        elif own.get(code, 0) < min_group:
            reason = UNDER_MIN_GROUP if own.get(code, 0) else None
        else:
            reason = None
        if reason is not None:
            withheld.append(Withheld(code, names[code], reason))
            continue
        released.add(code)
        keys = set().union(*(cells.get(unit, set()) for unit in below))
        if code in answered.index:
            counts = answered.loc[code]
            keys |= {key for key in item_keys if 0 < int(counts[key]) < min_group}
        hidden_items[code] = frozenset(keys)
    return Release(tree, results, frozenset(released), tuple(withheld), hidden_items)
