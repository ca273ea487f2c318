"""What the result pages show, built from `services.round_results` (the one results service).

    view = Reader.current()                  # the org units the signed-in reader may see
    view.may_see(campaign)                   # leaders: closed rounds of their subtree; admins: all
    summary(campaign, unit, view)            # a unit's indicators beside its parent and the top
    indicator_page(campaign, unit, key, view, locale)   # items, distributions, the children
    download_results(campaign, unit, view)   # the unit's subtree: the downloads and the API

Every number comes from `round_results` for the units the reader may see, so nothing here can
show a cell that suppression hid or a unit outside the reader's subtree. Item cells can be absent
for a unit (a questionnaire with `hide_unit_items`: the service leaves them out); the drill-down
then says so instead of showing an empty table. Reads only.
"""

from __future__ import annotations

import base64
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from analysis import adjust_pvalues, compare_rounds
from analysis.results import Estimate
from collector.models import Campaign, CampaignState
from helhet import access
from helhet.i18n import current_language, localized
from helhet.models import OrgUnit
from results import cache, queries, services
from results.queries import RoundTree
from results.services import Cell, RoundResults, UnitResult
from surveys import conditions
from surveys import queries as survey_queries

if TYPE_CHECKING:
    from analysis.charts import Chart

SIGNIFICANCE = 0.05  # a change is flagged when its Holm-adjusted p-value is below this


@dataclass(frozen=True)
class Reader:
    """The org units the reader may read (None: every unit, an administrator)."""

    readable: set[int] | None

    @classmethod
    def current(cls) -> Reader:
        return cls(access.readable_unit_ids())

    @property
    def is_admin(self) -> bool:
        return self.readable is None

    def reads(self, unit: OrgUnit) -> bool:
        return self.readable is None or unit.id in self.readable

    def may_see(self, campaign: Campaign) -> bool:
        """Administrators see every round (open ones as preliminary); leaders a closed round
        that covers a unit of their subtree."""
        if self.is_admin:
            return True
        if campaign.state() != CampaignState.CLOSED:
            return False
        return any(cu.unit_id in self.readable for cu in campaign.units)

    def nodes(self, tree: RoundTree) -> list[OrgUnit]:
        """The round's org units the reader may see, in tree order (parents first)."""
        return [unit for unit in tree.nodes if self.reads(unit)]


def preliminary(campaign: Campaign) -> bool:
    return campaign.state() != CampaignState.CLOSED


def subtitle(campaign: Campaign, unit: OrgUnit) -> str:
    """The line under a page's heading (which names the unit): the round's name without the
    unit's name in it ("Brukerundersøkelse hjemmetjenesten 2026" on Hjemmetjenesten's page says
    "Brukerundersøkelse 2026"), then the questionnaire's title in brackets unless the round's
    name already says it."""
    separators = " \t-–—,:;"
    pattern = re.compile(rf"(?<![\w-]){re.escape(unit.name)}(?![\w-])", re.IGNORECASE)
    parts = [part.strip(separators) for part in pattern.split(campaign.name)]
    name = " ".join(part for part in parts if part) or campaign.name
    title = _title_unless_named(campaign.questionnaire, name)
    return f"{name} ({title})" if title else name


def _title_unless_named(questionnaire, name: str) -> str:
    """The questionnaire's title in the reader's language, or "" where `name` (a round's name)
    already says it in one of the languages."""
    if any(t.casefold() in name.casefold() for t in (questionnaire.title or {}).values() if t):
        return ""
    return localized(questionnaire.title)


@dataclass(frozen=True)
class RoundEntry:
    campaign: Campaign
    preliminary: bool
    top: OrgUnit | None  # the reader's top unit in the round's tree

    @property
    def questionnaire_title(self) -> str:
        """The questionnaire's title, or "" where the round's name already says it."""
        return _title_unless_named(self.campaign.questionnaire, self.campaign.name)


def visible_rounds(reader: Reader) -> list[RoundEntry]:
    """The rounds the reader may see, the latest to close first, each with the reader's top unit."""
    found = []
    for campaign in queries.rounds():
        if not reader.may_see(campaign):
            continue
        nodes = reader.nodes(queries.round_tree(campaign))
        if nodes or reader.is_admin:
            found.append(RoundEntry(campaign, preliminary(campaign), nodes[0] if nodes else None))
    return found


