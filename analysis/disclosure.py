"""Disclosure control: which cells of a results table over the org-unit tree must be hidden.

DESIGN.md §4: no figure for a cell with fewer than `min_group` valid answers (default 5, never
below 3), and complementary suppression so that a hidden cell cannot be recovered by subtracting
shown siblings from a shown parent, up the tree.

The model. Every row of the table is an org unit whose figures cover its whole subtree, with
n = valid answers in the subtree. A parent's answers are those of its children plus its own
(staff placed directly in the parent): own = n(parent) - sum of n(children) >= 0. The own part
is never shown as a row, so it is an unknown too. For every figure that adds up (n, and a sum
= mean x n) each parent gives one equation

    T(parent) = own(parent) + sum of T(child)

Published cells are known; hidden cells and own parts are unknowns. A hidden cell is recovered
when the equations determine it; an own part of fewer than min_group answers is protected too.

The procedure:
1. primary: hide every cell with n < min_group (reason "under_min_group");
2. complementary (reason "complementary"), repeated until nothing changes:
   - a shown parent whose unknown parts are a single hidden child, or add up to fewer than
     min_group answers, gets its smallest shown child hidden too (or is hidden itself when it
     has none left);
   - a hidden parent whose children are all shown and that has no own part gets its smallest
     child hidden (else it equals the sum of its children);
3. audit: the equations are solved symbolically (a cell is determined when its unit vector
   lies in the row space of the equation matrix); any determined hidden cell or small own part
   gets its smallest shown sibling (else child, else parent) hidden, and we go back to 2.
Hiding only ever grows, so this ends; with everything hidden nothing is determined.

A cell with n = 0 has nothing to protect: it is hidden (no figure to show) but never audited.
Run `suppress` on the whole tree of a campaign and filter afterwards, so every page and export
hides the same cells.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping

import numpy as np
import pandas as pd
from scipy.linalg import null_space

PRIMARY = "under_min_group"
COMPLEMENTARY = "complementary"
MIN_GROUP_FLOOR = 3  # the smallest min_group anyone may choose (DESIGN.md §4); its one home


def _parents(tree, unit: str) -> dict[Hashable, Hashable | None]:
    if isinstance(tree, pd.DataFrame):
        if unit not in tree.columns or "parent" not in tree.columns:
            raise ValueError(f"tree needs the columns {unit!r} and 'parent'")
        pairs = zip(tree[unit], tree["parent"], strict=True)
    elif isinstance(tree, Mapping):
        pairs = tree.items()
    else:
        raise TypeError("tree must be a mapping unit -> parent or a DataFrame [unit, parent]")
    parents: dict[Hashable, Hashable | None] = {}
    for child, parent in pairs:
        parents[child] = (
            None if parent is None or (isinstance(parent, float) and np.isnan(parent)) else parent
        )
    for parent in list(parents.values()):
        if parent is not None and parent not in parents:
            parents[parent] = None
    # no cycles
    for start in parents:
        seen, node = set(), start
        while node is not None:
            if node in seen:
                raise ValueError(f"the tree has a cycle through {node!r}")
            seen.add(node)
            node = parents[node]
    return parents


class _Tree:
    def __init__(self, counts: dict, parents: dict, min_group: int):
        self.n = counts
        self.parent = parents
        self.min_group = min_group
        self.nodes = sorted(counts, key=str)
        kids = defaultdict(list)
        for v in self.nodes:
            p = parents[v]
            if p is not None:
                kids[p].append(v)
        self.children = {v: sorted(kids[v], key=str) for v in self.nodes}
        self.own = {}
        for v in self.nodes:
            own = counts[v] - sum(counts[c] for c in self.children[v])
            if own < 0:
                raise ValueError(
                    f"unit {v!r} has n={counts[v]} but its children have {counts[v] - own} together"
                )
            self.own[v] = own

    def active_children(self, v):
        return [c for c in self.children[v] if self.n[c] > 0]

    def is_relation(self, v) -> bool:
        """A node whose figure is the sum of children's and its own part."""
        return bool(self.active_children(v))

    def smallest_shown(self, candidates, hidden):
        shown = [c for c in candidates if c not in hidden and self.n[c] > 0]
        return min(shown, key=lambda c: (self.n[c], str(c))) if shown else None


def _greedy(tree: _Tree, hidden: dict) -> bool:
    """One pass of the complementary rules; True if something was hidden."""
    changed = False
    for v in tree.nodes:
        if not tree.is_relation(v):
            continue
        kids = tree.active_children(v)
        hidden_kids = [c for c in kids if c in hidden]
        own = tree.own[v]
        if v not in hidden:
            parts = len(hidden_kids) + (own > 0)
            total = sum(tree.n[c] for c in hidden_kids) + own
            only_own = parts == 1 and not hidden_kids
            safe = parts == 0 or (total >= tree.min_group and (parts >= 2 or only_own))
            if not safe:
                extra = tree.smallest_shown(kids, hidden) or v
                hidden[extra] = COMPLEMENTARY
                changed = True
        elif tree.n[v] > 0 and not hidden_kids and own == 0:
            hidden[tree.smallest_shown(kids, hidden)] = COMPLEMENTARY
            changed = True
    return changed


