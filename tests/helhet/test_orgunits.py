"""Org units: the CSV import is all or nothing and names every wrong place;
the tree stays a tree.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helhet import orgunits, queries
from helhet.extensions import db
from helhet.models import OrgUnit, UnitLevel
from helhet.tabular import ImportFailed

GOOD = """code;name;parent;level;population_2025;population_2026
4601;Eksempel kommune;;municipality;;
4601-helse;Helse og omsorg;4601;sector;;
4601-helse-hjemme;Hjemmetjenesten;4601-helse;unit;44;45
"""


def unit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OrgUnit))


def test_a_valid_file_creates_the_tree_with_populations(app):
    summary = orgunits.import_csv(GOOD.encode())
    db.session.commit()
    assert (summary.created, summary.updated) == (3, 0)
    home = queries.unit_by_code("4601-helse-hjemme")
    assert home.parent.code == "4601-helse"
    assert home.parent.parent.level == UnitLevel.MUNICIPALITY
    assert queries.population(home, 2025) == 44
    assert queries.population(home, 2026) == 45


def test_children_may_come_before_their_parent_in_the_file(app):
    text = "code,name,parent\n4601-helse,Helse,4601\n4601,Kommunen,\n"
    orgunits.import_csv(text.encode())
    assert queries.unit_by_code("4601-helse").parent.code == "4601"
    assert queries.unit_by_code("4601-helse").level == UnitLevel.UNIT


def test_importing_again_updates_names_and_populations(app):
    orgunits.import_csv(GOOD.encode())
    summary = orgunits.import_csv(
        b"code,name,population_2026\n4601-helse-hjemme,Hjemmetjenesten nord,50\n"
    )
    assert (summary.created, summary.updated) == (0, 1)
    unit = queries.unit_by_code("4601-helse-hjemme")
    assert unit.name == "Hjemmetjenesten nord"
    assert queries.population(unit, 2026) == 50
    assert queries.population(unit, 2025) == 44


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("code,name\n4601,\n", 2, "name"),
        ("code,name\n,Kommunen\n", 2, "code"),
        ("code,name\nhar mellomrom,Kommunen\n", 2, "code"),
        ("code,name\n4601,A\n4601,B\n", 3, "code"),
        ("code,name,parent\n4601,A,\n4601-x,B,finnes-ikke\n", 3, "parent"),
        ("code,name,level\n4601,A,fylke\n", 2, "level"),
        ("code,name,population_2026\n4601,A,mange\n", 2, "population_2026"),
        ("code,name,population_abc\n4601,A,1\n", 1, "population_abc"),
        ("code,name,colour\n4601,A,red\n", 1, "colour"),
        ("code,name,parent,level\n4601-x,A,,unit\n", 2, "parent"),
    ],
)
def test_a_wrong_cell_is_reported_with_its_line_and_column_and_nothing_is_imported(
    app, text, line, column
):
    before = unit_count()
    with pytest.raises(ImportFailed) as failure:
        orgunits.import_csv(text)
    db.session.rollback()
    assert (line, column) in [(e.line, e.column) for e in failure.value.problems]
    assert unit_count() == before


def test_all_errors_are_reported_at_once(app):
    with pytest.raises(ImportFailed) as failure:
        orgunits.import_csv("code,name\n,Uten kode\n4601,\n")
    assert [(e.line, e.column) for e in failure.value.problems] == [(2, "code"), (3, "name")]


def test_a_missing_required_column_is_named(app):
    with pytest.raises(ImportFailed) as failure:
        orgunits.import_csv("kode,name\n4601,A\n")
    columns = {e.column for e in failure.value.problems}
    assert {"code", "kode"} <= columns


def test_a_loop_of_parents_is_refused(app):
    with pytest.raises(ImportFailed) as failure:
        orgunits.import_csv(
            "code,name,parent,level\n4601,K,,municipality\na,A,b,unit\nb,B,a,unit\n"
        )
    assert any("loop" in e.message for e in failure.value.problems)
    assert unit_count() == 0


def test_a_file_moving_an_existing_unit_under_its_own_child_is_refused(app, tree):
    with pytest.raises(ImportFailed):
        orgunits.import_csv("code,name,parent,level\n4601-helse,Helse,4601-helse-hjemme,sector\n")


def test_windows_1252_files_from_excel_are_read(app):
    data = "code;name\n4601;Måløy og Ørsta\n".encode("cp1252")
    orgunits.import_csv(data)
    assert queries.unit_by_code("4601").name == "Måløy og Ørsta"


def test_an_empty_file_is_refused_with_a_message(app):
    with pytest.raises(ImportFailed) as failure:
        orgunits.import_csv(b"")
    assert failure.value.problems[0].message


def test_a_unit_cannot_be_placed_under_its_own_descendant(app, tree):
    with pytest.raises(orgunits.UnitError) as error:
        orgunits.save_unit(
            tree["4601-helse"], "4601-helse", "Helse", UnitLevel.SECTOR, tree["4601-helse-hjemme"]
        )
    assert error.value.field == "parent"


def test_two_units_cannot_share_a_code(app, tree):
    with pytest.raises(orgunits.UnitError) as error:
        orgunits.save_unit(OrgUnit(), "4601-helse", "Ny", UnitLevel.UNIT, tree["4601"])
    assert error.value.field == "code"


def test_a_unit_with_units_below_cannot_be_deleted(app, tree):
    with pytest.raises(orgunits.UnitError):
        orgunits.delete_unit(tree["4601-helse"])


def test_a_leaders_tree_starts_at_their_unit(app, tree):
    within = queries.subtree_ids(tree["4601-helse"])
    codes = [u.code for u, _ in queries.flattened(within)]
    assert codes == ["4601-helse", "4601-helse-hjemme", "4601-helse-sykehjem"]


def test_set_population_adds_changes_and_removes_a_year(app, tree):
    unit = tree["4601-helse-hjemme"]
    orgunits.set_population(unit, 2027, 50)
    assert queries.population(unit, 2027) == 50
    orgunits.set_population(unit, 2027, 51)
    assert queries.population(unit, 2027) == 51
    orgunits.set_population(unit, 2027, None)
    assert queries.population(unit, 2027) is None