# --- the summary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """The change of an indicator's score since the previous round (0-100 points)."""

    difference: float
    earlier: float
    p_adjusted: float | None
    significant: bool

    @property
    def points(self) -> int:
        """The difference in whole points (half away from zero), as the pages show it."""
        return int(math.copysign(math.floor(abs(self.difference) + 0.5), self.difference))


@dataclass(frozen=True)
class IndicatorRow:
    key: str
    name: str
    cell: Cell
    parent: Cell | None
    top: Cell | None
    change: Change | None


@dataclass(frozen=True)
class Summary:
    campaign: Campaign
    unit: OrgUnit
    subtitle: str
    result: UnitResult
    parent: UnitResult | None  # only where the reader may see it
    top: UnitResult | None  # the municipality, only where the reader may see it
    rows: list[IndicatorRow]
    previous: Campaign | None
    children: list[tuple[UnitResult, OrgUnit]]  # the units right below, readable
    min_group: int
    preliminary: bool


def _names(campaign: Campaign) -> dict[str, dict]:
    return {i.key: i.name for i in survey_queries.indicators(campaign.questionnaire)}


def _shown(cell: Cell | None) -> bool:
    return cell is not None and not cell.suppressed and cell.estimate is not None


def _changes(rows: list[tuple[str, Cell, Cell | None]]) -> dict[str, Change]:
    """key -> Change for the rows (key, this round's cell, the previous round's cell) shown in both
    rounds, Holm-adjusted over all of them: the rows of one page (the summary's indicators, the
    drill-down's items) are one family."""
    pairs = []
    for key, cell, before in rows:
        if _shown(cell) and _shown(before):
            test = compare_rounds(_estimate(before), _estimate(cell))
            pairs.append((key, cell, before, test.p_value))
    if not pairs:
        return {}
    adjusted = adjust_pvalues([p for *_, p in pairs], method="holm")
    changes = {}
    for (key, cell, before, _p), p_adj in zip(pairs, adjusted, strict=True):
        p_adj = None if math.isnan(p_adj) else float(p_adj)
        changes[key] = Change(
            difference=cell.score_0_100 - before.score_0_100,
            earlier=before.score_0_100,
            p_adjusted=p_adj,
            significant=p_adj is not None and p_adj < SIGNIFICANCE,
        )
    return changes


def _estimate(cell: Cell) -> Estimate:
    return Estimate.from_row(
        {"estimate": cell.estimate, "se": math.nan if cell.se is None else cell.se}
    )


def _results(campaign: Campaign, reader: Reader, unit: OrgUnit) -> tuple[RoundTree, RoundResults]:
    """The round's results for what a page about `unit` shows: the unit, its parent, the
    municipality and its children (those of them the reader may see; a page reads no more)."""
    tree = queries.round_tree(campaign)
    shown = {unit.code, tree.parent.get(unit.code), tree.ancestors(unit.code)[0]}
    shown |= {code for code, parent in tree.parent.items() if parent == unit.code}
    return tree, services.round_results(
        campaign, [node for node in reader.nodes(tree) if node.code in shown]
    )


def _earlier(campaign: Campaign, unit: OrgUnit) -> tuple[Campaign | None, RoundResults | None]:
    """The previous round of the same questionnaire that covers `unit`, and its results there."""
    previous = queries.previous_round(campaign, unit.code)
    if previous is None:
        return None, None
    return previous, services.round_results(previous, [unit])


def summary(campaign: Campaign, unit: OrgUnit, reader: Reader) -> Summary:
    """`unit` (in the round's tree, readable) beside its parent and the municipality."""
    tree, results = _results(campaign, reader, unit)
    code = unit.code
    parent_code = tree.parent[code]
    top_code = tree.ancestors(code)[0]
    parent = results.unit(parent_code) if parent_code else None
    top = results.unit(top_code) if top_code not in (code, parent_code) else None
    names = _names(campaign)
    own = [(c.indicator, c) for c in results.cells if c.unit == code and c.item is None]
    previous, earlier = _earlier(campaign, unit)
    changes = _changes([(key, c, earlier and earlier.cell(code, key)) for key, c in own])
    rows = [
        IndicatorRow(
            key,
            names.get(key) or {},
            cell,
            results.cell(parent_code, key) if parent else None,
            results.cell(top_code, key) if top else None,
            changes.get(key),
        )
        for key, cell in own
    ]
    by_code = {node.code: node for node in tree.nodes}
    children = [(r, by_code[r.unit]) for r in results.units if r.parent == code]
    return Summary(
        campaign,
        unit,
        subtitle(campaign, unit),
        results.unit(code),
        parent,
        top,
        rows,
        previous,
        children,
        results.min_group,
        preliminary(campaign),
    )


