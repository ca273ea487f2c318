from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import suppress

TREE = {
    "kommune": None,
    "helse": "kommune",
    "oppvekst": "kommune",
    "hjemme": "helse",
    "sykehjem": "helse",
    "legevakt": "helse",
    "skole": "oppvekst",
    "barnehage": "oppvekst",
}


def _table(n: dict) -> pd.DataFrame:
    return pd.DataFrame({"unit": list(n), "n": list(n.values()), "mean": np.linspace(3, 4, len(n))})


def _counts(**n):
    base = {"hjemme": 40, "sykehjem": 25, "legevakt": 12, "skole": 30, "barnehage": 20}
    base.update(n)
    base["helse"] = base["hjemme"] + base["sykehjem"] + base["legevakt"]
    base["oppvekst"] = base["skole"] + base["barnehage"]
    base["kommune"] = base["helse"] + base["oppvekst"]
    return base


def recoverable(n: dict, parent: dict, hidden: set, min_group: int) -> list:
    """Brute force: every figure that adds up gives, per parent, T(parent) = own + sum T(child).
    A hidden cell (or an own part below min_group) is recoverable when its unit vector lies in
    the row space of the system in the unknowns (rank test)."""
    nodes = list(n)
    children = {v: [c for c in nodes if parent.get(c) == v and n[c] > 0] for v in nodes}
    own = {v: n[v] - sum(n[c] for c in children[v]) for v in nodes}
    unknown = [("cell", v) for v in nodes if v in hidden and n[v] > 0]
    unknown += [("own", v) for v in nodes if children[v] and own[v] > 0]
    col = {u: i for i, u in enumerate(unknown)}
    rows = []
    for v in nodes:
        if not children[v]:
            continue
        row = np.zeros(len(unknown))
        if ("cell", v) in col:
            row[col[("cell", v)]] += 1
        if ("own", v) in col:
            row[col[("own", v)]] -= 1
        for c in children[v]:
            if ("cell", c) in col:
                row[col[("cell", c)]] -= 1
        rows.append(row)
    A = np.array(rows) if rows else np.zeros((0, len(unknown)))
    rank = np.linalg.matrix_rank(A) if len(A) else 0
    found = []
    for (kind, v), j in col.items():
        if kind == "own" and own[v] >= min_group:
            continue
        e = np.zeros(len(unknown))
        e[j] = 1
        if np.linalg.matrix_rank(np.vstack([A, e])) == rank:
            found.append((kind, v))
    return found


def test_a_small_unit_is_hidden_and_its_smallest_sibling_with_it():
    out = suppress(_table(_counts(legevakt=3)), TREE).set_index("unit")
    assert out.loc["legevakt", "reason"] == "under_min_group"
    assert out.loc["sykehjem", "reason"] == "complementary"
    assert out.loc["hjemme", "reason"] == ""
    assert not out.loc["helse", "hidden"]


def test_hidden_cells_show_no_figures_at_all():
    out = suppress(_table(_counts(legevakt=3)), TREE).set_index("unit")
    assert pd.isna(out.loc["legevakt", "n"]) and pd.isna(out.loc["legevakt", "mean"])
    assert out.loc["hjemme", "n"] == 40
    assert str(out["n"].dtype) == "Int64"


def test_nothing_is_hidden_when_every_group_is_large_enough():
    out = suppress(_table(_counts()), TREE)
    assert not out["hidden"].any() and (out["reason"] == "").all()


def test_a_small_only_child_hides_its_parent_and_so_on_up():
    tree = {"kommune": None, "sektor": "kommune", "annen": "kommune", "enhet": "sektor"}
    n = {"kommune": 40, "sektor": 3, "annen": 37, "enhet": 3}
    out = suppress(_table(n), tree).set_index("unit")
    assert out.loc["enhet", "hidden"] and out.loc["sektor", "hidden"]
    assert out.loc["annen", "hidden"], "else sektor = kommune - annen"
    assert recoverable(n, tree, set(out.index[out["hidden"]]), 5) == []


def test_staff_placed_directly_in_a_parent_are_protected_too():
    tree = {"sektor": None, "a": "sektor", "b": "sektor"}
    n = {"sektor": 42, "a": 20, "b": 20}  # two people placed in the sector itself
    out = suppress(_table(n), tree).set_index("unit")
    assert out["hidden"].sum() >= 1
    assert recoverable(n, tree, set(out.index[out["hidden"]]), 5) == []


def test_min_group_is_never_below_three():
    with pytest.raises(ValueError, match="never below 3"):
        suppress(_table(_counts()), TREE, min_group=2)


def test_each_item_is_suppressed_on_its_own():
    a = _table(_counts(legevakt=3)).assign(item="q1")
    b = _table(_counts()).assign(item="q2")
    out = suppress(pd.concat([a, b], ignore_index=True), TREE, by="item")
    assert out[out["item"] == "q1"]["hidden"].sum() == 2
    assert out[out["item"] == "q2"]["hidden"].sum() == 0


def test_a_table_that_does_not_match_the_tree_is_refused():
    with pytest.raises(ValueError, match="no row"):
        suppress(_table(_counts()).iloc[1:], TREE)
    bad = _table(_counts())
    bad.loc[bad["unit"] == "hjemme", "n"] = 500
    with pytest.raises(ValueError, match="children"):
        suppress(bad, TREE)


def test_the_tree_may_be_given_as_a_table():
    tree = pd.DataFrame({"unit": list(TREE), "parent": list(TREE.values())})
    a = suppress(_table(_counts(legevakt=3)), tree)
    b = suppress(_table(_counts(legevakt=3)), TREE)
    pd.testing.assert_frame_equal(a, b)


@st.composite
def trees(draw):
    size = draw(st.integers(2, 18))
    parent = {0: None}
    for i in range(1, size):
        parent[i] = draw(st.integers(0, i - 1))
    children = {i: [j for j in parent if parent[j] == i] for i in parent}
    own = {
        i: draw(st.sampled_from([0, 0, 0, 1, 2, 4, 8, 30]))
        if children[i]
        else draw(st.integers(0, 40))
        for i in parent
    }
    n = {}
    for i in sorted(parent, reverse=True):
        n[i] = own[i] + sum(n[c] for c in children[i])
    return n, parent


@settings(max_examples=200, deadline=None)
@given(tree=trees(), min_group=st.sampled_from([3, 5, 10]))
def test_no_hidden_cell_can_be_recovered_from_the_shown_ones_on_random_trees(tree, min_group):
    n, parent = tree
    out = suppress(
        pd.DataFrame({"unit": list(n), "n": list(n.values())}), parent, min_group=min_group
    )
    hidden = set(out.loc[out["hidden"], "unit"])
    assert {u for u, k in n.items() if k < min_group} <= hidden
    assert recoverable(n, parent, hidden, min_group) == []


@settings(max_examples=100, deadline=None)
@given(tree=trees(), min_group=st.sampled_from([3, 5]))
def test_subtracting_shown_children_from_a_shown_parent_never_reveals_a_small_group(
    tree, min_group
):
    n, parent = tree
    out = suppress(
        pd.DataFrame({"unit": list(n), "n": list(n.values())}), parent, min_group=min_group
    )
    hidden = set(out.loc[out["hidden"], "unit"])
    for v in n:
        kids = [c for c in n if parent[c] == v and n[c] > 0]
        if v in hidden or not kids:
            continue
        unseen = n[v] - sum(n[c] for c in kids if c not in hidden)
        assert unseen == 0 or unseen >= min_group