def determined_unknowns(tree: _Tree, hidden: dict) -> list[tuple[str, Hashable]]:
    """Sensitive unknowns that the published cells determine: ("cell", v) or ("own", v)."""
    unknowns: dict[tuple[str, Hashable], int] = {}
    for v in tree.nodes:
        if v in hidden and tree.n[v] > 0:
            unknowns[("cell", v)] = len(unknowns)
    for v in tree.nodes:
        if tree.is_relation(v) and tree.own[v] > 0:
            unknowns[("own", v)] = len(unknowns)
    rows = []
    for v in tree.nodes:
        if not tree.is_relation(v):
            continue
        row = np.zeros(len(unknowns))
        if ("cell", v) in unknowns:
            row[unknowns[("cell", v)]] = 1.0
        if ("own", v) in unknowns:
            row[unknowns[("own", v)]] = -1.0
        for c in tree.active_children(v):
            if ("cell", c) in unknowns:
                row[unknowns[("cell", c)]] = -1.0
        if row.any():
            rows.append(row)
    if not rows or not unknowns:
        return []
    basis = null_space(np.array(rows))
    free = np.linalg.norm(basis, axis=1) if basis.size else np.zeros(len(unknowns))
    found = []
    for key, j in unknowns.items():
        kind, v = key
        sensitive = kind == "cell" or tree.own[v] < tree.min_group
        if sensitive and free[j] < 1e-9:
            found.append(key)
    return found


def _fix(tree: _Tree, hidden: dict, key) -> None:
    kind, v = key
    p = tree.parent[v]
    siblings = tree.active_children(p) if p is not None else []
    kids = tree.active_children(v)
    if kind == "cell":
        groups = [siblings, kids, [p] if p is not None else []]
    else:
        groups = [kids, [v], siblings, [p] if p is not None else []]
    for group in groups:
        choice = tree.smallest_shown(group, hidden)
        if choice is not None:
            hidden[choice] = COMPLEMENTARY
            return
    choice = tree.smallest_shown(tree.nodes, hidden)
    if choice is not None:
        hidden[choice] = COMPLEMENTARY


def plan(counts: Mapping, parents: Mapping, min_group: int = 5) -> dict:
    """{unit: reason} for every unit to hide, given n per unit and the tree (unit -> parent)."""
    tree = _Tree(dict(counts), dict(parents), min_group)
    hidden = {v: PRIMARY for v in tree.nodes if tree.n[v] < min_group}
    while True:
        while _greedy(tree, hidden):
            pass
        problems = determined_unknowns(tree, hidden)
        if not problems:
            return hidden
        _fix(tree, hidden, problems[0])


def suppress(
    table: pd.DataFrame,
    tree,
    min_group: int = 5,
    unit: str = "unit",
    n: str = "n",
    by=None,
) -> pd.DataFrame:
    """Hide what must be hidden in a results table over the org-unit tree.

    table: one row per unit (per `by` group, e.g. per item), with the unit column and the count
    column `n` (valid answers in the unit's subtree). tree: a mapping unit -> parent (None for
    the root) or a DataFrame with columns [unit, "parent"]; every unit of the tree needs a row.
    Returns a copy with two more columns, `hidden` (bool) and `reason` ("" for shown cells,
    "under_min_group" or "complementary"), and every other column except unit and `by` blanked
    (NaN / <NA>) in hidden rows, n included. Each `by` group is suppressed separately.
    """
    if min_group < MIN_GROUP_FLOOR:
        raise ValueError(f"min_group is never below {MIN_GROUP_FLOOR}, got {min_group}")
    parents = _parents(tree, unit)
    by_columns = [] if by is None else ([by] if isinstance(by, str) else list(by))
    reasons = pd.Series("", index=table.index, dtype=object)
    groups = table.groupby(by_columns, sort=False, dropna=False) if by_columns else [((), table)]
    for _, part in groups:
        if part[unit].duplicated().any():
            raise ValueError(f"unit {part[unit][part[unit].duplicated()].iloc[0]!r} has two rows")
        counts = dict(zip(part[unit], pd.to_numeric(part[n]).fillna(0).astype(int), strict=True))
        missing = [u for u in parents if u not in counts]
        if missing:
            raise ValueError(f"unit {missing[0]!r} is in the tree but has no row in the table")
        unknown = [u for u in counts if u not in parents]
        if unknown:
            raise ValueError(f"unit {unknown[0]!r} has a row but is not in the tree")
        hidden = plan(counts, parents, min_group)
        index = pd.Series(part.index, index=part[unit].to_numpy())
        for u, reason in hidden.items():
            reasons[index[u]] = reason
    out = table.copy()
    mask = (reasons != "").to_numpy()
    for column in out.columns:
        if column == unit or column in by_columns:
            continue
        values = out[column]
        if pd.api.types.is_integer_dtype(values.dtype) and not isinstance(
            values.dtype, pd.CategoricalDtype
        ):
            values = values.astype("Int64")
        out[column] = values.mask(mask)
    out["hidden"] = mask
    out["reason"] = reasons.to_numpy()
    return out