# --- the drill-down ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    key: str
    text: dict
    cell: Cell
    distribution: dict[int, int] | None  # value -> answers; None where the cell is hidden
    dont_know: bool  # the question offers "vet ikke"
    change: Change | None  # since the previous round, Holm-adjusted over the page's items
    asked_only: str = ""  # the question's (and its section's) condition in words; "" for none


@dataclass(frozen=True)
class IndicatorPage:
    campaign: Campaign
    unit: OrgUnit
    subtitle: str
    key: str
    name: dict
    cell: Cell
    items: list[ItemRow]  # empty when the round shows no item of this unit
    items_hidden: bool  # the questionnaire promises units no results per question (no items)
    scale: tuple[int, int]
    distribution_chart: Chart | None
    children: list[tuple[UnitResult, Cell]]
    children_chart: Chart | None
    previous: Campaign | None  # the round the items' changes are since
    min_group: int
    preliminary: bool

    @property
    def dont_know(self) -> bool:
        """Whether a question on the page offers "vet ikke" (the table then has its column)."""
        return any(item.dont_know for item in self.items)


def asked_only(questionnaire, question) -> str:
    """Who a question was asked of, in words, when a condition hid it from others ("" when it
    was asked of everyone): its n counts only those it was asked of (docs/results.md)."""
    if question is None:
        return ""
    condition = conditions.combined(question.section.condition, question.condition)
    if condition is None:
        return ""
    by_key = {q.key: q for q in questionnaire.questions}
    return conditions.describe(condition, by_key, current_language())


def _kept_chart(results: RoundResults, name: str, draw, table: pd.DataFrame, **options) -> Chart:
    """draw(table, **options), kept with the results it was drawn from (results/cache.py): the
    same chart for the same state of the round is drawn once. `name` says what it shows (unit,
    indicator, language); every reader of the unit sees the same chart, since a reader of a
    unit reads its whole subtree."""
    from analysis.charts import Chart

    found = cache.load(results.campaign_id, results.key, [name]).get(name)
    if found is not None:
        return Chart(
            png=base64.b64decode(found["png"]),
            svg=base64.b64decode(found["svg"]),
            table=pd.DataFrame(**found["table"]),
            title=found["title"],
            description=found["description"],
            locale=found["locale"],
            decimals=found["decimals"],
        )
    chart = draw(table, **options)
    split = chart.table.to_dict("split")
    del split["index"]
    split["data"] = [[_plain(value) for value in row] for row in split["data"]]
    entry = {
        "png": base64.b64encode(chart.png).decode("ascii"),
        "svg": base64.b64encode(chart.svg).decode("ascii"),
        "table": split,
        "title": chart.title,
        "description": chart.description,
        "locale": chart.locale,
        "decimals": chart.decimals,
    }
    cache.store(results.campaign_id, results.key, {name: entry})
    return chart


def _plain(value):
    """A chart table's value as JSON keeps it: NaN (a hidden unit's number) as null."""
    value = value.item() if hasattr(value, "item") else value
    return None if isinstance(value, float) and math.isnan(value) else value


def indicator_page(
    campaign: Campaign, unit: OrgUnit, key: str, reader: Reader, locale: str, text: dict
) -> IndicatorPage | None:
    """The indicator `key` of `unit`: its items with their answer distributions, and the unit's
    children side by side. None when the round has no such indicator. `text` holds the
    translated chart labels: title_items, title_children, axis_items, axis_children,
    description_items, description_children, missing, complementary (a unit hidden to protect
    another), reference."""
    indicator = next(
        (i for i in survey_queries.indicators(campaign.questionnaire) if i.key == key), None
    )
    if indicator is None:
        return None
    from analysis.charts import likert_diverging, units_dotplot  # matplotlib: only when drawn

    tree, results = _results(campaign, reader, unit)
    code = unit.code
    cell = results.cell(code, key)
    if cell is None:
        return None
    questions = {q.key: q for q in survey_queries.indicator_items(indicator)}
    item_cells = [c for c in results.cells if c.unit == code and c.indicator == key and c.item]
    low, high = _scale_of(questions)
    counts = queries.answer_counts(campaign, [c.item for c in item_cells if not c.suppressed])
    previous, earlier = _earlier(campaign, unit) if item_cells else (None, None)
    changes = _changes(
        [(c.item, c, earlier and _item_cell(earlier, code, c.item)) for c in item_cells]
    )
    items = []
    for c in item_cells:
        distribution = None
        if not c.suppressed:
            distribution = {
                v: sum(counts.get((s, c.item, float(v)), 0) for s in tree.strata[code])
                for v in range(low, high + 1)
            }
        question = questions.get(c.item)
        items.append(
            ItemRow(
                c.item,
                question.text if question else {},
                c,
                distribution,
                bool(question and question.dont_know),
                changes.get(c.item),
                asked_only(campaign.questionnaire, question),
            )
        )
    shown = [i for i in items if i.distribution is not None]
    distribution_chart = None
    if shown:
        table = pd.DataFrame(
            [
                {
                    "item": localized(i.text) or i.key,
                    **{str(v): n for v, n in i.distribution.items()},
                }
                for i in shown
            ]
        )
        distribution_chart = _kept_chart(
            results,
            f"chart:items:{code}:{key}:{locale}",
            likert_diverging,
            table,
            label="item",
            categories=[str(v) for v in range(low, high + 1)],
            title=text["title_items"],
            description=text["description_items"],
            axis_label=text["axis_items"],
            locale=locale,
        )
    children = sorted(
        ((r, results.cell(r.unit, key)) for r in results.units if r.parent == code),
        key=lambda pair: -pair[1].score_0_100 if _shown(pair[1]) else math.inf,
    )
    children_chart = None
    if children:
        table = pd.DataFrame(
            [
                {
                    "unit": r.name,
                    "estimate": c.score_0_100 if _shown(c) else math.nan,
                    "ci_low": c.score_ci_low if _shown(c) else math.nan,
                    "ci_high": c.score_ci_high if _shown(c) else math.nan,
                    "why": text["complementary"] if c and c.reason == "complementary" else "",
                }
                for r, c in children
            ]
        )
        children_chart = _kept_chart(
            results,
            f"chart:children:{code}:{key}:{locale}",
            units_dotplot,
            table,
            label="unit",
            reference=cell.score_0_100 if _shown(cell) else None,
            reference_label=text["reference"] if _shown(cell) else "",
            scale=(0, 100),
            title=text["title_children"],
            description=text["description_children"],
            axis_label=text["axis_children"],
            missing_text=text["missing"],
            missing_column="why",
            locale=locale,
        )
    return IndicatorPage(
        campaign,
        unit,
        subtitle(campaign, unit),
        key,
        indicator.name,
        cell,
        items,
        not items and bool(campaign.questionnaire.hide_unit_items),
        (low, high),
        distribution_chart,
        children,
        children_chart,
        previous,
        results.min_group,
        preliminary(campaign),
    )


def _item_cell(results: RoundResults, code: str, item: str) -> Cell | None:
    """The item's cell of the unit under whichever indicator it was in (the same estimate)."""
    return next((c for c in results.cells if c.unit == code and c.item == item), None)


def _scale_of(questions: dict) -> tuple[int, int]:
    """The indicator's scale (its items share one); 1-5 where a question has no bounds."""
    for q in questions.values():
        return int(q.scale_min or 1), int(q.scale_max or 5)
    return 1, 5


# --- downloads -----------------------------------------------------------------------------------


def download_results(campaign: Campaign, unit: OrgUnit, reader: Reader) -> RoundResults:
    """`unit` and every unit below it that the reader may see (as `helhet results --unit`)."""
    tree = queries.round_tree(campaign)
    below = {code for code in tree.depth if unit.code in tree.ancestors(code)}
    return services.round_results(
        campaign, [node for node in reader.nodes(tree) if node.code in below]
    )
